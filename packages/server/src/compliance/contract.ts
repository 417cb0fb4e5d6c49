// Compliance endpoints: the health notice, a player's responsible-play settings, and the
// console's read-only policy view, a player's applicable policy and the jurisdiction override.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdString, TimeMs } from '../http/schemas.ts';
import { CALENDAR_NOTE_LENGTH_MAX, REALNAME_LISTED_MAX, REALNAME_REQUEUE_MAX, REASON_LENGTH_MAX } from './limits.ts';

/** The actions compliance answers for are part of the wire: restrictions name them. */
export { COMPLIANCE_ACTIONS, type ComplianceAction } from './actions.ts';

const Localized = Type.Object({ zh: Type.String(), en: Type.String() });
export const HealthNoticeBody = Type.Object({ title: Localized, text: Localized, showAt: Type.Array(Type.String()) });
const NullableFen = Type.Union([Fen({ minimum: 0, maximum: 100_000_000_000 }), Type.Null()]);
const PolicyRef = Type.Object({ name: Type.String(), version: Type.Integer(), jurisdiction: Type.String() });

export const ResponsiblePlayBody = Type.Object({
  policy: PolicyRef,
  offered: Type.Boolean({ description: 'false when the policy offers no responsible-play settings' }),
  depositLimits: Type.Object({ dayFen: NullableFen, monthFen: NullableFen }),
  pendingDepositLimits: Type.Union([Type.Object({ dayFen: NullableFen, monthFen: NullableFen, effectiveAtMs: TimeMs() }), Type.Null()]),
  selfExclusionUntilMs: Type.Union([TimeMs(), Type.Null()]),
  selfExclusionDays: Type.Array(Type.Integer()),
  raiseDelayMs: Type.Integer({ minimum: 0 }),
  play: Type.Object({
    continuousMs: Type.Integer({ minimum: 0 }),
    reminderEveryMs: Type.Integer({ minimum: 0 }),
    nextReminderAtMs: Type.Union([TimeMs(), Type.Null()]),
    continuousPlayMsMax: Type.Integer({ minimum: 0 }),
    breakUntilMs: Type.Union([TimeMs(), Type.Null()]),
  }),
  minor: Type.Union([Type.Object({ age: Type.Integer(), windowEndMs: Type.Union([TimeMs(), Type.Null()]) }), Type.Null()]),
  healthNotice: Type.Union([HealthNoticeBody, Type.Null()]),
});

const PlayerParams = Type.Object({ playerId: IdString() });
const ReportStateSchema = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('parked'), Type.Literal('expired')], {
  description:
    'pending: waiting to be sent (or sent again); parked: refused, waits for an operator; expired: past NPPA’s 180-second window',
});
export const ReportBody = Type.Object({
  id: Type.String(),
  playerId: Type.String(),
  sessionId: Type.String(),
  bt: Type.Union([Type.Literal(0), Type.Literal(1)], { description: '1 login, 0 logout' }),
  atMs: TimeMs(),
  state: ReportStateSchema,
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAtMs: TimeMs(),
  sentAtMs: Type.Union([TimeMs(), Type.Null()]),
  nextAttemptAtMs: TimeMs(),
});
const ReportCounts = Type.Object({
  pending: Type.Integer({ minimum: 0 }),
  sent: Type.Integer({ minimum: 0 }),
  parked: Type.Integer({ minimum: 0 }),
  expired: Type.Integer({ minimum: 0 }),
});
const CONSOLE = ['risk', 'support', 'finance', 'admin'] as const;

