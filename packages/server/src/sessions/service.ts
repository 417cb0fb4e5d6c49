// Skill-game sessions and paid head-to-head matches.
//
// A session is one game of the puzzle on a server seed. The client streams commands; the server
// applies each to its own copy of the game as it arrives (refusing illegal moves, sequence gaps,
// timestamps that run backwards or ahead of the server's clock, and anything after the end) and
// its score is the only one that counts. Head-to-head matches follow the asynchronous
// host/challenger model: the first player hosts a match on a fresh seed and plays at once; a later
// player with a close rating joins it and plays the same seed. Each entry fee is a ledger hold
// placed in the same unit of work that creates the session; the unit that ends the second
// session settles the match (posts both fees, pays the winner the pool minus the rake) in the
// same transaction. Timeouts are handled by `sweep()`, which the server runs periodically.
import { AppError, type Clock, type ErrorDef, newId, splitEvenly, type Fen } from '@fairground/core';
import { PuzzleGame, type PuzzleCommand, type PuzzleEndReason } from '@fairground/rules';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { Leaderboards } from '../leaderboards/index.ts';
import { type Ledger, LedgerErrors } from '../ledger/index.ts';
import { chooseOpponent, DEFAULT_MATCHMAKING, type LinkedAccounts, type MatchmakingPolicy, Ratings } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb, isUniqueViolation } from '../storage/sql.ts';
import { type SkillCatalogue, SkillCatalogue as Catalogue, type SkillGameSettings } from './catalogue.ts';
import { extendLog, LOG_DIGEST_START, newSeed, seedBytes } from './digest.ts';
import { SkillErrors } from './errors.ts';
import {
  ACTIVE_SESSIONS_MAX,
  CLAIM_ATTEMPTS_MAX,
  CLOCK_TOLERANCE_MS,
  COMMAND_BATCH_MAX,
  LIST_PAGE_MAX,
  OPEN_MATCH_CANDIDATES_MAX,
  RECENT_PAIRINGS_MAX,
  REFILL_LOOKAHEAD,
  SUBMIT_GRACE_MS,
  SWEEP_BATCH_MAX,
} from './limits.ts';
import { type LiveSession, LiveSessions, rebuild } from './live.ts';
import { holdEntryFee, openEscrow, payOut, postEntryFee, rakeOf, refundEntryFee } from './money.ts';
import {
  type CommandRow,
  commandFromDb,
  type MatchOutcome,
  type MatchRow,
  matchFromDb,
  SESSION_COLUMNS,
  type SessionMode,
  type SessionRow,
  type SessionStatus,
  sessionFromDb,
} from './rows.ts';
import type { Ack, AdminSession, MatchView, SessionResult, SessionState } from './schemas.ts';
import { EVENT_SIGNALS, type EventSignal, type SignalSummary, summarize, timingStats } from './signals.ts';
import { Tournaments } from './tournaments.ts';
import { loadSessionWithLog, type VerificationReport, verifySession } from './verifier.ts';

/** What the risk domain hears from skill games. */
export interface SkillRiskPort {
  /** In the unit that closes a session with flags (so a signal commits with the session). */
  sessionFlagged(
    tx: Tx,
    s: {
      readonly playerId: string;
      readonly sessionId: string;
      readonly mode: SessionMode;
      readonly flags: readonly string[];
      readonly summary: SignalSummary;
    },
  ): Promise<void>;
  /** After the session closed: its intervals between moves, for the risk domain's own timing model. */
  sessionTiming?(playerId: string, sessionId: string, intervalsMs: readonly number[]): Promise<unknown>;
}

export interface SkillGamesOptions {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly leaderboards: Leaderboards;
  readonly analytics?: Analytics;
  readonly audit?: AuditLog;
  readonly ratings?: Ratings;
  /** Accounts one person controls: never matched against each other. */
  readonly linked: LinkedAccounts;
  readonly catalogue?: SkillCatalogue;
  readonly matchmaking?: MatchmakingPolicy;
  /** Nicknames to show for other players (never their ids). */
  readonly nicknames?: (playerIds: readonly string[]) => Promise<Map<string, string>>;
  /** The risk domain's ears (flagged sessions, move timing); none by default. */
  readonly risk?: SkillRiskPort;
  /** Failures of background work (leaderboard updates after commit, sweep items). */
  readonly onBackgroundError?: (error: unknown, what: string) => void;
}

export interface SweepReport {
  readonly sessionsTimedOut: number;
  readonly matchesExpired: number;
  readonly tournamentsClosed: number;
  readonly tournamentsSettled: number;
  readonly boardsPruned: number;
  readonly errors: number;
}

const FORFEITS: readonly SessionStatus[] = ['abandoned', 'timed_out'];
const isForfeit = (s: SessionStatus) => FORFEITS.includes(s);

/** Thrown inside a claim unit when another challenger took the match first (never escapes the service). */
class ClaimLost extends Error {}

/** Thrown inside a start unit when the request key already names a session (another request with it got there first). */
class KeyTaken extends Error {}

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

interface NewSession {
  readonly id: string;
  readonly playerId: string;
  readonly game: string;
  readonly mode: SessionMode;
  readonly matchId: string | null;
  readonly tournamentId: string | null;
  readonly requestKey: string | null;
  readonly seedHex: string;
  readonly commitment: string;
  readonly puzzle: PuzzleGame;
  readonly startedAtMs: number;
}

