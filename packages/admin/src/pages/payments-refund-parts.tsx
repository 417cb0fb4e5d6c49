// The parts of a deposit's refund page: its facts, the refund form, its refunds so far and every step it went through.
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import type { paymentsText } from './payments-i18n.ts';

type Detail = Response<'GET /api/admin/payments/deposits/:depositId'>;
type P = ReturnType<typeof paymentsText>;

export function DepositFacts({ p, d }: { p: P; d: Detail['deposit'] }) {
  return (
    <dl class="facts">
      <dt>{p('player')}</dt>
      <dd>
        <code translate={false}>{d.playerId}</code>
      </dd>
      <dt>{p('amount')}</dt>
      <dd>{formatAmount('CNY', d.amountFen)}</dd>
      <dt>{p('refunded')}</dt>
      <dd data-testid="refunded">{formatAmount('CNY', d.refundedFen)}</dd>
      <dt>{p('state')}</dt>
      <dd>{d.state}</dd>
      {d.overLimit !== null && (
        <>
          <dt>{p('overLimit')}</dt>
          <dd data-testid="over-limit" data-code={d.overLimit.code}>
            {p('overLimitDetail', { code: d.overLimit.code })}
          </dd>
        </>
      )}
    </dl>
  );
}

interface RefundFormProps {
  p: P;
  amount: string;
  reason: string;
  onAmount: (amount: string) => void;
  onReason: (reason: string) => void;
  onSubmit: (event: Event) => void;
}

/** The refund form: an amount in yuan (at most what is left) and a reason of at least 4 characters. */
export function RefundForm({ p, amount, reason, onAmount, onReason, onSubmit }: RefundFormProps) {
  return (
    <form onSubmit={onSubmit}>
      <label>
        {p('refundAmount')}
        <input
          data-testid="refund-amount"
          inputMode="decimal"
          value={amount}
          onInput={(e) => onAmount((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {p('refundReason')}
        <input
          data-testid="refund-reason"
          value={reason}
          minLength={4}
          required
          onInput={(e) => onReason((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="primary" data-testid="refund-submit">
        {p('refundSubmit')}
      </button>
    </form>
  );
}

export function RefundsTable({ p, refunds }: { p: P; refunds: Detail['refunds'] }) {
  return (
    <section class="card">
      <h2>{p('refunds')}</h2>
      <table>
        <tbody>
          {refunds.map((r) => (
            <tr key={r.id} data-testid={`refund-${r.id}`} data-state={r.state} data-cause={r.cause}>
              <td>{formatTimeMs(r.createdAtMs)}</td>
              <td>
                <code translate={false}>{r.id}</code>
              </td>
              <td class="num">{formatAmount('CNY', r.amountFen)}</td>
              <td>{r.state}</td>
              <td>{r.cause === 'over_limit' ? p('causeOverLimit') : p('causeOperator')}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function DepositEvents({ p, events }: { p: P; events: Detail['events'] }) {
  return (
    <section class="card">
      <h2>{p('events')}</h2>
      <ul class="list">
        {events.map((e, i) => (
          <li key={`${e.atMs}-${i}`}>
            <span>
              {e.subjectKind} · <strong>{e.kind}</strong> <code translate={false}>{JSON.stringify(e.detail)}</code>
            </span>
            <small class="muted">{formatTimeMs(e.atMs)}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}
