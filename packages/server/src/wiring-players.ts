// Composition root, players: where they connect from, analytics, audit, notifications, accounts,
// risk, compliance (policies, calendars, real-name play reports) and promotions.
import { assertionFailed } from '@fairground/core';
import { type Accounts, createAccounts } from './accounts/index.ts';
import { type Analytics, createAnalytics } from './analytics/index.ts';
import { createAuditLog } from './audit/index.ts';
import { guardIdentityProvider, guardRealNameAuthority } from './cluster/index.ts';
import {
  CalendarStatus,
  ComplianceService,
  Geo,
  kycIdentity,
  ledgerSpending,
  loadPolicyDir,
  PlayerAddresses,
  PolicySet,
  RealNamePresence,
} from './compliance/index.ts';
import { createMemoryBus, createRedisBus, Notifications } from './notifications/index.ts';
import type { PaymentsEngine } from './payments/index.ts';
import type { Root } from './platform-options.ts';
import { Promotions } from './promotions/index.ts';
import { defaultRiskConfig, loadRiskConfig, Risk, type RoomControl, type WithdrawalReviews } from './risk/index.ts';
import { openPlayerWallets } from './wallet/index.ts';

export type PlayerParts = ReturnType<typeof wirePlayers>;

export function wirePlayers(r: Root) {
  const { o, config, store, clock, app } = r;
  // Where players connect from: the region rules, risk, promotions and analytics all read it.
  const addresses = new PlayerAddresses(new Geo(config.geoOverrides ?? []));
  const analytics = createAnalytics(store.reader, {
    regionOf: (playerId) => {
      const region = addresses.regionOf(playerId);
      return region === null ? null : (region.subdivision ?? region.country);
    },
    ...(config.vipDepositsFen !== undefined ? { vipFromFen: config.vipDepositsFen } : {}),
  });
  const audit = createAuditLog(store.reader);
  const redisError = (what: string) => (err: Error) => app.log.warn({ err }, `${what}: Redis connection error (reconnecting)`);
  const bus = config.redisUrl
    ? createRedisBus({
        url: config.redisUrl,
        ...(o.cluster ? { channel: `${o.cluster.prefix}notifications` } : {}),
        onError: redisError('notifications'),
      })
    : createMemoryBus();
  const notifications = new Notifications({ store, bus });
  // Play reports start when a player is verified: the presence (below, it reads the accounts'
  // records) hears of each verification on this node through this reference, bound once.
  let presenceOf: RealNamePresence | null = null;
  // What each sign-in saw becomes linked-account evidence: risk is built below; this runs only when someone signs in.
  let riskOf: Risk | null = null;
  const accounts = playerAccounts(r, analytics, {
    verified: (playerId) => presenceOf?.verified(playerId),
    risk: () => riskOf ?? assertionFailed('risk bound before a sign-in'),
  });
  const late = fairPlay(r, { analytics, audit, addresses });
  const { risk } = late;
  riskOf = risk;
  const compliance = new ComplianceService({
    store,
    clock,
    policies: new PolicySet(o.policy, [
      ...(o.compliance?.policies ?? []),
      ...(config.policyDir ? loadPolicyDir(config.policyDir).map((f) => f.policy) : []),
    ]),
    identity: kycIdentity(accounts.kyc),
    spending: ledgerSpending(r.ledger),
    restrictions: risk,
    addresses,
  });
  const calendars = new CalendarStatus({ store, clock, policies: () => compliance.policies.all() });
  const realName = playReports(r, accounts);
  presenceOf = realName;
  const promotions = new Promotions({
    store,
    clock,
    ledger: r.ledger,
    audit,
    identity: kycIdentity(accounts.kyc),
    createdAtMsOf: async (playerId) => (await accounts.players.get(playerId))?.createdAtMs ?? null,
    addressOf: (playerId) => addresses.lastOf(playerId),
  });
  return { addresses, analytics, audit, bus, notifications, accounts, compliance, calendars, realName, promotions, ...late };
}

