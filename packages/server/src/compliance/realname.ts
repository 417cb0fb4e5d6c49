// Login/logout behaviour reporting for the real-name system (research §5.3: the NPPA system's
// third interface, "loginout"). Only players the authority verified are reported, with their `pi`
// (`ct` 0); guest play is banned, so `ct` 2 is never sent.
//
// A session goes online at its first authenticated request on any node and offline at sign-out or
// after REALNAME_IDLE_MS without a request. Online sessions live in the database (each node writes
// a session's last request at most every quarter of the idle time), so however many nodes a
// player's requests reach, one login and one logout are reported. Each change is written to an
// outbox in the same unit of work and sent in batches by `flush`, which the `realname.report` job
// runs once at a time across the cluster: a slow or failing authority never delays a player's
// request, and nothing is lost across restarts.
//
// Delivery is at least once. Before a batch is sent its rows count the attempt; after the answer
// they are marked sent (or refused, or left to retry). A node that dies between sending and
// recording sends the batch again after restart — the one way a report reaches the authority
// twice, besides an answer lost on the wire. NPPA takes an event only within 180 s of when it
// happened (`ot`): an event that waited longer (an outage) can no longer be delivered and is kept
// as `expired`, never altered to look newer.
import { createHash } from 'node:crypto';
import { assert, newId } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import {
  REALNAME_ATTEMPTS_MAX,
  REALNAME_CALLS_PER_PASS_MAX,
  REALNAME_IDLE_MS,
  REALNAME_LISTED_MAX,
  REALNAME_OT_AGE_MS_MAX,
  REALNAME_OUTBOX_MAX,
  REALNAME_RETRY_DELAY_MS_MAX,
  REALNAME_RETRY_DELAY_MS_MIN,
  REALNAME_SENT_KEPT_MS,
  REALNAME_SESSIONS_MAX,
  REALNAME_UNREPORTABLE_CACHE_MS,
} from './limits.ts';
import type { BehaviourEvent, RealNameReporter, ReportOutcome } from './ports.ts';

/**
 * The session id the authority sees (≤ 32 characters): one per online stretch of our session, so a
 * session that went offline (idle) and came back reports a new login/logout pair under a new `si`
 * (NPPA: an `si` lives for one login and its matching logout).
 */
function siOf(sessionId: string, sinceMs: number): string {
  return createHash('sha256').update(`${sessionId}:${sinceMs}`).digest('hex').slice(0, 32);
}

export type ReportState = 'pending' | 'sent' | 'parked' | 'expired';
export const REPORT_STATES: readonly ReportState[] = ['pending', 'sent', 'parked', 'expired'];

export interface ReportView {
  readonly id: string;
  readonly playerId: string;
  readonly sessionId: string;
  /** 1 login, 0 logout. */
  readonly bt: 0 | 1;
  /** When it happened, ms since the epoch (the report carries whole seconds). */
  readonly atMs: number;
  readonly state: ReportState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAtMs: number;
  readonly sentAtMs: number | null;
  readonly nextAttemptAtMs: number;
}

