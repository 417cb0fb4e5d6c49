import type { ApiClient, Lang } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Operator } from '../app.tsx';
import type { T } from '../i18n.ts';
import { consoleError } from '../errors.ts';

/** The six-digit code from the operator's authenticator app. */
function TotpInput({ t, totp, onTotp }: { t: T; totp: string; onTotp: (totp: string) => void }) {
  return (
    <label>
      {t('totp')}
      <input
        data-testid="totp"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        value={totp}
        required
        onInput={(e) => onTotp((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

export function LoginPage({ api, t, lang, onSignedIn }: { api: ApiClient; t: T; lang: Lang; onSignedIn: (op: Operator) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('POST /api/admin/auth/login', { body: { username, password, totp } });
      api.setTokens(r.tokens);
      onSignedIn(r.operator);
    } catch (e) {
      setError(consoleError(lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" data-testid="login-page">
      <form class="card" onSubmit={submit}>
        <h1>{t('signIn')}</h1>
        <label>
          {t('username')}
          <input
            data-testid="username"
            autocomplete="username"
            value={username}
            required
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            data-testid="password"
            type="password"
            autocomplete="current-password"
            value={password}
            required
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <TotpInput t={t} totp={totp} onTotp={setTotp} />
        <button type="submit" class="primary" disabled={busy} data-testid="sign-in">
          {t('signInButton')}
        </button>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {t('error', { message: error })}
          </p>
        )}
      </form>
    </main>
  );
}
