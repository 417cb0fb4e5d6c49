// Sharing a link (a room invitation, a verified hand): in WeChat through the JS-SDK's share menu,
// elsewhere by the system share sheet or a copied link, always with a QR code to scan from another
// phone. Rooms embed it as <SharePanel url={…} title={…} desc={…} lang={lang} />.
import qrcode from 'qrcode-generator';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Lang } from '../shared/i18n.ts';
import { setWechatShare } from '../shared/jssdk.ts';
import { inWeChat, isWechatBrowser, type ShareOutcome, shareLink } from '../shared/wechat.ts';

const TEXT = {
  zh: {
    share: '分享',
    copy: '复制链接',
    wechat_menu: '点右上角「···」发送给朋友或群聊',
    system_sheet: '已打开分享',
    copied: '链接已复制',
    shown: '长按上面的链接复制',
    scan: '用另一部手机扫码加入',
  },
  en: {
    share: 'Share',
    copy: 'Copy link',
    wechat_menu: 'Tap ··· at the top right to send it to a friend or a group',
    system_sheet: 'Share sheet opened',
    copied: 'Link copied',
    shown: 'Press and hold the link to copy it',
    scan: 'Scan with another phone to join',
  },
} as const;

/** A QR code as SVG rects (error correction M, the smallest version that fits). */
export function QrCode({ text, sizePx = 168, label }: { text: string; sizePx?: number; label: string }) {
  const qr = useMemo(() => {
    const q = qrcode(0, 'M');
    q.addData(text, 'Byte');
    q.make();
    return q;
  }, [text]);
  const n = qr.getModuleCount();
  const quiet = 4;
  const cells: string[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(`M${c + quiet} ${r + quiet}h1v1h-1z`);
  }
  return (
    <svg
      class="qr"
      width={sizePx}
      height={sizePx}
      viewBox={`0 0 ${n + 2 * quiet} ${n + 2 * quiet}`}
      role="img"
      aria-label={label}
      data-testid="share-qr"
      data-text={text}
      shape-rendering="crispEdges"
    >
      <rect width="100%" height="100%" fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}

export function SharePanel({ url, title, desc, lang }: { url: string; title: string; desc: string; lang: Lang }) {
  const t = TEXT[lang];
  const [outcome, setOutcome] = useState<ShareOutcome | null>(null);
  const wechat = inWeChat();
  // In WeChat the ··· menu shares whatever the page set last: set it as soon as the panel shows.
  useEffect(() => {
    if (isWechatBrowser()) void setWechatShare({ title, desc, url });
  }, [url, title, desc]);
  return (
    <section class="card share" data-testid="share-panel" data-wechat={String(wechat)}>
      <input class="share-link" readOnly value={url} data-testid="share-link" onFocus={(e) => (e.target as HTMLInputElement).select()} />
      <div class="row">
        <button
          type="button"
          class="primary wechat"
          onClick={async () => setOutcome(await shareLink({ title, desc, url }))}
          data-testid="share-button"
        >
          {t.share}
        </button>
        {!wechat && (
          <button
            type="button"
            class="secondary"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(url);
                setOutcome('copied');
              } catch {
                setOutcome('shown');
              }
            }}
            data-testid="share-copy"
          >
            {t.copy}
          </button>
        )}
      </div>
      {outcome && (
        <p class="muted small" role="status" data-testid="share-outcome">
          {t[outcome]}
        </p>
      )}
      {!wechat && (
        <figure class="qr-figure">
          <QrCode text={url} label={t.scan} />
          <figcaption class="muted small">{t.scan}</figcaption>
        </figure>
      )}
    </section>
  );
}