export interface PresenceOptions {
  readonly store: Store;
  readonly reporter: RealNameReporter;
  readonly nowMs: () => number;
  /** Whether the player has the authority's `pi` (only they are reported). */
  readonly reportable: (playerId: string) => Promise<boolean>;
  /** The authority's `pi` of each player that has one. */
  readonly pisOf: (playerIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  readonly idleMs?: number;
  /** Told when the authority refuses a batch for a reason only the operator can fix, or refuses records. */
  readonly onProblem?: (problem: { code: string; message: string; records: number }) => void;
}

interface OutboxRow {
  id: string;
  session_id: string;
  si: string | null;
  player_id: string;
  bt: unknown;
  ot_s: unknown;
  attempts: unknown;
}

const VIEW_COLUMNS = 'id, session_id, player_id, bt, ot_s, state, attempts, last_error, created_at_ms, sent_at_ms, next_attempt_at_ms';

function viewOf(r: Record<string, unknown>): ReportView {
  const state = r.state as string;
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    sessionId: r.session_id as string,
    bt: intFromDb(r.bt) === 1 ? 1 : 0,
    atMs: intFromDb(r.ot_s) * 1000,
    state: (REPORT_STATES as readonly string[]).includes(state) ? (state as ReportState) : 'pending',
    attempts: intFromDb(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    sentAtMs: intOrNullFromDb(r.sent_at_ms),
    nextAttemptAtMs: intFromDb(r.next_attempt_at_ms),
  };
}

/** The wait before sending a record again after `attempts` attempts. */
function retryDelayMs(attempts: number): number {
  return Math.min(REALNAME_RETRY_DELAY_MS_MIN * 2 ** Math.max(0, attempts - 1), REALNAME_RETRY_DELAY_MS_MAX);
}

const STALE_REASON = 'NPPA takes an event only within 180 s of when it happened; this one waited longer and can no longer be delivered';

export class RealNamePresence {
  readonly #o: PresenceOptions;
  /** Sessions this node has written lately → when it last wrote their request time. */
  readonly #written = new Map<string, number>();
  /** Players found without a `pi` → until when that answer is trusted (bounds reads for unverified players). */
  readonly #unreportable = new Map<string, number>();
  #flushing: Promise<number> | null = null;

  constructor(options: PresenceOptions) {
    assert(options.reporter.batchMax >= 1 && options.reporter.batchMax <= 1000, 'reporter batch size 1..1000');
    this.#o = options;
  }

  get #idleMs(): number {
    return this.#o.idleMs ?? REALNAME_IDLE_MS;
  }

  async #isReportable(playerId: string, nowMs: number): Promise<boolean> {
    const until = this.#unreportable.get(playerId);
    if (until !== undefined && until > nowMs) return false;
    if (await this.#o.reportable(playerId)) {
      this.#unreportable.delete(playerId);
      return true;
    }
    this.#unreportable.delete(playerId);
    this.#unreportable.set(playerId, nowMs + REALNAME_UNREPORTABLE_CACHE_MS);
    if (this.#unreportable.size > REALNAME_SESSIONS_MAX) this.#unreportable.delete(this.#unreportable.keys().next().value as string);
    return false;
  }

  /** The player now has a `pi` (verified on this node): their sessions are reported from their next request. */
  verified(playerId: string): void {
    this.#unreportable.delete(playerId);
  }

