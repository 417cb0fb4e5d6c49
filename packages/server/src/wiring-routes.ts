// Composition root, HTTP: every domain's handlers checked against the API contract, then registered
// with admission, compliance hooks, the rate limit, the sockets and the providers' notification routes.
import { assertionFailed } from '@fairground/core';
import { accountsRoutes, kycRoutes, wechatRoutes } from './accounts/index.ts';
import { adminRoutes } from './admin/index.ts';
import { routeDeps } from './admission.ts';
import type { PortReport } from './bindings.ts';
import { chatRoutes } from './chat/index.ts';
import { clusterRoomRouter, memoryRateLimiter, redisRateLimiter, registerRateLimit } from './cluster/index.ts';
import { complianceRoutes, registerComplianceHooks } from './compliance/index.ts';
import { apiContract } from './contract.ts';
import { type Implementation, implement, registerEndpoint } from './http/routes.ts';
import type { Jobs } from './jobs/index.ts';
import { notaryRoutes } from './notary/index.ts';
import { notificationsRoutes, registerNotificationsSocket } from './notifications/index.ts';
import { NOTIFY_PATH, paymentsRoutes, registerNotifyRoute } from './payments/index.ts';
import type { Root } from './platform-options.ts';
import { privacyRoutes } from './privacy/index.ts';
import { promotionsRoutes } from './promotions/index.ts';
import { retentionRoutes } from './retention/index.ts';
import { riskRoutes } from './risk/index.ts';
import { localRoomRouter, registerRoomsSocket, roomRoutes } from './rooms/index.ts';
import { settingsRoutes } from './settings/index.ts';
import { skillPlugins } from './skill/index.ts';
import { skinsRoutes } from './skins/index.ts';
import { subscriptionsRoutes } from './subscriptions/index.ts';
import { supportRoutes } from './support/index.ts';
import { registerVpayPushRoute, VPAY_PUSH_PATH, vpayRoutes } from './vpay/routes.ts';
import { walletRoutes } from './wallet/index.ts';
import type { MoneyParts } from './wiring-money.ts';
import type { PlayerParts } from './wiring-players.ts';
import type { TableParts } from './wiring-tables.ts';

/** Every part of the platform the routes reach, with the start-up report and the jobs (the console's platform status). */
export type RouteParts = PlayerParts & TableParts & MoneyParts & { readonly ports: readonly PortReport[]; readonly jobs: Jobs };

/** Registers the API (each handler once, as the contract declares it), its hooks and sockets on the server. */
export async function registerApi(r: Root, d: RouteParts): Promise<void> {
  const { o, app, production } = r;
  const { accounts, compliance, settings, rooms, cluster, roomsTuning } = d;
  const implementations = { ...playerImplementations(r, d), ...operatorImplementations(r, d) };
  const declared = Object.keys(apiContract).sort();
  const implemented = Object.keys(implementations).sort();
  if (declared.join() !== implemented.join()) {
    assertionFailed(`contract and handlers differ: declared ${declared.join()} implemented ${implemented.join()}`);
  }
  registerComplianceHooks(app, { compliance, presence: d.realName, addressOf: d.addressOf });
  registerApiRateLimit(r, d);
  const deps = routeDeps({ authenticator: accounts.authenticator, compliance, termsVersion: () => settings.get('agreement').version });
  // Production serves no sandbox, development or bench route: they are not registered at all (404),
  // so neither a forgotten flag nor a bound stand-in can expose them.
  if (production && o.extraRoutes !== undefined && Object.keys(o.extraRoutes).length > 0)
    assertionFailed('extra (test or bench) routes in a production platform');
  for (const [name, impl] of Object.entries({ ...implementations, ...(o.extraRoutes ?? {}) })) {
    if (production && !servedInProduction(impl.spec)) continue;
    registerEndpoint(app, name, impl, deps);
  }
  registerNotificationsSocket(app, d.notifications.hub, accounts.authenticator);
  d.skill.registerSocket(app, accounts.authenticator);
  registerRoomsSocket(app, rooms, accounts.authenticator, {
    addressOf: d.addressOf,
    ...(roomsTuning.framesPerS !== undefined ? { framesPerS: roomsTuning.framesPerS } : {}),
    ...(roomsTuning.framesBurstMax !== undefined ? { framesBurstMax: roomsTuning.framesBurstMax } : {}),
    ...(cluster ? { remote: (roomId: string) => cluster.remoteRoom(roomId) } : {}),
  });
  await registerNotifyRoute(app, d.payments);
  await registerVpayPushRoute(app, d.vpay);
}

/** Sandbox routes (`/api/sandbox/…`) and development login exist for development and tests only. */
export function servedInProduction(spec: { readonly url: string }): boolean {
  return !spec.url.startsWith('/api/sandbox/') && spec.url !== '/api/auth/dev/login';
}

