// Risk endpoints: players file complaints and see their credit; the console works the review
// queue (cases with evidence and actions), the complaints inbox, players' restrictions and scores.
import { Type } from '@sinclair/typebox';
import { COMPLIANCE_ACTIONS } from '../compliance/contract.ts';
import { contract } from '../http/endpoint.ts';
import { IdString, itemList, limitQuery, TimeMs } from '../http/schemas.ts';
import { NOTE_LENGTH_MAX, PAGE_MAX } from './limits.ts';

const ActionSchema = Type.Union(COMPLIANCE_ACTIONS.map((a) => Type.Literal(a)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Note = Type.String({ minLength: 3, maxLength: NOTE_LENGTH_MAX });

export const ComplaintBody = Type.Object({
  id: Type.String(),
  reporterId: Type.String(),
  targetPlayerId: Nullable(Type.String()),
  roomId: Nullable(Type.String()),
  reason: Type.String(),
  text: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('dismissed')]),
  resolutionNote: Nullable(Type.String()),
  handledBy: Nullable(Type.String()),
  createdAtMs: TimeMs(),
  handledAtMs: Type.Union([TimeMs(), Type.Null()]),
});

const SignalBody = Type.Object({
  id: Type.String(),
  playerId: Type.String(),
  kind: Type.String(),
  value: Type.Integer(),
  subject: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }), Type.Null()]),
  evidence: Type.Unknown(),
  createdAtMs: TimeMs(),
});

export const RestrictionBody = Type.Object({
  id: Type.String(),
  playerId: Type.String(),
  kind: Type.Union([Type.Literal('restrict'), Type.Literal('ban')]),
  actions: Type.Array(Type.String()),
  reason: Type.String(),
  caseId: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAtMs: TimeMs(),
  untilMs: Type.Union([TimeMs(), Type.Null()]),
});

const CaseStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('closed')]);
export const CaseSummaryBody = Type.Object({
  id: Type.String(),
  playerId: Type.String(),
  kind: Type.String(),
  status: CaseStatusSchema,
  score: Type.Integer(),
  amountFen: Type.Union([Type.Integer(), Type.Null()]),
  summary: Type.String(),
  createdAtMs: TimeMs(),
  updatedAtMs: TimeMs(),
  decidedBy: Nullable(Type.String()),
});

export const CaseDetailBody = Type.Composite([
  CaseSummaryBody,
  Type.Object({
    evidence: Type.Unknown(),
    events: Type.Array(
      Type.Object({
        id: Type.String(),
        actorKind: Type.String(),
        actorName: Type.String(),
        action: Type.String(),
        note: Nullable(Type.String()),
        data: Type.Unknown(),
        atMs: TimeMs(),
      }),
    ),
    signals: Type.Array(SignalBody),
    transfers: Type.Array(
      Type.Object({
        id: Type.String(),
        asset: Type.String(),
        direction: Type.String(),
        amount: Type.Integer(),
        code: Type.String(),
        kind: Type.String(),
        createdAtMs: TimeMs(),
      }),
    ),
    complaints: Type.Array(ComplaintBody),
    restrictions: Type.Array(RestrictionBody),
    credit: Type.Integer(),
  }),
]);

const REVIEWERS = ['risk', 'admin'] as const;
/** Who may choose the active fraud model and its mode (a policy decision, like the risk configuration). */
const MODEL_OWNERS = ['admin'] as const;

const MeasuredBody = Type.Object({
  n: Type.Integer(),
  positives: Type.Integer(),
  negatives: Type.Integer(),
  flagged: Type.Integer(),
  truePositives: Type.Integer(),
  falsePositives: Type.Integer(),
  precisionPermille: Type.Integer(),
  recallPermille: Type.Integer(),
  fprPermille: Type.Integer(),
});
const ModelStatusSchema = Type.Union(['trained', 'shadow', 'decide', 'retired'].map((s) => Type.Literal(s)));
export const ModelBody = Type.Object({
  version: Type.Integer(),
  status: ModelStatusSchema,
  seed: Type.Integer(),
  trainedAtMs: TimeMs(),
  reviewedCases: Type.Integer(),
  evaluation: Type.Object({
    trainCases: Type.Integer(),
    heldBackCases: Type.Integer(),
    thresholdPermille: Type.Integer(),
    rules: MeasuredBody,
    combined: MeasuredBody,
    beatsRules: Type.Boolean(),
    reason: Type.Union([Type.String(), Type.Null()]),
  }),
  activatedBy: Nullable(Type.String()),
  activatedAtMs: Type.Union([TimeMs(), Type.Null()]),
});
const CaseModelBody = Type.Object({
  version: Type.Integer(),
  mode: ModelStatusSchema,
  scorePermille: Type.Integer(),
  thresholdPermille: Type.Integer(),
  flagged: Type.Boolean(),
  deciding: Type.Boolean(),
  top: Type.Array(Type.Object({ feature: Type.String(), value: Type.Number(), push: Type.Integer() })),
  atMs: TimeMs(),
});
const READERS = ['risk', 'support', 'admin'] as const;
const PlayerParams = Type.Object({ playerId: IdString() });

