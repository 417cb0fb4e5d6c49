// Deposits by player, and refunds of one: the amount (at most what is left), a reason, and the
// refund's progress and every step the deposit went through.
import { formatAmount, formatTimeMs, type Response, yuanToFen } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { newIdempotencyKey, paymentsText } from './payments-i18n.ts';
import { consoleError } from '../errors.ts';

type Deposit = Response<'GET /api/admin/payments/deposits'>['items'][number];
type Detail = Response<'GET /api/admin/payments/deposits/:depositId'>;

export function RefundsPage({ ctx, depositId }: { ctx: Ctx; depositId: string | undefined }) {
  return depositId ? <DepositDetail ctx={ctx} depositId={depositId} /> : <DepositList ctx={ctx} />;
}

function DepositList({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [playerId, setPlayerId] = useState('');
  const [items, setItems] = useState<Deposit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = useCallback(
    async (event?: Event) => {
      event?.preventDefault();
      setError(null);
      try {
        setItems((await api.call('GET /api/admin/payments/deposits', { query: { limit: 100, ...(playerId ? { playerId } : {}) } })).items);
      } catch (e) {
        setError(consoleError(ctx.lang, e));
      }
    },
    [api, playerId],
  );

  useEffect(() => {
    void search();
  }, []);

  return (
    <main data-testid="refunds-page">
      <form class="card row" onSubmit={search}>
        <input
          data-testid="deposit-player"
          placeholder={p('filterPlayer')}
          value={playerId}
          onInput={(e) => setPlayerId((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">
          {p('search')}
        </button>
      </form>
      {error && <p class="error">{p('error', { message: error })}</p>}
      <section class="card">
        <h1>{p('depositsTitle')}</h1>
        <table>
          <thead>
            <tr>
              <th>{p('createdAt')}</th>
              <th>{p('ref')}</th>
              <th>{p('player')}</th>
              <th>{p('amount')}</th>
              <th>{p('refunded')}</th>
              <th>{p('state')}</th>
            </tr>
          </thead>
          <tbody>
            {(items ?? []).map((d) => (
              <tr key={d.id} data-testid={`deposit-row-${d.id}`} data-over-limit={d.overLimit?.code ?? ''}>
                <td>{formatTimeMs(d.createdAtMs)}</td>
                <td>
                  <a href={`#/refunds/${encodeURIComponent(d.id)}`} data-testid={`deposit-${d.id}`}>
                    <code translate={false}>{d.id}</code>
                  </a>
                </td>
                <td>
                  <code translate={false}>{d.playerId}</code>
                </td>
                <td class="num">{formatAmount('CNY', d.amountFen)}</td>
                <td class="num">{formatAmount('CNY', d.refundedFen)}</td>
                <td>
                  {d.state}
                  {d.overLimit !== null && (
                    <>
                      {' · '}
                      <strong class="error">{p('overLimit')}</strong>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

function DepositDetail({ ctx, depositId }: { ctx: Ctx; depositId: string }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('refund'));
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setDetail(await api.call('GET /api/admin/payments/deposits/:depositId', { params: { depositId } }));
  }, [api, depositId]);

  useEffect(() => {
    load().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [load]);

  const refund = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const fen = yuanToFen(amount);
    if (fen === null || fen <= 0) return setError('amount');
    try {
      const r = await api.call('POST /api/admin/payments/deposits/:depositId/refunds', {
        params: { depositId },
        body: { amountFen: fen, reason, idempotencyKey: key },
      });
      setKey(newIdempotencyKey('refund'));
      setDone(p('refundDone', { id: r.refund.id, state: r.refund.state }));
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  const d = detail?.deposit;
  return (
    <main data-testid="refund-detail-page">
      <a href="#/refunds" class="link">
        ← {p('depositsTitle')}
      </a>
      {error && <p class="error">{p('error', { message: error })}</p>}
      {d && (
        <section class="card">
          <h1>{p('refundTitle', { id: d.id })}</h1>
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
          {d.state === 'paid' && d.overLimit === null && (
            <form onSubmit={refund}>
              <label>
                {p('refundAmount')}
                <input
                  data-testid="refund-amount"
                  inputMode="decimal"
                  value={amount}
                  onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
                />
              </label>
              <label>
                {p('refundReason')}
                <input
                  data-testid="refund-reason"
                  value={reason}
                  minLength={4}
                  required
                  onInput={(e) => setReason((e.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" class="primary" data-testid="refund-submit">
                {p('refundSubmit')}
              </button>
            </form>
          )}
          {done && (
            <p class="ok" data-testid="refund-done">
              {done}
            </p>
          )}
        </section>
      )}
      {detail && detail.refunds.length > 0 && (
        <section class="card">
          <h2>{p('refunds')}</h2>
          <table>
            <tbody>
              {detail.refunds.map((r) => (
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
      )}
      {detail && (
        <section class="card">
          <h2>{p('events')}</h2>
          <ul class="list">
            {detail.events.map((e, i) => (
              <li key={`${e.atMs}-${i}`}>
                <span>
                  {e.subjectKind} · <strong>{e.kind}</strong> <code translate={false}>{JSON.stringify(e.detail)}</code>
                </span>
                <small class="muted">{formatTimeMs(e.atMs)}</small>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
