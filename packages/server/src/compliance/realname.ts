// Login/logout behaviour reporting for the real-name system (research §5.3: the NPPA system's
// third interface, "loginout"). A session goes online at its first authenticated request on any
// node and offline at sign-out or after REALNAME_IDLE_MS without a request. Online sessions live
// in the database (each node writes a session's last request at most every quarter of the idle
// time), so however many nodes a player's requests reach, one login and one logout are reported.
// Each change is written to an outbox in the same unit of work and sent in batches of at most 128
// by `flush`; `sweep` and `flush` run as one job for the cluster, so a slow or failing authority
// never delays a player's request and nothing is lost across restarts.
import { createHash } from 'node:crypto';
import { newId } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { REALNAME_ATTEMPTS_MAX, REALNAME_BATCH_MAX, REALNAME_IDLE_MS, REALNAME_OUTBOX_MAX, REALNAME_SESSIONS_MAX } from './limits.ts';
import type { BehaviourEvent, RealNameReporter } from './ports.ts';

/** The session id the authority sees: ours, shortened to its 32-character limit. */
function si(sessionId: string): string {
  return sessionId.length <= 32 ? sessionId : createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

export interface PresenceOptions {
  readonly store: Store;
  readonly reporter: RealNameReporter;
  readonly nowMs: () => number;
  /** The authority's id for a verified player; only verified players are served where reporting applies. */
  readonly piOf: (playerId: string) => string;
  readonly idleMs?: number;
}

export class RealNamePresence {
  readonly #o: PresenceOptions;
  /** Sessions this node has written lately → when it last wrote their request time. */
  readonly #written = new Map<string, number>();
  #flushing: Promise<number> | null = null;

  constructor(options: PresenceOptions) {
    this.#o = options;
  }

  get #idleMs(): number {
    return this.#o.idleMs ?? REALNAME_IDLE_MS;
  }

  /** An authenticated request of a player's session: online from the first one, on any node. */
  async touch(sessionId: string, playerId: string): Promise<void> {
    const nowMs = this.#o.nowMs();
    const writtenMs = this.#written.get(sessionId);
    if (writtenMs !== undefined && nowMs - writtenMs < this.#idleMs / 4) return;
    await this.#o.store.unitOfWork(
      async (tx) => {
        const seen = await tx.run('UPDATE compliance_realname_sessions SET last_seen_ms = ? WHERE session_id = ?', [nowMs, sessionId]);
        if (seen === 1) return;
        const inserted = await tx.run(
          'INSERT INTO compliance_realname_sessions (session_id, player_id, since_ms, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING',
          [sessionId, playerId, nowMs, nowMs],
        );
        if (inserted === 1) await this.#enqueue(tx, sessionId, playerId, 1, nowMs);
      },
      { label: 'compliance.realnameTouch' },
    );
    this.#written.delete(sessionId);
    this.#written.set(sessionId, nowMs);
    if (this.#written.size > REALNAME_SESSIONS_MAX) this.#written.delete(this.#written.keys().next().value as string);
  }

  /** The session signed out. */
  async offline(sessionId: string): Promise<void> {
    this.#written.delete(sessionId);
    const nowMs = this.#o.nowMs();
    await this.#o.store.unitOfWork(
      async (tx) => {
        const rows = await tx.query<{ player_id: string }>('SELECT player_id FROM compliance_realname_sessions WHERE session_id = ?', [
          sessionId,
        ]);
        const row = rows[0];
        if (row === undefined) return;
        if ((await tx.run('DELETE FROM compliance_realname_sessions WHERE session_id = ?', [sessionId])) === 1)
          await this.#enqueue(tx, sessionId, row.player_id, 0, nowMs);
      },
      { label: 'compliance.realnameOffline' },
    );
  }

  /** Reports sessions idle since before `nowMs - idleMs` as offline (at most `limit`, oldest first), as of their last request plus the idle time. */
  async sweep(nowMs = this.#o.nowMs(), limit = REALNAME_BATCH_MAX * 8): Promise<number> {
    const cutoffMs = nowMs - this.#idleMs;
    const idle = await this.#o.store.reader.query<{ session_id: string; player_id: string; last_seen_ms: unknown }>(
      'SELECT session_id, player_id, last_seen_ms FROM compliance_realname_sessions WHERE last_seen_ms <= ? ORDER BY last_seen_ms LIMIT ?',
      [cutoffMs, limit],
    );
    let n = 0;
    for (const s of idle) {
      const ended = await this.#o.store.unitOfWork(
        async (tx) => {
          // Conditional: a request that arrived since the read keeps the session online.
          const gone = await tx.run('DELETE FROM compliance_realname_sessions WHERE session_id = ? AND last_seen_ms <= ?', [
            s.session_id,
            cutoffMs,
          ]);
          if (gone !== 1) return false;
          await this.#enqueue(tx, s.session_id, s.player_id, 0, Math.min(nowMs, intFromDb(s.last_seen_ms) + this.#idleMs));
          return true;
        },
        { label: 'compliance.realnameIdle' },
      );
      if (ended) {
        this.#written.delete(s.session_id);
        n += 1;
      }
    }
    return n;
  }

  async #enqueue(tx: Tx, sessionId: string, playerId: string, bt: 0 | 1, atMs: number): Promise<void> {
    const waiting = await tx.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM compliance_realname_outbox WHERE state = 'pending'");
    if (intFromDb(waiting[0]?.n ?? 0) >= REALNAME_OUTBOX_MAX)
      throw new Error('assertion failed: the real-name outbox is full; the reporter has been failing for too long');
    await tx.run(
      'INSERT INTO compliance_realname_outbox (id, session_id, player_id, bt, ot_s, ct, state, attempts, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)',
      [newId('rn'), sessionId, playerId, bt, Math.floor(atMs / 1000), 0, 'pending', tx.nowMs],
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
    const piOf = this.#o.piOf;
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
