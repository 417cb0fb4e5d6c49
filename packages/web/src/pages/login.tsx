import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { ApiError } from '../shared/api.ts';
import { deviceFingerprint } from '../shared/device.ts';

function randomHandle(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return `player${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The sign-in body with this client's device fingerprint, when it has one. */
function withDevice<T extends object>(body: T): T & { device?: string } {
  const device = deviceFingerprint();
  return device === undefined ? body : { ...body, device };
}

export function LoginPage({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [user, setUser] = useState(randomHandle());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const finish = (login: { player: NonNullable<Ctx['me']>; tokens: Parameters<typeof api.setTokens>[0] }) => {
    api.setTokens(login.tokens);
    ctx.setMe(login.player);
    ctx.navigate(login.player.termsCurrent ? 'lobby' : 'terms');
  };

  // A real official-account page comes back from WeChat's OAuth consent with ?code=…: sign in with it.
  useEffect(() => {
    const code = new URLSearchParams(location.search).get('code');
    if (!code) return;
    history.replaceState(null, '', location.pathname + location.hash);
    setBusy(true);
    api
      .call('POST /api/auth/wechat/login', { body: withDevice({ kind: 'h5' as const, code }) })
      .then(finish, (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => setBusy(false));
  }, []);

  const sandboxLogin = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { code } = await api.call('POST /api/sandbox/wechat/codes', { body: { kind: 'h5', user } });
      finish(await api.call('POST /api/auth/wechat/login', { body: withDevice({ kind: 'h5' as const, code }) }));
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" data-testid="login-page">
      <section class="hero">
        <h1>{t('appName')}</h1>
        <p class="muted">{t('tagline')}</p>
      </section>
      <form class="card" onSubmit={sandboxLogin}>
        <h2>{t('loginTitle')}</h2>
        <p class="muted small">{t('sandboxHint')}</p>
        <label>
          {t('sandboxUser')}
          <input
            data-testid="sandbox-user"
            value={user}
            pattern="[A-Za-z0-9_-]{1,32}"
            required
            onInput={(e) => setUser((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary wechat" disabled={busy} data-testid="login-sandbox">
          {busy ? t('loggingIn') : t('loginWechat')}
        </button>
        {error && (
          <p class="error" role="alert">
            {t('error', { message: error })}
          </p>
        )}
      </form>
    </main>
  );
}
