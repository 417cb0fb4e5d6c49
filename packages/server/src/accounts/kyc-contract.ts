// Real-name verification endpoints: the player's submission and status, and the console's view of
// a player's attempts, the attempts waiting for the authority, and "check now".
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdString, TimeMs } from '../http/schemas.ts';
import { KYC_ATTEMPTS_LISTED_MAX, REAL_NAME_LENGTH_MAX } from './limits.ts';

const Failure = Type.Union([Type.Literal('not_matched'), Type.Literal('id_in_use'), Type.Literal('expired')]);
const WaitingReason = Type.Union([Type.Literal('in_progress'), Type.Literal('unavailable')]);

export const KycStatusBody = Type.Object({
  status: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('verified'), Type.Literal('failed')], {
    description: 'pending: the state system is checking, or has not answered yet; the platform queries it until it settles',
  }),
  verifiedBy: Type.Union([Type.String({ description: 'the authority that verified it: nppa' }), Type.Null()]),
  maskedName: Type.Union([Type.String(), Type.Null()]),
  maskedIdNumber: Type.Union([Type.String(), Type.Null()]),
  verifiedAtMs: Type.Union([TimeMs(), Type.Null()]),
  pending: Type.Union([
    Type.Object({
      submittedAtMs: TimeMs(),
      reason: WaitingReason,
      nextCheckAtMs: TimeMs(),
    }),
    Type.Null(),
  ]),
  failure: Type.Union([Type.Object({ reason: Failure, atMs: TimeMs() }), Type.Null()]),
  platform: Type.Union([Type.Literal('wechat_minigame'), Type.Null()], {
    description: 'WeChat verified the real name (mini-games) without telling the platform the age',
  }),
  available: Type.Boolean({ description: 'false when this server has no real-name check configured' }),
});

export const KycAttemptBody = Type.Object({
  attemptId: Type.String(),
  playerId: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('failed'), Type.Literal('expired')]),
  maskedName: Type.String(),
  maskedIdNumber: Type.String(),
  createdAtMs: TimeMs(),
  settledAtMs: Type.Union([TimeMs(), Type.Null()]),
  waitingReason: Type.Union([WaitingReason, Type.Null()]),
  nextQueryAtMs: Type.Union([TimeMs(), Type.Null()]),
  queries: Type.Integer({ minimum: 0 }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  failure: Type.Union([Failure, Type.Null()]),
});

const PlayerParams = Type.Object({ playerId: IdString() });
const CONSOLE = ['support', 'risk', 'finance', 'admin'] as const;

export const kycContract = contract({
  kycStatus: {
    method: 'GET',
    url: '/api/me/kyc',
    summary: 'Real-name verification status (masked): none, pending (with why and when it is checked next), verified or failed',
    tags: ['account'],
    auth: 'player',
    response: KycStatusBody,
  },
  submitKyc: {
    method: 'POST',
    url: '/api/me/kyc',
    summary:
      'Submit real name and resident identity number to the state real-name system (NPPA). Answers verified, or pending when the system is checking or not answering (it is queried until settled); KYC_REJECTED when they do not match',
    tags: ['account'],
    auth: 'player',
    body: Type.Object(
      {
        realName: Type.String({ minLength: 2, maxLength: REAL_NAME_LENGTH_MAX }),
        idNumber: Type.String({ pattern: '^[0-9]{17}[0-9Xx]$' }),
      },
      { additionalProperties: false },
    ),
    response: KycStatusBody,
  },
  playerRealName: {
    method: 'GET',
    url: '/api/admin/players/:playerId/realname',
    summary: "A player's real-name state: the record, every attempt (masked) and why it waits or failed",
    tags: ['admin', 'account'],
    auth: 'operator',
    roles: [...CONSOLE],
    params: PlayerParams,
    response: Type.Object({ kyc: KycStatusBody, attempts: Type.Array(KycAttemptBody) }),
  },
  queryPlayerRealName: {
    method: 'POST',
    url: '/api/admin/players/:playerId/realname/query',
    summary: "Queries the state system now about the player's waiting attempt (audited)",
    tags: ['admin', 'account'],
    auth: 'operator',
    roles: ['support', 'risk', 'admin'],
    params: PlayerParams,
    body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
    response: Type.Object({ kyc: KycStatusBody, attempts: Type.Array(KycAttemptBody) }),
  },
  waitingRealName: {
    method: 'GET',
    url: '/api/admin/realname/verifications',
    summary: 'Real-name attempts waiting for the state system, oldest first, and how many wait',
    tags: ['admin', 'account'],
    auth: 'operator',
    roles: [...CONSOLE],
    query: Type.Object(
      { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: KYC_ATTEMPTS_LISTED_MAX })) },
      { additionalProperties: false },
    ),
    response: Type.Object({ count: Type.Integer({ minimum: 0 }), items: Type.Array(KycAttemptBody) }),
  },
});