/** Accounts: sign-in (behind its breaker), real-name checks, sessions, and the wallets a new player gets. */
function playerAccounts(
  r: Root,
  analytics: Analytics,
  late: { readonly verified: (playerId: string) => void; readonly risk: () => Risk },
): Accounts {
  const { config, adapters, breakers, app } = r;
  return createAccounts({
    store: r.store,
    clock: r.clock,
    analytics,
    sessionSecret: config.sessionSecret,
    dataKey: config.dataKey,
    accessTokenTtlS: config.accessTokenTtlS,
    refreshTokenTtlS: config.refreshTokenTtlS,
    wechatAppIds: config.wechatAppIds,
    identity: breakers ? guardIdentityProvider(adapters.signIn.impl, breakers.identity) : adapters.signIn.impl,
    wechatWeb: adapters.signIn.web,
    realNameCheck:
      adapters.realNameCheck === null
        ? null
        : breakers
          ? guardRealNameAuthority(adapters.realNameCheck.impl, breakers.kyc)
          : adapters.realNameCheck.impl,
    platformVerifiedAppIds: config.platformVerifiedAppIds ?? [],
    onRealNameVerified: (playerId) => late.verified(playerId),
    onRealNameOperatorFault: (f) =>
      app.log.error(
        { attemptId: f.attemptId, code: f.code },
        `the real-name authority refused a check for a reason only the operator can fix: ${f.message}`,
      ),
    onPlayerCreated: (tx, playerId) => openPlayerWallets(r.ledger, tx, playerId),
    onSignedIn: async (tx, seen) => {
      const links = late.risk().links;
      const p = seen.playerId;
      await links.observe(tx, { playerId: p, kind: 'wechat', value: `${seen.appId}:${seen.openid}`, source: 'sign-in' });
      if (seen.unionid !== null) await links.observe(tx, { playerId: p, kind: 'unionid', value: seen.unionid, source: 'player record' });
      if (seen.device !== null) await links.observe(tx, { playerId: p, kind: 'device', value: seen.device, source: 'sign-in' });
      if (seen.address !== null) await links.observe(tx, { playerId: p, kind: 'address', value: seen.address, source: 'sign-in' });
    },
  });
}

/**
 * Risk, with the two parts it reaches that are built after it. Risk decides the withdrawals
 * payments holds for review, and payments asks risk about every withdrawal: the one cycle between
 * domains, closed by `bindPayments` once payments exists. Risk's policy dissolves live rooms; rooms
 * are built after risk (they ask it first), so risk reaches them through `bindRooms`. With several
 * processes the cluster routes the request to the node that holds the room.
 */
function fairPlay(
  r: Root,
  d: { readonly analytics: Analytics; readonly audit: ReturnType<typeof createAuditLog>; readonly addresses: PlayerAddresses },
) {
  const { o, config } = r;
  let paymentsForRisk: PaymentsEngine | null = null;
  const reviewsOf = (): PaymentsEngine => paymentsForRisk ?? assertionFailed('payments bound before a review is decided');
  const withdrawalReviews: WithdrawalReviews = {
    inReview: async (playerId) =>
      (await reviewsOf().withdrawals.list({ playerId, state: 'review', limit: 20 })).map((w) => ({
        id: w.id,
        amountFen: w.amountFen,
        createdAtMs: w.createdAtMs,
      })),
    approve: async (op, id, note, meta) => {
      await reviewsOf().withdrawals.approve(op, id, note, meta);
    },
    reject: async (op, id, note, meta) => {
      await reviewsOf().withdrawals.reject(op, id, note, meta);
    },
  };
  let roomsForRisk: RoomControl | null = null;
  const risk = new Risk({
    store: r.store,
    clock: r.clock,
    config: o.compliance?.riskConfig ?? (config.riskConfigFile ? loadRiskConfig(config.riskConfigFile) : defaultRiskConfig()),
    ledger: r.ledger,
    audit: d.audit,
    analytics: d.analytics,
    addressOf: (playerId) => d.addresses.lastOf(playerId),
    withdrawals: withdrawalReviews,
    rooms: {
      dissolveForFairPlay: (roomId) =>
        (roomsForRisk ?? assertionFailed('rooms bound before risk dissolves one')).dissolveForFairPlay(roomId),
    },
  });
  return {
    risk,
    bindPayments: (payments: PaymentsEngine) => {
      paymentsForRisk = payments;
    },
    bindRooms: (rooms: RoomControl) => {
      roomsForRisk = rooms;
    },
  };
}

/** Login/logout reports of players the authority verified, through the durable outbox; null without a play-reporting adapter. */
function playReports(r: Root, accounts: Accounts): RealNamePresence | null {
  const { adapters, app, clock } = r;
  return adapters.playReporting === null
    ? null
    : new RealNamePresence({
        store: r.store,
        reporter: adapters.playReporting.impl,
        nowMs: () => clock.nowMs(),
        reportable: (playerId) => accounts.kyc.reportable(playerId),
        pisOf: (playerIds) => accounts.kyc.pisOf(playerIds),
        onProblem: (p) => app.log.error({ code: p.code, records: p.records }, `the real-name authority refused play reports: ${p.message}`),
      });
}
