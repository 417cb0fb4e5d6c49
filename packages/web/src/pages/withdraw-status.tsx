// A withdrawal after it is asked for: watched until it ends, and its state with the receipt confirmation WeChat Pay asks for.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount } from '../shared/money.ts';
import { backHere, insideWechat, invokeBridge, type paymentsText, withParam } from './payments-i18n.ts';

export type Withdrawal = Response<'GET /api/payments/withdrawals/:withdrawalId'>;

const POLL_MS = 1500;
const FINAL = ['succeeded', 'failed', 'rejected', 'cancelled'];

/** Watches one withdrawal until it succeeds, fails, is rejected or cancelled. */
export function useWithdrawalWatch(ctx: Ctx, id: string | null, setError: (text: string) => void) {
  const { api } = ctx;
  const [withdrawal, setWithdrawal] = useState<Withdrawal | null>(null);
  useEffect(() => {
    if (id === null) return;
    let stopped = false;
    const tick = async () => {
      try {
        const w = await api.call('GET /api/payments/withdrawals/:withdrawalId', { params: { withdrawalId: id } });
        if (stopped) return;
        setWithdrawal(w);
        if (FINAL.includes(w.state)) return;
      } catch (e) {
        if (!stopped) setError(errorText(ctx.lang, e));
      }
      if (!stopped) setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
    };
  }, [api, id]);
  return { withdrawal, setWithdrawal };
}

/** Confirms receipt: the merchant-transfer sheet inside WeChat, else the provider's page (coming back to this withdrawal). */
export async function confirmReceipt(w: Withdrawal): Promise<void> {
  const c = w.confirmation;
  if (c === null) return;
  if (insideWechat()) await invokeBridge('requestMerchantTransfer', { mchId: c.mchId, appId: c.appId, package: c.package });
  else if (c.pageUrl !== null) location.href = withParam(c.pageUrl, 'redirect_url', backHere(`withdraw?id=${w.id}`));
}

export function WithdrawalStatus({ p, withdrawal }: { p: ReturnType<typeof paymentsText>; withdrawal: Withdrawal }) {
  return (
    <section class="card" data-testid="withdraw-status" data-state={withdrawal.state}>
      <p>
        <strong>{p('withdrawalOf', { amount: formatAmount('CNY', withdrawal.amountFen) })}</strong>
      </p>
      <p class={FINAL.includes(withdrawal.state) && withdrawal.state !== 'succeeded' ? 'error' : 'muted'} data-testid="withdraw-state-text">
        {p(`state_${withdrawal.state}` as const)}
      </p>
      {withdrawal.state === 'awaiting_confirmation' && withdrawal.confirmation && (
        <>
          <p class="muted small">{p('confirmHint')}</p>
          <button type="button" class="primary wechat" onClick={() => void confirmReceipt(withdrawal)} data-testid="confirm-receipt">
            {p('confirmReceipt')}
          </button>
        </>
      )}
    </section>
  );
}
