// Playing one session: creating it, applying the player's commands as they arrive, ending it and
// closing it (its signals summary, its final row) in the unit that hands it to its match or tournament.
//
// A session is one game of the puzzle on a server seed. The client streams commands; the server
// applies each to its own copy of the game as it arrives (refusing illegal moves, sequence gaps,
// timestamps that run backwards or ahead of the server's clock, and anything after the end) and
// its score is the only one that counts.
import { AppError, type ErrorDef, newId } from '@fairground/core';
import { newSkillGame, type SkillCommand, type SkillEndReason, type SkillEngine } from '@fairground/rules';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import type { SkillGameSettings } from './catalogue.ts';
import type { SkillContext } from './context.ts';
import { judgeCopy } from './copies.ts';
import { extendLog, LOG_DIGEST_START, seedBytes } from './digest.ts';
import { SkillErrors } from './errors.ts';
import {
  ACTIVE_SESSIONS_MAX,
  CLOCK_TOLERANCE_MS,
  COPY_COMPARE_SESSIONS_MAX,
  COMMAND_BATCH_MAX,
  REFILL_LOOKAHEAD,
  SUBMIT_GRACE_MS,
} from './limits.ts';
import { type LiveSession, rebuild } from './live.ts';
import { type CommandRow, commandFromDb, type SessionMode, type SessionRow, type SessionStatus } from './rows.ts';
import type { Ack, MatchView, SessionResult, SessionState } from './schemas.ts';
import { EVENT_SIGNALS, type EventSignal, serverIntervals, type SignalSummary, summarize, timingStats } from './signals.ts';
import { loadSessionWithLog } from './verifier.ts';

/** Thrown inside a start unit when the request key already names a session (another request with it got there first). */
export class KeyTaken extends Error {}

/** A rules refusal re-raised with where it happened in the batch. */
function withDetails(e: AppError, details: Record<string, unknown>): AppError {
  const def: ErrorDef = { code: e.code, domain: 'puzzle', status: e.status, message: e.message, retryable: e.retryable };
  return new AppError(def, { ...(e.details ?? {}), ...details }, e.message);
}

const RULE_EVENTS: Readonly<Record<string, EventSignal>> = {
  PUZZLE_MOVE_INVALID: 'illegal_move',
  PUZZLE_MOVE_NO_MATCH: 'illegal_move',
  PUZZLE_TIME_BACKWARDS: 'time_backwards',
};

/** A signal a batch raised, with what it names. */
type BatchEvent = { kind: EventSignal; detail: Record<string, string | number> };
/** What applying a batch to the live game did: the commands kept, the signals, the retransmissions, the refusal that stopped it. */
type AppliedBatch = { accepted: CommandRow[]; events: BatchEvent[]; duplicates: number; refusal: AppError | null };

export interface NewSession {
  readonly id: string;
  readonly playerId: string;
  readonly game: string;
  readonly mode: SessionMode;
  readonly matchId: string | null;
  readonly tournamentId: string | null;
  readonly requestKey: string | null;
  readonly seedHex: string;
  readonly commitment: string;
  /** The new game, from its plug-in (the configuration names it). */
  readonly puzzle: SkillEngine;
  readonly startedAtMs: number;
}

/** What happens around a session that belongs to a match or a tournament. */
export interface SessionHooks {
  /** In the unit that closed the session: its match may settle, its tournament entry records the score. */
  sessionEnded(tx: Tx, closed: SessionRow): Promise<void>;
  /** The match a session belongs to, as its player sees it (for results). */
  matchView(playerId: string, matchId: string): Promise<MatchView>;
}

export class SessionPlay {
  readonly #c: SkillContext;
  readonly #hooks: SessionHooks;

  constructor(c: SkillContext, hooks: SessionHooks) {
    this.#c = c;
    this.#hooks = hooks;
  }

