// Leaderboard endpoints: the top of a board (public) and the signed-in player's standing.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { TimeMs } from '../http/schemas.ts';
import { LEADERBOARD_PAGE_MAX, LEADERBOARD_RADIUS_MAX } from './limits.ts';

const BoardPath = Type.Object({
  game: Type.String({ pattern: '^[a-z0-9_]{1,32}$' }),
  metric: Type.Union([Type.Literal('score'), Type.Literal('rating')]),
});
const PeriodQuery = {
  period: Type.Optional(Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('all')], { description: 'default daily' })),
  which: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('previous')], { description: 'default current' })),
};
const PeriodBody = Type.Object({
  period: Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('all')]),
  id: Type.String(),
  startsAtMs: Type.Union([TimeMs(), Type.Null()]),
  endsAtMs: Type.Union([TimeMs(), Type.Null()]),
});
export const LeaderboardEntryBody = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  nickname: Type.String(),
  value: Type.Integer(),
  you: Type.Boolean(),
});

export const leaderboardsContract = contract({
  leaderboardTop: {
    method: 'GET',
    url: '/api/leaderboards/:game/:metric',
    summary: 'The top of a daily, weekly or all-time board (best score, or rating), this period or the previous one',
    tags: ['leaderboards'],
    auth: 'none',
    params: BoardPath,
    query: Type.Object(
      {
        ...PeriodQuery,
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LEADERBOARD_PAGE_MAX })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ period: PeriodBody, size: Type.Integer(), entries: Type.Array(LeaderboardEntryBody) }),
  },
  leaderboardMe: {
    method: 'GET',
    url: '/api/leaderboards/:game/:metric/me',
    summary: 'The signed-in player’s rank on a board and the players around them',
    tags: ['leaderboards'],
    auth: 'player',
    params: BoardPath,
    query: Type.Object(
      { ...PeriodQuery, radius: Type.Optional(Type.Integer({ minimum: 0, maximum: LEADERBOARD_RADIUS_MAX })) },
      { additionalProperties: false },
    ),
    response: Type.Object({
      period: PeriodBody,
      size: Type.Integer(),
      me: Type.Union([LeaderboardEntryBody, Type.Null()]),
      around: Type.Array(LeaderboardEntryBody),
    }),
  },
});