/** API requests one client may make per 10 s (on Redis across nodes when clustered); absent or 0: no limit. */
function registerApiRateLimit(r: Root, d: RouteParts): void {
  const { o, app, clock } = r;
  const { accounts, cluster } = d;
  if ((o.rateLimitPer10s ?? 0) <= 0) return;
  const limit = { limit: o.rateLimitPer10s as number, nowMs: () => clock.nowMs() };
  const sessionOf = async (authorization: string) => {
    const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization)?.[1];
    return token === undefined
      ? null
      : accounts.sessions.verifyAccess(token).then(
          (v) => v.sessionId,
          () => null,
        );
  };
  registerRateLimit(app, cluster ? redisRateLimiter(cluster.redis, cluster.keys, limit) : memoryRateLimiter(limit), sessionOf, [
    NOTIFY_PATH,
    VPAY_PUSH_PATH,
  ]);
}

/** Health, sign-in, wallet, notifications, rooms, the notary, skill games and payments: what players call. */
function playerImplementations(r: Root, d: RouteParts): Record<string, Implementation> {
  const { config, store, clock, adapters, ledger, production } = r;
  const { accounts, settings, audit, rooms, cluster } = d;
  return {
    health: implement(apiContract.health, async () => {
      await store.reader.query('SELECT 1');
      return { ok: true as const, database: store.dialect, nowMs: clock.nowMs() };
    }),
    ...accountsRoutes({
      players: accounts.players,
      sessions: accounts.sessions,
      codeIssuer: adapters.signIn.codes,
      web: adapters.signIn.web,
      oauth: accounts.oauth,
      devLoginAllowed: config.devLoginAllowed,
      // Read on every request: the agreement in force is a setting an operator may publish anew.
      get termsVersion() {
        return settings.get('agreement').version;
      },
      agreement: () => settings.get('agreement'),
    }),
    ...wechatRoutes({
      provider: adapters.signIn.standIn ? 'sandbox' : 'wechat',
      web: adapters.signIn.web,
      oauth: accounts.oauth,
      phones: accounts.phones,
      publicUrl: config.wechat?.publicUrl,
      sandboxCodes: !production && adapters.signIn.codes !== null,
      devLogin: !production && config.devLoginAllowed,
    }),
    ...kycRoutes({ store, kyc: accounts.kyc, players: accounts.players, audit }),
    ...walletRoutes({ store, ledger, players: accounts.players, audit, notifier: d.notifications, analytics: d.analytics, clock }),
    ...notificationsRoutes(d.notifications),
    ...roomRoutes({
      rooms,
      router: cluster ? clusterRoomRouter(localRoomRouter(rooms), cluster) : localRoomRouter(rooms),
      ledger,
      addressOf: d.addressOf,
      faceCheckTickets: d.faceCheck?.tickets ?? null,
    }),
    ...notaryRoutes({ notary: d.notary, rooms }),
    ...d.skill.routes,
    ...paymentsRoutes(d.payments),
    ...vpayRoutes(d.vpay),
  };
}

/** The console's routes (admin, compliance, risk, promotions, retention, operating, settings) and the player's own privacy, skins, support, subscriptions and chat. */
function operatorImplementations(r: Root, d: RouteParts): Record<string, Implementation> {
  const { store, clock, ledger } = r;
  const { accounts, settings, audit, rooms, payments, compliance } = d;
  return {
    ...adminRoutes({
      store,
      accounts,
      audit,
      analytics: d.analytics,
      get termsVersion() {
        return settings.get('agreement').version;
      },
      platformStatus: async () => ({ nodeId: r.nodeId, ports: d.ports, jobs: await d.jobs.status() }),
    }),
    ...complianceRoutes({ store, calendars: d.calendars, compliance, players: accounts.players, audit, realName: d.realName }),
    ...riskRoutes({ risk: d.risk, players: accounts.players, nowMs: () => clock.nowMs() }),
    ...promotionsRoutes({ promotions: d.promotions, players: accounts.players }),
    ...retentionRoutes({ archiver: d.archiver }),
    ...privacyRoutes({
      closure: d.closure,
      clock,
      kycRetentionMs: d.kycRetentionMs,
      exports: {
        profile: (id) => accounts.players.require(id),
        identities: (id) => accounts.players.identities(id),
        realName: (id) => accounts.kyc.status(id),
        balances: (id) => ledger.balances('player', id),
        ledgerPage: (id, cursor, limit) =>
          ledger.history({ ownerKind: 'player', ownerId: id, limit, ...(cursor !== undefined ? { cursor } : {}) }),
        deposits: (id, limit) => payments.deposits.list({ playerId: id, limit }),
        withdrawals: (id, limit) => payments.withdrawals.list({ playerId: id, limit }),
        roomOrders: (id, limit) => rooms.orders(id, { limit }),
        rooms: (id) => rooms.mine(id),
        responsiblePlay: (id) => compliance.responsiblePlay(id),
      },
    }),
    ...d.operating.routes,
    ...skinsRoutes(d.skins),
    ...supportRoutes(d.support),
    ...subscriptionsRoutes(d.subscriptions),
    ...chatRoutes(d.chat),
    ...settingsRoutes({
      settings,
      reader: store.reader,
      plugins: Object.keys(skillPlugins),
      tournaments: (limit) => d.skill.skill.tournaments.list(null, limit),
    }),
  };
}
