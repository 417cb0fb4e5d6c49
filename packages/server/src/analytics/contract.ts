// Analytics endpoints: the operating report (the seed's metrics with targets and alert lines,
// broken down by hour, region and tier, plus money), alerts, CSV exports, and a player's tier.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdString, itemList, limitQuery, TimeMs } from '../http/schemas.ts';
import { UTC_OFFSET_MINUTES_MAX, UTC_OFFSET_MINUTES_MIN } from './csv.ts';
import { EXPORT_KINDS } from './export-kinds.ts';
import { ALERTS_PAGE_MAX, FEEDBACK_TEXT_LENGTH_MAX, LEDGER_RECENT_TRANSFERS_MAX, METRICS_WINDOW_MS_MAX, ROOMS_PAGE_MAX } from './limits.ts';
import { GAUGE_ALERT_IDS } from './alerts.ts';
import { METRIC_IDS, TIERS } from './metrics.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const MetricIdSchema = Type.Union(METRIC_IDS.map((m) => Type.Literal(m)));
const AlertMetricIdSchema = Type.Union([...METRIC_IDS, ...GAUGE_ALERT_IDS].map((m) => Type.Literal(m)));
const ThresholdSchema = Type.Object({ op: Type.Union([Type.Literal('<'), Type.Literal('>')]), value: Type.Number() });
const SliceSchema = Type.Object({ key: Type.String(), value: Nullable(Type.Number()), sample: Type.Integer() });
const Sum = Type.Object({ count: Type.Integer(), fen: Fen() });
const ALL_OPERATORS = ['support', 'risk', 'finance', 'admin'] as const;
const ROOM_READERS = ['support', 'risk', 'admin'] as const;

const RoomItem = Type.Object({
  id: Type.String(),
  code: Type.String(),
  status: Type.String(),
  ownerId: Type.String(),
  ownerNickname: Nullable(Type.String()),
  seats: Type.Integer(),
  rounds: Type.Integer(),
  feeMode: Type.String(),
  feePayer: Type.String(),
  handsPlayed: Type.Integer(),
  members: Type.Integer(),
  createdAtMs: TimeMs(),
  endedAtMs: Nullable(TimeMs()),
  endReason: Nullable(Type.String()),
});

const MetricSchema = Type.Object({
  id: MetricIdSchema,
  unit: Type.Union([Type.Literal('ratio'), Type.Literal('ms')]),
  target: ThresholdSchema,
  alert: Nullable(ThresholdSchema),
  value: Nullable(Type.Number()),
  sample: Type.Integer(),
  status: Type.Union(['ok', 'off_target', 'alert', 'no_data'].map((s) => Type.Literal(s))),
  series: Type.Array(Type.Object({ startMs: TimeMs(), value: Nullable(Type.Number()), sample: Type.Integer() })),
  byHourOfDay: Type.Array(SliceSchema),
  byRegion: Type.Array(SliceSchema),
  byTier: Type.Array(SliceSchema),
});

export const AlertSchema = Type.Object({
  id: Type.String(),
  metric: AlertMetricIdSchema,
  state: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  valueOpened: Type.Number(),
  valueLast: Type.Number(),
  threshold: ThresholdSchema,
  sample: Type.Integer(),
  windowMs: Type.Integer(),
  openedAtMs: TimeMs(),
  checkedAtMs: TimeMs(),
  resolvedAtMs: Nullable(TimeMs()),
  deliveries: Type.Array(
    Type.Object({
      event: Type.Union([Type.Literal('opened'), Type.Literal('resolved')]),
      state: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
      attempts: Type.Integer(),
    }),
  ),
});

