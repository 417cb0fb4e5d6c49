import { type AssetCode, formatAmount, formatTimeMs, isMoneyAsset, type Response, yuanToFen } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { realNameText } from './realname-i18n.ts';
import { consoleError } from '../errors.ts';

type Summary = Response<'GET /api/admin/players'>['items'][number];
type Detail = Response<'GET /api/admin/players/:playerId'>;
type Balance = Response<'GET /api/admin/players/:playerId/balances'>['balances'][number];
type Item = Response<'GET /api/admin/players/:playerId/history'>['items'][number];
const ASSETS: AssetCode[] = ['CNY', 'ROOM_CARD', 'POINTS', 'BONUS'];

function newIdempotencyKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `adj-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function PlayersPage({ ctx, playerId }: { ctx: Ctx; playerId: string | undefined }) {
  return playerId ? <PlayerDetail ctx={ctx} playerId={playerId} /> : <PlayerSearch ctx={ctx} />;
}

function PlayerSearch({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setItems((await api.call('GET /api/admin/players', { query: { q } })).items);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="players-page">
      <form class="card row" onSubmit={search}>
        <input
          data-testid="player-query"
          placeholder={t('searchPlaceholder')}
          value={q}
          required
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" data-testid="player-search">
          {t('search')}
        </button>
      </form>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {items && (
        <section class="card">
          {items.length === 0 && <p class="muted">{t('noResults')}</p>}
          <ul class="list">
            {items.map((p) => (
              <li key={p.id}>
                <a href={`#/players/${encodeURIComponent(p.id)}`} data-testid="player-result">
                  <strong>{p.nickname}</strong> <code translate={false}>{p.id}</code>
                </a>
                <small class="muted">{formatTimeMs(p.createdAtMs)}</small>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function PlayerDetail({ ctx, playerId }: { ctx: Ctx; playerId: string }) {
  const { api, t } = ctx;
  const [detail, setDetail] = useState<Detail | null>(null);
  const [balances, setBalances] = useState<Balance[]>([]);
  const [history, setHistory] = useState<Item[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [asset, setAsset] = useState<AssetCode>('CNY');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newIdempotencyKey());
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canAdjust = ctx.operator.roles.some((r) => r === 'finance' || r === 'admin');

  const loadMoney = useCallback(async () => {
    const [b, h] = await Promise.all([
      api.call('GET /api/admin/players/:playerId/balances', { params: { playerId } }),
      api.call('GET /api/admin/players/:playerId/history', { params: { playerId }, query: { limit: 20 } }),
    ]);
    setBalances(b.balances);
    setHistory(h.items);
  }, [api, playerId]);

  useEffect(() => {
    api
      .call('GET /api/admin/players/:playerId', { params: { playerId } })
      .then(setDetail, (e: unknown) => setError(consoleError(ctx.lang, e)));
    loadMoney().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [api, playerId, loadMoney]);

  const adjust = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    setError(null);
    const amountFen = isMoneyAsset(asset) ? yuanToFen(amount) : /^-?\d{1,12}$/.test(amount.trim()) ? Number(amount.trim()) : null;
    if (amountFen === null || amountFen === 0) {
      setError(t('amountInvalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.call('POST /api/admin/players/:playerId/adjustments', {
        params: { playerId },
        body: { asset, amountFen, reason, idempotencyKey: key },
      });
      setResult(r.replayed ? t('replayed') : t('adjusted', { amount: formatAmount(asset, amountFen) }));
      setKey(newIdempotencyKey());
      setAmount('');
      setReason('');
      await loadMoney();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main data-testid="player-detail">
      <a href="#/players" class="link">
        ← {t('back')}
      </a>
      {error && (
        <p class="error" role="alert" data-testid="player-error">
          {t('error', { message: error })}
        </p>
      )}
      {detail && (
        <section class="card">
          <h1>{t('playerTitle', { name: detail.player.nickname })}</h1>
          <dl class="facts">
            <dt>ID</dt>
            <dd>
              <code data-testid="player-id">{detail.player.id}</code>
            </dd>
            <dt>{t('accountStatus')}</dt>
            <dd data-testid="player-status" data-status={detail.player.status} class={detail.player.status === 'active' ? '' : 'error'}>
              {t(`accountStatus_${detail.player.status}`)}
            </dd>
            <dt>{t('terms')}</dt>
            <dd>{detail.player.termsVersion ?? '—'}</dd>
            <dt>{t('kyc')}</dt>
            <dd>
              {detail.kyc.status === 'verified'
                ? `${detail.kyc.maskedName} ${detail.kyc.maskedIdNumber}`
                : detail.kyc.status === 'none'
                  ? t('kycNone')
                  : realNameText(ctx.lang)(`status_${detail.kyc.status}`)}
            </dd>
            <dt>{t('identities')}</dt>
            <dd>
              {detail.identities.map((i) => (
                <div key={`${i.appId}:${i.openid}`}>
                  <code translate={false}>
                    {i.appId} · {i.openid}
                  </code>
                </div>
              ))}
            </dd>
          </dl>
        </section>
      )}
      <section class="card">
        <h2>{t('balances')}</h2>
        <table>
          <tbody>
            {balances.map((b) => (
              <tr key={b.asset} data-testid={`admin-balance-${b.asset}`}>
                <td>{t(`asset_${b.asset}`)}</td>
                <td class="num">{formatAmount(b.asset, b.postedFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {canAdjust && (
        <form class="card" onSubmit={adjust} data-testid="adjust-form">
          <h2>{t('adjustTitle')}</h2>
          <label>
            {t('asset')}
            <select data-testid="adjust-asset" value={asset} onChange={(e) => setAsset((e.target as HTMLSelectElement).value as AssetCode)}>
              {ASSETS.map((a) => (
                <option key={a} value={a}>
                  {t(`asset_${a}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {isMoneyAsset(asset) ? t('amountYuan') : t('amountUnits')}
            <input
              data-testid="adjust-amount"
              inputMode="decimal"
              value={amount}
              required
              onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            {t('reason')}
            <input
              data-testid="adjust-reason"
              value={reason}
              required
              minLength={4}
              maxLength={200}
              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy} data-testid="adjust-submit">
            {t('submitAdjust')}
          </button>
          {result && (
            <p class="ok" role="status" data-testid="adjust-result">
              {result}
            </p>
          )}
        </form>
      )}
      <section class="card">
        <h2>{t('history')}</h2>
        <table class="cards">
          <tbody>
            {history.map((i) => (
              <tr key={i.id}>
                <td data-label={t('when')}>{formatTimeMs(i.createdAtMs)}</td>
                <td data-label={t('transferCode')}>
                  <code translate={false}>{i.code}</code>
                </td>
                <td data-label={t('counterparty')} translate={false}>
                  {i.counterparty}
                </td>
                <td class="num" data-label={t('amount')}>
                  {i.direction === 'in' ? '+' : '−'}
                  {formatAmount(i.asset, i.amountFen)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