export const riskContract = contract({
  fileComplaint: {
    method: 'POST',
    url: '/api/complaints',
    summary: 'Report a player or a room to support',
    tags: ['risk'],
    auth: 'player',
    body: Type.Object(
      {
        targetPlayerId: Type.Optional(IdString()),
        roomId: Type.Optional(IdString()),
        reason: Type.Union(['cheating', 'collusion', 'abuse', 'bot', 'other'].map((r) => Type.Literal(r))),
        text: Type.String({ maxLength: NOTE_LENGTH_MAX }),
      },
      { additionalProperties: false },
    ),
    status: 201,
    response: ComplaintBody,
  },
  myCredit: {
    method: 'GET',
    url: '/api/me/credit',
    summary: 'My credit score (rooms ask it before creating or joining) and my reports',
    tags: ['risk'],
    auth: 'player',
    response: Type.Object({ credit: Type.Integer(), complaints: Type.Array(ComplaintBody) }),
  },
  riskRoomActions: {
    method: 'GET',
    url: '/api/admin/risk/room-actions',
    summary:
      'What the fair-play policy did to live rooms (dissolutions), newest first, with the evidence (pair, hands, avoidance, one-way flow) and the outcome',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    query: limitQuery(PAGE_MAX),
    response: Type.Object({
      items: Type.Array(
        Type.Object({
          roomId: Type.String(),
          action: Type.String(),
          reason: Type.String(),
          evidence: Type.Unknown(),
          status: Type.String(),
          attempts: Type.Integer(),
          lastError: Type.Union([Type.String(), Type.Null()]),
          createdAtMs: TimeMs(),
          updatedAtMs: TimeMs(),
        }),
      ),
    }),
  },
  riskPlayerLinks: {
    method: 'GET',
    url: '/api/admin/risk/players/:playerId/links',
    summary:
      'A player’s linked accounts: the linked group (shared device, WeChat account signing in, paying or paid, unionid; followed transitively) and each direct link with its evidence; shared addresses shown as weak, never linking',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ playerId: IdString() }, { additionalProperties: false }),
    response: Type.Object({
      playerId: Type.String(),
      group: Type.Array(Type.String()),
      evidence: Type.Array(
        Type.Object({
          playerId: Type.String(),
          kind: Type.String(),
          sources: Type.Array(Type.String()),
          digest: Type.String(),
          strong: Type.Boolean(),
        }),
      ),
      /** Accounts sharing an identifier of each kind with another account, platform-wide. */
      shared: Type.Record(Type.String(), Type.Integer()),
    }),
  },
  riskCases: {
    method: 'GET',
    url: '/api/admin/risk/cases',
    summary: 'The review queue (open cases first when filtered by status)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    query: Type.Object(
      {
        status: Type.Optional(CaseStatusSchema),
        playerId: Type.Optional(IdString()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(CaseSummaryBody),
  },
  riskCase: {
    method: 'GET',
    url: '/api/admin/risk/cases/:caseId',
    summary: 'A case with its evidence (signals, transfers, complaints, restrictions, credit) and its audit trail',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ caseId: IdString() }),
    response: Type.Composite([
      CaseDetailBody,
      Type.Object({
        /** The rules' verdict when the case opened: block-level score or a severe signal. */
        rulesFlag: Type.Union([Type.Boolean(), Type.Null()]),
        /** The fraud model's latest score of the case and the features that drove it (null before any model scored it). */
        model: Type.Union([CaseModelBody, Type.Null()]),
      }),
    ]),
  },
  riskCaseAction: {
    method: 'POST',
    url: '/api/admin/risk/cases/:caseId/actions',
    summary: 'Act on a case: approve or reject its withdrawal, restrict or ban the player, close it, or add a note (audited)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...REVIEWERS],
    params: Type.Object({ caseId: IdString() }),
    body: Type.Object(
      {
        action: Type.Union(['approve', 'reject', 'restrict', 'ban', 'note', 'close'].map((a) => Type.Literal(a))),
        note: Note,
        days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
      },
      { additionalProperties: false },
    ),
    response: CaseDetailBody,
  },
  complaintsInbox: {
    method: 'GET',
    url: '/api/admin/complaints',
    summary: 'Complaints filed by players, newest first',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    query: Type.Object(
      {
        status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('dismissed')])),
        targetPlayerId: Type.Optional(IdString()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(ComplaintBody),
  },
  resolveComplaint: {
    method: 'POST',
    url: '/api/admin/complaints/:complaintId/resolve',
    summary: "Uphold (the target's credit drops) or dismiss a complaint (audited)",
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ complaintId: IdString() }),
    body: Type.Object(
      { outcome: Type.Union([Type.Literal('upheld'), Type.Literal('dismissed')]), note: Note },
      { additionalProperties: false },
    ),
    response: ComplaintBody,
  },
  escalateComplaint: {
    method: 'POST',
    url: '/api/admin/complaints/:complaintId/escalate',
    summary: 'Open a review case about the reported player, with the complaint as evidence (audited)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ complaintId: IdString() }),
    body: Type.Object({ note: Note }, { additionalProperties: false }),
    response: CaseDetailBody,
  },
  complaintRate: {
    method: 'GET',
    url: '/api/admin/complaints/rate',
    summary: 'Rooms complained about per thousand rooms created in the last days, and whether it crosses the alert threshold',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    query: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }, { additionalProperties: false }),
    response: Type.Object({
      rooms: Type.Integer(),
      roomsComplained: Type.Integer(),
      ratePermille: Type.Integer(),
      alert: Type.Boolean(),
      alertPermille: Type.Integer(),
    }),
  },
  playerRisk: {
    method: 'GET',
    url: '/api/admin/players/:playerId/risk',
    summary: "A player's risk score and its signals, credit score and history, and active restrictions",
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    params: PlayerParams,
    response: Type.Object({
      score: Type.Integer(),
      decision: Type.Union([Type.Literal('allow'), Type.Literal('review'), Type.Literal('block')]),
      signals: Type.Array(Type.Composite([SignalBody, Type.Object({ weight: Type.Integer() })])),
      credit: Type.Integer(),
      creditHistory: Type.Array(
        Type.Object({
          delta: Type.Integer(),
          scoreAfter: Type.Integer(),
          reason: Type.String(),
          subjectId: Nullable(Type.String()),
          atMs: TimeMs(),
        }),
      ),
      restrictions: Type.Array(RestrictionBody),
    }),
  },
  restrictPlayer: {
    method: 'POST',
    url: '/api/admin/players/:playerId/restrictions',
    summary: 'Restrict (chosen actions) or ban (every money and play action) a player, for some days or until lifted (audited)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...REVIEWERS],
    params: PlayerParams,
    body: Type.Object(
      {
        kind: Type.Union([Type.Literal('restrict'), Type.Literal('ban')]),
        actions: Type.Optional(Type.Array(ActionSchema, { maxItems: COMPLIANCE_ACTIONS.length, uniqueItems: true })),
        reason: Note,
        days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ restrictions: Type.Array(RestrictionBody) }),
  },
  liftRestriction: {
    method: 'POST',
    url: '/api/admin/players/:playerId/restrictions/:restrictionId/lift',
    summary: 'Lift an active restriction (audited)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...REVIEWERS],
    params: Type.Object({ playerId: IdString(), restrictionId: IdString() }),
    body: Type.Object({ reason: Note }, { additionalProperties: false }),
    response: Type.Object({ restrictions: Type.Array(RestrictionBody) }),
  },
  riskConfig: {
    method: 'GET',
    url: '/api/admin/risk/config',
    summary: 'The risk configuration in force: signal weights, thresholds, withdrawal and credit rules',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    response: Type.Object({ config: Type.Unknown() }),
  },
  riskModels: {
    method: 'GET',
    url: '/api/admin/risk/models',
    summary: 'Fraud model versions with their held-back comparison with the rules alone (precision, recall, sample sizes)',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...READERS],
    query: limitQuery(PAGE_MAX),
    response: itemList(ModelBody),
  },
  riskTrainModel: {
    method: 'POST',
    url: '/api/admin/risk/models',
    summary: 'Train a new fraud model version now on the reviewed cases (audited); it starts inactive',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...REVIEWERS],
    body: Type.Object({}, { additionalProperties: false }),
    status: 201,
    response: ModelBody,
  },
  riskActivateModel: {
    method: 'POST',
    url: '/api/admin/risk/models/:version/activate',
    summary:
      'Make a version the active fraud model: shadow (scores shown, deciding nothing) or decide (only once it beat the rules on held-back cases); audited',
    tags: ['admin', 'risk'],
    auth: 'operator',
    roles: [...MODEL_OWNERS],
    params: Type.Object({ version: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }) }),
    body: Type.Object(
      { mode: Type.Union([Type.Literal('shadow'), Type.Literal('decide')]), reason: Note },
      { additionalProperties: false },
    ),
    response: ModelBody,
  },
});
