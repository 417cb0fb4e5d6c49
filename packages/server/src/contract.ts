// The whole HTTP API as one declaration, gathered here in the composition root from the domains'
// contracts. The server checks at start that every entry has a handler; the browser clients import
// `Api` and the wire types below (types only) through the package entry `@fairground/server/contract`.
import { Type } from '@sinclair/typebox';
import { accountsContract } from './accounts/contract.ts';
import { kycContract } from './accounts/kyc-contract.ts';
import { wechatContract } from './accounts/wechat-contract.ts';
import { adminContract } from './admin/contract.ts';
import { analyticsContract } from './analytics/contract.ts';
import { chatContract } from './chat/contract.ts';
import { complianceContract } from './compliance/contract.ts';
import { privacyContract } from './privacy/contract.ts';
import { retentionContract } from './retention/contract.ts';
import { notaryContract } from './notary/contract.ts';
import { notificationsContract } from './notifications/contract.ts';
import { promotionsContract } from './promotions/contract.ts';
import { riskContract } from './risk/contract.ts';
import { paymentsContract } from './payments/contract.ts';
import { roomsContract } from './rooms/contract.ts';
import { vpayContract } from './vpay/contract.ts';
import { walletContract } from './wallet/contract.ts';
import { leaderboardsContract } from './leaderboards/contract.ts';
import { settingsContract } from './settings/contract.ts';
import { skinsContract } from './skins/contract.ts';
import { skillContract } from './skill/contract.ts';
import { subscriptionsContract } from './subscriptions/contract.ts';
import { supportContract } from './support/contract.ts';
import { type ApiOf, contract } from './http/endpoint.ts';

export const systemContract = contract({
  health: {
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness: the process answers and its database is reachable',
    tags: ['system'],
    auth: 'none',
    response: Type.Object({
      ok: Type.Literal(true),
      database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
      nowMs: Type.Integer(),
    }),
  },
});

export const apiContract = {
  ...systemContract,
  ...accountsContract,
  ...wechatContract,
  ...kycContract,
  ...walletContract,
  ...notificationsContract,
  ...roomsContract,
  ...vpayContract,
  ...notaryContract,
  ...skillContract,
  ...leaderboardsContract,
  ...adminContract,
  ...complianceContract,
  ...privacyContract,
  ...retentionContract,
  ...riskContract,
  ...promotionsContract,
  ...paymentsContract,
  ...analyticsContract,
  ...settingsContract,
  ...skinsContract,
  ...supportContract,
  ...subscriptionsContract,
  ...chatContract,
};

export type ApiContract = typeof apiContract;
/** `{ 'POST /api/auth/wechat/login': { params, query, body, response }, … }` */
export type Api = ApiOf<ApiContract>;
export type ApiRoute = keyof Api;

// Wire types the clients read beyond the endpoint schemas: the room channel's frames.
export type { HandInfo, HandSection, RoomView } from './rooms/views.ts';
