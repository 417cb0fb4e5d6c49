// Wire shapes of the skill API (TypeBox): the service returns these, the routes declare them,
// the OpenAPI document and the browser client take them from here.
import { type Static, Type } from '@sinclair/typebox';
import { Fen, IdString, TimeMs } from '../http/schemas.ts';
import { COMMAND_BATCH_MAX, REFILL_LOOKAHEAD } from './limits.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const PuzzleConfigBody = Type.Object({
  rules: Type.Optional(Type.String({ description: 'the plug-in that plays it (match3 when absent, sum10, …)' })),
  rulesVersion: Type.Literal(1),
  width: Type.Integer(),
  height: Type.Integer(),
  kinds: Type.Integer(),
  movesMax: Type.Integer(),
  durationMs: Type.Integer(),
});

export const EndReasonBody = Type.Union([Type.Literal('moves'), Type.Literal('no_moves'), Type.Literal('time'), Type.Literal('stopped')]);

export const PuzzleViewBody = Type.Object({
  config: PuzzleConfigBody,
  board: Type.Array(Type.Integer({ minimum: 0 })),
  score: Type.Integer({ minimum: 0 }),
  movesMade: Type.Integer({ minimum: 0 }),
  nextSeq: Type.Integer({ minimum: 1 }),
  lastAtMs: Type.Integer({ minimum: 0 }),
  refillIndex: Type.Integer({ minimum: 0 }),
  endReason: Nullable(EndReasonBody),
  history: Type.Integer({ minimum: 0 }),
});

export const RefillsBody = Type.Object(
  {
    fromIndex: Type.Integer({ minimum: 0 }),
    gems: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 1024 }),
  },
  { description: `the next gems of the refill stream (about ${REFILL_LOOKAHEAD} ahead of the game's refillIndex)` },
);

