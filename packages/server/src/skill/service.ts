// SkillGames: the skill domain's one public service, composed of its parts — playing a session
// (play.ts), practice, paid head-to-head matches (matches.ts) and their settlement
// (settlement.ts), tournaments, fairness and review (review.ts) and the periodic sweep (sweep.ts).
import { AppError, type Clock } from '@fairground/core';
import type { SkillCommand } from '@fairground/rules';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { Leaderboards } from '../leaderboards/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { DEFAULT_MATCHMAKING, type LinkedAccounts, type MatchmakingPolicy, Ratings } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store } from '../storage/ports.ts';
import { SkillCatalogue as Catalogue, type SkillCatalogue } from './catalogue.ts';
import type { SkillContext, SkillRiskPort } from './context.ts';
import { SkillErrors } from './errors.ts';
import { LIST_PAGE_MAX } from './limits.ts';
import { matchFromDb } from './rows.ts';
import { LiveSessions } from './live.ts';
import { Matches } from './matches.ts';
import { SessionPlay } from './play.ts';
import { Practice } from './practice.ts';
import { SkillReview } from './review.ts';
import type { Ack, AdminSession, MatchView, SessionResult, SessionState } from './schemas.ts';
import { MatchSettlement } from './settlement.ts';
import { SkillSweep, type SweepReport } from './sweep.ts';
import { Tournaments } from './tournaments.ts';
import type { VerificationReport } from './verifier.ts';

export type { SkillRiskPort } from './context.ts';
export type { SweepReport } from './sweep.ts';

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

export class SkillGames {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly catalogue: SkillCatalogue;
  readonly ratings: Ratings;
  readonly leaderboards: Leaderboards;
  readonly live = new LiveSessions();
  readonly tournaments: Tournaments;
  readonly #play: SessionPlay;
  readonly #practice: Practice;
  readonly #matches: Matches;
  readonly #review: SkillReview;
  readonly #sweep: SkillSweep;
  readonly #settlement: MatchSettlement;
  readonly #audit: AuditLog | undefined;