export const analyticsContract = contract({
  analyticsReport: {
    method: 'GET',
    url: '/api/admin/analytics/report',
    summary:
      'Operating metrics over a period (default the last 24 hours) with the seed’s targets and alert lines, by hour, hour of day, region and tier; deposits, withdrawals and revenue by source',
    tags: ['admin', 'analytics'],
    auth: 'operator',
    roles: [...ALL_OPERATORS],
    query: Type.Object(
      {
        fromMs: Type.Optional(TimeMs()),
        toMs: Type.Optional(TimeMs()),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({
      window: Type.Object({ fromMs: TimeMs(), toMs: TimeMs() }),
      nowMs: TimeMs(),
      bucketMs: Type.Integer(),
      alertSampleMin: Type.Integer(),
      metrics: Type.Array(MetricSchema),
      money: Type.Object({
        deposits: Sum,
        withdrawalsRequested: Sum,
        withdrawalsCompleted: Sum,
        withdrawalsFailed: Sum,
        netInflowFen: Fen(),
        revenueBySource: Type.Array(Type.Object({ source: Type.String(), fen: Fen(), transfers: Type.Integer() })),
        revenueFen: Fen(),
        series: Type.Array(Type.Object({ startMs: TimeMs(), depositsFen: Fen(), withdrawalsFen: Fen(), revenueFen: Fen() })),
        revenueTruncated: Type.Boolean(),
      }),
      activePlayers: Type.Integer(),
      truncated: Type.Boolean(),
      windowMsMax: Type.Integer({ description: `at most ${METRICS_WINDOW_MS_MAX}` }),
    }),
  },
  analyticsAlerts: {
    method: 'GET',
    url: '/api/admin/analytics/alerts',
    summary: 'Operating-metric alerts: open ones first, then recent resolved ones, with their webhook deliveries',
    tags: ['admin', 'analytics'],
    auth: 'operator',
    roles: [...ALL_OPERATORS],
    query: limitQuery(ALERTS_PAGE_MAX),
    response: Type.Object({ items: Type.Array(AlertSchema), webhookConfigured: Type.Boolean() }),
  },
  analyticsExport: {
    method: 'GET',
    url: '/api/admin/exports/:kind',
    summary:
      'CSV of ledger transfers, orders or hand histories for a period inside the last 180 days (finance for money records; risk or support for hands; audited)',
    tags: ['admin', 'analytics'],
    auth: 'operator',
    roles: [...ALL_OPERATORS],
    params: Type.Object({ kind: Type.Union(EXPORT_KINDS.map((k) => Type.Literal(k))) }),
    query: Type.Object(
      {
        fromMs: TimeMs(),
        toMs: TimeMs(),
        utcOffsetMinutes: Type.Optional(
          Type.Integer({
            minimum: UTC_OFFSET_MINUTES_MIN,
            maximum: UTC_OFFSET_MINUTES_MAX,
            description:
              'The operator’s clock (minutes east of UTC, +480 in China): times in the file carry this offset; UTC (Z) when absent',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    response: Type.String({ description: 'text/csv; charset=utf-8, with a header row; times are ISO 8601 with their offset' }),
  },
  myTier: {
    method: 'GET',
    url: '/api/me/tier',
    summary: 'My player tier (new, paying, vip) and how far the VIP line is (VIP room skins)',
    tags: ['analytics'],
    auth: 'player',
    response: Type.Object({
      tier: Type.Union(TIERS.map((t) => Type.Literal(t))),
      depositsFen: Fen({ minimum: 0 }),
      vipFromFen: Fen({ minimum: 1 }),
      vipSinceMs: Nullable(TimeMs()),
    }),
  },
  adminRooms: {
    method: 'GET',
    url: '/api/admin/rooms',
    summary: 'Live (waiting, playing) or past (finished, dissolved) 拼三张 rooms, newest first; a six-digit code finds one',
    tags: ['admin', 'rooms'],
    auth: 'operator',
    roles: [...ROOM_READERS],
    query: Type.Object(
      {
        state: Type.Union([Type.Literal('live'), Type.Literal('past')]),
        code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ROOMS_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(RoomItem),
  },
  adminRoom: {
    method: 'GET',
    url: '/api/admin/rooms/:roomId',
    summary: 'A room as a spectator sees it (no hidden card of a hand in progress), its members and scores, and its finished hands',
    tags: ['admin', 'rooms'],
    auth: 'operator',
    roles: [...ROOM_READERS],
    params: Type.Object({ roomId: IdString() }),
    response: Type.Object({
      room: RoomItem,
      live: Type.Boolean(),
      members: Type.Array(
        Type.Object({
          playerId: Type.String(),
          nickname: Type.String(),
          role: Type.String(),
          seat: Nullable(Type.Integer()),
          status: Type.String(),
        }),
      ),
      scores: Type.Array(Type.Object({ playerId: Type.String(), points: Type.Integer(), hands: Type.Integer() })),
      hand: Nullable(
        Type.Object({
          handNumber: Type.Integer(),
          commitment: Type.String(),
          startedAtMs: TimeMs(),
          view: Type.Unknown({ description: 'the spectator view of the hand' }),
        }),
      ),
      hands: Type.Array(
        Type.Object({ handNumber: Type.Integer(), endedAtMs: TimeMs(), recordHash: Type.String(), chainHash: Type.String() }),
      ),
      archivedAtMs: Type.Optional(TimeMs('set when the hands were read back from the retention archive: when they left the database')),
    }),
  },
  adminRoomHand: {
    method: 'GET',
    url: '/api/admin/rooms/:roomId/hands/:handNumber',
    summary: 'A finished hand in full (every card, seed and action) for replay; every view is audited',
    tags: ['admin', 'rooms'],
    auth: 'operator',
    roles: [...ROOM_READERS],
    params: Type.Object({ roomId: IdString(), handNumber: Type.Integer({ minimum: 1 }) }),
    response: Type.Object({ record: Type.Unknown({ description: 'the sealed hand history, opened' }) }),
  },
  ledgerOverview: {
    method: 'GET',
    url: '/api/admin/ledger/overview',
    summary: 'The platform’s own accounts (clearing, in flight, revenue, issuance, …) and the newest transfers of the whole ledger',
    tags: ['admin', 'ledger'],
    auth: 'operator',
    roles: ['finance', 'risk', 'admin'],
    query: Type.Object(
      { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LEDGER_RECENT_TRANSFERS_MAX })) },
      { additionalProperties: false },
    ),
    response: Type.Object({
      system: Type.Array(
        Type.Object({
          accountId: Type.String(),
          owner: Type.String(),
          asset: Type.String(),
          postedFen: Fen(),
          pendingDebitsFen: Fen(),
          pendingCreditsFen: Fen(),
        }),
      ),
      recent: Type.Array(
        Type.Object({
          seq: Type.Integer(),
          id: Type.String(),
          debitAccount: Type.String(),
          creditAccount: Type.String(),
          asset: Type.String(),
          amount: Type.Integer(),
          code: Type.String(),
          kind: Type.String(),
          createdAtMs: TimeMs(),
        }),
      ),
    }),
  },
  sendFeedback: {
    method: 'POST',
    url: '/api/feedback',
    summary: 'Feedback to customer service that names no room or player (reports of a room or player go to /api/complaints)',
    tags: ['analytics'],
    auth: 'player',
    body: Type.Object(
      {
        topic: Type.Union(['app', 'payments', 'rooms', 'games', 'other'].map((t) => Type.Literal(t))),
        text: Type.String({ minLength: 2, maxLength: FEEDBACK_TEXT_LENGTH_MAX }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ feedbackId: Type.String() }),
    status: 201,
  },
  feedbackList: {
    method: 'GET',
    url: '/api/admin/feedback',
    summary: 'Players’ feedback to customer service, newest first',
    tags: ['admin', 'analytics'],
    auth: 'operator',
    roles: ['support', 'risk', 'admin'],
    query: limitQuery(200),
    response: Type.Object({
      items: Type.Array(
        Type.Object({ feedbackId: Type.String(), playerId: Type.String(), topic: Type.String(), text: Type.String(), atMs: TimeMs() }),
      ),
    }),
  },
});
