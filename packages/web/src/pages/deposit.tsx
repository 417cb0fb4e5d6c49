// Deposit: the limits first, then an amount, then WeChat Pay — the JSAPI sheet inside WeChat, the
// H5 cashier outside it — and back here to watch the order until the wallet is credited.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { ApiError, type Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount, yuanToFen } from '../shared/money.ts';
import { AmountForm } from './amount-form.tsx';
import { type Deposit, DepositStatus, useDepositWatch } from './deposit-status.tsx';
import {
  backHere,
  depositRefusal,
  amountProblem,
  hashQuery,
  insideWechat,
  invokeBridge,
  limitReason,
  newIdempotencyKey,
  paymentsText,
  withParam,
} from './payments-i18n.ts';

type Limits = Response<'GET /api/payments/limits'>;

const PRESETS_FEN = [1000, 5000, 10000];

export function DepositPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [limits, setLimits] = useState<Limits | null>(null);
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('dep'));
  const [orderId, setOrderId] = useState<string | null>(hashQuery().get('order'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('GET /api/payments/limits', {}).then(setLimits, () => {});
  }, [api]);
  const { deposit, setDeposit, balanceFen } = useDepositWatch(ctx, orderId, setError);

  const problem = (text: string): string | null => depositProblem(p, limits, text);

  const submit = async (fen: number) => {
    setBusy(true);
    try {
      const channel = insideWechat() && limits?.channels.includes('jsapi') ? 'jsapi' : 'h5';
      const r = await api.call('POST /api/payments/deposits', { body: { amountFen: fen, channel, idempotencyKey: key } });
      setKey(newIdempotencyKey('dep'));
      history.replaceState(null, '', `#/deposit?order=${r.deposit.id}`);
      setDeposit(r.deposit);
      setOrderId(r.deposit.id);
      if (r.deposit.state === 'open') await pay(r.deposit);
    } catch (e) {
      const refused = e instanceof ApiError ? depositRefusal(p, e.code, e.details) : null;
      setError(refused ?? errorText(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" data-testid="deposit-page">
      <a href="#/wallet" class="link">
        ← {p('back')}
      </a>
      <h1>{p('depositTitle')}</h1>
      {limits && !limits.providerAvailable && <p class="error">{p('providerDown')}</p>}
      {orderId === null ? (
        <AmountForm
          name="deposit"
          p={p}
          amount={amount}
          onAmount={setAmount}
          problem={problem}
          busy={busy}
          submitClass="primary wechat"
          submitLabel={p('payWechat')}
          onError={setError}
          onSubmit={submit}
        >
          <DepositLimits p={p} limits={limits} />
          <DepositPresets onAmount={setAmount} />
        </AmountForm>
      ) : (
        <DepositStatus p={p} deposit={deposit} balanceFen={balanceFen} pay={pay} />
      )}
      {error && (
        <p class="error" role="alert" data-testid="deposit-error">
          {p('error', { message: error })}
        </p>
      )}
    </main>
  );
}

type PaymentsText = ReturnType<typeof paymentsText>;

/**
 * Checked as the player types and again on submit, against the figures the server holds to: one
 * order's range, then what every limit (their own included) leaves for now.
 */
function depositProblem(p: PaymentsText, limits: Limits | null, text: string): string | null {
  const cny = (f: number) => formatAmount('CNY', f);
  if (limits === null) return amountProblem(p, text, { minFen: 1, maxFen: Number.MAX_SAFE_INTEGER }, cny);
  const d = limits.deposit;
  const inRange = amountProblem(p, text, { minFen: d.minFen, maxFen: d.maxFen }, cny);
  if (inRange !== null) return inRange;
  const fen = yuanToFen(text) ?? 0;
  if (fen > d.leftFen) {
    const reason = (d.binding && limitReason(p, d.binding.code)) ?? p('deny_PAYMENT_DAILY_LIMIT_REACHED');
    return d.leftFen === 0 ? p('nothingLeft', { reason }) : p('amountOverLeft', { reason, left: cny(d.leftFen) });
  }
  return null;
}

/** The deposit limits: one order's range and what is left, and the player's own limit with the way to change it. */
function DepositLimits({ p, limits }: { p: PaymentsText; limits: Limits | null }) {
  const left = limits ? limits.deposit.leftFen : 0;
  const own = limits?.deposit.binding?.code === 'SELF_DEPOSIT_LIMIT' ? limits.deposit.binding : null;
  return (
    <>
      {limits && (
        <p class="muted small" data-testid="deposit-limits">
          {p('depositLimits', {
            min: formatAmount('CNY', limits.deposit.minFen),
            max: formatAmount('CNY', limits.deposit.maxFen),
            left: formatAmount('CNY', left),
          })}
        </p>
      )}
      {own && (
        <p class="muted small" data-testid="deposit-own-limit" data-left={left}>
          {p('depositOwnLimit', { max: formatAmount('CNY', own.maxFen), used: formatAmount('CNY', own.usedFen) })}{' '}
          <a href="#/responsible" class="link">
            {p('changeOwnLimit')}
          </a>
        </p>
      )}
    </>
  );
}

/** Opens WeChat Pay for an open order: the H5 cashier (coming back to this order's page) or the JSAPI sheet inside WeChat. */
async function pay(d: Deposit): Promise<void> {
  const params = d.clientParams;
  if (params === null) return;
  if (params.kind === 'h5') {
    // Back from the cashier is back to the wallet (the cashier returns to this order's page when paid).
    history.replaceState(null, '', '#/wallet');
    location.href = withParam(params.h5Url, 'redirect_url', backHere(`deposit?order=${d.id}`));
  } else if (params.kind === 'jsapi') {
    const { kind: _kind, ...bridgeParams } = params;
    await invokeBridge('getBrandWCPayRequest', bridgeParams);
  }
}

/** Quick amounts to tap instead of typing. */
function DepositPresets({ onAmount }: { onAmount: (text: string) => void }) {
  return (
    <div class="chips">
      {PRESETS_FEN.map((f) => (
        <button type="button" key={f} class="chip" onClick={() => onAmount(String(f / 100))}>
          {formatAmount('CNY', f)}
        </button>
      ))}
    </div>
  );
}
