// Composition root, tables: the cluster, business settings, subscription messages, customer
// service, skins, table chat and voice, the notary, and the rooms that use them all.
import { createSealer } from './accounts/sealing.ts';
import { Chat } from './chat/index.ts';
import { Cluster, guardIdentityCheck, guardTimestampAuthority } from './cluster/index.ts';
import { NotaryService } from './notary/index.ts';
import { LAG_ALERT_MS_DEFAULT } from './notary/limits.ts';
import type { Root } from './platform-options.ts';
import { archivedAtMs } from './retention/index.ts';
import { analyticsRiskSignals, clientAddress, roomReads, Rooms, systemTimers } from './rooms/index.ts';
import { memorySettingsBus, noticeSettingsBus, Settings } from './settings/index.ts';
import { skillPlugins } from './skill/index.ts';
import { Skins } from './skins/index.ts';
import { Subscriptions } from './subscriptions/index.ts';
import { Support } from './support/index.ts';
import { VoiceCalls } from './voice/index.ts';
import { wechatSessions } from './voice/wechat-session.ts';
import type { PlayerParts } from './wiring-players.ts';

export type TableParts = Awaited<ReturnType<typeof wireTables>>;

export async function wireTables(r: Root, p: PlayerParts) {
  const { o, config, store, clock, app, adapters } = r;
  const roomsTuning = o.rooms ?? {};
  const addressOf = roomsTuning.addressOf ?? clientAddress;
  const cluster = o.cluster
    ? new Cluster({ ...o.cluster, nodeId: r.nodeId, roles: [...r.roles] }, { rooms: roomReads(store.reader), log: app.log })
    : null;
  // Business settings: read by rooms (fees), skill games (catalogue), accounts (the agreement);
  // a change reaches every node over the cluster's bus, or in process when there is one node.
  const settings = new Settings({
    store,
    clock,
    audit: p.audit,
    bus: cluster ? noticeSettingsBus(cluster) : memorySettingsBus(),
    policies: () => p.compliance.policies.all(),
    termsVersion: config.termsVersion,
    plugins: Object.keys(skillPlugins),
    log: app.log,
  });
  await settings.start();
  // WeChat subscription messages: consents counted per player and kind; an operator's answer and a
  // completed withdrawal also queue a message (spending a consent) where the player opted in.
  const subscriptions = new Subscriptions({
    store,
    templates: config.subscribeTemplates ?? {},
    sender: adapters.signIn.subscribeSender ?? null,
    openidOf: async (playerId, appId) => (await p.accounts.players.identities(playerId)).find((i) => i.appId === appId)?.openid ?? null,
    nowMs: () => clock.nowMs(),
    log: app.log,
  });
  const reaching = subscriptions.reaching(p.notifications);
  // Customer service answers feedback and reports into the player's inbox; hours are a setting.
  const support = new Support({ store, audit: p.audit, notifier: reaching, settings, nowMs: () => clock.nowMs() });
  // Skins: the VIP tiers (a setting) follow credited deposits; a worn skin is shown at the table.
  const skins = new Skins({
    store,
    ledger: r.ledger,
    settings,
    depositsFenOf: async (playerId) => (await p.analytics.tierOf(playerId)).depositsFen,
  });
  // Table chat: phrases and emoji from the settings; typed text where the policy allows it, checked
  // by WeChat content security (bound with the WeChat sign-in adapter; absent: typed text is off).
  const chat = new Chat({
    store,
    clock,
    phrases: () => settings.get('chat.phrases'),
    freeTextAllowed: () => p.compliance.roomChatFreeText(),
    contentCheck: adapters.signIn.contentCheck ?? null,
    risk: { openCase: (tx, c) => p.risk.openChatCase(tx, c) },
    audit: p.audit,
  });
  const rooms = tableRooms(r, p, { cluster, settings, subscriptions, skins, chat });
  cluster?.attach(rooms.rooms);
  p.bindRooms(cluster ?? rooms.rooms);
  return { roomsTuning, addressOf, cluster, settings, subscriptions, reaching, support, skins, chat, ...rooms };
}

/** Table voice, the notary and the rooms: a room asks compliance, risk, settings and skins, and reports to analytics, risk, the notary and subscriptions. */
function tableRooms(
  r: Root,
  p: PlayerParts,
  t: {
    readonly cluster: Cluster | null;
    readonly settings: Settings;
    readonly subscriptions: Subscriptions;
    readonly skins: Skins;
    readonly chat: Chat;
  },
) {
  const { o, config, store, clock, app, breakers, adapters } = r;
  const { cluster, settings, subscriptions } = t;
  const roomsTuning = o.rooms ?? {};
  const voice = tableVoice(r);
  const roomSignalLog = analyticsRiskSignals(p.analytics);
  // Finished hands queue for the notary in the unit of work that stores them; the notary.attest job
  // has the time-stamping authority sign each minute's Merkle root.
  const notary = new NotaryService({
    store,
    clock,
    authority: breakers ? guardTimestampAuthority(adapters.notary.impl, breakers.notary) : adapters.notary.impl,
    log: app.log,
    lagAlertMs: config.notary?.lagAlertMs ?? LAG_ALERT_MS_DEFAULT,
  });
  const faceCheck = adapters.faceCheck;
  const rooms = new Rooms({
    store,
    ledger: r.ledger,
    clock,
    handsArchivedAt: (roomId) => archivedAtMs(store.reader, 'room_hands', roomId),
    analytics: p.analytics,
    notifier: p.notifications,
    players: p.accounts.players,
    dataKey: config.dataKey,
    log: app.log,
    timers: roomsTuning.timers ?? systemTimers(clock),
    policy: roomsTuning.policy ?? {
      limits: () => p.compliance.roomLimits(),
      playWindowEndMs: (playerId, nowMs) => p.compliance.playWindowEndMs(playerId, nowMs),
    },
    riskGate: roomsTuning.riskGate ?? { allows: (playerId, action) => p.risk.allows(playerId, action) },
    riskSignals: {
      async record(tx, signal) {
        await roomSignalLog.record(tx, signal);
        await p.risk.recordRoomSignal(tx, signal);
      },
    },
    notary: notary.port,
    faceCheck: faceCheck === null ? null : breakers ? guardIdentityCheck(faceCheck.impl, breakers.faceCheck) : faceCheck.impl,
    feeSchedule: roomsTuning.feeSchedule ?? (() => settings.get('room.fees')),
    ...(roomsTuning.eventWrites ? { eventWrites: roomsTuning.eventWrites } : {}),
    skinOf: (playerId) => t.skins.wornBy(playerId),
    chat: t.chat,
    voice,
    // "Your turn" while away and "a friend's room is starting": subscription messages, where the player consented.
    reminders: {
      turnWhileAway: async (turn) => void (await subscriptions.turnAway(turn)),
      roomStarting: async (room) => {
        const ownerNickname = (await p.accounts.players.get(room.ownerId))?.nickname ?? '';
        await subscriptions.friendRoom({ ...room, ownerNickname });
      },
    },
    ...(cluster ? { directory: cluster.port } : {}),
  });
  return { voice, notary, faceCheck, rooms };
}

/** Table voice: TURN credentials for the browser mesh (absent: browser voice refused), the WeChat VoIP signature from the player's mini-game session_key. */
function tableVoice(r: Root): VoiceCalls {
  const { config } = r;
  return new VoiceCalls({
    clock: r.clock,
    turn: config.turn ?? null,
    wechat: wechatSessions({
      reader: r.store.reader,
      sealer: createSealer(config.dataKey, 'wechat-session-key'),
      appId: config.wechatAppIds.miniprogram,
    }),
  });
}