  constructor(o: SkillGamesOptions) {
    this.store = o.store;
    this.ledger = o.ledger;
    this.clock = o.clock;
    this.catalogue = o.catalogue ?? new Catalogue();
    this.ratings = o.ratings ?? new Ratings();
    this.leaderboards = o.leaderboards;
    const c: SkillContext = {
      store: o.store,
      ledger: o.ledger,
      clock: o.clock,
      catalogue: this.catalogue,
      ratings: this.ratings,
      leaderboards: o.leaderboards,
      live: this.live,
      notifier: o.notifier,
      analytics: o.analytics,
      linked: o.linked,
      policy: o.matchmaking ?? DEFAULT_MATCHMAKING,
      nicknames: o.nicknames ?? (async (ids) => new Map(ids.map((id) => [id, `player-${id.slice(-4)}`]))),
      onError: o.onBackgroundError ?? (() => {}),
      risk: o.risk,
    };
    this.#audit = o.audit;
    const settlement = new MatchSettlement(c, (tx, session, mode, flag, detail) => this.#play.flagClosed(tx, session, mode, flag, detail));
    // A session's end reaches its match or tournament through these hooks, bound once here.
    this.#play = new SessionPlay(c, {
      sessionEnded: async (tx, closed) => {
        if (closed.mode === 'match' && closed.matchId) await settlement.matchSessionEnded(tx, closed.matchId);
        if (closed.mode === 'tournament' && closed.tournamentId) await this.tournaments.sessionEnded(tx, closed);
      },
      matchView: (playerId, matchId) => this.#matches.match(playerId, matchId),
    });
    const play = this.#play;
    this.tournaments = new Tournaments({
      store: o.store,
      ledger: o.ledger,
      clock: o.clock,
      catalogue: this.catalogue,
      notifier: o.notifier,
      analytics: o.analytics,
      audit: o.audit,
      linked: c.linked,
      nicknames: c.nicknames,
      sessions: {
        create: (tx, playerId, t) =>
          play.insertSession(
            tx,
            play.newSession(playerId, this.catalogue.require(t.game), 'tournament', {
              seedHex: t.seedHex,
              commitment: t.commitment,
              matchId: null,
              tournamentId: t.id,
              requestKey: null,
              config: t.config,
            }),
          ),
        state: (live) => play.state(live),
        remember: (live) => this.live.put(live),
        forget: (id) => this.live.drop(id),
        flag: (tx, session, flag, detail) => play.flagClosed(tx, session, 'tournament', flag, detail),
      },
    });
    this.#practice = new Practice(c, play);
    this.#matches = new Matches(c, play);
    this.#review = new SkillReview(c);
    this.#sweep = new SkillSweep(c, play, settlement, this.tournaments);
    this.#settlement = settlement;
  }

  /** Matches held for review, oldest first (at most LIST_PAGE_MAX). */
  async heldMatches(): Promise<
    {
      matchId: string;
      game: string;
      entryFeeFen: number;
      hostPlayerId: string;
      hostSessionId: string;
      challengerPlayerId: string;
      challengerSessionId: string;
      matchedAtMs: number | null;
    }[]
  > {
    const rows = await this.store.reader.query("SELECT * FROM skill_matches WHERE status = 'held' ORDER BY matched_at_ms, id LIMIT ?", [
      LIST_PAGE_MAX,
    ]);
    return rows.map(matchFromDb).map((m) => ({
      matchId: m.id,
      game: m.game,
      entryFeeFen: m.entryFeeFen,
      hostPlayerId: m.hostPlayerId,
      hostSessionId: m.hostSessionId,
      challengerPlayerId: m.challengerPlayerId as string,
      challengerSessionId: m.challengerSessionId as string,
      matchedAtMs: m.matchedAtMs,
    }));
  }

  /**
   * An operator decides a match held for review (linked opponents, copied moves): `settle` pays it
   * by its scores, `void` refunds both fees. Audited in the same unit. SKILL_MATCH_NOT_HELD otherwise.
   */
  async resolveHeldMatch(
    operator: { id: string; username: string },
    matchId: string,
    decision: 'settle' | 'void',
    reason: string,
    request: { id?: string; ip?: string } = {},
  ): Promise<{ matchId: string; status: string; outcome: string | null }> {
    return this.store.unitOfWork(
      async (tx) => {
        await this.ledger.serialize(tx);
        const rows = await tx.query<{ id: string }>('SELECT id FROM skill_matches WHERE id = ?', [matchId]);
        if (rows.length === 0) throw new AppError(SkillErrors.SKILL_MATCH_NOT_FOUND, { matchId });
        if (!(await this.#settlement.resolveHeld(tx, matchId, decision))) throw new AppError(SkillErrors.SKILL_MATCH_NOT_HELD, { matchId });
        await this.#audit?.record(tx, {
          operator: { id: operator.id, username: operator.username },
          action: `skill.match.${decision}`,
          target: { kind: 'skill_match', id: matchId },
          reason,
          ...(request.id ? { requestId: request.id } : {}),
          ...(request.ip ? { ip: request.ip } : {}),
        });
        const after = (
          await tx.query<{ status: string; outcome: string | null }>('SELECT status, outcome FROM skill_matches WHERE id = ?', [matchId])
        )[0]!;
        return { matchId, status: after.status, outcome: after.outcome };
      },
      { label: 'skill.match.resolve' },
    );
  }

  /** A free practice game: no money, not rated. */
  startPractice(playerId: string, gameId: string): Promise<SessionState> {
    return this.#practice.startPractice(playerId, gameId);
  }

  /** A paid head-to-head (matches.ts): joins the best open match in the player's window or hosts one. */
  startMatch(
    playerId: string,
    input: { game: string; entryFeeFen: number; requestKey: string },
  ): Promise<{ match: MatchView; session: SessionState; replayed: boolean }> {
    return this.#matches.startMatch(playerId, input);
  }

  /** The session as its player sees it (to resume after a reload). */
  session(playerId: string, sessionId: string): Promise<SessionState> {
    return this.#play.session(playerId, sessionId);
  }

  /** Applies a batch of commands in order (play.ts). */
  submit(playerId: string, sessionId: string, commands: readonly SkillCommand[]): Promise<Ack> {
    return this.#play.submit(playerId, sessionId, commands);
  }

  /** The player ends the game (time is up on their screen, or they stop early). Idempotent. */
  finish(playerId: string, sessionId: string, claimedScore: number | null): Promise<SessionResult> {
    return this.#play.finish(playerId, sessionId, claimedScore);
  }

  /** The player gives up: in a paid game that is a forfeit. */
  abandon(playerId: string, sessionId: string): Promise<SessionResult> {
    return this.#play.abandon(playerId, sessionId);
  }

  /** A match as one of its two players sees it. */
  match(playerId: string, matchId: string): Promise<MatchView> {
    return this.#matches.match(playerId, matchId);
  }

  /** The player's matches, newest first. */
  matches(playerId: string, limit: number): Promise<MatchView[]> {
    return this.#matches.matches(playerId, limit);
  }

  /** The player's own finished session with its seed and log, and the verifier's report. */
  replay(playerId: string, sessionId: string): ReturnType<SkillReview['replay']> {
    return this.#review.replay(playerId, sessionId);
  }

  /** Re-runs any stored session (operators, risk review). */
  verify(sessionId: string): Promise<VerificationReport> {
    return this.#review.verify(sessionId);
  }

  /** Sessions for review, newest first; `flagged` limits to those with signals. */
  reviewList(q: { flagged?: boolean; playerId?: string; limit?: number }): Promise<AdminSession[]> {
    return this.#review.reviewList(q);
  }

  reviewDetail(sessionId: string): ReturnType<SkillReview['reviewDetail']> {
    return this.#review.reviewDetail(sessionId);
  }

  myRatings(playerId: string): ReturnType<SkillReview['myRatings']> {
    return this.#review.myRatings(playerId);
  }

  /** Periodic work (sweep.ts), safe on every process at once. */
  sweep(): Promise<SweepReport> {
    return this.#sweep.sweep();
  }
}