export const CommandBody = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, maximum: 10_000 }),
    atMs: Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'ms since the session started, by the client clock' }),
    move: Type.Object(
      { from: Type.Integer({ minimum: 0, maximum: 99 }), to: Type.Integer({ minimum: 0, maximum: 99 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const CommandBatchBody = Type.Object(
  { commands: Type.Array(CommandBody, { minItems: 1, maxItems: COMMAND_BATCH_MAX }) },
  { additionalProperties: false },
);

export const SessionModeBody = Type.Union([Type.Literal('practice'), Type.Literal('match'), Type.Literal('tournament')]);
export const SessionStatusBody = Type.Union([
  Type.Literal('active'),
  Type.Literal('finished'),
  Type.Literal('abandoned'),
  Type.Literal('timed_out'),
  Type.Literal('cancelled'),
]);

export const SessionStateBody = Type.Object({
  sessionId: Type.String(),
  game: Type.String(),
  mode: SessionModeBody,
  matchId: Nullable(Type.String()),
  tournamentId: Nullable(Type.String()),
  status: SessionStatusBody,
  /** SHA-256 of the server seed, shown before play; the seed itself is revealed when the game is over. */
  commitment: Type.String(),
  startedAtMs: TimeMs(),
  deadlineAtMs: TimeMs('commands and the finish must arrive before this'),
  endedAtMs: Nullable(TimeMs()),
  serverNowMs: TimeMs(),
  clockToleranceMs: Type.Integer(),
  view: PuzzleViewBody,
  stateHash: Type.String(),
  refills: RefillsBody,
});
export type SessionState = Static<typeof SessionStateBody>;

export const AckBody = Type.Object({
  sessionId: Type.String(),
  accepted: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0, description: 'commands already accepted earlier (retransmissions), ignored' }),
  nextSeq: Type.Integer({ minimum: 1 }),
  score: Type.Integer({ minimum: 0 }),
  movesMade: Type.Integer({ minimum: 0 }),
  stateHash: Type.String(),
  refills: RefillsBody,
  status: SessionStatusBody,
  endReason: Nullable(EndReasonBody),
  /** The server's whole game state: a client that could not simulate a move (its refill window was too short) resumes from it. */
  view: PuzzleViewBody,
});
export type Ack = Static<typeof AckBody>;

export const VerdictBody = Type.Union([
  Type.Literal('pending'),
  Type.Literal('won'),
  Type.Literal('lost'),
  Type.Literal('tie'),
  Type.Literal('refunded'),
]);

export const MatchBody = Type.Object({
  matchId: Type.String(),
  game: Type.String(),
  entryFeeFen: Fen({ minimum: 1 }),
  rakeBps: Type.Integer(),
  tieRule: Type.Union([Type.Literal('refund'), Type.Literal('split')]),
  /** `held`: the settlement waits for review (the opponents are linked accounts, or one copied the other's moves); the fees stay held. */
  status: Type.Union([
    Type.Literal('open'),
    Type.Literal('matched'),
    Type.Literal('held'),
    Type.Literal('settled'),
    Type.Literal('refunded'),
  ]),
  outcome: Nullable(
    Type.Union([
      Type.Literal('host_won'),
      Type.Literal('challenger_won'),
      Type.Literal('tie_split'),
      Type.Literal('tie_refund'),
      Type.Literal('both_forfeit'),
      Type.Literal('no_opponent'),
      Type.Literal('voided'),
    ]),
  ),
  role: Type.Union([Type.Literal('host'), Type.Literal('challenger')]),
  you: Type.Object({ sessionId: Type.String(), status: SessionStatusBody, score: Type.Integer() }),
  opponent: Type.Object({
    joined: Type.Boolean(),
    nickname: Nullable(Type.String()),
    /** Shown once the match is over, so neither side plays knowing the score to beat. */
    status: Nullable(SessionStatusBody),
    score: Nullable(Type.Integer()),
  }),
  verdict: VerdictBody,
  /** What this player received back when the match closed: a prize, a share, or the refunded fee. */
  payoutFen: Fen({ minimum: 0 }),
  commitment: Type.String(),
  seedHex: Nullable(Type.String({ description: 'revealed when the match is over' })),
  createdAtMs: TimeMs(),
  expiresAtMs: TimeMs('an unjoined match is refunded at this time'),
  closedAtMs: Nullable(TimeMs()),
});
export type MatchView = Static<typeof MatchBody>;

export const SessionResultBody = Type.Object({
  sessionId: Type.String(),
  status: SessionStatusBody,
  endReason: Nullable(EndReasonBody),
  score: Type.Integer({ minimum: 0 }),
  movesMade: Type.Integer({ minimum: 0 }),
  stateHash: Type.String(),
  match: Nullable(MatchBody),
});
export type SessionResult = Static<typeof SessionResultBody>;

export const VerificationBody = Type.Object({
  sessionId: Type.String(),
  ok: Type.Boolean(),
  commands: Type.Integer(),
  serverScore: Type.Integer(),
  replayScore: Type.Integer(),
  serverStateHash: Type.String(),
  replayStateHash: Type.String(),
  checks: Type.Object({
    commitment: Type.Boolean(),
    logDigest: Type.Boolean(),
    replayAccepted: Type.Boolean(),
    score: Type.Boolean(),
    stateHash: Type.Boolean(),
  }),
  rejected: Nullable(Type.Object({ index: Type.Integer(), code: Type.String() })),
});

export const ReplayBody = Type.Object({
  sessionId: Type.String(),
  game: Type.String(),
  mode: SessionModeBody,
  status: SessionStatusBody,
  endReason: Nullable(EndReasonBody),
  config: PuzzleConfigBody,
  commitment: Type.String(),
  seedHex: Type.String(),
  score: Type.Integer(),
  stateHash: Type.String(),
  commands: Type.Array(CommandBody),
  verification: VerificationBody,
});

export const TimingBody = Type.Object({
  intervals: Type.Integer(),
  meanMs: Type.Integer(),
  sdMs: Type.Integer(),
  minMs: Type.Integer(),
  cvPermille: Type.Integer(),
  fastPermille: Type.Integer(),
  entropyMillibits: Type.Integer(),
  maxLagMs: Type.Integer(),
  /** On the server's receive times (absent on sessions closed before they were measured). */
  serverMeanMs: Type.Optional(Type.Integer()),
  serverFastPermille: Type.Optional(Type.Integer()),
  serverSingles: Type.Optional(Type.Integer()),
  serverCvPermille: Type.Optional(Type.Integer()),
  compressionPermille: Type.Optional(Type.Integer()),
  driftMs: Type.Optional(Type.Integer()),
});

export const AdminSessionBody = Type.Object({
  sessionId: Type.String(),
  playerId: Type.String(),
  game: Type.String(),
  mode: SessionModeBody,
  matchId: Nullable(Type.String()),
  tournamentId: Nullable(Type.String()),
  status: SessionStatusBody,
  endReason: Nullable(EndReasonBody),
  score: Type.Integer(),
  claimedScore: Nullable(Type.Integer()),
  movesMade: Type.Integer(),
  flagged: Type.Boolean(),
  flags: Type.Array(Type.String()),
  timing: Nullable(TimingBody),
  startedAtMs: TimeMs(),
  endedAtMs: Nullable(TimeMs()),
});
export type AdminSession = Static<typeof AdminSessionBody>;

export const SignalEventBody = Type.Object({
  kind: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAtMs: TimeMs(),
});

export const TournamentBody = Type.Object({
  tournamentId: Type.String(),
  game: Type.String(),
  title: Type.String(),
  entryFeeFen: Fen({ minimum: 1 }),
  rakeBps: Type.Integer(),
  prizeWeights: Type.Array(Type.Integer()),
  playersMin: Type.Integer(),
  playersMax: Type.Integer(),
  entries: Type.Integer(),
  status: Type.Union([Type.Literal('open'), Type.Literal('running'), Type.Literal('settled'), Type.Literal('cancelled')]),
  entryClosesAtMs: TimeMs(),
  endsAtMs: TimeMs(),
  commitment: Type.String(),
  seedHex: Nullable(Type.String()),
  poolFen: Nullable(Fen()),
  rakeFen: Nullable(Fen()),
  closeReason: Nullable(Type.String()),
  you: Nullable(
    Type.Object({
      status: Type.String(),
      sessionId: Nullable(Type.String()),
      score: Nullable(Type.Integer()),
      rank: Nullable(Type.Integer()),
      prizeFen: Nullable(Fen()),
    }),
  ),
  /** Shown once the tournament is settled. */
  standings: Type.Array(
    Type.Object({ rank: Nullable(Type.Integer()), nickname: Type.String(), score: Nullable(Type.Integer()), prizeFen: Nullable(Fen()) }),
  ),
});
export type TournamentView = Static<typeof TournamentBody>;

export const GameBody = Type.Object({
  game: Type.String(),
  title: Type.Object({ zh: Type.String(), en: Type.String() }),
  config: PuzzleConfigBody,
  stakesFen: Type.Array(Fen({ minimum: 1 })),
  rakeBps: Type.Integer(),
  tieRule: Type.Union([Type.Literal('refund'), Type.Literal('split')]),
  matchWaitMs: Type.Integer(),
});

export const RatingBody = Type.Object({
  game: Type.String(),
  pool: Type.Union([Type.Literal('paid'), Type.Literal('practice')]),
  rating: Type.Integer(),
  deviation: Type.Integer(),
  games: Type.Integer(),
});

export const IdParam = IdString;
