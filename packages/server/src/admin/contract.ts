// The operations console's own endpoints: operator sign-in, player lookup, operators, the audit
// log and the event log. (Wallet operations for operators live in the wallet contract.)
import { Type } from '@sinclair/typebox';
import { KycStatusBody, OPERATOR_ROLES, PlayerSelf, Tokens } from '../accounts/contract.ts';
import { contract } from '../http/endpoint.ts';
import { IdString, itemList, Ok, pagedList, TimeMs } from '../http/schemas.ts';
import { AUDIT_PAGE_MAX } from '../audit/index.ts';

const ALL_ROLES = [...OPERATOR_ROLES];
const RoleSchema = Type.Union(OPERATOR_ROLES.map((r) => Type.Literal(r)));

export const OperatorBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  roles: Type.Array(RoleSchema),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAtMs: TimeMs(),
});

const PlayerSummary = Type.Object({
  id: Type.String(),
  nickname: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')]),
  termsVersion: Type.Union([Type.String(), Type.Null()]),
  createdAtMs: TimeMs(),
});

const AuditEntryBody = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  operatorId: Type.Union([Type.String(), Type.Null()]),
  operatorUsername: Type.String(),
  action: Type.String(),
  targetKind: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  atMs: TimeMs(),
});

export const adminContract = contract({
  operatorLogin: {
    method: 'POST',
    url: '/api/admin/auth/login',
    summary: 'Operator sign-in: username, password and the current TOTP code',
    tags: ['admin', 'auth'],
    auth: 'none',
    body: Type.Object(
      {
        username: Type.String({ minLength: 1, maxLength: 64 }),
        password: Type.String({ minLength: 1, maxLength: 256 }),
        totp: Type.String({ pattern: '^[0-9]{6}$' }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ operator: OperatorBody, tokens: Tokens }),
  },
  operatorLogout: {
    method: 'POST',
    url: '/api/admin/auth/logout',
    summary: 'Sign this operator session out',
    tags: ['admin', 'auth'],
    auth: 'operator',
    roles: ALL_ROLES,
    response: Ok,
  },
  operatorMe: {
    method: 'GET',
    url: '/api/admin/me',
    summary: 'The signed-in operator',
    tags: ['admin'],
    auth: 'operator',
    roles: ALL_ROLES,
    response: OperatorBody,
  },
  searchPlayers: {
    method: 'GET',
    url: '/api/admin/players',
    summary: 'Find players by id, openid or nickname prefix',
    tags: ['admin'],
    auth: 'operator',
    roles: ['support', 'risk', 'finance', 'admin'],
    query: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    response: itemList(PlayerSummary),
  },
  getPlayer: {
    method: 'GET',
    url: '/api/admin/players/:playerId',
    summary: 'A player’s profile, WeChat identities and verification status (audited)',
    tags: ['admin'],
    auth: 'operator',
    roles: ['support', 'risk', 'finance', 'admin'],
    params: Type.Object({ playerId: IdString() }),
    response: Type.Object({
      player: Type.Composite([
        PlayerSelf,
        Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')]) }),
      ]),
      identities: Type.Array(Type.Object({ appId: Type.String(), openid: Type.String() })),
      kyc: KycStatusBody,
    }),
  },
  auditLog: {
    method: 'GET',
    url: '/api/admin/audit',
    summary: 'The audit log, newest first',
    tags: ['admin'],
    auth: 'operator',
    roles: ['admin', 'risk', 'finance'],
    query: Type.Object(
      {
        operatorId: Type.Optional(IdString()),
        action: Type.Optional(Type.String({ pattern: '^[a-z0-9_.]{1,64}$' })),
        targetId: Type.Optional(IdString()),
        cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: AUDIT_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: pagedList(AuditEntryBody),
  },
  listOperators: {
    method: 'GET',
    url: '/api/admin/operators',
    summary: 'All operators',
    tags: ['admin'],
    auth: 'operator',
    roles: ['admin'],
    response: itemList(OperatorBody),
  },
  createOperator: {
    method: 'POST',
    url: '/api/admin/operators',
    summary: 'Create an operator; the answer carries the TOTP secret once (audited)',
    tags: ['admin'],
    auth: 'operator',
    roles: ['admin'],
    body: Type.Object(
      {
        username: Type.String({ pattern: '^[a-z0-9_.-]{3,32}$' }),
        password: Type.String({ minLength: 12, maxLength: 256 }),
        roles: Type.Array(RoleSchema, { minItems: 1, maxItems: OPERATOR_ROLES.length, uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ operator: OperatorBody, totpSecret: Type.String(), otpauthUrl: Type.String() }),
    status: 201,
  },
  analyticsEvents: {
    method: 'GET',
    url: '/api/admin/analytics/events',
    summary: 'The analytics event log, oldest first after a sequence number',
    tags: ['admin', 'analytics'],
    auth: 'operator',
    roles: ['admin', 'risk'],
    query: Type.Object(
      {
        kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' })),
        afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({
      items: Type.Array(
        Type.Object({
          seq: Type.Integer(),
          id: Type.String(),
          kind: Type.String(),
          actorKind: Type.Union([Type.String(), Type.Null()]),
          actorId: Type.Union([Type.String(), Type.Null()]),
          atMs: TimeMs(),
          data: Type.Record(Type.String(), Type.Unknown()),
        }),
      ),
    }),
  },
  platformStatus: {
    method: 'GET',
    url: '/api/admin/platform',
    summary: 'What this node runs: every outside port with its adapter (stand-ins marked), and the periodic jobs with their latest pass',
    tags: ['admin'],
    auth: 'operator',
    roles: ALL_ROLES,
    response: Type.Object({
      nodeId: Type.String(),
      ports: Type.Array(Type.Object({ port: Type.String(), adapter: Type.String(), standIn: Type.Boolean() })),
      jobs: Type.Array(
        Type.Object({
          name: Type.String(),
          intervalMs: Type.Integer(),
          lastFinishedMs: Type.Union([TimeMs(), Type.Null()]),
          lastOk: Type.Union([Type.Boolean(), Type.Null()]),
          lastHandled: Type.Union([Type.Integer(), Type.Null()]),
          lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
          lastNode: Type.Union([Type.String(), Type.Null()]),
          lastError: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
  },
});
