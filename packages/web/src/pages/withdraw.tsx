// Withdrawal to the player's WeChat balance: what can be withdrawn is shown before anything is
// typed; after the request the page follows the withdrawal — review, the confirmation the player
// gives in WeChat (the sandbox's page outside WeChat), and the result.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount } from '../shared/money.ts';
import { AmountForm } from './amount-form.tsx';
import {
  amountProblem,
  backHere,
  hashQuery,
  insideWechat,
  invokeBridge,
  newIdempotencyKey,
  paymentsText,
  withParam,
} from './payments-i18n.ts';

type Limits = Response<'GET /api/payments/limits'>;
type Withdrawal = Response<'GET /api/payments/withdrawals/:withdrawalId'>;

const POLL_MS = 1500;
const FINAL = ['succeeded', 'failed', 'rejected', 'cancelled'];

export function WithdrawPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [limits, setLimits] = useState<Limits | null>(null);
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('wd'));
  const [id, setId] = useState<string | null>(hashQuery().get('id'));
  const [withdrawal, setWithdrawal] = useState<Withdrawal | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('GET /api/payments/limits', {}).then(setLimits, () => {});
  }, [api, withdrawal?.state]);

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

  // Checked as the player types and again on submit: the form, then the most that can leave now
  // (the balance, one withdrawal's maximum, today's limit and count, wagering still owed).
  const problem = (text: string): string | null =>
    amountProblem(
      p,
      text,
      limits ? { minFen: limits.withdrawal.minFen, maxFen: limits.withdrawal.maxNowFen } : { minFen: 1, maxFen: Number.MAX_SAFE_INTEGER },
      (f) => formatAmount('CNY', f),
    );

  const submit = async (fen: number) => {
    setBusy(true);
    try {
      const r = await api.call('POST /api/payments/withdrawals', { body: { amountFen: fen, idempotencyKey: key } });
      setKey(newIdempotencyKey('wd'));
      history.replaceState(null, '', `#/withdraw?id=${r.withdrawal.id}`);
      setWithdrawal(r.withdrawal);
      setId(r.withdrawal.id);
    } catch (e) {
      setError(errorText(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (w: Withdrawal) => {
    const c = w.confirmation;
    if (c === null) return;
    if (insideWechat()) await invokeBridge('requestMerchantTransfer', { mchId: c.mchId, appId: c.appId, package: c.package });
    else if (c.pageUrl !== null) location.href = withParam(c.pageUrl, 'redirect_url', backHere(`withdraw?id=${w.id}`));
  };

  const l = limits?.withdrawal;
  return (
    <main class="page" data-testid="withdraw-page">
      <a href="#/wallet" class="link">
        ← {p('back')}
      </a>
      <h1>{p('withdrawTitle')}</h1>
      {limits && !limits.providerAvailable && <p class="error">{p('providerDown')}</p>}
      {id === null ? (
        <AmountForm
          name="withdraw"
          p={p}
          amount={amount}
          onAmount={setAmount}
          problem={problem}
          busy={busy}
          blocked={l !== undefined && l.maxNowFen === 0}
          submitClass="primary"
          submitLabel={p('submitWithdraw')}
          onError={setError}
          onSubmit={submit}
        >
          {l && (
            <div data-testid="withdraw-limits" data-max-now={l.maxNowFen}>
              <p class="muted small">
                {p('withdrawLimits', {
                  available: formatAmount('CNY', l.availableFen),
                  min: formatAmount('CNY', l.minFen),
                  max: formatAmount('CNY', l.maxFen),
                  left: formatAmount('CNY', Math.max(0, l.dailyMaxFen - l.usedTodayFen)),
                  count: l.countToday,
                  countMax: l.dailyCountMax,
                })}
              </p>
              {l.wageringOutstandingFen > 0 && (
                <p class="error">{p('wageringLeft', { amount: formatAmount('CNY', l.wageringOutstandingFen) })}</p>
              )}
              <p>
                <strong>{l.maxNowFen > 0 ? p('withdrawNow', { max: formatAmount('CNY', l.maxNowFen) }) : p('cannotWithdrawNow')}</strong>
              </p>
            </div>
          )}
        </AmountForm>
      ) : (
        withdrawal && (
          <section class="card" data-testid="withdraw-status" data-state={withdrawal.state}>
            <p>
              <strong>{p('withdrawalOf', { amount: formatAmount('CNY', withdrawal.amountFen) })}</strong>
            </p>
            <p
              class={FINAL.includes(withdrawal.state) && withdrawal.state !== 'succeeded' ? 'error' : 'muted'}
              data-testid="withdraw-state-text"
            >
              {p(`state_${withdrawal.state}` as const)}
            </p>
            {withdrawal.state === 'awaiting_confirmation' && withdrawal.confirmation && (
              <>
                <p class="muted small">{p('confirmHint')}</p>
                <button type="button" class="primary wechat" onClick={() => void confirm(withdrawal)} data-testid="confirm-receipt">
                  {p('confirmReceipt')}
                </button>
              </>
            )}
          </section>
        )
      )}
      {error && (
        <p class="error" role="alert">
          {p('error', { message: error })}
        </p>
      )}
    </main>
  );
}
