// Signing in. The server says how (GET /api/auth/wechat/options):
// - WeChat: inside WeChat's browser the player goes to the official account's consent page and
//   comes back to `/?wxlogin=h5&code=…&state=…`, which this page exchanges (the state is checked
//   against the cookie the server gave this browser). Elsewhere the player is shown how to
//   continue in WeChat, and the website QR login where the operator configured a website app.
// - The sandbox (development and tests): a sandbox WeChat user by handle.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { ApiError, type Response } from '../shared/api.ts';
import { deviceFingerprint } from '../shared/device.ts';
import { errorText, loadErrorTexts } from '../shared/errors.ts';
import { SIGNIN_TEXT } from '../shared/signin-text.ts';
import { lazyPage } from '../shared/lazy.tsx';
import { isWechatBrowser } from '../shared/wechat.ts';

// Only browsers outside WeChat need it, and it brings the QR code generator: its own chunk.
const ContinueInWechat = lazyPage<Parameters<typeof import('../components/continue-in-wechat.tsx').ContinueInWechat>[0]>(() =>
  import('../components/continue-in-wechat.tsx').then((m) => m.ContinueInWechat),
);

type Options = Response<'GET /api/auth/wechat/options'>;

/** The sign-in body with this client's device fingerprint (linked-account evidence), when it has one. */
function withDevice<T extends object>(body: T): T & { device?: string } {
  const device = deviceFingerprint();
  return device === undefined ? body : { ...body, device };
}

