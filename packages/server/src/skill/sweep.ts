// The sweep: periodic work, safe to run on every process at once (each step is a conditional
// update): sessions past their deadline time out, hosted matches nobody joined are refunded,
// tournaments close and settle, old leaderboards are pruned.
import type { SkillContext } from './context.ts';
import { SWEEP_BATCH_MAX } from './limits.ts';
import type { SessionPlay } from './play.ts';
import { matchFromDb } from './rows.ts';
import type { MatchSettlement } from './settlement.ts';
import type { Tournaments } from './tournaments.ts';

export interface SweepReport {
  readonly sessionsTimedOut: number;
  readonly matchesExpired: number;
  readonly tournamentsClosed: number;
  readonly tournamentsSettled: number;
  readonly boardsPruned: number;
  readonly errors: number;
}

export class SkillSweep {
  readonly #c: SkillContext;
  readonly #play: SessionPlay;
  readonly #settlement: MatchSettlement;
  readonly #tournaments: Tournaments;

  constructor(c: SkillContext, play: SessionPlay, settlement: MatchSettlement, tournaments: Tournaments) {
    this.#c = c;
    this.#play = play;
    this.#settlement = settlement;
    this.#tournaments = tournaments;
  }

  /**
   * Periodic work, safe to run on every process at once (each step is a conditional update):
   * times out sessions past their deadline (a forfeit in paid games), refunds hosted matches
   * nobody joined, closes and settles tournaments, prunes old leaderboards.
   */
  async sweep(): Promise<SweepReport> {
    let errors = 0;
    const nowMs = this.#c.clock.nowMs();
    let sessionsTimedOut = 0;
    const due = await this.#c.store.reader.query<{ id: string }>(
      "SELECT id FROM skill_sessions WHERE status = 'active' AND deadline_at_ms <= ? ORDER BY deadline_at_ms LIMIT ?",
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const { id } of due) {
      try {
        const ended = await this.#c.live.serialize(id, async () => {
          const live = await this.#play.load(id);
          if (live.row.status !== 'active' || live.row.deadlineAtMs > this.#c.clock.nowMs()) return false;
          await this.#play.end(live, 'timed_out', 'time', null);
          return true;
        });
        if (ended) sessionsTimedOut++;
      } catch (e) {
        errors++;
        this.#c.onError(e, 'sweep.session');
      }
    }

    let matchesExpired = 0;
    const expired = await this.#c.store.reader.query(
      "SELECT * FROM skill_matches WHERE status = 'open' AND expires_at_ms <= ? ORDER BY expires_at_ms LIMIT ?",
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const raw of expired) {
      const m = matchFromDb(raw);
      try {
        const done = await this.#c.store.unitOfWork(
          async (tx) => {
            await this.#c.ledger.serialize(tx);
            const host = await tx.query<{ status: string }>('SELECT status FROM skill_sessions WHERE id = ?', [m.hostSessionId]);
            if (host[0]?.status === 'active') return false;
            await this.#settlement.refundUnjoined(tx, m);
            return true;
          },
          { label: 'skill.expireMatch' },
        );
        if (done) matchesExpired++;
      } catch (e) {
        errors++;
        this.#c.onError(e, 'sweep.match');
      }
    }

    const t = await this.#tournaments.sweep((e) => {
      errors++;
      this.#c.onError(e, 'sweep.tournament');
    });
    let boardsPruned = 0;
    try {
      boardsPruned = await this.#c.leaderboards.prune();
    } catch (e) {
      errors++;
      this.#c.onError(e, 'sweep.leaderboards');
    }
    return { sessionsTimedOut, matchesExpired, tournamentsClosed: t.closed, tournamentsSettled: t.settled, boardsPruned, errors };
  }
}
