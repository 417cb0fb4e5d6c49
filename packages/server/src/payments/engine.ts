// The payments domain assembled: deposits, withdrawals and refunds over one outbox, the
// notification handler, the reconciler and the sweeps that drive them all. `runDue` is what the
// `payments.sweep` job calls (and tests after moving their clock); the daily reconciliation is the
// `payments.reconcile` job's `reconciler.catchUp()`.
import { CircuitBreaker } from './breaker.ts';
import { createCtx, type Ctx, type PaymentsDeps } from './context.ts';
import { Deposits } from './deposits.ts';
import { SWEEP_ROUNDS_MAX } from './limits.ts';
import { NotificationHandler } from './notify.ts';
import { Outbox } from './outbox.ts';
import { Reconciler } from './reconciler.ts';
import { Refunds } from './refunds.ts';
import { Withdrawals } from './withdrawals.ts';

export interface PaymentsEngineOptions extends PaymentsDeps {
  /** Outbox lease; longer than any provider call. */
  readonly outboxLeaseMs?: number;
}

export interface SweepReport {
  readonly outbox: number;
  readonly deposits: number;
  readonly withdrawals: number;
  readonly refunds: number;
}

export class PaymentsEngine {
  readonly ctx: Ctx;
  readonly outbox: Outbox;
  readonly deposits: Deposits;
  readonly withdrawals: Withdrawals;
  readonly refunds: Refunds;
  readonly reconciler: Reconciler;
  readonly notifications: NotificationHandler;
  readonly #notifyUrl: { value: string | undefined };
  #running: Promise<SweepReport> | null = null;

  constructor(o: PaymentsEngineOptions) {
    this.#notifyUrl = { value: o.notifyUrl };
    this.ctx = createCtx(o, o.breaker ?? new CircuitBreaker(o.clock), this.#notifyUrl);
    this.outbox = new Outbox(this.ctx, o.outboxLeaseMs);
    this.deposits = new Deposits(this.ctx, this.outbox);
    this.withdrawals = new Withdrawals(this.ctx, this.outbox);
    this.refunds = new Refunds(this.ctx, this.outbox, this.deposits);
    this.reconciler = new Reconciler(this.ctx, this.deposits);
    this.notifications = new NotificationHandler(this.ctx, this.deposits, this.withdrawals, this.refunds);
  }

  /** The URL the provider posts notifications to, once the server knows where it listens. */
  setNotifyUrl(url: string): void {
    this.#notifyUrl.value = url;
  }

  get notifyUrl(): string | undefined {
    return this.#notifyUrl.value;
  }

  /** Runs every sweep until nothing more is due (bounded); one run at a time. */
  runDue(): Promise<SweepReport> {
    this.#running ??= this.#runDue().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #runDue(): Promise<SweepReport> {
    const total = { outbox: 0, deposits: 0, withdrawals: 0, refunds: 0 };
    if (!this.ctx.hasProvider) return total;
    for (let round = 0; round < SWEEP_ROUNDS_MAX; round++) {
      const outbox = await this.outbox.sweep();
      const deposits = await this.deposits.sweep();
      const withdrawals = await this.withdrawals.sweep();
      const refunds = await this.refunds.sweep();
      total.outbox += outbox;
      total.deposits += deposits;
      total.withdrawals += withdrawals;
      total.refunds += refunds;
      if (outbox + deposits + withdrawals + refunds === 0) break;
    }
    return total;
  }

  /** Waits for a sweep in progress to end. */
  async stop(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** The step-by-step history of payments, for the console. */
  async events(subjectIds: readonly string[]): Promise<{ kind: string; subjectKind: string; detail: unknown; atMs: number }[]> {
    if (subjectIds.length === 0) return [];
    const rows = await this.ctx.store.reader.query<{ kind: string; subject_kind: string; detail: string | null; at_ms: unknown }>(
      `SELECT kind, subject_kind, detail, at_ms FROM payment_events WHERE subject_id IN (${subjectIds.map(() => '?').join(', ')}) ORDER BY at_ms, id LIMIT 500`,
      subjectIds,
    );
    return rows.map((r) => ({
      kind: r.kind,
      subjectKind: r.subject_kind,
      detail: r.detail === null ? null : safeJson(r.detail),
      atMs: Number(r.at_ms),
    }));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