const CalendarNoticeBody = Type.Object({
  title: Type.String(),
  reference: Type.Optional(Type.String()),
  publishedOn: Type.Optional(Type.String()),
  urls: Type.Optional(Type.Array(Type.String())),
  note: Type.Optional(Type.String()),
});
const Confirmation = Type.Union([Type.Object({ operatorId: Type.String(), note: Type.String(), atMs: TimeMs() }), Type.Null()]);
export const CalendarYearBody = Type.Object({
  year: Type.Integer(),
  holidays: Type.Array(Type.String()),
  workdays: Type.Array(Type.String()),
  source: CalendarNoticeBody,
  sha256: Type.String({ description: 'SHA-256 of the year and its sorted dates: what a confirmation names' }),
  fileVerified: Type.Boolean({ description: 'what the calendar file says' }),
  confirmation: Confirmation,
  verified: Type.Boolean({ description: 'the file says so, or an operator confirmed this exact table' }),
  inUse: Type.Boolean({ description: 'this year or a later one' }),
});
export const CalendarWarningBody = Type.Object({
  kind: Type.Union([Type.Literal('unverified'), Type.Literal('runs_out'), Type.Literal('missing')]),
  jurisdiction: Type.String(),
  year: Type.Optional(Type.Integer()),
  lastDate: Type.Optional(Type.String()),
  daysLeft: Type.Optional(Type.Integer()),
});
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const complianceContract = contract({
  healthNotice: {
    method: 'GET',
    url: '/api/compliance/health-notice',
    summary: 'The health notice of the default policy (shown on the sign-in page)',
    tags: ['compliance'],
    auth: 'none',
    response: Type.Object({ policy: Type.String(), notice: Type.Union([HealthNoticeBody, Type.Null()]) }),
  },
  myHealthNotice: {
    method: 'GET',
    url: '/api/me/health-notice',
    summary: 'The health notice of the policy that applies to me (shown where the policy says, e.g. the room creation page)',
    tags: ['compliance'],
    auth: 'player',
    response: Type.Object({ policy: Type.String(), notice: Type.Union([HealthNoticeBody, Type.Null()]) }),
  },
  responsiblePlay: {
    method: 'GET',
    url: '/api/me/responsible-play',
    summary: 'My deposit limits, self-exclusion, time played and the rules of the policy that applies to me',
    tags: ['compliance'],
    auth: 'player',
    response: ResponsiblePlayBody,
  },
  setDepositLimits: {
    method: 'PUT',
    url: '/api/me/responsible-play/deposit-limits',
    summary: 'Sets my deposit limits (fen; null for none): lower limits apply at once, higher ones after the cooling-off delay',
    tags: ['compliance'],
    auth: 'player',
    body: Type.Object({ dayFen: NullableFen, monthFen: NullableFen }, { additionalProperties: false }),
    response: ResponsiblePlayBody,
  },
  selfExclude: {
    method: 'POST',
    url: '/api/me/responsible-play/self-exclusion',
    summary: 'Excludes me from play and deposits for one of the offered periods (withdrawals stay open); cannot be shortened',
    tags: ['compliance'],
    auth: 'player',
    body: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 3650 }) }, { additionalProperties: false }),
    response: ResponsiblePlayBody,
  },
  compliancePolicies: {
    method: 'GET',
    url: '/api/admin/compliance/policies',
    summary: 'Every loaded jurisdiction policy, as loaded (read-only)',
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: [...CONSOLE],
    response: Type.Object({
      defaultPolicy: Type.String(),
      items: Type.Array(
        Type.Object({
          name: Type.String(),
          version: Type.Integer(),
          jurisdiction: Type.String(),
          countries: Type.Array(Type.String()),
          description: Type.Union([Type.String(), Type.Null()]),
          document: Type.Unknown(),
        }),
      ),
    }),
  },
  playerCompliance: {
    method: 'GET',
    url: '/api/admin/players/:playerId/compliance',
    summary: "A player's applicable policy and why, their region, an operator's override, and their responsible-play state",
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: [...CONSOLE],
    params: PlayerParams,
    response: Type.Object({
      policy: PolicyRef,
      basis: Type.Union([Type.Literal('override'), Type.Literal('identity'), Type.Literal('region'), Type.Literal('default')]),
      region: Type.Union([
        Type.Object({ country: Type.String(), subdivision: Type.Union([Type.String(), Type.Null()]), source: Type.String() }),
        Type.Null(),
      ]),
      override: Type.Union([
        Type.Object({ jurisdiction: Type.String(), reason: Type.String(), operatorId: Type.String(), setAtMs: TimeMs() }),
        Type.Null(),
      ]),
      verified: Type.Boolean(),
      responsiblePlay: ResponsiblePlayBody,
    }),
  },
  setPlayerJurisdiction: {
    method: 'PUT',
    url: '/api/admin/players/:playerId/jurisdiction',
    summary: "Pins a player to a jurisdiction's policy (null clears the pin); audited",
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: ['risk', 'admin'],
    params: PlayerParams,
    body: Type.Object(
      {
        jurisdiction: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()]),
        reason: Type.String({ minLength: 3, maxLength: REASON_LENGTH_MAX }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ policy: PolicyRef, basis: Type.String() }),
  },
  realNameReports: {
    method: 'GET',
    url: '/api/admin/realname/reports',
    summary:
      'The play-report queue to the state real-name system: how many wait, were sent, are parked or expired, and the reports in one state',
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: [...CONSOLE],
    query: Type.Object(
      {
        state: Type.Optional(ReportStateSchema),
        playerId: Type.Optional(IdString()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: REALNAME_LISTED_MAX })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ enabled: Type.Boolean(), counts: ReportCounts, items: Type.Array(ReportBody) }),
  },
  retryRealNameReports: {
    method: 'POST',
    url: '/api/admin/realname/reports/retry',
    summary: 'Puts parked play reports back in the queue (those still inside NPPA’s 180-second window); audited',
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: ['risk', 'admin'],
    body: Type.Object(
      {
        ids: Type.Array(IdString(), { minItems: 1, maxItems: REALNAME_REQUEUE_MAX, uniqueItems: true }),
        reason: Type.String({ minLength: 3, maxLength: REASON_LENGTH_MAX }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ requeued: Type.Array(Type.String()), tooOld: Type.Array(Type.String()), notParked: Type.Array(Type.String()) }),
  },
  calendars: {
    method: 'GET',
    url: '/api/admin/compliance/calendars',
    summary: "The minors' holiday calendars: each year's table, its notice, whether it is verified, and how long the calendar runs",
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: [...CONSOLE],
    response: Type.Object({
      items: Type.Array(
        Type.Object({
          jurisdiction: Type.String(),
          policy: Type.String(),
          timezone: Type.String(),
          calendarFile: Type.Union([Type.String(), Type.Null()]),
          today: Type.String(),
          years: Type.Array(CalendarYearBody),
          lastDate: Type.Union([Type.String(), Type.Null()]),
          daysLeft: Type.Integer({ minimum: 0 }),
          warnings: Type.Array(CalendarWarningBody),
        }),
      ),
      warnings: Type.Array(CalendarWarningBody),
    }),
  },
  confirmCalendarYear: {
    method: 'POST',
    url: '/api/admin/compliance/calendars/confirm',
    summary: "Confirms that one year of a minors' calendar matches its published notice (the exact table read, by its SHA-256); audited",
    tags: ['admin', 'compliance'],
    auth: 'operator',
    roles: ['admin'],
    body: Type.Object(
      {
        jurisdiction: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
        year: Type.Integer({ minimum: 1970, maximum: 9999 }),
        sha256: Sha256,
        note: Type.String({
          minLength: 3,
          maxLength: CALENDAR_NOTE_LENGTH_MAX,
          description: 'which notice it was checked against, and where',
        }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({
      confirmed: Type.Boolean({ description: 'false when this table was already confirmed' }),
      year: CalendarYearBody,
    }),
  },
});