export class SkillGames {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly catalogue: SkillCatalogue;
  readonly ratings: Ratings;
  readonly leaderboards: Leaderboards;
  readonly live = new LiveSessions();
  readonly tournaments: Tournaments;
  readonly #notifier: Notifier;
  readonly #analytics: Analytics | undefined;
  readonly #linked: LinkedAccounts;
  readonly #policy: MatchmakingPolicy;
  readonly #nicknames: (ids: readonly string[]) => Promise<Map<string, string>>;
  readonly #onError: (error: unknown, what: string) => void;
  readonly #risk: SkillRiskPort | undefined;

  constructor(o: SkillGamesOptions) {
    this.store = o.store;
    this.ledger = o.ledger;
    this.clock = o.clock;
    this.catalogue = o.catalogue ?? new Catalogue();
    this.ratings = o.ratings ?? new Ratings();
    this.leaderboards = o.leaderboards;
    this.#notifier = o.notifier;
    this.#analytics = o.analytics;
    this.#linked = o.linked;
    this.#policy = o.matchmaking ?? DEFAULT_MATCHMAKING;
    this.#nicknames = o.nicknames ?? (async (ids) => new Map(ids.map((id) => [id, `player-${id.slice(-4)}`])));
    this.#onError = o.onBackgroundError ?? (() => {});
    this.#risk = o.risk;
    this.tournaments = new Tournaments({
      store: o.store,
      ledger: o.ledger,
      clock: o.clock,
      catalogue: this.catalogue,
      notifier: o.notifier,
      analytics: o.analytics,
      audit: o.audit,
      linked: this.#linked,
      nicknames: this.#nicknames,
      sessions: {
        create: (tx, playerId, t) =>
          this.#insertSession(
            tx,
            this.#newSession(playerId, this.catalogue.require(t.game), 'tournament', {
              seedHex: t.seedHex,
              commitment: t.commitment,
              matchId: null,
              tournamentId: t.id,
              requestKey: null,
              config: t.config,
            }),
          ),
        state: (live) => this.#state(live),
        remember: (live) => this.live.put(live),
        forget: (id) => this.live.drop(id),
      },
    });
  }

  // ------------------------------------------------------------------ starting

  /** A free practice game: no money, not rated. */
  async startPractice(playerId: string, gameId: string): Promise<SessionState> {
    const settings = this.catalogue.require(gameId);
    await this.#checkActiveLimit(this.store.reader, playerId, this.clock.nowMs());
    const { seedHex, commitment } = newSeed();
    const spec = this.#newSession(playerId, settings, 'practice', {
      seedHex,
      commitment,
      matchId: null,
      tournamentId: null,
      requestKey: null,
    });
    const live = await this.store.unitOfWork(
      async (tx) => {
        await this.#admit(tx, playerId, null);
        const live = await this.#insertSession(tx, spec);
        await this.#analytics?.append(tx, {
          kind: 'skill_session_started',
          actor: { kind: 'player', id: playerId },
          data: { sessionId: spec.id, game: gameId, mode: 'practice' },
        });
        return live;
      },
      { label: 'skill.startPractice' },
    );
    this.live.put(live);
    return this.#state(live);
  }

  /**
   * A paid head-to-head: joins the best open match inside the player's rating window, or hosts a
   * new one. The entry fee is held before the session exists; without funds nothing is created.
   * Retrying with the same request key and the same game and fee returns the same match and
   * session (`replayed`), moving nothing; the same key with another game or fee is
   * LEDGER_IDEMPOTENCY_CONFLICT. The cap on active games is counted inside the unit that holds
   * the fee, so parallel requests cannot all slip under it.
   */
  async startMatch(
    playerId: string,
    input: { game: string; entryFeeFen: number; requestKey: string },
  ): Promise<{ match: MatchView; session: SessionState; replayed: boolean }> {
    const settings = this.catalogue.require(input.game);
    if (!settings.stakesFen.includes(input.entryFeeFen)) {
      throw new AppError(SkillErrors.SKILL_STAKE_UNKNOWN, { entryFeeFen: input.entryFeeFen, offered: [...settings.stakesFen] });
    }
    const earlier = await this.#sessionByRequestKey(playerId, input.requestKey);
    if (earlier) return this.#replayMatch(playerId, earlier, settings.id, input);
    // The early, friendly answer; the unit that holds the fee counts again.
    await this.#checkActiveLimit(this.store.reader, playerId, this.clock.nowMs());

    const nowMs = this.clock.nowMs();
    const rating = (await this.ratings.current(this.store.reader, settings.id, 'paid', [playerId], nowMs)).get(playerId)!;
    const seeker = {
      playerId,
      rating: rating.rating,
      waitingSinceMs: nowMs,
      linked: await this.#linked.linkedTo(playerId),
      recentOpponents: await this.#recentOpponents(playerId, nowMs - this.#policy.rematchSpanMs),
    };
    const candidates = (
      await this.store.reader.query<{ id: string; host_player_id: string; host_rating: unknown; created_at_ms: unknown }>(
        `SELECT id, host_player_id, host_rating, created_at_ms FROM skill_matches
          WHERE status = 'open' AND game = ? AND entry_fee_fen = ? AND expires_at_ms > ?
          ORDER BY created_at_ms LIMIT ?`,
        [settings.id, input.entryFeeFen, nowMs, OPEN_MATCH_CANDIDATES_MAX],
      )
    ).map((r) => ({ id: r.id, playerId: r.host_player_id, rating: intFromDb(r.host_rating), waitingSinceMs: intFromDb(r.created_at_ms) }));

    try {
      const lost = new Set<string>();
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS_MAX; attempt++) {
        const choice = chooseOpponent(
          seeker,
          candidates.filter((c) => !lost.has(c.id)),
          nowMs,
          this.#policy,
        );
        if (!choice) break;
        try {
          const live = await this.#joinMatch(playerId, choice.id, input.requestKey);
          return { ...(await this.#matchStart(playerId, live)), replayed: false };
        } catch (e) {
          if (!(e instanceof ClaimLost)) throw e;
          lost.add(choice.id);
        }
      }
      const live = await this.#hostMatch(playerId, settings, input.entryFeeFen, Math.round(rating.rating), input.requestKey);
      return { ...(await this.#matchStart(playerId, live)), replayed: false };
    } catch (e) {
      // Two requests with one key raced: the other one's session was there when this one's unit
      // looked, or the unique index stopped this one. Answer as a replay of the one that won.
      if (!(e instanceof KeyTaken) && !isUniqueViolation(e)) throw e;
      const winner = await this.#sessionByRequestKey(playerId, input.requestKey);
      if (winner) return this.#replayMatch(playerId, winner, settings.id, input);
      // The other request's unit has not committed (nor failed) yet.
      throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { requestKey: input.requestKey });
    }
  }

  /** The answer to a request whose key already started a match: the same one, or a conflict if it asked for another. */
  async #replayMatch(
    playerId: string,
    live: LiveSession,
    game: string,
    input: { entryFeeFen: number; requestKey: string },
  ): Promise<{ match: MatchView; session: SessionState; replayed: true }> {
    const started = await this.#matchStart(playerId, live);
    if (started.match.game !== game || started.match.entryFeeFen !== input.entryFeeFen) {
      throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, {
        requestKey: input.requestKey,
        matchId: started.match.matchId,
        game: started.match.game,
        entryFeeFen: started.match.entryFeeFen,
      });
    }
    return { ...started, replayed: true };
  }

  /**
   * Inside the unit that starts a session, before it writes anything: takes the ledger's lock (so
   * what is counted next includes every start committed before and none can commit beside it),
   * refuses a request key that another request used meanwhile, and counts the active games.
   */
  async #admit(tx: Tx, playerId: string, requestKey: string | null): Promise<void> {
    await this.ledger.serialize(tx);
    if (requestKey !== null) {
      const taken = await tx.query('SELECT id FROM skill_sessions WHERE player_id = ? AND request_key = ?', [playerId, requestKey]);
      if (taken.length > 0) throw new KeyTaken();
    }
    await this.#checkActiveLimit(tx, playerId, tx.nowMs);
  }

  async #joinMatch(playerId: string, matchId: string, requestKey: string): Promise<LiveSession> {
    const m = matchFromDb((await this.store.reader.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]))[0]!);
    const settings = this.catalogue.require(m.game);
    const spec = this.#newSession(playerId, settings, 'match', {
      seedHex: m.seedHex,
      commitment: m.commitment,
      matchId: m.id,
      tournamentId: null,
      requestKey,
      config: m.config,
    });
    const live = await this.store.unitOfWork(
      async (tx) => {
        await this.#admit(tx, playerId, requestKey);
        const claimed = await tx.run(
          `UPDATE skill_matches SET status = 'matched', challenger_player_id = ?, challenger_session_id = ?, matched_at_ms = ?
            WHERE id = ? AND status = 'open' AND expires_at_ms > ? AND host_player_id <> ?`,
          [playerId, spec.id, tx.nowMs, m.id, tx.nowMs, playerId],
        );
        if (claimed !== 1) throw new ClaimLost();
        const holdId = await holdEntryFee(this.ledger, tx, 'match', m.id, playerId, m.entryFeeFen);
        await tx.run('UPDATE skill_matches SET challenger_hold_id = ? WHERE id = ?', [holdId, m.id]);
        const live = await this.#insertSession(tx, spec);
        await this.#analytics?.append(tx, {
          kind: 'skill_match_joined',
          actor: { kind: 'player', id: playerId },
          data: { matchId: m.id, sessionId: spec.id, entryFeeFen: m.entryFeeFen },
        });
        return live;
      },
      { label: 'skill.joinMatch' },
    );
    this.live.put(live);
    return live;
  }

  async #hostMatch(
    playerId: string,
    settings: SkillGameSettings,
    entryFeeFen: number,
    rating: number,
    requestKey: string,
  ): Promise<LiveSession> {
    const matchId = newId('mt');
    const { seedHex, commitment } = newSeed();
    const spec = this.#newSession(playerId, settings, 'match', { seedHex, commitment, matchId, tournamentId: null, requestKey });
    const live = await this.store.unitOfWork(
      async (tx) => {
        await this.#admit(tx, playerId, requestKey);
        await openEscrow(this.ledger, tx, 'match', matchId);
        const holdId = await holdEntryFee(this.ledger, tx, 'match', matchId, playerId, entryFeeFen);
        await tx.run(
          `INSERT INTO skill_matches (id, game, entry_fee_fen, rake_bps, tie_rule, seed_hex, commitment, config, status,
             host_player_id, host_session_id, host_hold_id, host_rating, created_at_ms, expires_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
          [
            matchId,
            settings.id,
            entryFeeFen,
            settings.rakeBps,
            settings.tieRule,
            seedHex,
            commitment,
            JSON.stringify(settings.puzzle),
            playerId,
            spec.id,
            holdId,
            rating,
            tx.nowMs,
            tx.nowMs + settings.matchWaitMs,
          ],
        );
        const live = await this.#insertSession(tx, spec);
        await this.#analytics?.append(tx, {
          kind: 'skill_match_hosted',
          actor: { kind: 'player', id: playerId },
          data: { matchId, sessionId: spec.id, entryFeeFen },
        });
        return live;
      },
      { label: 'skill.hostMatch' },
    );
    this.live.put(live);
    return live;
  }

  #newSession(
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
      puzzle: PuzzleGame.fromSeed(seedBytes(s.seedHex), s.config ?? settings.puzzle),
      startedAtMs: this.clock.nowMs(),
    };
  }

  /** Inserts a session row in `tx` and returns its live game (put it in the cache after commit). */
  async #insertSession(tx: Tx, s: NewSession): Promise<LiveSession> {
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
  async #checkActiveLimit(reader: Reader, playerId: string, nowMs: number): Promise<void> {
    const rows = await reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM skill_sessions WHERE player_id = ? AND status = 'active' AND deadline_at_ms > ?",
      [playerId, nowMs],
    );
    if (intFromDb(rows[0]?.n ?? 0) >= ACTIVE_SESSIONS_MAX)
      throw new AppError(SkillErrors.SKILL_TOO_MANY_ACTIVE, { max: ACTIVE_SESSIONS_MAX });
  }

  async #sessionByRequestKey(playerId: string, requestKey: string): Promise<LiveSession | null> {
    const rows = await this.store.reader.query<{ id: string }>('SELECT id FROM skill_sessions WHERE player_id = ? AND request_key = ?', [
      playerId,
      requestKey,
    ]);
    return rows[0] ? this.#load(rows[0].id) : null;
  }

  async #recentOpponents(playerId: string, sinceMs: number): Promise<Map<string, number>> {
    const rows = await this.store.reader.query<{ host_player_id: string; challenger_player_id: string | null }>(
      `SELECT host_player_id, challenger_player_id FROM skill_matches
        WHERE matched_at_ms > ? AND (host_player_id = ? OR challenger_player_id = ?) ORDER BY matched_at_ms DESC LIMIT ?`,
      [sinceMs, playerId, playerId, RECENT_PAIRINGS_MAX],
    );
    const out = new Map<string, number>();
    for (const r of rows) {
      const other = r.host_player_id === playerId ? r.challenger_player_id : r.host_player_id;
      if (other) out.set(other, (out.get(other) ?? 0) + 1);
    }
    return out;
  }

  async #matchStart(playerId: string, live: LiveSession): Promise<{ match: MatchView; session: SessionState }> {
    const match = await this.match(playerId, live.row.matchId!);
    return { match, session: this.#state(live) };
  }

  // ------------------------------------------------------------------ playing

  /** Loads a session's live game (cache, or rebuilt from its log). */
  async #load(sessionId: string): Promise<LiveSession> {
    const cached = this.live.get(sessionId);
    if (cached) return cached;
    const stored = await loadSessionWithLog(this.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const live = rebuild(stored.row, stored.commands);
    if (live.row.status === 'active') this.live.put(live);
    return live;
  }

  async #own(playerId: string, sessionId: string): Promise<LiveSession> {
    const live = await this.#load(sessionId);
    if (live.row.playerId !== playerId) throw new AppError(SkillErrors.SKILL_SESSION_NOT_YOURS, { sessionId });
    return live;
  }

  #state(live: LiveSession): SessionState {
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
      serverNowMs: this.clock.nowMs(),
      clockToleranceMs: CLOCK_TOLERANCE_MS,
      view: { ...view, board: [...view.board] },
      stateHash: live.game.stateHash(),
      refills: this.#refills(live),
    };
  }

  #refills(live: LiveSession): { fromIndex: number; gems: number[] } {
    if (live.row.status !== 'active') return { fromIndex: live.game.refillIndex, gems: [] };
    const w = live.refills.window(live.game.refillIndex, REFILL_LOOKAHEAD);
    return { fromIndex: w.fromIndex, gems: [...w.gems] };
  }

  /** The session as its player sees it (to resume after a reload). */
  async session(playerId: string, sessionId: string): Promise<SessionState> {
    return this.#state(await this.#own(playerId, sessionId));
  }

  /**
   * Applies a batch of commands in order. Commands before the first refused one are kept; the
   * refusal is thrown with `details.accepted`. A command already accepted (same seq, same
   * content) is a retransmission and is ignored; a different command with a used seq is refused
   * and flags the session, as do illegal moves and timestamps ahead of the server's clock.
   */
  async submit(playerId: string, sessionId: string, commands: readonly PuzzleCommand[]): Promise<Ack> {
    if (commands.length > COMMAND_BATCH_MAX) throw new AppError(SkillErrors.SKILL_BATCH_TOO_LARGE, { max: COMMAND_BATCH_MAX });
    return this.live.serialize(sessionId, async () => {
      const live = await this.#own(playerId, sessionId);
      const before = live.row;
      if (before.status !== 'active') throw new AppError(SkillErrors.SKILL_SESSION_ENDED, { status: before.status });
      const nowMs = this.clock.nowMs();
      if (nowMs > before.deadlineAtMs) throw new AppError(SkillErrors.SKILL_SESSION_EXPIRED, { deadlineAtMs: before.deadlineAtMs });

      const elapsedMs = nowMs - before.startedAtMs;
      const accepted: CommandRow[] = [];
      const events: { kind: EventSignal; detail: Record<string, string | number> }[] = [];
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

      if (accepted.length > 0 || events.length > 0) {
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
          live.row = await this.store.unitOfWork(
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
              for (const e of events) await this.#signal(tx, before, e.kind, e.detail);
              // The rules ended the game (move limit, or no move left): the session is over now.
              if (g.endReason !== null) return this.#close(tx, next, 'finished', g.endReason, null);
              return next;
            },
            { label: 'skill.commands' },
          );
        } catch (e) {
          this.live.drop(sessionId);
          throw e;
        }
        if (live.row.status !== 'active') this.live.drop(sessionId);
      }
      if (refusal) throw withDetails(refusal, { accepted: accepted.length, nextSeq: live.game.nextSeq });
      return {
        sessionId,
        accepted: accepted.length,
        duplicates,
        nextSeq: live.game.nextSeq,
        score: live.game.score,
        movesMade: live.game.movesMade,
        stateHash: live.game.stateHash(),
        refills: this.#refills(live),
        status: live.row.status,
        endReason: live.game.endReason,
        view: (() => {
          const v = live.game.view();
          return { ...v, board: [...v.board] };
        })(),
      };
    });
  }

  /** The player ends the game (time is up on their screen, or they stop early). Idempotent. */
  finish(playerId: string, sessionId: string, claimedScore: number | null): Promise<SessionResult> {
    return this.live.serialize(sessionId, async () => {
      const live = await this.#own(playerId, sessionId);
      if (live.row.status === 'active') {
        const reason: 'time' | 'stopped' = this.clock.nowMs() - live.row.startedAtMs >= live.row.config.durationMs ? 'time' : 'stopped';
        await this.#end(live, 'finished', reason, claimedScore);
      } else if (claimedScore !== null && live.row.claimedScore === null) {
        live.row = await this.store.unitOfWork(
          async (tx) => {
            const mismatch = claimedScore !== live.row.score;
            if (mismatch) await this.#signal(tx, live.row, 'score_mismatch', { claimed: claimedScore, server: live.row.score });
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
      return this.#result(playerId, live);
    });
  }

  /** The player gives up: in a paid game that is a forfeit. */
  abandon(playerId: string, sessionId: string): Promise<SessionResult> {
    return this.live.serialize(sessionId, async () => {
      const live = await this.#own(playerId, sessionId);
      if (live.row.status === 'active') await this.#end(live, 'abandoned', 'stopped', null);
      return this.#result(playerId, live);
    });
  }

  async #result(playerId: string, live: LiveSession): Promise<SessionResult> {
    const r = live.row;
    return {
      sessionId: r.id,
      status: r.status,
      endReason: r.endReason,
      score: r.score,
      movesMade: r.moves,
      stateHash: r.stateHash,
      match: r.matchId ? await this.match(playerId, r.matchId) : null,
    };
  }

  /** Ends an active session (the caller holds its queue). */
  async #end(live: LiveSession, status: SessionStatus, reason: 'time' | 'stopped', claimedScore: number | null): Promise<void> {
    live.game.end(reason);
    const g = live.game;
    const next: SessionRow = { ...live.row, stateHash: g.stateHash(), score: g.score, moves: g.movesMade };
    try {
      live.row = await this.store.unitOfWork(
        async (tx) => {
          // Closing may settle a match or a tournament entry: the ledger's lock first, as every money unit takes it.
          await this.ledger.serialize(tx);
          return this.#close(tx, next, status, g.endReason!, claimedScore);
        },
        { label: `skill.${status}` },
      );
    } finally {
      this.live.drop(live.row.id);
    }
  }

  /**
   * Closes a session inside `tx`: its signals summary, its final row, and whatever its game needs
   * (a match settles when both sides are done; a tournament entry records its score).
   */
  async #close(
    tx: Tx,
    row: SessionRow,
    status: SessionStatus,
    endReason: PuzzleEndReason,
    claimedScore: number | null,
  ): Promise<SessionRow> {
    const commands = (
      await tx.query('SELECT seq, at_ms, received_at_ms, from_cell, to_cell FROM skill_commands WHERE session_id = ? ORDER BY seq', [
        row.id,
      ])
    ).map(commandFromDb);
    if (claimedScore !== null && claimedScore !== row.score) {
      await this.#signal(tx, row, 'score_mismatch', { claimed: claimedScore, server: row.score });
    }
    const counts = await tx.query<{ kind: string; n: unknown }>(
      'SELECT kind, COUNT(*) AS n FROM skill_signals WHERE session_id = ? GROUP BY kind',
      [row.id],
    );
    const events: Partial<Record<EventSignal, number>> = {};
    for (const c of counts) if ((EVENT_SIGNALS as readonly string[]).includes(c.kind)) events[c.kind as EventSignal] = intFromDb(c.n);
    const summary = summarize(timingStats(commands, row.startedAtMs), events);
    for (const flag of summary.flags) {
      if (!(EVENT_SIGNALS as readonly string[]).includes(flag)) await this.#signal(tx, row, flag, { ...summary.timing });
    }
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
    await this.#analytics?.append(tx, {
      kind: 'skill_session_ended',
      actor: { kind: 'player', id: row.playerId },
      data: { sessionId: row.id, mode: row.mode, status, score: closed.score, flagged: closed.flagged },
    });
    if (summary.flags.length > 0 && this.#risk) {
      await this.#risk.sessionFlagged(tx, { playerId: row.playerId, sessionId: row.id, mode: row.mode, flags: summary.flags, summary });
    }
    const risk = this.#risk;
    if (risk?.sessionTiming && commands.length > 1) {
      const intervals = commands.map((c, i) => c.atMs - (i === 0 ? 0 : commands[i - 1]!.atMs));
      tx.afterCommit(() => {
        risk.sessionTiming?.(row.playerId, row.id, intervals)?.catch((e) => this.#onError(e, 'risk.sessionTiming'));
      });
    }
    if (status === 'finished') {
      tx.afterCommit(() => {
        this.leaderboards.recordScore(row.game, row.playerId, closed.score).catch((e) => this.#onError(e, 'leaderboards.recordScore'));
      });
    }
    if (row.mode === 'match' && row.matchId) await this.#matchSessionEnded(tx, row.matchId);
    if (row.mode === 'tournament' && row.tournamentId) await this.tournaments.sessionEnded(tx, closed);
    return closed;
  }

  async #signal(tx: Tx, row: SessionRow, kind: string, detail: Record<string, string | number>): Promise<void> {
    await tx.run('INSERT INTO skill_signals (id, session_id, player_id, kind, detail, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
      newId('sg'),
      row.id,
      row.playerId,
      kind,
      JSON.stringify(detail),
      tx.nowMs,
    ]);
  }

  // ------------------------------------------------------------------ matches

  async #matchSessionEnded(tx: Tx, matchId: string): Promise<void> {
    const m = matchFromDb((await tx.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]))[0]!);
    const statusOf = async (sessionId: string) =>
      sessionFromDb((await tx.query(`SELECT ${SESSION_COLUMNS} FROM skill_sessions WHERE id = ?`, [sessionId]))[0]!);
    if (m.status === 'open') {
      // The host gave up before anyone joined: nobody to forfeit to, so the fee goes back.
      const host = await statusOf(m.hostSessionId);
      if (isForfeit(host.status)) await this.#refundUnjoined(tx, m);
      return;
    }
    if (m.status !== 'matched' || !m.challengerSessionId) return;
    const host = await statusOf(m.hostSessionId);
    const challenger = await statusOf(m.challengerSessionId);
    if (host.status === 'active' || challenger.status === 'active') return;
    await this.#settleMatch(tx, m, host, challenger);
  }

  async #refundUnjoined(tx: Tx, m: MatchRow): Promise<void> {
    const changed = await tx.run(
      "UPDATE skill_matches SET status = 'refunded', outcome = 'no_opponent', rake_fen = 0, closed_at_ms = ? WHERE id = ? AND status = 'open'",
      [tx.nowMs, m.id],
    );
    if (changed !== 1) return;
    await refundEntryFee(this.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
    await this.#notifier.notify(tx, m.hostPlayerId, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome: 'no_opponent', verdict: 'refunded', payoutFen: m.entryFeeFen },
    });
    await this.#analytics?.append(tx, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome: 'no_opponent', poolFen: 0, rakeFen: 0 },
    });
  }

  /** Decides and pays a match whose two sessions have ended (inside their closing unit). */
  async #settleMatch(tx: Tx, m: MatchRow, host: SessionRow, challenger: SessionRow): Promise<void> {
    const challengerId = m.challengerPlayerId!;
    const hf = isForfeit(host.status);
    const cf = isForfeit(challenger.status);
    let outcome: MatchOutcome;
    if (hf && cf) outcome = 'both_forfeit';
    else if (hf) outcome = 'challenger_won';
    else if (cf) outcome = 'host_won';
    else if (host.score > challenger.score) outcome = 'host_won';
    else if (challenger.score > host.score) outcome = 'challenger_won';
    else outcome = m.tieRule === 'refund' ? 'tie_refund' : 'tie_split';

    const refunded = outcome === 'both_forfeit' || outcome === 'tie_refund';
    const poolFen = refunded ? 0 : 2 * m.entryFeeFen;
    const rakeFen = refunded ? 0 : rakeOf(poolFen, m.rakeBps);
    const changed = await tx.run(
      `UPDATE skill_matches SET status = ?, outcome = ?, winner_player_id = ?, rake_fen = ?, closed_at_ms = ? WHERE id = ? AND status = 'matched'`,
      [
        refunded ? 'refunded' : 'settled',
        outcome,
        outcome === 'host_won' ? m.hostPlayerId : outcome === 'challenger_won' ? challengerId : null,
        rakeFen,
        tx.nowMs,
        m.id,
      ],
    );
    if (changed !== 1) return;

    const payouts = new Map<string, number>([
      [m.hostPlayerId, 0],
      [challengerId, 0],
    ]);
    if (refunded) {
      await refundEntryFee(this.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
      await refundEntryFee(this.ledger, tx, 'match', m.id, challengerId, m.challengerHoldId!);
      payouts.set(m.hostPlayerId, m.entryFeeFen);
      payouts.set(challengerId, m.entryFeeFen);
    } else {
      await postEntryFee(this.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
      await postEntryFee(this.ledger, tx, 'match', m.id, challengerId, m.challengerHoldId!);
      const prizeFen = poolFen - rakeFen;
      if (outcome === 'tie_split') {
        const [a, b] = splitEvenly(prizeFen as Fen, 2);
        payouts.set(m.hostPlayerId, a!);
        payouts.set(challengerId, b!);
      } else {
        payouts.set(outcome === 'host_won' ? m.hostPlayerId : challengerId, prizeFen);
      }
      await payOut(
        this.ledger,
        tx,
        'match',
        m.id,
        [...payouts].map(([playerId, amountFen]) => ({ playerId, amountFen })),
        rakeFen,
      );
    }

    if (outcome !== 'both_forfeit') {
      const hostScore = outcome === 'host_won' ? 1 : outcome === 'challenger_won' ? 0 : 0.5;
      const [rh, rc] = await this.ratings.rateMatch(tx, m.game, 'paid', m.hostPlayerId, challengerId, hostScore);
      tx.afterCommit(() => {
        for (const r of [rh, rc]) {
          this.leaderboards.recordRating(m.game, r.playerId, r.rating).catch((e) => this.#onError(e, 'leaderboards.recordRating'));
        }
      });
    }
    for (const [playerId, payoutFen] of payouts) {
      await this.#notifier.notify(tx, playerId, {
        kind: 'skill_match_closed',
        data: { matchId: m.id, outcome, verdict: verdictOf(outcome, m.hostPlayerId === playerId ? 'host' : 'challenger'), payoutFen },
      });
    }
    await this.#analytics?.append(tx, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome, poolFen, rakeFen },
    });
  }

  /** A match as one of its two players sees it. */
  async match(playerId: string, matchId: string): Promise<MatchView> {
    const rows = await this.store.reader.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]);
    if (!rows[0]) throw new AppError(SkillErrors.SKILL_MATCH_NOT_FOUND, { matchId });
    const m = matchFromDb(rows[0]);
    if (m.hostPlayerId !== playerId && m.challengerPlayerId !== playerId)
      throw new AppError(SkillErrors.SKILL_MATCH_NOT_FOUND, { matchId });
    return (await this.#matchViews(playerId, [m]))[0]!;
  }

  /** The player's matches, newest first. */
  async matches(playerId: string, limit: number): Promise<MatchView[]> {
    const n = Math.min(Math.max(1, limit), LIST_PAGE_MAX);
    const rows = await this.store.reader.query(
      `SELECT * FROM skill_matches WHERE host_player_id = ? OR challenger_player_id = ? ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      [playerId, playerId, n],
    );
    return this.#matchViews(playerId, rows.map(matchFromDb));
  }

  async #matchViews(playerId: string, ms: readonly MatchRow[]): Promise<MatchView[]> {
    if (ms.length === 0) return [];
    const sessionIds = ms.flatMap((m) => [m.hostSessionId, ...(m.challengerSessionId ? [m.challengerSessionId] : [])]);
    const sessions = new Map(
      (
        await this.store.reader.query<{ id: string; status: string; score: unknown }>(
          `SELECT id, status, score FROM skill_sessions WHERE id IN (${sessionIds.map(() => '?').join(', ')})`,
          sessionIds,
        )
      ).map((s) => [s.id, { status: s.status as SessionStatus, score: intFromDb(s.score) }]),
    );
    const names = await this.#nicknames([...new Set(ms.flatMap((m) => [m.hostPlayerId, m.challengerPlayerId ?? m.hostPlayerId]))]);
    return ms.map((m) => {
      const role = m.hostPlayerId === playerId ? 'host' : 'challenger';
      const mine = sessions.get(role === 'host' ? m.hostSessionId : m.challengerSessionId!)!;
      const otherSessionId = role === 'host' ? m.challengerSessionId : m.hostSessionId;
      const otherId = role === 'host' ? m.challengerPlayerId : m.hostPlayerId;
      const other = otherSessionId ? sessions.get(otherSessionId) : undefined;
      const closed = m.status === 'settled' || m.status === 'refunded';
      const verdict = m.outcome ? verdictOf(m.outcome, role) : 'pending';
      return {
        matchId: m.id,
        game: m.game,
        entryFeeFen: m.entryFeeFen,
        rakeBps: m.rakeBps,
        tieRule: m.tieRule,
        status: m.status,
        outcome: m.outcome,
        role,
        you: { sessionId: role === 'host' ? m.hostSessionId : m.challengerSessionId!, status: mine.status, score: mine.score },
        opponent: {
          joined: otherId !== null,
          nickname: otherId ? (names.get(otherId) ?? null) : null,
          status: closed && other ? other.status : null,
          score: closed && other ? other.score : null,
        },
        verdict,
        payoutFen: closed ? payoutOf(m, role) : 0,
        commitment: m.commitment,
        seedHex: closed ? m.seedHex : null,
        createdAtMs: m.createdAtMs,
        expiresAtMs: m.expiresAtMs,
        closedAtMs: m.closedAtMs,
      };
    });
  }

  // ------------------------------------------------------------------ fairness and review

  /** The player's own finished session with its seed and log, and the verifier's report. */
  async replay(playerId: string, sessionId: string) {
    const stored = await loadSessionWithLog(this.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const { row, commands } = stored;
    if (row.playerId !== playerId) throw new AppError(SkillErrors.SKILL_SESSION_NOT_YOURS, { sessionId });
    if (!(await this.#seedRevealed(row))) throw new AppError(SkillErrors.SKILL_SEED_NOT_REVEALED, { sessionId });
    return {
      sessionId: row.id,
      game: row.game,
      mode: row.mode,
      status: row.status,
      endReason: row.endReason,
      config: row.config,
      commitment: row.commitment,
      seedHex: row.seedHex,
      score: row.score,
      stateHash: row.stateHash,
      commands: commands.map((c) => ({ seq: c.seq, atMs: c.atMs, move: { from: c.move.from, to: c.move.to } })),
      verification: verifySession(row, commands),
    };
  }

  async #seedRevealed(row: SessionRow): Promise<boolean> {
    if (row.status === 'active') return false;
    if (row.mode === 'practice') return true;
    if (row.mode === 'match') {
      const m = await this.store.reader.query<{ status: string }>('SELECT status FROM skill_matches WHERE id = ?', [row.matchId]);
      return m[0]?.status === 'settled' || m[0]?.status === 'refunded';
    }
    const t = await this.store.reader.query<{ status: string }>('SELECT status FROM skill_tournaments WHERE id = ?', [row.tournamentId]);
    return t[0]?.status === 'settled' || t[0]?.status === 'cancelled';
  }

  /** Re-runs any stored session (operators, risk review). */
  async verify(sessionId: string): Promise<VerificationReport> {
    const stored = await loadSessionWithLog(this.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    return verifySession(stored.row, stored.commands);
  }

  /** Sessions for review, newest first; `flagged` limits to those with signals. */
  async reviewList(q: { flagged?: boolean; playerId?: string; limit?: number }): Promise<AdminSession[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.flagged !== undefined) {
      where.push('flagged = ?');
      params.push(q.flagged ? 1 : 0);
    }
    if (q.playerId !== undefined) {
      where.push('player_id = ?');
      params.push(q.playerId);
    }
    params.push(Math.min(Math.max(1, q.limit ?? 50), LIST_PAGE_MAX));
    const rows = await this.store.reader.query(
      `SELECT ${SESSION_COLUMNS} FROM skill_sessions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at_ms DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map((r) => adminView(sessionFromDb(r)));
  }

  async reviewDetail(sessionId: string) {
    const stored = await loadSessionWithLog(this.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const signals = await this.store.reader.query<{ kind: string; detail: string; created_at_ms: unknown }>(
      'SELECT kind, detail, created_at_ms FROM skill_signals WHERE session_id = ? ORDER BY created_at_ms, id',
      [sessionId],
    );
    return {
      session: adminView(stored.row),
      signals: signals.map((s) => ({
        kind: s.kind,
        detail: JSON.parse(s.detail) as Record<string, unknown>,
        createdAtMs: intFromDb(s.created_at_ms),
      })),
      commands: stored.commands.map((c) => ({ seq: c.seq, atMs: c.atMs, receivedAtMs: c.receivedAtMs, move: c.move })),
      verification: verifySession(stored.row, stored.commands),
    };
  }

  async myRatings(playerId: string) {
    const out = [];
    for (const g of this.catalogue.list()) {
      for (const pool of ['paid', 'practice'] as const) {
        const r = (await this.ratings.current(this.store.reader, g.id, pool, [playerId], this.clock.nowMs())).get(playerId)!;
        out.push({ game: g.id, pool, rating: Math.round(r.rating), deviation: Math.round(r.deviation), games: r.games });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ the sweep

  /**
   * Periodic work, safe to run on every process at once (each step is a conditional update):
   * times out sessions past their deadline (a forfeit in paid games), refunds hosted matches
   * nobody joined, closes and settles tournaments, prunes old leaderboards.
   */
  async sweep(): Promise<SweepReport> {
    let errors = 0;
    const nowMs = this.clock.nowMs();
    let sessionsTimedOut = 0;
    const due = await this.store.reader.query<{ id: string }>(
      "SELECT id FROM skill_sessions WHERE status = 'active' AND deadline_at_ms <= ? ORDER BY deadline_at_ms LIMIT ?",
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const { id } of due) {
      try {
        const ended = await this.live.serialize(id, async () => {
          const live = await this.#load(id);
          if (live.row.status !== 'active' || live.row.deadlineAtMs > this.clock.nowMs()) return false;
          await this.#end(live, 'timed_out', 'time', null);
          return true;
        });
        if (ended) sessionsTimedOut++;
      } catch (e) {
        errors++;
        this.#onError(e, 'sweep.session');
      }
    }

    let matchesExpired = 0;
    const expired = await this.store.reader.query(
      "SELECT * FROM skill_matches WHERE status = 'open' AND expires_at_ms <= ? ORDER BY expires_at_ms LIMIT ?",
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const raw of expired) {
      const m = matchFromDb(raw);
      try {
        const done = await this.store.unitOfWork(
          async (tx) => {
            await this.ledger.serialize(tx);
            const host = await tx.query<{ status: string }>('SELECT status FROM skill_sessions WHERE id = ?', [m.hostSessionId]);
            if (host[0]?.status === 'active') return false;
            await this.#refundUnjoined(tx, m);
            return true;
          },
          { label: 'skill.expireMatch' },
        );
        if (done) matchesExpired++;
      } catch (e) {
        errors++;
        this.#onError(e, 'sweep.match');
      }
    }

    const t = await this.tournaments.sweep((e) => {
      errors++;
      this.#onError(e, 'sweep.tournament');
    });
    let boardsPruned = 0;
    try {
      boardsPruned = await this.leaderboards.prune();
    } catch (e) {
      errors++;
      this.#onError(e, 'sweep.leaderboards');
    }
    return { sessionsTimedOut, matchesExpired, tournamentsClosed: t.closed, tournamentsSettled: t.settled, boardsPruned, errors };
  }
}

function verdictOf(outcome: MatchOutcome, role: 'host' | 'challenger'): 'won' | 'lost' | 'tie' | 'refunded' {
  switch (outcome) {
    case 'host_won':
      return role === 'host' ? 'won' : 'lost';
    case 'challenger_won':
      return role === 'challenger' ? 'won' : 'lost';
    case 'tie_split':
      return 'tie';
    default:
      return 'refunded';
  }
}

/** What the match paid this player when it closed (recomputed from the row, the same way settlement did). */
function payoutOf(m: MatchRow, role: 'host' | 'challenger'): number {
  if (!m.outcome) return 0;
  if (m.outcome === 'no_opponent') return role === 'host' ? m.entryFeeFen : 0;
  if (m.outcome === 'tie_refund' || m.outcome === 'both_forfeit') return m.entryFeeFen;
  const prizeFen = 2 * m.entryFeeFen - (m.rakeFen ?? 0);
  if (m.outcome === 'tie_split') {
    const [a, b] = splitEvenly(prizeFen as Fen, 2);
    return role === 'host' ? a! : b!;
  }
  return verdictOf(m.outcome, role) === 'won' ? prizeFen : 0;
}

function adminView(r: SessionRow): AdminSession {
  return {
    sessionId: r.id,
    playerId: r.playerId,
    game: r.game,
    mode: r.mode,
    matchId: r.matchId,
    tournamentId: r.tournamentId,
    status: r.status,
    endReason: r.endReason,
    score: r.score,
    claimedScore: r.claimedScore,
    movesMade: r.moves,
    flagged: r.flagged,
    flags: [...(r.signals?.flags ?? [])],
    timing: r.signals ? { ...r.signals.timing } : null,
    startedAtMs: r.startedAtMs,
    endedAtMs: r.endedAtMs,
  };
}