  /** An authenticated request of a player's session: online from the first one, on any node, once the player has a `pi`. */
  async touch(sessionId: string, playerId: string): Promise<void> {
    const nowMs = this.#o.nowMs();
    const writtenMs = this.#written.get(sessionId);
    if (writtenMs !== undefined && nowMs - writtenMs < this.#idleMs / 4) return;
    if (writtenMs === undefined && !(await this.#isReportable(playerId, nowMs))) return;
    await this.#o.store.unitOfWork(
      async (tx) => {
        const seen = await tx.run('UPDATE compliance_realname_sessions SET last_seen_ms = ? WHERE session_id = ?', [nowMs, sessionId]);
        if (seen === 1) return;
        const inserted = await tx.run(
          'INSERT INTO compliance_realname_sessions (session_id, player_id, since_ms, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING',
          [sessionId, playerId, nowMs, nowMs],
        );
        if (inserted === 1) await this.#enqueue(tx, sessionId, siOf(sessionId, nowMs), playerId, 1, nowMs);
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
        const rows = await tx.query<{ player_id: string; since_ms: unknown }>(
          'SELECT player_id, since_ms FROM compliance_realname_sessions WHERE session_id = ?',
          [sessionId],
        );
        const row = rows[0];
        if (row === undefined) return;
        if ((await tx.run('DELETE FROM compliance_realname_sessions WHERE session_id = ?', [sessionId])) === 1)
          await this.#enqueue(tx, sessionId, siOf(sessionId, intFromDb(row.since_ms)), row.player_id, 0, nowMs);
      },
      { label: 'compliance.realnameOffline' },
    );
  }

  /**
   * Every online session of the player goes offline now, inside the caller's unit of work (the
   * account closure: the player is signed out everywhere, so the authority hears each logout at
   * once, not after the idle time). Returns how many logouts were queued.
   */
  async endPlayer(tx: Tx, playerId: string): Promise<number> {
    const sessions = await tx.query<{ session_id: string; since_ms: unknown }>(
      'SELECT session_id, since_ms FROM compliance_realname_sessions WHERE player_id = ? ORDER BY session_id LIMIT ?',
      [playerId, REALNAME_SESSIONS_MAX],
    );
    let n = 0;
    for (const s of sessions) {
      if ((await tx.run('DELETE FROM compliance_realname_sessions WHERE session_id = ?', [s.session_id])) !== 1) continue;
      await this.#enqueue(tx, s.session_id, siOf(s.session_id, intFromDb(s.since_ms)), playerId, 0, tx.nowMs);
      n += 1;
    }
    tx.afterCommit(() => {
      for (const s of sessions) this.#written.delete(s.session_id);
    });
    return n;
  }

  /**
   * Reports sessions idle since before `nowMs - idleMs` as offline (at most `limit`, oldest first),
   * as of their last request plus the idle time; and forgets sent reports past their keeping time.
   */
  async sweep(nowMs = this.#o.nowMs(), limit = 1024): Promise<number> {
    const cutoffMs = nowMs - this.#idleMs;
    const idle = await this.#o.store.reader.query<{ session_id: string; player_id: string; since_ms: unknown; last_seen_ms: unknown }>(
      'SELECT session_id, player_id, since_ms, last_seen_ms FROM compliance_realname_sessions WHERE last_seen_ms <= ? ORDER BY last_seen_ms LIMIT ?',
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
          await this.#enqueue(
            tx,
            s.session_id,
            siOf(s.session_id, intFromDb(s.since_ms)),
            s.player_id,
            0,
            Math.min(nowMs, intFromDb(s.last_seen_ms) + this.#idleMs),
          );
          return true;
        },
        { label: 'compliance.realnameIdle' },
      );
      if (ended) {
        this.#written.delete(s.session_id);
        n += 1;
      }
    }
    await this.#o.store.unitOfWork(
      (tx) =>
        tx.run(
          "DELETE FROM compliance_realname_outbox WHERE id IN (SELECT id FROM compliance_realname_outbox WHERE state = 'sent' AND sent_at_ms < ? LIMIT ?)",
          [nowMs - REALNAME_SENT_KEPT_MS, limit],
        ),
      { label: 'compliance.realnameForget' },
    );
    return n;
  }

  async #enqueue(tx: Tx, sessionId: string, si: string, playerId: string, bt: 0 | 1, atMs: number): Promise<void> {
    const waiting = await tx.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM compliance_realname_outbox WHERE state = 'pending'");
    assert(intFromDb(waiting[0]?.n ?? 0) < REALNAME_OUTBOX_MAX, 'the real-name outbox is full; the reporter has been failing for too long');
    await tx.run(
      'INSERT INTO compliance_realname_outbox (id, session_id, si, player_id, bt, ot_s, ct, state, attempts, created_at_ms, next_attempt_at_ms) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, ?, 0)',
      [newId('rn'), sessionId, si, playerId, bt, Math.floor(atMs / 1000), 'pending', tx.nowMs],
    );
  }

  /**
   * Sends waiting events in batches until none is due, a batch goes undelivered, or the pass has
   * made REALNAME_CALLS_PER_PASS_MAX calls (NPPA limits reports to 10 calls a second). Returns how
   * many events the authority accepted. One flush at a time in this process; the job's leader lock
   * keeps other processes out.
   */
  flush(): Promise<number> {
    if (this.#flushing === null) {
      this.#flushing = this.#flushAll().finally(() => {
        this.#flushing = null;
      });
    }
    return this.#flushing;
  }

  async #flushAll(): Promise<number> {
    let accepted = 0;
    const batchMax = this.#o.reporter.batchMax;
    for (let calls = 0, rounds = 0; calls < REALNAME_CALLS_PER_PASS_MAX && rounds < REALNAME_CALLS_PER_PASS_MAX * 4; rounds++) {
      const nowMs = this.#o.nowMs();
      const rows = await this.#o.store.reader.query<OutboxRow>(
        `SELECT id, session_id, si, player_id, bt, ot_s, attempts FROM compliance_realname_outbox
          WHERE state = 'pending' AND next_attempt_at_ms <= ? AND ot_s <= ? ORDER BY created_at_ms, id LIMIT ?`,
        [nowMs, Math.floor(nowMs / 1000), batchMax],
      );
      if (rows.length === 0) return accepted;
      const stale = rows.filter((r) => nowMs - intFromDb(r.ot_s) * 1000 >= REALNAME_OT_AGE_MS_MAX);
      const fresh = rows.filter((r) => !stale.includes(r));
      const pis = fresh.length === 0 ? new Map<string, string>() : await this.#o.pisOf(fresh.map((r) => r.player_id));
      const noPi = fresh.filter((r) => !pis.has(r.player_id));
      const batch = fresh.filter((r) => pis.has(r.player_id));
      // The attempt is counted before the batch leaves: after a crash, a record with attempts and
      // no outcome is one the authority may already hold.
      await this.#markSending(stale, noPi, batch);
      if (batch.length === 0) continue;
      calls += 1;
      const outcome = await this.#o.reporter.report(behaviourEvents(batch, pis));
      const sentMs = this.#o.nowMs();
      await this.#recordOutcome(batch, outcome, sentMs);
      if (!outcome.delivered) {
        if (!outcome.retryable) this.#o.onProblem?.({ code: outcome.code, message: outcome.message, records: batch.length });
        return accepted;
      }
      if (outcome.refused.length > 0)
        this.#o.onProblem?.({
          code: outcome.refused[0]!.code,
          message: 'the authority refused records of a report batch',
          records: outcome.refused.length,
        });
      accepted += batch.length - outcome.refused.length;
    }
    return accepted;
  }

  /** Before a batch leaves: stale records expire, records of players with no pi park, the rest count an attempt. */
  async #markSending(stale: readonly OutboxRow[], noPi: readonly OutboxRow[], batch: readonly OutboxRow[]): Promise<void> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        for (const r of stale)
          await tx.run("UPDATE compliance_realname_outbox SET state = 'expired', last_error = ? WHERE id = ? AND state = 'pending'", [
            STALE_REASON,
            r.id,
          ]);
        for (const r of noPi)
          await tx.run("UPDATE compliance_realname_outbox SET state = 'parked', last_error = ? WHERE id = ? AND state = 'pending'", [
            'NO_PI: the player has no pi from the authority',
            r.id,
          ]);
        for (const r of batch) await tx.run('UPDATE compliance_realname_outbox SET attempts = attempts + 1 WHERE id = ?', [r.id]);
      },
      { label: 'compliance.realnameSending' },
    );
  }

  /** After the authority answered: each record sent, retried later, or parked. */
  async #recordOutcome(batch: readonly OutboxRow[], outcome: ReportOutcome, sentMs: number): Promise<void> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        for (const [i, r] of batch.entries()) {
          const attempts = intFromDb(r.attempts) + 1;
          if (outcome.delivered) {
            const no = i + 1;
            const refused = outcome.refused.find((f) => f.no === no);
            if (refused === undefined) {
              await tx.run("UPDATE compliance_realname_outbox SET state = 'sent', sent_at_ms = ?, last_error = NULL WHERE id = ?", [
                sentMs,
                r.id,
              ]);
              continue;
            }
            const park = !refused.retryable || attempts >= REALNAME_ATTEMPTS_MAX;
            await tx.run('UPDATE compliance_realname_outbox SET state = ?, last_error = ?, next_attempt_at_ms = ? WHERE id = ?', [
              park ? 'parked' : 'pending',
              refused.code,
              sentMs + retryDelayMs(attempts),
              r.id,
            ]);
            continue;
          }
          const park = attempts >= REALNAME_ATTEMPTS_MAX;
          const next = Math.max(sentMs + retryDelayMs(attempts), outcome.retryAfterMs ?? 0);
          await tx.run('UPDATE compliance_realname_outbox SET state = ?, last_error = ?, next_attempt_at_ms = ? WHERE id = ?', [
            park ? 'parked' : 'pending',
            `${outcome.code}: ${outcome.message}`.slice(0, 300),
            next,
            r.id,
          ]);
        }
      },
      { label: 'compliance.realnameSent' },
    );
  }

  // ------------------------------------------------------------------ the console

  /** How many reports are in each state. */
  async counts(): Promise<Record<ReportState, number>> {
    const rows = await this.#o.store.reader.query<{ state: string; n: unknown }>(
      'SELECT state, COUNT(*) AS n FROM compliance_realname_outbox GROUP BY state',
    );
    const out: Record<ReportState, number> = { pending: 0, sent: 0, parked: 0, expired: 0 };
    for (const r of rows) if ((REPORT_STATES as readonly string[]).includes(r.state)) out[r.state as ReportState] = intFromDb(r.n);
    return out;
  }

  /** Reports in one state (newest first; waiting ones oldest first), optionally of one player. */
  async list(o: { state?: ReportState; playerId?: string; limit?: number }): Promise<ReportView[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (o.state !== undefined) {
      where.push('state = ?');
      args.push(o.state);
    }
    if (o.playerId !== undefined) {
      where.push('player_id = ?');
      args.push(o.playerId);
    }
    const order = o.state === 'pending' ? 'created_at_ms, id' : 'created_at_ms DESC, id DESC';
    const rows = await this.#o.store.reader.query<Record<string, unknown>>(
      `SELECT ${VIEW_COLUMNS} FROM compliance_realname_outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`,
      [...args, Math.min(o.limit ?? REALNAME_LISTED_MAX, REALNAME_LISTED_MAX)],
    );
    return rows.map(viewOf);
  }

  /**
   * Puts parked reports back in the queue (an operator's retry), in the caller's unit (with its
   * audit entry). Reports past NPPA's window cannot be delivered any more and stay parked; so do
   * reports that are not parked.
   */
  async requeue(tx: Tx, ids: readonly string[]): Promise<{ requeued: string[]; tooOld: string[]; notParked: string[] }> {
    const out = { requeued: [] as string[], tooOld: [] as string[], notParked: [] as string[] };
    for (const id of ids) {
      const rows = await tx.query<{ state: string; ot_s: unknown }>('SELECT state, ot_s FROM compliance_realname_outbox WHERE id = ?', [
        id,
      ]);
      const row = rows[0];
      if (row === undefined || row.state !== 'parked') out.notParked.push(id);
      else if (tx.nowMs - intFromDb(row.ot_s) * 1000 >= REALNAME_OT_AGE_MS_MAX) out.tooOld.push(id);
      else {
        await tx.run(
          "UPDATE compliance_realname_outbox SET state = 'pending', attempts = 0, next_attempt_at_ms = 0, last_error = NULL WHERE id = ? AND state = 'parked'",
          [id],
        );
        out.requeued.push(id);
      }
    }
    return out;
  }
}

/** The authority's behaviour events of a batch, numbered from 1 in batch order. */
function behaviourEvents(batch: readonly OutboxRow[], pis: ReadonlyMap<string, string>): BehaviourEvent[] {
  return batch.map((r, i) => ({
    no: i + 1,
    // Rows written before `si` was stored: the session id, shortened to NPPA's 32 characters.
    si: r.si ?? (r.session_id.length <= 32 ? r.session_id : createHash('sha256').update(r.session_id).digest('hex').slice(0, 32)),
    bt: intFromDb(r.bt) === 1 ? 1 : 0,
    ot: intFromDb(r.ot_s),
    pi: pis.get(r.player_id) as string,
  }));
}
