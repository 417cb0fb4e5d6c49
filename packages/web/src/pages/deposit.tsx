// Deposit: the limits first, then an amount, then WeChat Pay — the JSAPI sheet inside WeChat, the
// H5 cashier outside it — and back here to watch the order until the wallet is credited.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { ApiError, type Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount, yuanToFen } from '../shared/money.ts';
import { AmountForm } from './amount-form.tsx';
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
type Deposit = Response<'GET /api/payments/deposits/:depositId'>;

const POLL_MS = 1500;
const PRESETS_FEN = [1000, 5000, 10000];

export function DepositPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [limits, setLimits] = useState<Limits | null>(null);
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('dep'));
  const [orderId, setOrderId] = useState<string | null>(hashQuery().get('order'));
  const [deposit, setDeposit] = useState<Deposit | null>(null);
  const [balanceFen, setBalanceFen] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('GET /api/payments/limits', {}).then(setLimits, () => {});
  }, [api]);

  const pay = useCallback(async (d: Deposit) => {
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
  }, []);

  // Watching one order: until it is paid, closed or failed.
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

  // Checked as the player types and again on submit, against the figures the server holds to: one
  // order's range, then what every limit (their own included) leaves for now.
  const problem = (text: string): string | null => {
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
  };

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

  const left = limits ? limits.deposit.leftFen : 0;
  const own = limits?.deposit.binding?.code === 'SELF_DEPOSIT_LIMIT' ? limits.deposit.binding : null;
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
          <div class="chips">
            {PRESETS_FEN.map((f) => (
              <button type="button" key={f} class="chip" onClick={() => setAmount(String(f / 100))}>
                {formatAmount('CNY', f)}
              </button>
            ))}
          </div>
        </AmountForm>
      ) : (
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
      )}
      {error && (
        <p class="error" role="alert" data-testid="deposit-error">
          {p('error', { message: error })}
        </p>
      )}
    </main>
  );
}
