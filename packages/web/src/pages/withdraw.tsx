// Withdrawal to the player's WeChat balance: what can be withdrawn is shown before anything is
// typed; after the request the page follows the withdrawal — review, the confirmation the player
// gives in WeChat (the sandbox's page outside WeChat), and the result.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount } from '../shared/money.ts';
import { AmountForm } from './amount-form.tsx';
import { useWithdrawalWatch, WithdrawalStatus } from './withdraw-status.tsx';
import { amountProblem, hashQuery, newIdempotencyKey, paymentsText } from './payments-i18n.ts';

type Limits = Response<'GET /api/payments/limits'>;

export function WithdrawPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [limits, setLimits] = useState<Limits | null>(null);
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('wd'));
  const [id, setId] = useState<string | null>(hashQuery().get('id'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const { withdrawal, setWithdrawal } = useWithdrawalWatch(ctx, id, setError);

  useEffect(() => {
    api.call('GET /api/payments/limits', {}).then(setLimits, () => {});
  }, [api, withdrawal?.state]);

  const problem = (text: string): string | null => withdrawProblem(p, limits, text);

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
          {l && <WithdrawLimits p={p} l={l} />}
        </AmountForm>
      ) : (
        withdrawal && <WithdrawalStatus p={p} withdrawal={withdrawal} />
      )}
      {error && (
        <p class="error" role="alert">
          {p('error', { message: error })}
        </p>
      )}
    </main>
  );
}

/** What can leave and why not: the balance, one withdrawal's range, today's limit and count, wagering still owed, and the most for now. */
function WithdrawLimits({ p, l }: { p: ReturnType<typeof paymentsText>; l: Limits['withdrawal'] }) {
  return (
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
      {l.wageringOutstandingFen > 0 && <p class="error">{p('wageringLeft', { amount: formatAmount('CNY', l.wageringOutstandingFen) })}</p>}
      <p>
        <strong>{l.maxNowFen > 0 ? p('withdrawNow', { max: formatAmount('CNY', l.maxNowFen) }) : p('cannotWithdrawNow')}</strong>
      </p>
    </div>
  );
}

/**
 * Checked as the player types and again on submit: the form, then the most that can leave now
 * (the balance, one withdrawal's maximum, today's limit and count, wagering still owed).
 */
function withdrawProblem(p: ReturnType<typeof paymentsText>, limits: Limits | null, text: string): string | null {
  return amountProblem(
    p,
    text,
    limits ? { minFen: limits.withdrawal.minFen, maxFen: limits.withdrawal.maxNowFen } : { minFen: 1, maxFen: Number.MAX_SAFE_INTEGER },
    (f) => formatAmount('CNY', f),
  );
}
