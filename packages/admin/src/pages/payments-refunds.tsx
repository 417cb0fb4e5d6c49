// Deposits by player, and refunds of one: the amount (at most what is left), a reason, and the
// refund's progress and every step the deposit went through.
import { formatAmount, formatTimeMs, type Response, yuanToFen } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { newIdempotencyKey, paymentsText } from './payments-i18n.ts';
import { consoleError } from '../errors.ts';
import { DepositEvents, DepositFacts, RefundForm, RefundsTable } from './payments-refund-parts.tsx';

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
              <DepositRow key={d.id} ctx={ctx} d={d} />
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
          <DepositFacts p={p} d={d} />
          {d.state === 'paid' && d.overLimit === null && (
            <RefundForm p={p} amount={amount} reason={reason} onAmount={setAmount} onReason={setReason} onSubmit={refund} />
          )}
          {done && (
            <p class="ok" data-testid="refund-done">
              {done}
            </p>
          )}
        </section>
      )}
      {detail && detail.refunds.length > 0 && <RefundsTable p={p} refunds={detail.refunds} />}
      {detail && <DepositEvents p={p} events={detail.events} />}
    </main>
  );
}

function DepositRow({ ctx, d }: { ctx: Ctx; d: Deposit }) {
  const p = paymentsText(ctx.lang);
  return (
    <tr data-testid={`deposit-row-${d.id}`} data-over-limit={d.overLimit?.code ?? ''}>
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
  );
}
