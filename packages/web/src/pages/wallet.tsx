// The wallet: balances, the links to deposit, withdraw and payments, and the history by asset, refreshed live when the wallet changes.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { connectLive } from '../shared/live.ts';
import { foldLines } from '../shared/ledger-lines.ts';
import { type AssetCode, formatAmount } from '../shared/money.ts';
import { paymentsText } from './payments-i18n.ts';
import { type Balance, Balances, HistoryLine } from './wallet-lines.tsx';

const ASSETS: AssetCode[] = ['CNY', 'ROOM_CARD', 'POINTS', 'BONUS'];

export function WalletPage({ ctx }: { ctx: Ctx }) {
  const { t } = ctx;
  const [asset, setAsset] = useState<AssetCode | undefined>(undefined);
  const { balances, items, cursor, notice, more } = useWallet(ctx, asset);
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
      <Balances t={t} balances={balances} />
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
            <HistoryLine key={l.key} t={t} l={l} />
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

/** Balances and the history (filtered by asset, a page at a time), reloaded when a notification says the wallet changed. */
function useWallet(ctx: Ctx, asset: AssetCode | undefined) {
  const { api, t } = ctx;
  const [balances, setBalances] = useState<Balance[] | null>(null);
  const [items, setItems] = useState<Response<'GET /api/wallet/history'>['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
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
  return { balances, items, cursor, notice, more };
}
