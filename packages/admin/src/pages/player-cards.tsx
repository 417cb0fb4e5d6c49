// The player page's read-only cards: who the player is (status, terms, real name, WeChat identities), balances by asset, and recent ledger history.
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import type { Ctx } from '../app.tsx';
import { realNameText } from './realname-i18n.ts';

export type Detail = Response<'GET /api/admin/players/:playerId'>;
export type Balance = Response<'GET /api/admin/players/:playerId/balances'>['balances'][number];
export type Item = Response<'GET /api/admin/players/:playerId/history'>['items'][number];

export function PlayerFacts({ ctx, detail }: { ctx: Ctx; detail: Detail }) {
  const { t } = ctx;
  return (
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
  );
}

export function BalancesCard({ ctx, balances }: { ctx: Ctx; balances: Balance[] }) {
  const { t } = ctx;
  return (
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
  );
}

export function HistoryCard({ ctx, history }: { ctx: Ctx; history: Item[] }) {
  const { t } = ctx;
  return (
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
  );
}
