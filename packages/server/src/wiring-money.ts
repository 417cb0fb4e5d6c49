// Composition root, money and play: payments, skill games with their leaderboards, operating
// metrics and alerts, virtual payments, account closure and the growth tables' archiver.
import { assertionFailed } from '@fairground/core';
import { createSealer } from './accounts/sealing.ts';
import { createOperating } from './analytics/index.ts';
import { CALENDAR_RUNWAY_DAYS_MIN } from './compliance/index.ts';
import { createRedisLeaderboards, createSqlLeaderboards } from './leaderboards/index.ts';
import { transferReads } from './ledger/index.ts';
import { LAG_ALERT_MS_DEFAULT } from './notary/limits.ts';
import { DEFAULT_SETTINGS, PaymentsEngine, paymentReads, WITHDRAWAL_FINAL } from './payments/index.ts';
import type { Root } from './platform-options.ts';
import { AccountClosure, KYC_RETENTION_MS_DEFAULT } from './privacy/index.ts';
import { Archiver } from './retention/index.ts';
import { roomReads } from './rooms/index.ts';
import type { SettingValues } from './settings/index.ts';
import { createSkillPlatform, type SkillGameSettings, skillPlugins } from './skill/index.ts';
import type { Tx } from './storage/ports.ts';
import { VirtualPayments } from './vpay/service.ts';
import type { PlayerParts } from './wiring-players.ts';
import type { TableParts } from './wiring-tables.ts';

export type MoneyParts = ReturnType<typeof wireMoney>;

export function wireMoney(r: Root, p: PlayerParts, t: TableParts) {
  const { o, config, store, clock, app } = r;
  const payments = paymentsEngine(r, p, t);
  p.bindPayments(payments);
  const { leaderboards, skill } = skillGames(r, p, t);
  // Old rows of the growth tables move to verified archives (retention/); money records never do.
  const archiver = o.retention
    ? new Archiver({
        store,
        clock,
        dir: o.retention.dir,
        ...(o.retention.onlineDays !== undefined ? { onlineDays: o.retention.onlineDays } : {}),
      })
    : null;
  const operating = createOperating({
    store,
    clock,
    ledger: r.ledger,
    audit: p.audit,
    analytics: p.analytics,
    reads: { rooms: roomReads(store.reader), transfers: transferReads(store.reader), payments: paymentReads(store.reader) },
    openHand: (sealed, roomId, handNumber) => t.rooms.sealer.openRecord(sealed, roomId, handNumber),
    liveRoom: (roomId) => t.rooms.actor(roomId)?.state ?? null,
    archivedHands: async (roomId) => (archiver === null ? null : archiver.readGroup('room_hands', roomId)),
    alertWebhookUrl: config.alertWebhookUrl,
    ...(config.alertSampleMin !== undefined ? { alertSampleMin: config.alertSampleMin } : {}),
    alertGauges: [
      {
        id: 'notary_attestation_lag_ms',
        alert: { op: '>', value: config.notary?.lagAlertMs ?? LAG_ALERT_MS_DEFAULT },
        read: () => t.notary.lagMs(),
      },
      {
        // Opens when a minors' calendar has fewer than 60 days left (without minors' rules: nothing to run out).
        id: 'minors_calendar_days_left',
        alert: { op: '<', value: CALENDAR_RUNWAY_DAYS_MIN },
        read: async () => (await p.calendars.daysLeftMin()) ?? CALENDAR_RUNWAY_DAYS_MIN,
      },
    ],
  });
  // Room cards sold in the mini-game through WeChat's virtual payment (null port: not configured).
  const vpay = new VirtualPayments({
    store,
    clock,
    rooms: t.rooms,
    ledger: r.ledger,
    audit: p.audit,
    sessionKeySealer: createSealer(config.dataKey, 'wechat-session-key'),
    port: r.adapters.signIn.vpay ?? null,
    onProblem: (problem) => app.log.error({ vpay: problem }, 'virtual-payment order needs an operator'),
  });
  return { payments, leaderboards, skill, archiver, operating, vpay, ...accountClosure(r, p, t, payments) };
}

/** Deposits, withdrawals and refunds through the provider adapter; risk, promotions and compliance answer its questions. */
function paymentsEngine(r: Root, p: PlayerParts, t: TableParts): PaymentsEngine {
  const { o, store, clock, app } = r;
  const { accounts, risk, compliance } = p;
  return new PaymentsEngine({
    store,
    ledger: r.ledger,
    clock,
    provider: r.adapters.payments?.impl ?? null,
    notifier: t.reaching,
    audit: p.audit,
    analytics: p.analytics,
    openidOf: async (playerId, appId) => (await accounts.players.identities(playerId)).find((i) => i.appId === appId)?.openid ?? null,
    settings: o.payments?.settings ?? DEFAULT_SETTINGS,
    risk: o.payments?.risk ?? risk,
    // The WeChat account that paid a deposit or receives a payout links the accounts that share it.
    accounts: {
      seen: (tx, a) =>
        risk.links.observe(tx, {
          playerId: a.playerId,
          kind: 'wechat',
          value: `${a.appId}:${a.openid}`,
          source: a.role === 'payer' ? 'deposit payer' : 'payout account',
        }),
    },
    wagering: o.payments?.wagering ?? p.promotions.wageringPort,
    limits: {
      deposits: (playerId, nowMs) => compliance.depositLimits(playerId, nowMs),
      withdrawals: (playerId, nowMs) => compliance.withdrawalLimits(playerId, nowMs),
    },
    ...(o.payments?.notifyUrl ? { notifyUrl: o.payments.notifyUrl } : {}),
    ...(o.payments?.outboxLeaseMs ? { outboxLeaseMs: o.payments.outboxLeaseMs } : {}),
    log: app.log,
  });
}

