// Login/logout behaviour reporting for the real-name system (research §5.3: the NPPA system's
// third interface, "loginout"). A session goes online at its first authenticated request and
// offline at sign-out or after REALNAME_IDLE_MS without a request. Each change is written to an
// outbox in its own unit of work and sent in batches of at most 128 by `flush`, so a slow or
// failing authority never delays a player's request and nothing is lost across restarts.
import { createHash } from 'node:crypto';
import { newId } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { REALNAME_ATTEMPTS_MAX, REALNAME_BATCH_MAX, REALNAME_IDLE_MS, REALNAME_OUTBOX_MAX, REALNAME_SESSIONS_MAX } from './limits.ts';
import type { BehaviourEvent, RealNameReporter, ReportResult } from './ports.ts';

/** A stand-in for the authority's `pi` (its id for a verified person): 38 characters derived from the player id. */
export function sandboxPi(playerId: string): string {
  return createHash('sha256').update(`pi:${playerId}`).digest('hex').slice(0, 38);
}

/** The session id the authority sees: ours, shortened to its 32-character limit. */
function si(sessionId: string): string {
  return sessionId.length <= 32 ? sessionId : createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

/**
 * A sandbox of the authority's behaviour interface: checks each batch as the real one would
 * (size, field ranges, `pi` for real-name users) and keeps what it accepted. Tests can make it
 * fail the next calls.
 */
export class SandboxRealNameReporter implements RealNameReporter {
  readonly name = 'sandbox';
  readonly accepted: BehaviourEvent[] = [];
  #failNext = 0;

  failNext(calls: number): void {
    this.#failNext = calls;
  }

  async report(collections: readonly BehaviourEvent[]): Promise<ReportResult> {
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      return { ok: false, retryable: true, reason: 'SANDBOX_UNAVAILABLE' };
    }
    if (collections.length === 0 || collections.length > REALNAME_BATCH_MAX) return { ok: false, retryable: false, reason: 'BATCH_SIZE' };
    for (const [i, e] of collections.entries()) {
      const bad =
        e.no !== i + 1 ||
        e.si.length === 0 ||
        e.si.length > 32 ||
        (e.bt !== 0 && e.bt !== 1) ||
        !Number.isSafeInteger(e.ot) ||
        (e.ct === 0 && (e.pi === undefined || e.pi.length !== 38)) ||
        (e.ct === 2 && e.di === undefined);
      if (bad) return { ok: false, retryable: false, reason: `EVENT_INVALID:${i + 1}` };
    }
    this.accepted.push(...collections.map((e) => ({ ...e })));
    return { ok: true };
  }
}

export interface PresenceOptions {
  readonly store: Store;
  readonly reporter: RealNameReporter;
  readonly nowMs: () => number;
  /** The authority's id for a verified player; only verified players are served where reporting applies. */
  readonly piOf?: (playerId: string) => string;
  readonly idleMs?: number;
}

export class RealNamePresence {
  readonly #o: PresenceOptions;
  /** Online sessions → player and last request time. */
  readonly #online = new Map<string, { playerId: string; lastMs: number }>();
  #flushing: Promise<number> | null = null;

  constructor(options: PresenceOptions) {
    this.#o = options;
  }

  get onlineCount(): number {
    return this.#online.size;
  }

