// The wallet's parts: the balances card and one line of the history (what it was, when, its state and the amounts it moved).
import type { Ctx } from '../app.tsx';
import { hasKey } from '../i18n.ts';
import type { Response } from '../shared/api.ts';
import { formatTimeMs } from '../shared/i18n.ts';
import type { foldLines } from '../shared/ledger-lines.ts';
import { formatAmount } from '../shared/money.ts';

export type Balance = Response<'GET /api/wallet/balances'>['balances'][number];
type Line = ReturnType<typeof foldLines>[number];
type Words = Ctx['t'];

// Money the platform sent back because it arrived over the player's deposit limit carries its own words (超限退款).
function codeLabel(t: Words, code: string, tag: string | null): string {
  const tagged = tag === null ? null : `code_${code}_${tag}`;
  if (tagged !== null && hasKey(tagged)) return t(tagged);
  const key = `code_${code}`;
  return hasKey(key) ? t(key) : t('code_other');
}

export function Balances({ t, balances }: { t: Words; balances: readonly Balance[] | null }) {
  return (
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
  );
}

export function HistoryLine({ t, l }: { t: Words; l: Line }) {
  return (
    <li
      data-testid="history-item"
      data-code={l.code}
      data-tag={l.tag ?? ''}
      data-state={l.state ?? ''}
      data-asset={l.asset}
      data-effect={l.effect.get(l.asset) ?? 0}
      data-balance={l.balanceAfter ?? ''}
    >
      <div>
        <strong>{codeLabel(t, l.code, l.tag)}</strong>
        <small class="muted">
          {formatTimeMs(l.atMs)}
          {l.state !== null && (
            <span class={`state ${l.state}`} data-testid="history-state">
              {' '}
              · {t(`state_${l.state}`)}
            </span>
          )}
        </small>
        {l.commissionFen > 0 && <small class="muted">{t('includesCommission', { amount: formatAmount('CNY', l.commissionFen) })}</small>}
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
  );
}
