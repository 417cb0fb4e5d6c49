// Notifications as WeChat Pay sends them: the resource encrypted with AEAD_AES_256_GCM under the
// APIv3 key, the envelope signed like a response, POSTed to notify_url. Only HTTP 200 or 204
// within 5 seconds counts as received (the body is ignored, as WeChat Pay ignores it); anything
// else is retried on the documented schedule, measured on the sandbox clock.
import { randomUUID } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { aeadEncrypt } from './crypto.ts';
import type { FaultController } from './faults.ts';
import { rfc3339 } from './time.ts';
import type { NotificationRecord } from './types.ts';

/** 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h — 24h4m in all (payment-notice docs). */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
].map((s) => s * 1000);

/** The merchant must answer within this long (real time). */
export const NOTIFY_TIMEOUT_MS = 5000;
/** Oldest finished notifications are forgotten beyond this many. */
export const NOTIFICATIONS_KEPT_MAX = 10_000;
/** Pending notifications beyond this are refused: something is wrong with the test. */
export const NOTIFICATIONS_PENDING_MAX = 50_000;

export interface SignedHeaders {
  [name: string]: string;
}

export interface NotifierDeps {
  clock: Clock;
  faults: FaultController;
  apiV3Key: () => string;
  nextSeq: () => number;
  /** Signs a notification body as of now, applying any signature fault aimed at `POST <path>`. */
  sign: (body: string, path: string) => SignedHeaders;
}

interface Pending {
  record: NotificationRecord;
  body: string;
  path: string;
  dueMs: number;
  seq: number;
  failures: number;
  duplicate: boolean;
  held: boolean;
}

export interface NotificationInput {
  eventType: string;
  summary: string;
  /** `resource.original_type` and `associated_data`, e.g. 'transaction'. */
  originalType: string;
  resource: Record<string, unknown>;
  notifyUrl: string;
}

export class Notifier {
  readonly #deps: NotifierDeps;
  #pending: Pending[] = [];
  #history: NotificationRecord[] = [];

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
  }

  /** Queues a notification for delivery now (or later, or never, as faults decide). */
  enqueue(input: NotificationInput): NotificationRecord {
    const { clock, faults } = this.#deps;
    const nowMs = clock.nowMs();
    const path = safePath(input.notifyUrl);
    const plaintext = JSON.stringify(input.resource);
    const envelope = {
      id: randomUUID(),
      create_time: rfc3339(nowMs),
      resource_type: 'encrypt-resource',
      event_type: input.eventType,
      summary: input.summary,
      resource: { original_type: input.originalType, ...aeadEncrypt(plaintext, this.#deps.apiV3Key(), input.originalType) },
    };
    const record: NotificationRecord = {
      id: envelope.id,
      eventType: input.eventType,
      notifyUrl: input.notifyUrl,
      resource: input.resource,
      state: 'pending',
      attempts: [],
      nextAttemptMs: nowMs,
    };
    this.#remember(record);
    if (faults.take(['drop-notification'], 'POST', path)) {
      record.state = 'dropped';
      record.nextAttemptMs = null;
      return record;
    }
    if (this.#pending.length >= NOTIFICATIONS_PENDING_MAX) throw new Error(`too many pending notifications (${NOTIFICATIONS_PENDING_MAX})`);
    const delay = faults.take(['delay-notification'], 'POST', path);
    const reorder = delay ? null : faults.take(['reorder-notifications'], 'POST', path);
    const duplicate = faults.take(['duplicate-notification'], 'POST', path) !== null;
    const dueMs = nowMs + (delay?.ms ?? reorder?.ms ?? 0);
    record.nextAttemptMs = dueMs;
    this.#pending.push({
      record,
      body: JSON.stringify(envelope),
      path,
      dueMs,
      seq: this.#deps.nextSeq(),
      failures: 0,
      duplicate,
      held: reorder !== null,
    });
    return record;
  }

  peekDue(nowMs: number): { dueMs: number; seq: number } | null {
    const p = this.#earliestDue(nowMs);
    return p === null ? null : { dueMs: p.dueMs, seq: p.seq };
  }

  /** Makes one delivery attempt of the earliest due notification. */
  async deliverOne(nowMs: number): Promise<void> {
    const p = this.#earliestDue(nowMs);
    if (p === null) return;
    if (!p.held) {
      // An out-of-order fault holds a notification back until the next one has gone out.
      for (const other of this.#pending) {
        if (other.held && other !== p) {
          other.held = false;
          other.dueMs = nowMs;
          other.seq = this.#deps.nextSeq();
          other.record.nextAttemptMs = nowMs;
        }
      }
    }
    p.held = false;
    const copies = p.duplicate ? 2 : 1;
    p.duplicate = false;
    let ok = false;
    for (let i = 0; i < copies; i++) {
      const result = await this.#post(p);
      p.record.attempts.push({ atMs: nowMs, ...result });
      ok = ok || result.ok;
    }
    if (ok) {
      p.record.state = 'delivered';
      p.record.nextAttemptMs = null;
      this.#pending.splice(this.#pending.indexOf(p), 1);
      return;
    }
    p.failures += 1;
    const waitMs = RETRY_SCHEDULE_MS[p.failures - 1];
    if (waitMs === undefined) {
      p.record.state = 'abandoned';
      p.record.nextAttemptMs = null;
      this.#pending.splice(this.#pending.indexOf(p), 1);
      return;
    }
    // Retries are timed from when the attempt was due, so a test that jumps the clock forward an
    // hour sees every attempt that hour would have held.
    p.dueMs += waitMs;
    p.seq = this.#deps.nextSeq();
    p.record.nextAttemptMs = p.dueMs;
  }

  history(): NotificationRecord[] {
    return this.#history.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  async #post(p: Pending): Promise<{ status: number | null; ok: boolean; error?: string }> {
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Mozilla/4.0',
      ...this.#deps.sign(p.body, p.path),
    };
    try {
      const res = await fetch(p.record.notifyUrl, {
        method: 'POST',
        headers,
        body: p.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, ok: res.status === 200 || res.status === 204 };
    } catch (e) {
      return { status: null, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  #earliestDue(nowMs: number): Pending | null {
    let best: Pending | null = null;
    for (const p of this.#pending) {
      if (p.dueMs > nowMs) continue;
      if (best === null || p.dueMs < best.dueMs || (p.dueMs === best.dueMs && p.seq < best.seq)) best = p;
    }
    return best;
  }

  #remember(record: NotificationRecord): void {
    this.#history.push(record);
    if (this.#history.length > NOTIFICATIONS_KEPT_MAX) {
      const index = this.#history.findIndex((r) => r.state !== 'pending');
      this.#history.splice(Math.max(index, 0), 1);
    }
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '/';
  }
}
