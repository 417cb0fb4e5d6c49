import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { hasKey } from '../i18n.ts';
import type { Response } from '../shared/api.ts';
import { formatTimeMs } from '../shared/i18n.ts';
import { connectLive } from '../shared/live.ts';
import { foldLines } from '../shared/ledger-lines.ts';
import { type AssetCode, formatAmount } from '../shared/money.ts';
import { paymentsText } from './payments-i18n.ts';

type Balance = Response<'GET /api/wallet/balances'>['balances'][number];
const ASSETS: AssetCode[] = ['CNY', 'ROOM_CARD', 'POINTS', 'BONUS'];

export function WalletPage({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [balances, setBalances] = useState<Balance[] | null>(null);
  const [items, setItems] = useState<Response<'GET /api/wallet/history'>['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [asset, setAsset] = useState<AssetCode | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [b, h] = await Promise.all([
      api.call('GET /api/wallet/balances', {}),
      api.call('GET /api/wallet/history', { query: { limit: 20, ...(asset ? { asset } : {}) } }),
    ]);
    setBalances(b.balances);
    setItems(h.items);
    setCursor(h.nextCursor);
  }, [api, asset]);

  useEffect(() => {
    load().catch(() => {});
  }, [load]);

  // Live: a notification (an adjustment today, deposits and withdrawals later) means the wallet changed.
  useEffect(
    () =>
      connectLive({
        token: () => api.accessToken,
        onNotification: (n) => {
          if (n.kind === 'balance_adjusted' && typeof n.data.asset === 'string' && typeof n.data.amountFen === 'number') {
            const a = n.data.asset as AssetCode;
            setNotice(t('notice_balance_adjusted', { asset: t(`asset_${a}`), amount: formatAmount(a, n.data.amountFen) }));
          }
          load().catch(() => {});
        },
      }),
    [api, load, t],
  );

  const more = async () => {
    if (!cursor) return;
    const h = await api.call('GET /api/wallet/history', { query: { limit: 20, cursor, ...(asset ? { asset } : {}) } });
    setItems([...items, ...h.items]);
    setCursor(h.nextCursor);
  };

  // Money the platform sent back because it arrived over the player's deposit limit carries its own words (超限退款).
  const codeLabel = (code: string, tag: string | null) => {
    const tagged = tag === null ? null : `code_${code}_${tag}`;
    if (tagged !== null && hasKey(tagged)) return t(tagged);
    const key = `code_${code}`;
    return hasKey(key) ? t(key) : t('code_other');
  };
  const posted = new Map((balances ?? []).map((b) => [b.asset, b.postedFen] as const));
  const lines = balances === null ? [] : foldLines(items, posted);

  return (
    <main class="page" data-testid="wallet-page">
      <a href="#/lobby" class="link">
        ← {t('back')}
      </a>
      <h1>{t('walletTitle')}</h1>
      {notice && (
        <p class="notice" role="status" data-testid="wallet-notice">
          {notice}
        </p>
      )}
      <nav class="chips" data-testid="payment-links">
        <a class="chip" href="#/deposit" data-testid="open-deposit">
          {paymentsText(ctx.lang)('toDeposit')}
        </a>
        <a class="chip" href="#/withdraw" data-testid="open-withdraw">
          {paymentsText(ctx.lang)('toWithdraw')}
        </a>
        <a class="chip" href="#/payments" data-testid="open-payments">
          {paymentsText(ctx.lang)('toHistory')}
        </a>
      </nav>
      <section class="card">
        <h2>{t('balances')}</h2>
        <ul class="balances">
          {(balances ?? []).map((b) => (
            <li key={b.asset} data-testid={`balance-${b.asset}`} data-available={b.availableFen} data-posted={b.postedFen}>
              <span>{t(`asset_${b.asset}`)}</span>
              <strong>{formatAmount(b.asset, b.postedFen)}</strong>
              {b.pendingDebitsFen > 0 && (
                <small class="muted">
                  {t('available')} {formatAmount(b.asset, b.availableFen)}
                </small>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('history')}</h2>
        <div class="chips">
          <button type="button" class={asset === undefined ? 'chip on' : 'chip'} onClick={() => setAsset(undefined)}>
            {t('allAssets')}
          </button>
          {ASSETS.map((a) => (
            <button type="button" key={a} class={asset === a ? 'chip on' : 'chip'} onClick={() => setAsset(a)}>
              {t(`asset_${a}`)}
            </button>
          ))}
        </div>
        {items.length === 0 && <p class="muted">{t('noHistory')}</p>}
        <ul class="history" data-testid="history">
          {lines.map((l) => (
            <li
              key={l.key}
              data-testid="history-item"
              data-code={l.code}
              data-tag={l.tag ?? ''}
              data-state={l.state ?? ''}
              data-asset={l.asset}
              data-effect={l.effect.get(l.asset) ?? 0}
              data-balance={l.balanceAfter ?? ''}
            >
              <div>
                <strong>{codeLabel(l.code, l.tag)}</strong>
                <small class="muted">
                  {formatTimeMs(l.atMs)}
                  {l.state !== null && (
                    <span class={`state ${l.state}`} data-testid="history-state">
                      {' '}
                      · {t(`state_${l.state}`)}
                    </span>
                  )}
                </small>
                {l.commissionFen > 0 && (
                  <small class="muted">{t('includesCommission', { amount: formatAmount('CNY', l.commissionFen) })}</small>
                )}
              </div>
              <div class="amounts">
                {[...l.shown].map(([a, n]) => (
                  <span key={a} class={`amount ${n > 0 ? 'in' : 'out'}${l.state === 'returned' ? ' returned' : ''}`}>
                    {n > 0 ? '+' : '−'}
                    {formatAmount(a, Math.abs(n))}
                    {a !== 'CNY' && ` ${t(`asset_${a}`)}`}
                  </span>
                ))}
                {l.balanceAfter !== null && (
                  <small class="muted" data-testid="history-balance">
                    {t('balanceAfter', { amount: formatAmount(l.asset, l.balanceAfter) })}
                  </small>
                )}
              </div>
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" class="secondary" onClick={more}>
            {t('loadMore')}
          </button>
        )}
      </section>
    </main>
  );
}
