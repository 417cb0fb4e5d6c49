// Paid head-to-head matches: finding or hosting one (asynchronous host/challenger on one seed),
// the entry fee held in the unit that creates the session, and the match as each player sees it.
//
// The first player hosts a match on a fresh seed and plays at once; a later player with a close
// rating joins it and plays the same seed. Settlement is settlement.ts's.
import { AppError, newId } from '@fairground/core';
import { LedgerErrors } from '../ledger/index.ts';
import { chooseOpponent } from '../matchmaking/index.ts';
import { intFromDb, isUniqueViolation } from '../storage/sql.ts';
import type { SkillGameSettings } from './catalogue.ts';
import type { SkillContext } from './context.ts';
import { newSeed } from './digest.ts';
import { SkillErrors } from './errors.ts';
import { CLAIM_ATTEMPTS_MAX, LIST_PAGE_MAX, OPEN_MATCH_CANDIDATES_MAX, RECENT_PAIRINGS_MAX } from './limits.ts';
import type { LiveSession } from './live.ts';
import { holdEntryFee, openEscrow } from './money.ts';
import { type SessionPlay, KeyTaken } from './play.ts';
import { type MatchRow, matchFromDb, type SessionStatus } from './rows.ts';
import type { MatchView, SessionState } from './schemas.ts';
import { payoutOf, verdictOf } from './settlement.ts';

/** Thrown inside a claim unit when another challenger took the match first (never escapes the service). */
class ClaimLost extends Error {}

export class Matches {
  readonly #c: SkillContext;
  readonly #play: SessionPlay;

  constructor(c: SkillContext, play: SessionPlay) {
    this.#c = c;
    this.#play = play;
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
    const settings = this.#c.catalogue.require(input.game);
    if (!settings.stakesFen.includes(input.entryFeeFen)) {
      throw new AppError(SkillErrors.SKILL_STAKE_UNKNOWN, { entryFeeFen: input.entryFeeFen, offered: [...settings.stakesFen] });
    }
    const earlier = await this.#sessionByRequestKey(playerId, input.requestKey);
    if (earlier) return this.#replayMatch(playerId, earlier, settings.id, input);
    // The early, friendly answer; the unit that holds the fee counts again.
    await this.#play.checkActiveLimit(this.#c.store.reader, playerId, this.#c.clock.nowMs());

    const nowMs = this.#c.clock.nowMs();
    const rating = (await this.#c.ratings.current(this.#c.store.reader, settings.id, 'paid', [playerId], nowMs)).get(playerId)!;
    const seeker = {
      playerId,
      rating: rating.rating,
      waitingSinceMs: nowMs,
      linked: await this.#c.linked.linkedTo(playerId),
      recentOpponents: await this.#recentOpponents(playerId, nowMs - this.#c.policy.rematchSpanMs),
    };
    const candidates = (
      await this.#c.store.reader.query<{ id: string; host_player_id: string; host_rating: unknown; created_at_ms: unknown }>(
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
          this.#c.policy,
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

  async #joinMatch(playerId: string, matchId: string, requestKey: string): Promise<LiveSession> {
    const m = matchFromDb((await this.#c.store.reader.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]))[0]!);
    const settings = this.#c.catalogue.require(m.game);
    const spec = this.#play.newSession(playerId, settings, 'match', {
      seedHex: m.seedHex,
      commitment: m.commitment,
      matchId: m.id,
      tournamentId: null,
      requestKey,
      config: m.config,
    });
    const live = await this.#c.store.unitOfWork(
      async (tx) => {
        await this.#play.admit(tx, playerId, requestKey);
        const claimed = await tx.run(
          `UPDATE skill_matches SET status = 'matched', challenger_player_id = ?, challenger_session_id = ?, matched_at_ms = ?
            WHERE id = ? AND status = 'open' AND expires_at_ms > ? AND host_player_id <> ?`,
          [playerId, spec.id, tx.nowMs, m.id, tx.nowMs, playerId],
        );
        if (claimed !== 1) throw new ClaimLost();
        const holdId = await holdEntryFee(this.#c.ledger, tx, 'match', m.id, playerId, m.entryFeeFen);
        await tx.run('UPDATE skill_matches SET challenger_hold_id = ? WHERE id = ?', [holdId, m.id]);
        const live = await this.#play.insertSession(tx, spec);
        await this.#c.analytics?.append(tx, {
          kind: 'skill_match_joined',
          actor: { kind: 'player', id: playerId },
          data: { matchId: m.id, sessionId: spec.id, entryFeeFen: m.entryFeeFen },
        });
        return live;
      },
      { label: 'skill.joinMatch' },
    );
    this.#c.live.put(live);
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
    const spec = this.#play.newSession(playerId, settings, 'match', { seedHex, commitment, matchId, tournamentId: null, requestKey });
    const live = await this.#c.store.unitOfWork(
      async (tx) => {
        await this.#play.admit(tx, playerId, requestKey);
        await openEscrow(this.#c.ledger, tx, 'match', matchId);
        const holdId = await holdEntryFee(this.#c.ledger, tx, 'match', matchId, playerId, entryFeeFen);
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
        const live = await this.#play.insertSession(tx, spec);
        await this.#c.analytics?.append(tx, {
          kind: 'skill_match_hosted',
          actor: { kind: 'player', id: playerId },
          data: { matchId, sessionId: spec.id, entryFeeFen },
        });
        return live;
      },
      { label: 'skill.hostMatch' },
    );
    this.#c.live.put(live);
    return live;
  }

  async #sessionByRequestKey(playerId: string, requestKey: string): Promise<LiveSession | null> {
    const rows = await this.#c.store.reader.query<{ id: string }>('SELECT id FROM skill_sessions WHERE player_id = ? AND request_key = ?', [
      playerId,
      requestKey,
    ]);
    return rows[0] ? this.#play.load(rows[0].id) : null;
  }

  async #recentOpponents(playerId: string, sinceMs: number): Promise<Map<string, number>> {
    const rows = await this.#c.store.reader.query<{ host_player_id: string; challenger_player_id: string | null }>(
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
    return { match, session: this.#play.state(live) };
  }

  /** A match as one of its two players sees it. */
  async match(playerId: string, matchId: string): Promise<MatchView> {
    const rows = await this.#c.store.reader.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]);
    if (!rows[0]) throw new AppError(SkillErrors.SKILL_MATCH_NOT_FOUND, { matchId });
    const m = matchFromDb(rows[0]);
    if (m.hostPlayerId !== playerId && m.challengerPlayerId !== playerId)
      throw new AppError(SkillErrors.SKILL_MATCH_NOT_FOUND, { matchId });
    return (await this.#matchViews(playerId, [m]))[0]!;
  }

  /** The player's matches, newest first. */
  async matches(playerId: string, limit: number): Promise<MatchView[]> {
    const n = Math.min(Math.max(1, limit), LIST_PAGE_MAX);
    const rows = await this.#c.store.reader.query(
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
        await this.#c.store.reader.query<{ id: string; status: string; score: unknown }>(
          `SELECT id, status, score FROM skill_sessions WHERE id IN (${sessionIds.map(() => '?').join(', ')})`,
          sessionIds,
        )
      ).map((s) => [s.id, { status: s.status as SessionStatus, score: intFromDb(s.score) }]),
    );
    const names = await this.#c.nicknames([...new Set(ms.flatMap((m) => [m.hostPlayerId, m.challengerPlayerId ?? m.hostPlayerId]))]);
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
}