/** Skill games on Redis or SQL leaderboards, reporting flagged sessions to risk; the catalogue follows the settings unless a caller fixed one (tests). */
function skillGames(r: Root, p: PlayerParts, t: TableParts) {
  const { o, config, store } = r;
  const { risk } = p;
  const leaderboards =
    config.redisUrl !== undefined
      ? {
          adapter: 'redis',
          backend: createRedisLeaderboards({ redis: config.redisUrl, ...(o.cluster ? { keyPrefix: o.cluster.prefix } : {}) }),
        }
      : { adapter: `sql (${store.dialect})`, backend: createSqlLeaderboards(store) };
  const skill = createSkillPlatform({
    store,
    ledger: r.ledger,
    clock: r.clock,
    notifier: p.notifications,
    analytics: p.analytics,
    audit: p.audit,
    players: p.accounts.players,
    leaderboards: leaderboards.backend,
    log: r.app.log,
    // Accounts one person controls: the risk domain's source, fed by sign-ins and payments.
    linked: risk.links,
    risk: {
      // A claimed score the server's replay does not confirm is a replay mismatch; other flags mark the session for review.
      sessionFlagged: async (tx, f) => {
        await risk.recordSignal(tx, {
          playerId: f.playerId,
          // A copied command log on a shared seed is its own severe signal: one performance must not fill two places.
          // Linked accounts meeting in a paid game (a tournament's second prize, a match) are multi-accounting.
          kind: f.flags.includes('copied_log')
            ? 'copied_play'
            : f.flags.includes('score_mismatch')
              ? 'replay_mismatch'
              : f.flags.includes('linked_entrant') || f.flags.includes('linked_opponent')
                ? 'linked_accounts'
                : 'skill_flagged',
          value: 1,
          subject: { kind: 'skill_session', id: f.sessionId },
          evidence: { flags: [...f.flags], mode: f.mode, timing: f.summary.timing, ...(f.detail ? { detail: f.detail } : {}) },
        });
      },
      sessionTiming: (playerId, sessionId, intervalsMs) => risk.ingestTiming(playerId, sessionId, intervalsMs),
    },
    ...(o.skill?.catalogue ? { catalogue: o.skill.catalogue } : {}),
    ...(o.skill?.matchmaking ? { matchmaking: o.skill.matchmaking } : {}),
  });
  if (o.skill?.catalogue === undefined) {
    const apply = (c: SettingValues['skill.catalogue']) => skill.skill.catalogue.replace(c.games.map(skillGameOf));
    apply(t.settings.get('skill.catalogue'));
    t.settings.onChange('skill.catalogue', apply);
  }
  return { leaderboards, skill };
}

/** A player closing their own account: refused while they hold value or are mid-game (privacy/). */
function accountClosure(r: Root, p: PlayerParts, t: TableParts, payments: PaymentsEngine) {
  const { realName } = p;
  const kycRetentionMs = r.o.privacy?.kycRetentionMs ?? KYC_RETENTION_MS_DEFAULT;
  const closure = new AccountClosure({
    store: r.store,
    clock: r.clock,
    kycRetentionMs,
    ports: {
      balances: (id) => r.ledger.balances('player', id),
      openWithdrawals: async (id) =>
        (await payments.withdrawals.list({ playerId: id, limit: 100 })).filter((w) => !WITHDRAWAL_FINAL.includes(w.state)).length,
      liveRooms: async (id) =>
        (await t.rooms.mine(id)).filter((room) => room.active && room.status !== 'finished' && room.status !== 'dissolved').length,
      ...(realName === null ? {} : { endPlay: (tx: Tx, id: string) => realName.endPlayer(tx, id) }),
    },
  });
  return { kycRetentionMs, closure };
}

/** A catalogue entry as the skill domain runs it: the plug-in's rules configuration with the operator's money settings. */
function skillGameOf(g: SettingValues['skill.catalogue']['games'][number]): SkillGameSettings {
  const plugin = skillPlugins[g.plugin] ?? assertionFailed(`skill plug-in ${g.plugin} exists (the setting was checked)`);
  return {
    id: g.id,
    title: { ...g.title },
    puzzle: plugin.config,
    stakesFen: [...g.stakesFen],
    rakeBps: g.rakeBps,
    tieRule: g.tieRule,
    matchWaitMs: g.matchWaitMs,
  };
}