  /**
   * Inside the unit that starts a session, before it writes anything: takes the ledger's lock (so
   * what is counted next includes every start committed before and none can commit beside it),
   * refuses a request key that another request used meanwhile, and counts the active games.
   */
  async admit(tx: Tx, playerId: string, requestKey: string | null): Promise<void> {
    await this.#c.ledger.serialize(tx);
    if (requestKey !== null) {
      const taken = await tx.query('SELECT id FROM skill_sessions WHERE player_id = ? AND request_key = ?', [playerId, requestKey]);
      if (taken.length > 0) throw new KeyTaken();
    }
    await this.checkActiveLimit(tx, playerId, tx.nowMs);
  }

  newSession(
    playerId: string,
    settings: SkillGameSettings,
    mode: SessionMode,
    s: {
      seedHex: string;
      commitment: string;
      matchId: string | null;
      tournamentId: string | null;
      requestKey: string | null;
      config?: SkillGameSettings['puzzle'];
    },
  ): NewSession {
    return {
      id: newId('ss'),
      playerId,
      game: settings.id,
      mode,
      matchId: s.matchId,
      tournamentId: s.tournamentId,
      requestKey: s.requestKey,
      seedHex: s.seedHex,
      commitment: s.commitment,
      puzzle: newSkillGame(seedBytes(s.seedHex), s.config ?? settings.puzzle).game,
      startedAtMs: this.#c.clock.nowMs(),
    };
  }

  /** Inserts a session row in `tx` and returns its live game (put it in the cache after commit). */
  async insertSession(tx: Tx, s: NewSession): Promise<LiveSession> {
    const config = s.puzzle.config;
    const row: SessionRow = {
      id: s.id,
      playerId: s.playerId,
      game: s.game,
      mode: s.mode,
      matchId: s.matchId,
      tournamentId: s.tournamentId,
      seedHex: s.seedHex,
      commitment: s.commitment,
      config,
      status: 'active',
      endReason: null,
      startedAtMs: tx.nowMs,
      deadlineAtMs: tx.nowMs + config.durationMs + SUBMIT_GRACE_MS,
      endedAtMs: null,
      score: 0,
      moves: 0,
      nextSeq: 1,
      lastAtMs: 0,
      refillIndex: 0,
      stateHash: s.puzzle.stateHash(),
      logDigest: LOG_DIGEST_START,
      claimedScore: null,
      flagged: false,
      signals: null,
    };
    await tx.run(
      `INSERT INTO skill_sessions (id, player_id, game, mode, match_id, tournament_id, request_key, seed_hex, commitment, config, status,
         started_at_ms, deadline_at_ms, score, moves, next_seq, last_at_ms, refill_index, state_hash, log_digest, flagged)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, 0, 0, 1, 0, 0, ?, ?, 0)`,
      [
        row.id,
        row.playerId,
        row.game,
        row.mode,
        row.matchId,
        row.tournamentId,
        s.requestKey,
        row.seedHex,
        row.commitment,
        JSON.stringify(config),
        row.startedAtMs,
        row.deadlineAtMs,
        row.stateHash,
        row.logDigest,
      ],
    );
    return rebuild(row, []);
  }

