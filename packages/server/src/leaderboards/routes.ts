// Handlers for the leaderboard endpoints. Players are shown by nickname, never by id.
import { implement, type Implementation } from '../http/routes.ts';
import { leaderboardsContract as c } from './contract.ts';
import type { Leaderboards } from './index.ts';
import type { LeaderboardEntry } from './ports.ts';

export interface LeaderboardRouteDeps {
  readonly leaderboards: Leaderboards;
  readonly nicknames: (playerIds: readonly string[]) => Promise<Map<string, string>>;
}

export function leaderboardRoutes(d: LeaderboardRouteDeps): Record<keyof typeof c, Implementation> {
  const named = async (entries: readonly LeaderboardEntry[], me: string | null) => {
    const names = await d.nicknames(entries.map((e) => e.playerId));
    return entries.map((e) => ({ rank: e.rank, nickname: names.get(e.playerId) ?? '', value: e.value, you: e.playerId === me }));
  };
  return {
    leaderboardTop: implement(c.leaderboardTop, async ({ params, query }) => {
      const r = await d.leaderboards.top(
        params.game,
        params.metric,
        query.period ?? 'daily',
        query.which ?? 'current',
        query.limit ?? 20,
        query.offset ?? 0,
      );
      return { period: r.period, size: r.size, entries: await named(r.entries, null) };
    }),
    leaderboardMe: implement(c.leaderboardMe, async ({ params, query, actor }) => {
      const r = await d.leaderboards.standing(
        params.game,
        params.metric,
        query.period ?? 'daily',
        query.which ?? 'current',
        actor.playerId,
        query.radius ?? 3,
      );
      const around = await named(r.around, actor.playerId);
      return { period: r.period, size: r.size, me: around.find((e) => e.you) ?? null, around };
    }),
  };
}
