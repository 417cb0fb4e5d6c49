// Settling a match in the unit that ends its last session: who won, the holds posted or voided,
// the prize and the rake paid, ratings updated; and a hosted match nobody joined refunded.
import { FEN_BOUNDS_NON_NEGATIVE, present, splitEvenly, toFen } from '@fairground/core';
import type { Tx } from '../storage/ports.ts';
import { isForfeit, type SkillContext } from './context.ts';
import { payOut, postEntryFee, rakeOf, refundEntryFee } from './money.ts';
import { type MatchOutcome, type MatchRow, matchFromDb, SESSION_COLUMNS, type SessionRow, sessionFromDb } from './rows.ts';

/** Flags a closed session (the session service's `flagClosed`). */
export type FlagClosed = (
  tx: Tx,
  session: { readonly id: string; readonly playerId: string },
  mode: 'match',
  flag: 'linked_opponent',
  detail: Record<string, string | number>,
) => Promise<void>;

export class MatchSettlement {
  readonly #c: SkillContext;
  readonly #flagClosed: FlagClosed;

  constructor(c: SkillContext, flagClosed: FlagClosed) {
    this.#c = c;
    this.#flagClosed = flagClosed;
  }

  async matchSessionEnded(tx: Tx, matchId: string): Promise<void> {
    const m = matchFromDb(present((await tx.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]))[0], `match ${matchId} exists`));
    const statusOf = async (sessionId: string) =>
      sessionFromDb(
        present(
          (await tx.query(`SELECT ${SESSION_COLUMNS} FROM skill_sessions WHERE id = ?`, [sessionId]))[0],
          `session ${sessionId} exists`,
        ),
      );
    if (m.status === 'open') {
      // The host gave up before anyone joined: nobody to forfeit to, so the fee goes back.
      const host = await statusOf(m.hostSessionId);
      if (isForfeit(host.status)) await this.refundUnjoined(tx, m);
      return;
    }
    if (m.status !== 'matched' || !m.challengerSessionId) return;
    const host = await statusOf(m.hostSessionId);
    const challenger = await statusOf(m.challengerSessionId);
    if (host.status === 'active' || challenger.status === 'active') return;
    if (await this.#holdForReview(tx, m, host, challenger)) return;
    await this.#settleMatch(tx, m, host, challenger, 'matched');
  }

  /**
   * An operator's decision on a held match, in `tx`: `settle` pays it as if it had not been held
   * (the review found the accounts independent), `void` gives both fees back. False when it is not held.
   */
  async resolveHeld(tx: Tx, matchId: string, decision: 'settle' | 'void'): Promise<boolean> {
    const rows = await tx.query('SELECT * FROM skill_matches WHERE id = ?', [matchId]);
    if (rows.length === 0) return false;
    const m = matchFromDb(present(rows[0], `match ${matchId} exists`));
    if (m.status !== 'held' || !m.challengerSessionId) return false;
    const sessionOf = async (sessionId: string) =>
      sessionFromDb(
        present(
          (await tx.query(`SELECT ${SESSION_COLUMNS} FROM skill_sessions WHERE id = ?`, [sessionId]))[0],
          `session ${sessionId} exists`,
        ),
      );
    if (decision === 'settle') {
      await this.#settleMatch(tx, m, await sessionOf(m.hostSessionId), await sessionOf(m.challengerSessionId), 'held');
      return true;
    }
    const changed = await tx.run(
      "UPDATE skill_matches SET status = 'refunded', outcome = 'voided', rake_fen = 0, closed_at_ms = ? WHERE id = ? AND status = 'held'",
      [tx.nowMs, m.id],
    );
    if (changed !== 1) return false;
    await refundEntryFee(this.#c.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
    await refundEntryFee(
      this.#c.ledger,
      tx,
      'match',
      m.id,
      present(m.challengerPlayerId, 'a matched match has a challenger'),
      present(m.challengerHoldId, "a matched match holds the challenger's fee"),
    );
    for (const [playerId, role] of [
      [m.hostPlayerId, 'host'],
      [present(m.challengerPlayerId, 'a matched match has a challenger'), 'challenger'],
    ] as const)
      await this.#c.notifier.notify(tx, playerId, {
        kind: 'skill_match_closed',
        data: { matchId: m.id, outcome: 'voided', verdict: verdictOf('voided', role), payoutFen: m.entryFeeFen },
      });
    await this.#c.analytics?.append(tx, { kind: 'skill_match_closed', data: { matchId: m.id, outcome: 'voided', poolFen: 0, rakeFen: 0 } });
    return true;
  }

  /**
   * A match between linked accounts (matchmaking never pairs them, but a link may be found after
   * the pairing) or in which one side copied the other's moves is not a contest: settled as usual
   * it would be a tie or a transfer between one person's accounts. Both fees stay held and the
   * match waits for an operator; the sessions are flagged with the evidence. True when held.
   */
  async #holdForReview(tx: Tx, m: MatchRow, host: SessionRow, challenger: SessionRow): Promise<boolean> {
    const challengerId = present(m.challengerPlayerId, 'a matched match has a challenger');
    const linked = (await this.#c.linked.linkedTo(m.hostPlayerId, tx)).has(challengerId);
    const copied = await tx.query<{ session_id: string }>(
      "SELECT session_id FROM skill_signals WHERE session_id IN (?, ?) AND kind = 'copied_log' LIMIT 1",
      [host.id, challenger.id],
    );
    if (!linked && copied.length === 0) return false;
    const changed = await tx.run("UPDATE skill_matches SET status = 'held' WHERE id = ? AND status = 'matched'", [m.id]);
    if (changed !== 1) return false;
    if (linked) {
      for (const [s, other] of [
        [host, challengerId],
        [challenger, m.hostPlayerId],
      ] as const)
        await this.#flagClosed(tx, { id: s.id, playerId: s.playerId }, 'match', 'linked_opponent', { matchId: m.id, linkedTo: other });
    }
    await this.#c.analytics?.append(tx, {
      kind: 'skill_match_held',
      data: { matchId: m.id, linked, copied: copied.length > 0 },
    });
    return true;
  }

  async refundUnjoined(tx: Tx, m: MatchRow): Promise<void> {
    const changed = await tx.run(
      "UPDATE skill_matches SET status = 'refunded', outcome = 'no_opponent', rake_fen = 0, closed_at_ms = ? WHERE id = ? AND status = 'open'",
      [tx.nowMs, m.id],
    );
    if (changed !== 1) return;
    await refundEntryFee(this.#c.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
    await this.#c.notifier.notify(tx, m.hostPlayerId, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome: 'no_opponent', verdict: 'refunded', payoutFen: m.entryFeeFen },
    });
    await this.#c.analytics?.append(tx, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome: 'no_opponent', poolFen: 0, rakeFen: 0 },
    });
  }

  /** Decides and pays a match whose two sessions have ended (inside their closing unit). */
  async #settleMatch(tx: Tx, m: MatchRow, host: SessionRow, challenger: SessionRow, from: 'matched' | 'held'): Promise<void> {
    const challengerId = present(m.challengerPlayerId, 'a matched match has a challenger');
    const outcome = outcomeOf(m, host, challenger);
    const refunded = outcome === 'both_forfeit' || outcome === 'tie_refund';
    const poolFen = refunded ? 0 : 2 * m.entryFeeFen;
    const rakeFen = refunded ? 0 : rakeOf(poolFen, m.rakeBps);
    const changed = await tx.run(
      `UPDATE skill_matches SET status = ?, outcome = ?, winner_player_id = ?, rake_fen = ?, closed_at_ms = ? WHERE id = ? AND status = ?`,
      [
        refunded ? 'refunded' : 'settled',
        outcome,
        outcome === 'host_won' ? m.hostPlayerId : outcome === 'challenger_won' ? challengerId : null,
        rakeFen,
        tx.nowMs,
        m.id,
        from,
      ],
    );
    if (changed !== 1) return;
    const payouts = await this.#moveFees(tx, m, outcome, poolFen, rakeFen);
    if (outcome !== 'both_forfeit') {
      const hostScore = outcome === 'host_won' ? 1 : outcome === 'challenger_won' ? 0 : 0.5;
      const [rh, rc] = await this.#c.ratings.rateMatch(tx, m.game, 'paid', m.hostPlayerId, challengerId, hostScore);
      tx.afterCommit(() => {
        for (const r of [rh, rc]) {
          this.#c.leaderboards.recordRating(m.game, r.playerId, r.rating).catch((e) => this.#c.onError(e, 'leaderboards.recordRating'));
        }
      });
    }
    for (const [playerId, payoutFen] of payouts) {
      await this.#c.notifier.notify(tx, playerId, {
        kind: 'skill_match_closed',
        data: { matchId: m.id, outcome, verdict: verdictOf(outcome, m.hostPlayerId === playerId ? 'host' : 'challenger'), payoutFen },
      });
    }
    await this.#c.analytics?.append(tx, {
      kind: 'skill_match_closed',
      data: { matchId: m.id, outcome, poolFen, rakeFen },
    });
  }

  /**
   * The match's money, in its settling unit: both holds voided (a refund) or posted with the prize
   * and the rake paid out of the pool. Returns what each player was paid.
   */
  async #moveFees(tx: Tx, m: MatchRow, outcome: MatchOutcome, poolFen: number, rakeFen: number): Promise<Map<string, number>> {
    const challengerId = present(m.challengerPlayerId, 'a matched match has a challenger');
    const challengerHoldId = present(m.challengerHoldId, "a matched match holds the challenger's fee");
    const payouts = new Map<string, number>([
      [m.hostPlayerId, 0],
      [challengerId, 0],
    ]);
    if (outcome === 'both_forfeit' || outcome === 'tie_refund') {
      await refundEntryFee(this.#c.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
      await refundEntryFee(this.#c.ledger, tx, 'match', m.id, challengerId, challengerHoldId);
      payouts.set(m.hostPlayerId, m.entryFeeFen);
      payouts.set(challengerId, m.entryFeeFen);
      return payouts;
    }
    await postEntryFee(this.#c.ledger, tx, 'match', m.id, m.hostPlayerId, m.hostHoldId);
    await postEntryFee(this.#c.ledger, tx, 'match', m.id, challengerId, challengerHoldId);
    const prizeFen = poolFen - rakeFen;
    if (outcome === 'tie_split') {
      const [a, b] = splitEvenly(toFen(prizeFen, FEN_BOUNDS_NON_NEGATIVE), 2);
      payouts.set(m.hostPlayerId, present(a, 'an even split in two has a first part'));
      payouts.set(challengerId, present(b, 'an even split in two has a second part'));
    } else {
      payouts.set(outcome === 'host_won' ? m.hostPlayerId : challengerId, prizeFen);
    }
    const paid = [...payouts].map(([playerId, amountFen]) => ({ playerId, amountFen }));
    await payOut(this.#c.ledger, tx, 'match', m.id, paid, rakeFen);
    return payouts;
  }
}

/** Who won a match whose two sessions ended: a forfeit loses, then the higher score, then the tie rule. */
export function outcomeOf(m: MatchRow, host: SessionRow, challenger: SessionRow): MatchOutcome {
  const hf = isForfeit(host.status);
  const cf = isForfeit(challenger.status);
  if (hf && cf) return 'both_forfeit';
  if (hf) return 'challenger_won';
  if (cf) return 'host_won';
  if (host.score > challenger.score) return 'host_won';
  if (challenger.score > host.score) return 'challenger_won';
  return m.tieRule === 'refund' ? 'tie_refund' : 'tie_split';
}

export function verdictOf(outcome: MatchOutcome, role: 'host' | 'challenger'): 'won' | 'lost' | 'tie' | 'refunded' {
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
export function payoutOf(m: MatchRow, role: 'host' | 'challenger'): number {
  if (!m.outcome) return 0;
  if (m.outcome === 'no_opponent') return role === 'host' ? m.entryFeeFen : 0;
  if (m.outcome === 'tie_refund' || m.outcome === 'both_forfeit' || m.outcome === 'voided') return m.entryFeeFen;
  const prizeFen = 2 * m.entryFeeFen - (m.rakeFen ?? 0);
  if (m.outcome === 'tie_split') {
    const [a, b] = splitEvenly(toFen(prizeFen, FEN_BOUNDS_NON_NEGATIVE), 2);
    return present(role === 'host' ? a : b, 'an even split in two has two parts');
  }
  return verdictOf(m.outcome, role) === 'won' ? prizeFen : 0;
}