  /** SKILL_TOO_MANY_ACTIVE when the player already has the most unfinished games (read through `reader`: a unit's tx, or committed data). */
  async checkActiveLimit(reader: Reader, playerId: string, nowMs: number): Promise<void> {
    const rows = await reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM skill_sessions WHERE player_id = ? AND status = 'active' AND deadline_at_ms > ?",
      [playerId, nowMs],
    );
    if (intFromDb(rows[0]?.n ?? 0) >= ACTIVE_SESSIONS_MAX)
      throw new AppError(SkillErrors.SKILL_TOO_MANY_ACTIVE, { max: ACTIVE_SESSIONS_MAX });
  }

  // ------------------------------------------------------------------ playing

  /** Loads a session's live game (cache, or rebuilt from its log). */
  async load(sessionId: string): Promise<LiveSession> {
    const cached = this.#c.live.get(sessionId);
    if (cached) return cached;
    const stored = await loadSessionWithLog(this.#c.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const live = rebuild(stored.row, stored.commands);
    if (live.row.status === 'active') this.#c.live.put(live);
    return live;
  }

  async own(playerId: string, sessionId: string): Promise<LiveSession> {
    const live = await this.load(sessionId);
    if (live.row.playerId !== playerId) throw new AppError(SkillErrors.SKILL_SESSION_NOT_YOURS, { sessionId });
    return live;
  }

  state(live: LiveSession): SessionState {
    const r = live.row;
    const view = live.game.view();
    return {
      sessionId: r.id,
      game: r.game,
      mode: r.mode,
      matchId: r.matchId,
      tournamentId: r.tournamentId,
      status: r.status,
      commitment: r.commitment,
      startedAtMs: r.startedAtMs,
      deadlineAtMs: r.deadlineAtMs,
      endedAtMs: r.endedAtMs,
      serverNowMs: this.#c.clock.nowMs(),
      clockToleranceMs: CLOCK_TOLERANCE_MS,
      view: { ...view, board: [...view.board] },
      stateHash: live.game.stateHash(),
      refills: this.refills(live),
    };
  }

  refills(live: LiveSession): { fromIndex: number; gems: number[] } {
    if (live.row.status !== 'active') return { fromIndex: live.game.refillIndex, gems: [] };
    const w = live.refills.window(live.game.refillIndex, REFILL_LOOKAHEAD);
    return { fromIndex: w.fromIndex, gems: [...w.gems] };
  }

  /** The session as its player sees it (to resume after a reload). */
  async session(playerId: string, sessionId: string): Promise<SessionState> {
    return this.state(await this.own(playerId, sessionId));
  }

  /**
   * Applies a batch of commands in order. Commands before the first refused one are kept; the
   * refusal is thrown with `details.accepted`. A command already accepted (same seq, same
   * content) is a retransmission and is ignored; a different command with a used seq is refused
   * and flags the session, as do illegal moves and timestamps ahead of the server's clock.
   */
  async submit(playerId: string, sessionId: string, commands: readonly SkillCommand[]): Promise<Ack> {
    if (commands.length > COMMAND_BATCH_MAX) throw new AppError(SkillErrors.SKILL_BATCH_TOO_LARGE, { max: COMMAND_BATCH_MAX });
    return this.#c.live.serialize(sessionId, async () => {
      const live = await this.own(playerId, sessionId);
      const before = live.row;
      if (before.status !== 'active') throw new AppError(SkillErrors.SKILL_SESSION_ENDED, { status: before.status });
      const nowMs = this.#c.clock.nowMs();
      if (nowMs > before.deadlineAtMs) throw new AppError(SkillErrors.SKILL_SESSION_EXPIRED, { deadlineAtMs: before.deadlineAtMs });

      const { accepted, events, duplicates, refusal } = this.#applyBatch(live, commands, nowMs);
      if (accepted.length > 0 || events.length > 0) await this.#storeBatch(sessionId, live, before, accepted, events);
      if (refusal) throw withDetails(refusal, { accepted: accepted.length, nextSeq: live.game.nextSeq });
      return this.#ack(sessionId, live, accepted.length, duplicates);
    });
  }

  /**
   * Applies the batch's commands to the live game in order, up to the first refused one:
   * retransmissions are counted and skipped; conflicts, timestamps ahead and illegal moves are
   * refused and named as signals.
   */
  #applyBatch(live: LiveSession, commands: readonly SkillCommand[], nowMs: number): AppliedBatch {
    const elapsedMs = nowMs - live.row.startedAtMs;
    const accepted: CommandRow[] = [];
    const events: BatchEvent[] = [];
    let duplicates = 0;
    let refusal: AppError | null = null;
    for (const cmd of commands) {
      if (Number.isSafeInteger(cmd.seq) && cmd.seq >= 1 && cmd.seq < live.game.nextSeq) {
        const prior = live.log[cmd.seq - 1];
        if (prior && prior.atMs === cmd.atMs && prior.move.from === cmd.move?.from && prior.move.to === cmd.move?.to) {
          duplicates++;
          continue;
        }
        events.push({ kind: 'seq_conflict', detail: { seq: cmd.seq } });
        refusal = new AppError(SkillErrors.SKILL_COMMAND_CONFLICT, { seq: cmd.seq });
        break;
      }
      if (cmd.atMs > elapsedMs + CLOCK_TOLERANCE_MS) {
        events.push({ kind: 'time_ahead', detail: { seq: cmd.seq, atMs: cmd.atMs, serverElapsedMs: elapsedMs } });
        refusal = new AppError(SkillErrors.SKILL_TIME_AHEAD, {
          seq: cmd.seq,
          atMs: cmd.atMs,
          serverElapsedMs: elapsedMs,
          toleranceMs: CLOCK_TOLERANCE_MS,
        });
        break;
      }
      const r = live.game.apply(cmd, live.refills);
      if (!r.ok) {
        const kind = RULE_EVENTS[r.error.code];
        if (kind) events.push({ kind, detail: { seq: cmd.seq, code: r.error.code } });
        refusal = r.error;
        break;
      }
      const row: CommandRow = { seq: cmd.seq, atMs: cmd.atMs, move: { from: cmd.move.from, to: cmd.move.to }, receivedAtMs: nowMs };
      accepted.push(row);
      live.log.push(row);
    }
    return { accepted, events, duplicates, refusal };
  }

  /**
   * Writes what the batch changed in one unit: the session row (guarded by the sequence the batch
   * continues), the accepted commands, the signals, and the close if the rules ended the game.
   */
  async #storeBatch(
    sessionId: string,
    live: LiveSession,
    before: SessionRow,
    accepted: readonly CommandRow[],
    events: readonly BatchEvent[],
  ): Promise<void> {
    const g = live.game;
    const next: SessionRow = {
      ...before,
      score: g.score,
      moves: g.movesMade,
      nextSeq: g.nextSeq,
      lastAtMs: g.lastAtMs,
      refillIndex: g.refillIndex,
      stateHash: g.stateHash(),
      logDigest: accepted.length > 0 ? extendLog(live.hasher, accepted) : before.logDigest,
      flagged: before.flagged || events.length > 0,
    };
    try {
      live.row = await this.#c.store.unitOfWork(
        async (tx) => {
          // The session row first, guarded by the sequence this batch continues: a batch for
          // the same session handled beside this one (another node) waits for it here and then
          // finds the sequence moved on (SKILL_BUSY), instead of racing it into (session, seq).
          const changed = await tx.run(
            `UPDATE skill_sessions SET score = ?, moves = ?, next_seq = ?, last_at_ms = ?, refill_index = ?, state_hash = ?, log_digest = ?, flagged = ?
              WHERE id = ? AND next_seq = ? AND status = 'active'`,
            [
              next.score,
              next.moves,
              next.nextSeq,
              next.lastAtMs,
              next.refillIndex,
              next.stateHash,
              next.logDigest,
              next.flagged ? 1 : 0,
              sessionId,
              before.nextSeq,
            ],
          );
          if (changed !== 1) throw new AppError(SkillErrors.SKILL_BUSY, { sessionId });
          for (const c of accepted) {
            await tx.run(
              'INSERT INTO skill_commands (session_id, seq, at_ms, received_at_ms, from_cell, to_cell) VALUES (?, ?, ?, ?, ?, ?)',
              [sessionId, c.seq, c.atMs, c.receivedAtMs, c.move.from, c.move.to],
            );
          }
          for (const e of events) await this.signal(tx, before, e.kind, e.detail);
          // The rules ended the game (move limit, or no move left): the session is over now.
          if (g.endReason !== null) return this.close(tx, next, 'finished', g.endReason, null);
          return next;
        },
        { label: 'skill.commands' },
      );
    } catch (e) {
      this.#c.live.drop(sessionId);
      throw e;
    }
    if (live.row.status !== 'active') this.#c.live.drop(sessionId);
  }

  /** The reply to an accepted batch: where the game stands now. */
  #ack(sessionId: string, live: LiveSession, accepted: number, duplicates: number): Ack {
    return {
      sessionId,
      accepted,
      duplicates,
      nextSeq: live.game.nextSeq,
      score: live.game.score,
      movesMade: live.game.movesMade,
      stateHash: live.game.stateHash(),
      refills: this.refills(live),
      status: live.row.status,
      endReason: live.game.endReason,
      view: (() => {
        const v = live.game.view();
        return { ...v, board: [...v.board] };
      })(),
    };
  }

  /** The player ends the game (time is up on their screen, or they stop early). Idempotent. */
  finish(playerId: string, sessionId: string, claimedScore: number | null): Promise<SessionResult> {
    return this.#c.live.serialize(sessionId, async () => {
      const live = await this.own(playerId, sessionId);
      if (live.row.status === 'active') {
        const reason: 'time' | 'stopped' = this.#c.clock.nowMs() - live.row.startedAtMs >= live.row.config.durationMs ? 'time' : 'stopped';
        await this.end(live, 'finished', reason, claimedScore);
      } else if (claimedScore !== null && live.row.claimedScore === null) {
        live.row = await this.#c.store.unitOfWork(
          async (tx) => {
            const mismatch = claimedScore !== live.row.score;
            if (mismatch) await this.signal(tx, live.row, 'score_mismatch', { claimed: claimedScore, server: live.row.score });
            await tx.run('UPDATE skill_sessions SET claimed_score = ?, flagged = ? WHERE id = ?', [
              claimedScore,
              live.row.flagged || mismatch ? 1 : 0,
              sessionId,
            ]);
            return { ...live.row, claimedScore, flagged: live.row.flagged || mismatch };
          },
          { label: 'skill.claim' },
        );
      }
      return this.result(playerId, live);
    });
  }

  /** The player gives up: in a paid game that is a forfeit. */
  abandon(playerId: string, sessionId: string): Promise<SessionResult> {
    return this.#c.live.serialize(sessionId, async () => {
      const live = await this.own(playerId, sessionId);
      if (live.row.status === 'active') await this.end(live, 'abandoned', 'stopped', null);
      return this.result(playerId, live);
    });
  }

  async result(playerId: string, live: LiveSession): Promise<SessionResult> {
    const r = live.row;
    return {
      sessionId: r.id,
      status: r.status,
      endReason: r.endReason,
      score: r.score,
      movesMade: r.moves,
      stateHash: r.stateHash,
      match: r.matchId ? await this.#hooks.matchView(playerId, r.matchId) : null,
    };
  }

  /** Ends an active session (the caller holds its queue). */
  async end(live: LiveSession, status: SessionStatus, reason: 'time' | 'stopped', claimedScore: number | null): Promise<void> {
    live.game.end(reason);
    const g = live.game;
    const next: SessionRow = { ...live.row, stateHash: g.stateHash(), score: g.score, moves: g.movesMade };
    try {
      live.row = await this.#c.store.unitOfWork(
        async (tx) => {
          // Closing may settle a match or a tournament entry: the ledger's lock first, as every money unit takes it.
          await this.#c.ledger.serialize(tx);
          return this.close(tx, next, status, g.endReason!, claimedScore);
        },
        { label: `skill.${status}` },
      );
    } finally {
      this.#c.live.drop(live.row.id);
    }
  }

  /**
   * Closes a session inside `tx`: its signals summary, its final row, and whatever its game needs
   * (a match settles when both sides are done; a tournament entry records its score).
   */
  async close(tx: Tx, row: SessionRow, status: SessionStatus, endReason: SkillEndReason, claimedScore: number | null): Promise<SessionRow> {
    const commands = (
      await tx.query('SELECT seq, at_ms, received_at_ms, from_cell, to_cell FROM skill_commands WHERE session_id = ? ORDER BY seq', [
        row.id,
      ])
    ).map(commandFromDb);
    const summary = await this.#closingSignals(tx, row, commands, claimedScore);
    const closed: SessionRow = {
      ...row,
      status,
      endReason,
      endedAtMs: tx.nowMs,
      claimedScore,
      flagged: row.flagged || summary.flags.length > 0,
      signals: summary,
    };
    const changed = await tx.run(
      `UPDATE skill_sessions SET status = ?, end_reason = ?, ended_at_ms = ?, score = ?, moves = ?, state_hash = ?, claimed_score = ?, flagged = ?, signals = ?
        WHERE id = ? AND status = 'active'`,
      [
        status,
        endReason,
        tx.nowMs,
        closed.score,
        closed.moves,
        closed.stateHash,
        claimedScore,
        closed.flagged ? 1 : 0,
        JSON.stringify(summary),
        row.id,
      ],
    );
    if (changed !== 1) throw new AppError(SkillErrors.SKILL_SESSION_ENDED, { sessionId: row.id });
    await this.#reportClosed(tx, row, closed, summary, commands);
    await this.#hooks.sessionEnded(tx, closed);
    return closed;
  }

  /**
   * The closing session's signals: a claimed score the server does not share, copies of other
   * sessions on its seed, and the timing summary, whose flags are recorded as signals too.
   */
  async #closingSignals(tx: Tx, row: SessionRow, commands: readonly CommandRow[], claimedScore: number | null): Promise<SignalSummary> {
    if (claimedScore !== null && claimedScore !== row.score) {
      await this.signal(tx, row, 'score_mismatch', { claimed: claimedScore, server: row.score });
    }
    await this.#checkCopies(tx, row, commands);
    const counts = await tx.query<{ kind: string; n: unknown }>(
      'SELECT kind, COUNT(*) AS n FROM skill_signals WHERE session_id = ? GROUP BY kind',
      [row.id],
    );
    const events: Partial<Record<EventSignal, number>> = {};
    for (const c of counts) if ((EVENT_SIGNALS as readonly string[]).includes(c.kind)) events[c.kind as EventSignal] = intFromDb(c.n);
    const summary = summarize(timingStats(commands, row.startedAtMs), events);
    for (const flag of summary.flags) {
      if (!(EVENT_SIGNALS as readonly string[]).includes(flag)) await this.signal(tx, row, flag, { ...summary.timing });
    }
    return summary;
  }

  /** Tells the rest of the platform a session closed: analytics, the risk review of its flags and timing, the score boards. */
  async #reportClosed(tx: Tx, row: SessionRow, closed: SessionRow, summary: SignalSummary, commands: readonly CommandRow[]): Promise<void> {
    const status = closed.status;
    await this.#c.analytics?.append(tx, {
      kind: 'skill_session_ended',
      actor: { kind: 'player', id: row.playerId },
      data: { sessionId: row.id, mode: row.mode, status, score: closed.score, flagged: closed.flagged },
    });
    if (summary.flags.length > 0 && this.#c.risk) {
      // A copy's evidence (whom it copies, how closely) travels with the flag to the review queue.
      const copy = summary.flags.includes('copied_log')
        ? (
            await tx.query<{ detail: string }>(
              "SELECT detail FROM skill_signals WHERE session_id = ? AND kind = 'copied_log' ORDER BY created_at_ms DESC, id LIMIT 1",
              [row.id],
            )
          )[0]
        : undefined;
      await this.#c.risk.sessionFlagged(tx, {
        playerId: row.playerId,
        sessionId: row.id,
        mode: row.mode,
        flags: summary.flags,
        summary,
        ...(copy ? { detail: JSON.parse(copy.detail) as Record<string, string | number> } : {}),
      });
    }
    const risk = this.#c.risk;
    if (risk?.sessionTiming && commands.length > 1) {
      // The risk domain's timing model reads the server's clock: stamps are the client's to choose.
      const intervals = serverIntervals(commands, row.startedAtMs);
      tx.afterCommit(() => {
        risk.sessionTiming?.(row.playerId, row.id, intervals)?.catch((e) => this.#c.onError(e, 'risk.sessionTiming'));
      });
    }
    // Score boards rank play for money (head-to-head and tournaments). A practice score costs nothing
    // to repeat until it is lucky, so it never enters them.
    if (status === 'finished' && row.mode !== 'practice') {
      tx.afterCommit(() => {
        this.#c.leaderboards.recordScore(row.game, row.playerId, closed.score).catch((e) => this.#c.onError(e, 'leaderboards.recordScore'));
      });
    }
  }

  /**
   * On a shared seed, compares the closing session's moves with the other finished sessions of the
   * seed (copies.ts). A copy flags this session and the one it copies (both players are reviewed:
   * either may be the other's second account).
   */
  async #checkCopies(tx: Tx, row: SessionRow, commands: readonly CommandRow[]): Promise<void> {
    if (row.mode === 'practice') return;
    const mine = commands.map((c) => c.move);
    const seed = seedBytes(row.seedHex);
    const others = await tx.query<{ id: string; player_id: string }>(
      "SELECT id, player_id FROM skill_sessions WHERE seed_hex = ? AND id <> ? AND status <> 'active' ORDER BY started_at_ms LIMIT ?",
      [row.seedHex, row.id, COPY_COMPARE_SESSIONS_MAX],
    );
    for (const o of others) {
      const theirs = (
        await tx.query<{ from_cell: unknown; to_cell: unknown }>(
          'SELECT from_cell, to_cell FROM skill_commands WHERE session_id = ? ORDER BY seq',
          [o.id],
        )
      ).map((c) => ({ from: intFromDb(c.from_cell), to: intFromDb(c.to_cell) }));
      const v = judgeCopy(seed, row.config, mine, theirs);
      if (!v.copied) continue;
      const evidence = {
        exact: v.exact ? 1 : 0,
        similarityPermille: v.similarityPermille,
        comparable: v.evidence.comparable,
        followed: v.evidence.followed,
        llrMilli: v.evidence.llrMilli,
        moves: mine.length,
      };
      await this.signal(tx, row, 'copied_log', { of: o.id, ofPlayer: o.player_id, ...evidence });
      await this.signal(tx, { id: o.id, playerId: o.player_id }, 'copied_log', { by: row.id, byPlayer: row.playerId, ...evidence });
      await tx.run('UPDATE skill_sessions SET flagged = 1 WHERE id = ?', [o.id]);
      await this.#c.risk?.sessionFlagged(tx, {
        playerId: o.player_id,
        sessionId: o.id,
        mode: row.mode,
        flags: ['copied_log'],
        summary: summarize(timingStats([], 0), { copied_log: 1 }),
        detail: { by: row.id, byPlayer: row.playerId, ...evidence },
      });
      return;
    }
  }

  /** A flag raised after the session closed (by its match or tournament): a signal, the session flagged, the risk domain told. */
  async flagClosed(
    tx: Tx,
    session: { readonly id: string; readonly playerId: string },
    mode: SessionMode,
    flag: EventSignal,
    detail: Record<string, string | number>,
  ): Promise<void> {
    await this.signal(tx, session, flag, detail);
    await tx.run('UPDATE skill_sessions SET flagged = 1 WHERE id = ?', [session.id]);
    await this.#c.risk?.sessionFlagged(tx, {
      playerId: session.playerId,
      sessionId: session.id,
      mode,
      flags: [flag],
      summary: summarize(timingStats([], 0), { [flag]: 1 }),
      detail,
    });
  }

  async signal(
    tx: Tx,
    row: { readonly id: string; readonly playerId: string },
    kind: string,
    detail: Record<string, string | number>,
  ): Promise<void> {
    await tx.run('INSERT INTO skill_signals (id, session_id, player_id, kind, detail, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
      newId('sg'),
      row.id,
      row.playerId,
      kind,
      JSON.stringify(detail),
      tx.nowMs,
    ]);
  }
}
