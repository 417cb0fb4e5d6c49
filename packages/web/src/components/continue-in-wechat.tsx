// A desktop (or any non-WeChat) browser cannot sign in through the official account's OAuth page,
// which opens only inside WeChat: this panel shows the site as a QR code to open in WeChat, and —
// where the operator configured an Open Platform website app — WeChat's website QR login.
import type { Lang } from '../shared/i18n.ts';
import { SIGNIN_TEXT } from '../shared/signin-text.ts';
import { QrCode } from './share.tsx';

export function ContinueInWechat({
  lang,
  url,
  websiteLogin,
  busy,
}: {
  lang: Lang;
  /** The address to open in WeChat (the site's start page). */
  url: string;
  /** Starts WeChat's website QR login; absent when no website app is configured. */
  websiteLogin?: (() => void) | undefined;
  busy: boolean;
}) {
  const t = SIGNIN_TEXT[lang];
  return (
    <section class="card" data-testid="continue-in-wechat">
      <h2>{t.continueTitle}</h2>
      <p class="muted small">{t.continueBody}</p>
      <figure class="qr-figure">
        <QrCode text={url} label={t.continueScan} sizePx={176} />
        <figcaption class="muted small">{t.continueScan}</figcaption>
      </figure>
      <p class="muted small">{t.continueCopy}</p>
      <input class="share-link" readOnly value={url} data-testid="continue-link" onFocus={(e) => (e.target as HTMLInputElement).select()} />
      {websiteLogin && (
        <>
          <button type="button" class="primary wechat" disabled={busy} onClick={websiteLogin} data-testid="login-website">
            {busy ? t.redirecting : t.websiteLogin}
          </button>
          <p class="muted small">{t.websiteHint}</p>
        </>
      )}
    </section>
  );
}