  /** An authenticated request of a player's session. */
  async touch(sessionId: string, playerId: string): Promise<void> {
    const nowMs = this.#o.nowMs();
    const known = this.#online.get(sessionId);
    if (known) {
      known.lastMs = nowMs;
      return;
    }
    if (this.#online.size >= REALNAME_SESSIONS_MAX) await this.sweep(Number.MAX_SAFE_INTEGER, 1);
    this.#online.set(sessionId, { playerId, lastMs: nowMs });
    await this.#enqueue(sessionId, playerId, 1, nowMs);
  }

  /** The session signed out. */
  async offline(sessionId: string): Promise<void> {
    const known = this.#online.get(sessionId);
    if (!known) return;
    this.#online.delete(sessionId);
    await this.#enqueue(sessionId, known.playerId, 0, this.#o.nowMs());
  }

  /** Reports sessions idle since before `nowMs - idleMs` as offline (at most `limit`, oldest first). */
  async sweep(nowMs = this.#o.nowMs(), limit = REALNAME_SESSIONS_MAX): Promise<number> {
    const idleMs = this.#o.idleMs ?? REALNAME_IDLE_MS;
    const idle = [...this.#online.entries()].filter(([, s]) => nowMs - s.lastMs >= idleMs).sort((a, b) => a[1].lastMs - b[1].lastMs);
    let n = 0;
    for (const [sessionId, s] of idle.slice(0, limit)) {
      this.#online.delete(sessionId);
      await this.#enqueue(sessionId, s.playerId, 0, Math.min(nowMs, s.lastMs + idleMs));
      n += 1;
    }
    return n;
  }

  async #enqueue(sessionId: string, playerId: string, bt: 0 | 1, atMs: number): Promise<void> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        const waiting = await tx.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM compliance_realname_outbox WHERE state = 'pending'");
        if (intFromDb(waiting[0]?.n ?? 0) >= REALNAME_OUTBOX_MAX)
          throw new Error('assertion failed: the real-name outbox is full; the reporter has been failing for too long');
        await tx.run(
          'INSERT INTO compliance_realname_outbox (id, session_id, player_id, bt, ot_s, ct, state, attempts, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)',
          [newId('rn'), sessionId, playerId, bt, Math.floor(atMs / 1000), 0, 'pending', tx.nowMs],
        );
      },
      { label: 'compliance.realnameEnqueue' },
    );
  }

  /** Sends waiting events in batches until none wait or a batch fails; returns how many were accepted. One flush at a time. */
  flush(): Promise<number> {
    if (this.#flushing === null) {
      this.#flushing = this.#flushAll().finally(() => {
        this.#flushing = null;
      });
    }
    return this.#flushing;
  }

  async #flushAll(): Promise<number> {
    let sent = 0;
    const piOf = this.#o.piOf ?? sandboxPi;
    for (let round = 0; round < REALNAME_OUTBOX_MAX / REALNAME_BATCH_MAX; round++) {
      const rows = await this.#o.store.reader.query<{
        id: string;
        session_id: string;
        player_id: string;
        bt: unknown;
        ot_s: unknown;
        ct: unknown;
        attempts: unknown;
      }>(
        "SELECT id, session_id, player_id, bt, ot_s, ct, attempts FROM compliance_realname_outbox WHERE state = 'pending' ORDER BY created_at_ms, id LIMIT ?",
        [REALNAME_BATCH_MAX],
      );
      if (rows.length === 0) return sent;
      const events: BehaviourEvent[] = rows.map((r, i) => ({
        no: i + 1,
        si: si(r.session_id),
        bt: intFromDb(r.bt) === 1 ? 1 : 0,
        ot: intFromDb(r.ot_s),
        ct: 0,
        pi: piOf(r.player_id),
      }));
      const result = await this.#o.reporter.report(events);
      const ids = rows.map((r) => r.id);
      await this.#o.store.unitOfWork(
        async (tx) => {
          for (const [i, id] of ids.entries()) {
            if (result.ok) {
              await tx.run("UPDATE compliance_realname_outbox SET state = 'sent', sent_at_ms = ? WHERE id = ?", [tx.nowMs, id]);
              continue;
            }
            const attempts = intFromDb(rows[i]!.attempts) + 1;
            const park = !result.retryable || attempts >= REALNAME_ATTEMPTS_MAX;
            await tx.run('UPDATE compliance_realname_outbox SET state = ?, attempts = ?, last_error = ? WHERE id = ?', [
              park ? 'parked' : 'pending',
              attempts,
              result.reason.slice(0, 200),
              id,
            ]);
          }
        },
        { label: 'compliance.realnameSent' },
      );
      if (!result.ok) return sent;
      sent += rows.length;
    }
    return sent;
  }
}
