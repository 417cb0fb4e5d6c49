// A deposit order after it is placed: watched until paid, closed or failed, and its state as the player sees it.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount } from '../shared/money.ts';
import type { paymentsText } from './payments-i18n.ts';

export type Deposit = Response<'GET /api/payments/deposits/:depositId'>;

const POLL_MS = 1500;

/** Watches one order until it is paid (then reads the new balance), closed or failed. */
export function useDepositWatch(ctx: Ctx, orderId: string | null, setError: (text: string) => void) {
  const { api } = ctx;
  const [deposit, setDeposit] = useState<Deposit | null>(null);
  const [balanceFen, setBalanceFen] = useState<number | null>(null);
  useEffect(() => {
    if (orderId === null) return;
    let stopped = false;
    const tick = async () => {
      try {
        const d = await api.call('GET /api/payments/deposits/:depositId', { params: { depositId: orderId } });
        if (stopped) return;
        setDeposit(d);
        if (d.state === 'paid') {
          const b = await api.call('GET /api/wallet/balances', {});
          setBalanceFen(b.balances.find((x) => x.asset === 'CNY')?.postedFen ?? 0);
          return;
        }
        if (d.state === 'closed' || d.state === 'failed') return;
      } catch (e) {
        if (!stopped) setError(errorText(ctx.lang, e));
      }
      if (!stopped) setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
    };
  }, [api, orderId]);
  return { deposit, setDeposit, balanceFen };
}

export function DepositStatus({
  p,
  deposit,
  balanceFen,
  pay,
}: {
  p: ReturnType<typeof paymentsText>;
  deposit: Deposit | null;
  balanceFen: number | null;
  pay: (d: Deposit) => Promise<void>;
}) {
  return (
    <section class="card" data-testid="deposit-status" data-state={deposit?.state ?? ''}>
      {deposit?.state === 'creating' && <p class="muted">{p('creatingOrder')}</p>}
      {deposit?.state === 'open' && (
        <>
          <p class="muted">{p('waitingPayment')}</p>
          {deposit.clientParams?.kind === 'native' ? (
            <p>
              {p('scanToPay')} <code>{deposit.clientParams.codeUrl}</code>
            </p>
          ) : (
            <button type="button" class="secondary" onClick={() => void pay(deposit)} data-testid="deposit-pay">
              {p('goPay')}
            </button>
          )}
        </>
      )}
      {deposit?.state === 'paid' && deposit.overLimit === null && (
        <p class="notice" role="status" data-testid="deposit-paid">
          {p('depositPaid', { amount: formatAmount('CNY', deposit.amountFen) })}
        </p>
      )}
      {deposit?.state === 'paid' && deposit.overLimit !== null && (
        <p class="notice" role="status" data-testid="deposit-over-limit" data-code={deposit.overLimit.code}>
          <strong>{p('dstate_over_limit')}</strong> {p('depositOverLimit', { amount: formatAmount('CNY', deposit.amountFen) })}
        </p>
      )}
      {balanceFen !== null && (
        <p data-testid="deposit-balance" data-posted={balanceFen}>
          {p('balanceNow', { amount: formatAmount('CNY', balanceFen) })}
        </p>
      )}
      {(deposit?.state === 'closed' || deposit?.state === 'closing') && <p class="muted">{p('depositClosed')}</p>}
      {deposit?.state === 'failed' && <p class="error">{p('depositFailed', { code: deposit.failureCode ?? '' })}</p>}
    </section>
  );
}