function randomHandle(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return `player${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** `?wxlogin=<kind>&code=…&state=…` as WeChat sends the player back; null when the page was opened otherwise. */
function returnFromWechat(): { kind: 'h5' | 'web'; code: string | null; state: string | null } | null {
  const q = new URLSearchParams(location.search);
  const kind = q.get('wxlogin');
  if (kind !== 'h5' && kind !== 'web') return null;
  return { kind, code: q.get('code'), state: q.get('state') };
}

type Login = Response<'POST /api/auth/wechat/login'>;

export function LoginPage({ ctx }: { ctx: Ctx }) {
  const { t, lang } = ctx;
  const s = SIGNIN_TEXT[lang];
  const [user, setUser] = useState(randomHandle());
  const { options, busy, error, declined, toWechat, sandboxLogin } = useSignIn(ctx);

  const inWechat = isWechatBrowser();
  const wechat = options?.provider === 'wechat';
  return (
    <main class="page" data-testid="login-page">
      <section class="hero">
        <h1>{t('appName')}</h1>
        <p class="muted">{t('tagline')}</p>
      </section>
      {wechat && inWechat && <InsideWechat t={t} s={s} busy={busy} options={options} toWechat={toWechat} />}
      {wechat && !inWechat && (
        <ContinueInWechat
          lang={lang}
          url={`${location.origin}/`}
          busy={busy}
          websiteLogin={options.redirectKinds.includes('web') ? () => toWechat('web') : undefined}
        />
      )}
      {options?.provider === 'sandbox' && (
        <SandboxForm t={t} busy={busy} user={user} setUser={setUser} onSubmit={(e) => sandboxLogin(e, user)} />
      )}
      {declined && (
        <p class="muted" role="status" data-testid="login-declined">
          {s.declined}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="login-error" data-code={error.code}>
          {errorText(lang, error)}
        </p>
      )}
    </main>
  );
}

/** Inside WeChat's browser: the button to the official account's consent page, when the operator configured one. */
function InsideWechat({
  t,
  s,
  busy,
  options,
  toWechat,
}: {
  t: Ctx['t'];
  s: (typeof SIGNIN_TEXT)[Ctx['lang']];
  busy: boolean;
  options: Options;
  toWechat: (kind: 'h5') => Promise<void>;
}) {
  return (
    <section class="card">
      <h2>{t('loginTitle')}</h2>
      {options.redirectKinds.includes('h5') ? (
        <button type="button" class="primary wechat" disabled={busy} onClick={() => toWechat('h5')} data-testid="login-wechat">
          {busy ? s.signingIn : s.signInWechat}
        </button>
      ) : (
        <p class="muted small">{s.unavailable}</p>
      )}
    </section>
  );
}

/** The sandbox sign-in (development and tests): a sandbox WeChat user by handle. */
function SandboxForm({
  t,
  busy,
  user,
  setUser,
  onSubmit,
}: {
  t: Ctx['t'];
  busy: boolean;
  user: string;
  setUser: (user: string) => void;
  onSubmit: (event: Event) => Promise<void>;
}) {
  return (
    <form class="card" onSubmit={onSubmit}>
      <h2>{t('loginTitle')}</h2>
      <p class="muted small">{t('sandboxHint')}</p>
      <label>
        {t('sandboxUser')}
        <input
          data-testid="sandbox-user"
          value={user}
          // The dash escaped: browsers compile `pattern` with the `v` flag, where a bare `-` in a class is an error.
          pattern="[A-Za-z0-9_\-]{1,32}"
          required
          onInput={(e) => setUser((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="primary wechat" disabled={busy} data-testid="login-sandbox">
        {busy ? t('loggingIn') : t('loginWechat')}
      </button>
    </form>
  );
}

/** The sign-in state: the server's options, the way back from WeChat, and each way to sign in. */
function useSignIn(ctx: Ctx) {
  const { api } = ctx;
  const [options, setOptions] = useState<Options | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [declined, setDeclined] = useState(false);

  const finish = (login: Login) => {
    api.setTokens(login.tokens);
    ctx.setMe(login.player);
    // A deep link opened signed out (a room invitation) is kept by the app through the round trip to WeChat.
    ctx.navigate(login.player.termsCurrent ? 'lobby' : 'terms');
  };
  // The words come from the error texts' own chunk: wait for it, so the player never reads the fallback.
  const fail = (e: unknown) =>
    void loadErrorTexts().finally(() =>
      setError(e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'NETWORK_ERROR', message: String(e) }),
    );

  useEffect(() => startSignIn(api, { setOptions, setDeclined, setBusy, finish, fail, toWechat }), []);

  /** Sends the player to WeChat's consent page (official account) or website QR login. */
  const toWechat = async (kind: 'h5' | 'web') => {
    setBusy(true);
    setError(null);
    try {
      const { authorizeUrl } = await api.call('POST /api/auth/wechat/oauth', { body: { kind } });
      location.assign(authorizeUrl);
    } catch (e) {
      fail(e);
      setBusy(false);
    }
  };

  const sandboxLogin = async (event: Event, user: string) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { code } = await api.call('POST /api/sandbox/wechat/codes', { body: { kind: 'h5', user } });
      finish(await api.call('POST /api/auth/wechat/login', { body: withDevice({ kind: 'h5' as const, code }) }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return { options, busy, error, declined, toWechat, sandboxLogin };
}

interface SignInHandlers {
  setOptions(options: Options): void;
  setDeclined(declined: boolean): void;
  setBusy(busy: boolean): void;
  finish(login: Login): void;
  fail(e: unknown): void;
  toWechat(kind: 'h5'): Promise<void>;
}

/** On opening: reads how to sign in, and exchanges the code WeChat sent the player back with. */
function startSignIn(api: Ctx['api'], on: SignInHandlers): void {
  const back = returnFromWechat();
  api.call('GET /api/auth/wechat/options', {}).then((o) => {
    on.setOptions(o);
    // Inside WeChat the consent page is the only way in: go there at once (snsapi_base signs in
    // without a page). Never on the way back from it, so a refusal or a decline cannot loop.
    if (back === null && o.provider === 'wechat' && isWechatBrowser() && o.redirectKinds.includes('h5')) void on.toWechat('h5');
  }, on.fail);
  if (back === null) return;
  // The code is single use: take it out of the address bar before anything else.
  history.replaceState(null, '', location.pathname + location.hash);
  if (back.code === null) {
    on.setDeclined(true);
    return;
  }
  on.setBusy(true);
  api
    .call('POST /api/auth/wechat/login', {
      body: withDevice({ kind: back.kind, code: back.code, ...(back.state ? { state: back.state } : {}) }),
    })
    .then(on.finish, on.fail)
    .finally(() => on.setBusy(false));
}
