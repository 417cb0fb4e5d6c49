// The provider's notifications: verify and decrypt (the adapter), match the payment to ours, apply
// it in one unit of work, answer. WeChat Pay decides by HTTP status alone and retries anything
// but 2xx on its schedule, so every answer here is chosen for what should happen next: 204 once
// applied (or already applied), 401 for a signature that does not verify (probes included), and
// 500 for a notification we cannot apply yet or that contradicts our order — it will come again.
import type { Ctx } from './context.ts';
import { type Deposits, orderMismatch } from './deposits.ts';
import { failpoint } from './failpoints.ts';
import { NOTIFY_ANSWER_DEADLINE_MS } from './limits.ts';
import { NotificationRejected, type ProviderNotification } from './ports.ts';
import type { Refunds } from './refunds.ts';
import type { Withdrawals } from './withdrawals.ts';

export interface NotifyAnswer {
  readonly status: number;
  readonly body: { readonly code: string; readonly message: string } | undefined;
}

const OK: NotifyAnswer = { status: 204, body: undefined };
const RETRY: NotifyAnswer = { status: 500, body: { code: 'FAIL', message: '失败' } };

export class NotificationHandler {
  readonly #ctx: Ctx;
  readonly #deposits: Deposits;
  readonly #withdrawals: Withdrawals;
  readonly #refunds: Refunds;

  constructor(ctx: Ctx, deposits: Deposits, withdrawals: Withdrawals, refunds: Refunds) {
    this.#ctx = ctx;
    this.#deposits = deposits;
    this.#withdrawals = withdrawals;
    this.#refunds = refunds;
  }

  /** Answers within the deadline whatever happens; work still running then finishes on its own (applying is idempotent). */
  async handle(headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Uint8Array): Promise<NotifyAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<NotifyAnswer>((resolve) => {
      timer = setTimeout(() => {
        this.#ctx.log.warn({}, 'payments: notification not applied within the deadline; asking the provider to retry');
        resolve(RETRY);
      }, NOTIFY_ANSWER_DEADLINE_MS);
      timer.unref();
    });
    const work = this.#handle(headers, rawBody).catch((e: unknown) => {
      this.#ctx.log.error({ err: e }, 'payments: notification failed');
      return RETRY;
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #handle(headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Uint8Array): Promise<NotifyAnswer> {
    let n: ProviderNotification;
    try {
      n = this.#ctx.provider().parseNotification(headers, rawBody);
    } catch (e) {
      if (!(e instanceof NotificationRejected)) throw e;
      // Forged, probing, stale or garbled: nothing in it can be trusted, so only the reason is logged.
      this.#ctx.log.warn({ reason: e.reason, status: e.status, serial: headers['wechatpay-serial'] }, 'payments: notification rejected');
      return { status: e.status, body: e.body as NotifyAnswer['body'] };
    }
    switch (n.kind) {
      case 'payment': {
        const d = await this.#deposits.get(n.order.orderNo);
        if (d === null) return this.#refuse(n, n.order.orderNo, 'unknown_order');
        if (n.order.state !== 'paid') return this.#ack(n, d.id, 'ignored_unpaid');
        const mismatch = orderMismatch(d, n.order);
        if (mismatch !== null) return this.#refuse(n, d.id, `mismatch: ${mismatch}`);
        failpoint('before_credit');
        const outcome = await this.#deposits.credit(d.id, n.order, 'notification');
        failpoint('after_credit');
        if (outcome === 'mismatch' || outcome === 'unknown') return RETRY;
        return OK;
      }
      case 'transfer': {
        const w = await this.#withdrawals.get(n.transfer.billNo);
        if (w === null) return this.#refuse(n, n.transfer.billNo, 'unknown_bill');
        if (n.transfer.amountFen !== undefined && n.transfer.amountFen !== w.amountFen) {
          return this.#refuse(n, w.id, `mismatch: amount ${n.transfer.amountFen} ≠ ${w.amountFen}`);
        }
        if (w.state === 'review') return this.#refuse(n, w.id, 'bill for a withdrawal still in review');
        const outcome = await this.#withdrawals.applyTransfer(w.id, n.transfer, 'notification');
        return outcome === 'mismatch' || outcome === 'unknown' ? RETRY : OK;
      }
      case 'refund': {
        const r = await this.#refunds.get(n.refund.refundNo);
        if (r === null) return this.#refuse(n, n.refund.refundNo, 'unknown_refund');
        if (n.refund.amountFen !== r.amountFen) return this.#refuse(n, r.id, `mismatch: amount ${n.refund.amountFen} ≠ ${r.amountFen}`);
        const outcome = await this.#refunds.applyRefund(r.id, n.refund, 'notification');
        return outcome === 'mismatch' || outcome === 'unknown' ? RETRY : OK;
      }
      default:
        return this.#ack(n, n.eventId, `ignored ${n.eventType}`);
    }
  }

  async #refuse(n: ProviderNotification, subject: string, why: string): Promise<NotifyAnswer> {
    this.#ctx.log.warn({ eventId: n.eventId, kind: n.kind, subject, why }, 'payments: notification refused; the provider will retry');
    await this.#ctx.store.unitOfWork((tx) =>
      this.#ctx.event(tx, 'notification', subject, 'refused', { eventId: n.eventId, kind: n.kind, why }),
    );
    return RETRY;
  }

  async #ack(n: ProviderNotification, subject: string, why: string): Promise<NotifyAnswer> {
    await this.#ctx.store.unitOfWork((tx) =>
      this.#ctx.event(tx, 'notification', subject, 'acknowledged', { eventId: n.eventId, kind: n.kind, why }),
    );
    return OK;
  }
}
