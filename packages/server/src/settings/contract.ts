// The console's endpoints for the business settings, the tournaments created from them and the
// players' agreement acceptances.
import { Type } from '@sinclair/typebox';
import { OPERATOR_ROLES } from '../accounts/contract.ts';
import { TournamentBody } from '../skill/contract.ts';
import { contract } from '../http/endpoint.ts';
import { IdString, limitQuery, TimeMs } from '../http/schemas.ts';
import { SETTING_KEYS } from './keys.ts';
import { HISTORY_PAGE_MAX } from './limits.ts';

const ALL_ROLES = [...OPERATOR_ROLES];
const Key = Type.Union(SETTING_KEYS.map((k) => Type.Literal(k)));
const KeyPath = Type.Object({ key: Key }, { additionalProperties: false });

const VersionBody = Type.Object({
  key: Key,
  version: Type.Integer({ minimum: 0, description: '0: the built-in default' }),
  value: Type.Unknown(),
  operatorUsername: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAtMs: Type.Union([TimeMs(), Type.Null()]),
});

const Bounds = Type.Object({
  roomCommissionBpsMin: Type.Integer(),
  roomCommissionBpsMax: Type.Integer(),
  skillRakeBpsMax: Type.Integer(),
  policies: Type.Array(Type.String()),
});

export const settingsContract = contract({
  adminSettings: {
    method: 'GET',
    url: '/api/admin/settings',
    summary:
      'Every business setting in force (fees, skill catalogue, tournament templates, VIP and skins, agreement, customer-service hours) and the policy bounds',
    tags: ['admin', 'settings'],
    auth: 'operator',
    roles: ALL_ROLES,
    response: Type.Object({
      settings: Type.Array(Type.Object({ key: Key, version: Type.Integer({ minimum: 0 }), value: Type.Unknown() })),
      bounds: Bounds,
      plugins: Type.Array(Type.String()),
    }),
  },
  adminSettingHistory: {
    method: 'GET',
    url: '/api/admin/settings/:key/history',
    summary: 'A setting’s versions, newest first (who, when, why)',
    tags: ['admin', 'settings'],
    auth: 'operator',
    roles: ALL_ROLES,
    params: KeyPath,
    query: Type.Object(
      {
        beforeVersion: Type.Optional(Type.Integer({ minimum: 1 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ versions: Type.Array(VersionBody) }),
  },
  adminUpdateSetting: {
    method: 'PUT',
    url: '/api/admin/settings/:key',
    summary:
      'Save a new version of a setting, checked against the jurisdiction policy and audited with before and after; in force on every node. Things already created (rooms, matches, tournaments) keep theirs.',
    tags: ['admin', 'settings'],
    auth: 'operator',
    roles: ['admin'],
    params: KeyPath,
    body: Type.Object(
      {
        expectedVersion: Type.Integer({ minimum: 0, description: 'the version the change was made against' }),
        value: Type.Unknown(),
        reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    response: VersionBody,
  },
  adminSkillTournaments: {
    method: 'GET',
    url: '/api/admin/skill/tournaments',
    summary: 'Tournaments for the console: open and running first, then recent ones',
    tags: ['admin', 'skill'],
    auth: 'operator',
    roles: ALL_ROLES,
    query: limitQuery(100),
    response: Type.Object({ tournaments: Type.Array(TournamentBody) }),
  },
  adminPlayerAgreements: {
    method: 'GET',
    url: '/api/admin/players/:playerId/agreements',
    summary: 'The agreement versions a player accepted, newest first',
    tags: ['admin', 'settings'],
    auth: 'operator',
    roles: ['support', 'risk', 'admin'],
    params: Type.Object({ playerId: IdString() }, { additionalProperties: false }),
    response: Type.Object({
      current: Type.String({ description: 'the version in force' }),
      acceptances: Type.Array(Type.Object({ version: Type.String(), acceptedAtMs: TimeMs() })),
    }),
  },
});
