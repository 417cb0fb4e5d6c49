import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { PrivacyPolicy } from '../components/privacy-policy.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';

export function TermsPage({ ctx }: { ctx: Ctx }) {
  const { api, t, lang } = ctx;
  const [terms, setTerms] = useState<Response<'GET /api/terms'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.call('GET /api/terms', {}).then(setTerms, (e: unknown) => setError(String(e)));
  }, [api]);

  const accept = async () => {
    if (!terms) return;
    setBusy(true);
    try {
      ctx.setMe(await api.call('POST /api/me/terms', { body: { version: terms.version } }));
      ctx.navigate('lobby');
    } catch (e) {
      setError(errorText(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" data-testid="terms-page">
      <section class="card">
        <h2>{terms ? terms.title[lang] : t('termsTitle')}</h2>
        {terms && <p class="muted small">{t('termsVersion', { version: terms.version })}</p>}
        <div class="terms">{terms?.body[lang]}</div>
        <PrivacyPolicy policy={terms?.privacy} lang={lang} />
        <button type="button" class="primary" disabled={!terms || busy} onClick={accept} data-testid="accept-terms">
          {t('termsAccept')}
        </button>
        {error && (
          <p class="error" role="alert">
            {t('error', { message: error })}
          </p>
        )}
      </section>
    </main>
  );
}
