// The rooms domain as one service: creating rooms (three steps: parameters, fee, share), joining
// by code or link, the live rooms of this process (rebuilt from their event logs at start), the
// WebSocket gateway, fee orders, room cards, hand histories, friends and reports.
import { randomBytes, randomInt } from 'node:crypto';
import { AppError, type Clock, newId } from '@fairground/core';
import type { Players } from '../accounts/index.ts';
import type { Analytics } from '../analytics/index.ts';
import { type Ledger, LedgerErrors } from '../ledger/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb, isUniqueViolation } from '../storage/sql.ts';
import { type ActorDeps, type Logger, RoomActor } from './actor.ts';
import { commitNextHand, type JoinInput, Plan } from './decide.ts';
import { EventBatcher, type EventWritePacing } from './batcher.ts';
import { roomLogSource } from './event-rows.ts';
import { RoomErrors } from './errors.ts';
import type { GatewayOptions } from './gateway.ts';
import { foldEvents, initialState } from './evolve.ts';
import { checkFeeSchedule, type FeeQuote, type FeeSchedule, maxPointsFor, type Payment, paymentFor, quoteFee } from './fees.ts';
import { type HandRecord, recordHash } from './history.ts';
import {
  FRIENDS_LIST_MAX,
  HAND_HISTORY_PAGE_MAX,
  INVITE_TTL_MS,
  INVITES_PER_ROOM_MAX,
  ORDER_RETENTION_MS,
  ORDERS_PAGE_MAX,
  OWNED_OPEN_ROOMS_MAX,
  REPORT_TEXT_LENGTH_MAX,
  ROOM_CARDS_PER_PURCHASE_MAX,
  ROOM_CODE_ATTEMPTS_MAX,
  SHUTDOWN_WAIT_MS,
} from './limits.ts';
import { ORDER_COLUMNS, type OrderRow, orderFromDb, RoomMoney, replayedCardOrder } from './money.ts';
import { type ChainReport, verifyRoomChain } from './notary.ts';
import { normalizeFee, normalizeParams, type RoomParams, type RoomParamsInput } from './params.ts';
import { insertNewRoom } from './create-rows.ts';
import type {
  IdentityCheck,
  Notary,
  RiskDissolveResult,
  RiskGate,
  RiskSignals,
  RoomChat,
  RoomDirectory,
  RoomPolicy,
  RoomReminders,
  RoomVoice,
  Timers,
} from './ports.ts';
import { createRoomSealer, type RoomSealer } from './sealing.ts';
import { type FeePlan, isLive, memberOf, type RoomEvent, type RoomState } from './state.ts';

export interface RoomsOptions {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly analytics: Analytics;
  readonly notifier: Notifier;
  readonly players: Players;
  /** 32 bytes from configuration: sub-keys seal server seeds and hand histories (AES-256-GCM). */
  readonly dataKey: Uint8Array;
  readonly log: Logger;
  readonly timers: Timers;
  readonly policy: RoomPolicy;
  readonly riskGate: RiskGate;
  readonly riskSignals: RiskSignals;
  readonly notary: Notary;
  /** The face check a room may ask for before each hand; null when no provider is bound (such rooms are refused). */
  readonly faceCheck: IdentityCheck | null;
  /**
   * The price list, or where to read the one in force (the settings service): read when a room is
   * quoted and created, and stored in the room, so a change applies to new rooms only.
   */
  readonly feeSchedule: FeeSchedule | (() => FeeSchedule);
  /** How the shared event writes are spaced (see batcher.ts); absent, the defaults of limits.ts. */
  readonly eventWrites?: Partial<EventWritePacing>;
  /** When the room's hand records went to the retention archive (null: never); absent, hands are never archived. */
  readonly handsArchivedAt?: (roomId: string) => Promise<number | null>;
  /** The skin a player wears (the skins domain), stored in the room when they sit down; absent: none shown. */
  readonly skinOf?: (playerId: string) => Promise<string>;
  /** With several processes: the directory this process lists its rooms in (see cluster/). */
  readonly directory?: RoomDirectory;
  /** Table chat (the chat domain). */
  readonly chat: RoomChat;
  /** Subscription messages for players away from the table ("your turn", "the room is starting"); absent: none. */
  readonly reminders?: RoomReminders;
  /** The table voice (the voice domain); absent: voice frames are refused. */
  readonly voice?: RoomVoice;
}

export interface CreateInput {
  readonly params?: RoomParamsInput;
  readonly fee?: { readonly mode?: unknown; readonly payer?: unknown; readonly points?: unknown };
  /** The owner's fee as confirmed in step two; a different fee now is refused (ROOM_FEE_CHANGED). */
  readonly expectedFee?: { readonly cards: number; readonly cashFen: number };
}

export interface CreatedRoom {
  readonly roomId: string;
  readonly code: string;
  readonly params: RoomParams;
  readonly fee: FeeQuote;
  readonly orderId: string | null;
  readonly invite: { readonly token: string; readonly path: string };
}

export interface RoomPreview {
  readonly roomId: string;
  readonly code: string;
  readonly status: RoomState['status'];
  readonly ownerNickname: string;
  readonly params: RoomParams;
  readonly fee: FeeQuote;
  readonly seated: number;
  readonly observers: number;
  readonly handsPlayed: number;
}

export const REPORT_REASONS = ['cheating', 'collusion', 'abuse', 'gambling', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

const CODE_PATTERN = /^[0-9]{6}$/;

class CodeTaken extends Error {}

function sharePath(code: string, token: string): string {
  return `/#/join/${code}?i=${token}`;
}

export class Rooms {
  readonly store: Store;
  readonly timers: Timers;
  readonly policy: RoomPolicy;
  readonly notary: Notary;
  readonly sealer: RoomSealer;
  readonly #schedule: () => FeeSchedule;
  readonly money: RoomMoney;
  readonly #o: RoomsOptions;
  readonly #riskGate: RiskGate;
  readonly #riskSignals: RiskSignals;
  readonly #actorDeps: ActorDeps;
  readonly #byId = new Map<string, RoomActor>();
  readonly #byCode = new Map<string, RoomActor>();
  #draining = false;
  #gateway: { connections: () => number; closeAll: () => void } | null = null;

  constructor(o: RoomsOptions) {
    this.#o = o;
    this.store = o.store;
    this.timers = o.timers;
    this.policy = o.policy;
    this.notary = o.notary;
    this.sealer = createRoomSealer(o.dataKey);
    if (typeof o.feeSchedule === 'function') this.#schedule = o.feeSchedule;
    else {
      const fixed = checkFeeSchedule(o.feeSchedule);
      this.#schedule = () => fixed;
    }
    this.money = new RoomMoney(o.ledger);
    this.#riskGate = o.riskGate;
    this.#riskSignals = o.riskSignals;
    this.#actorDeps = {
      store: o.store,
      timers: this.timers,
      sealer: this.sealer,
      policy: this.policy,
      identity: o.faceCheck,
      risk: this.#riskSignals,
      persist: {
        money: this.money,
        analytics: o.analytics,
        notifier: o.notifier,
        risk: this.#riskSignals,
        sealer: this.sealer,
        prizesAllowed: () => this.policy.limits().cashRemainder === 'prize_by_scoreboard',
        notary: this.notary,
      },
      events: new EventBatcher(o.store, { nowMs: () => this.timers.nowMs(), ...(o.eventWrites ? { pacing: o.eventWrites } : {}) }),
      chat: o.chat,
      log: o.log,
      onEvicted: (a) => {
        this.#byId.delete(a.id);
        if (this.#byCode.get(a.state.code) === a) this.#byCode.delete(a.state.code);
        o.directory?.closed(a.state);
      },
      ...(o.directory ? { directory: o.directory } : {}),
      ...(o.reminders ? { reminders: o.reminders } : {}),
      ...(o.voice ? { voice: o.voice } : {}),
    };
  }

  // ---------------------------------------------------------------- live rooms

  #register(state: RoomState, rebuilt: boolean): RoomActor {
    const actor = new RoomActor(state, this.#actorDeps, { rebuilt });
    this.#byId.set(state.id, actor);
    this.#byCode.set(state.code, actor);
    this.#o.directory?.opened(state);
    return actor;
  }

  actor(roomId: string): RoomActor | undefined {
    return this.#byId.get(roomId);
  }

  /**
   * The risk domain's policy dissolves a room this process holds. 'not_live' when the room is over
   * already; throws when it is live elsewhere or the dissolution could not be written (the caller
   * surfaces that, it is never swallowed).
   */
  async dissolveForFairPlay(roomId: string): Promise<RiskDissolveResult> {
    const actor = this.#byId.get(roomId);
    if (actor === undefined) {
      const rows = await this.store.reader.query<{ status: string }>('SELECT status FROM rooms WHERE id = ?', [roomId]);
      if (rows[0] === undefined || rows[0].status === 'finished' || rows[0].status === 'dissolved') return 'not_live';
      throw new AppError(RoomErrors.ROOM_NOT_FOUND, { roomId, reason: 'the room is live but not held by this process' });
    }
    if (actor.state.status === 'finished' || actor.state.status === 'dissolved') return 'not_live';
    await actor.dissolveForFairPlay();
    return 'dissolved';
  }

  /** The shared event writes so far (see `EventBatcher.stats`). */
  get eventWrites(): { readonly writes: number; readonly rows: number } {
    return this.#actorDeps.events.stats;
  }

  get liveRooms(): number {
    return this.#byId.size;
  }

  /**
   * Rebuilds one room from its event log and holds it here (with several processes, when this one
   * claims the room). 'ended' when the log says the room is over (nothing is held then).
   */
  async adopt(roomId: string): Promise<'adopted' | 'present' | 'ended'> {
    if (this.#byId.has(roomId)) return 'present';
    const events = await this.#events(roomId);
    if (events.length === 0) return 'ended';
    const state = foldEvents(events, { openSeed: (sealed, id, n) => this.sealer.openSeed(sealed, id, n) });
    if (!isLive(state)) return 'ended';
    if (this.#byId.has(roomId)) return 'present';
    this.#register(state, true);
    return 'adopted';
  }

  /**
   * Lets a room go from this process without ending it (handed to another process, or paused):
   * commands already queued finish, each written before it applies, and players are told to
   * reconnect. The room stays live in the database for whoever holds it next.
   */
  async release(roomId: string): Promise<void> {
    const actor = this.#byId.get(roomId);
    if (actor === undefined) return;
    await actor.drain();
    if (this.#byId.get(roomId) === actor) this.#byId.delete(roomId);
    if (this.#byCode.get(actor.state.code) === actor) this.#byCode.delete(actor.state.code);
  }

  /** Rebuilds every waiting or playing room from its event log (at start, after a restart). */
  async start(): Promise<{ rebuilt: number; failed: number }> {
    const rows = await this.store.reader.query<{ id: string }>(
      "SELECT id FROM rooms WHERE status IN ('waiting', 'playing') ORDER BY created_at_ms",
    );
    let rebuilt = 0;
    let failed = 0;
    for (const { id } of rows) {
      if (this.#byId.has(id)) continue;
      try {
        this.#register(await this.#load(id), true);
        rebuilt += 1;
      } catch (e) {
        failed += 1;
        this.#o.log.error({ err: e, roomId: id }, 'room could not be rebuilt from its log');
      }
    }
    return { rebuilt, failed };
  }

  async #events(roomId: string): Promise<RoomEvent[]> {
    const rows = await this.store.reader.query<{ seq: unknown; kind: string; data: string; at_ms: unknown }>(
      `SELECT seq, kind, data, at_ms FROM ${roomLogSource(this.store.reader.dialect)} WHERE room_id = ? ORDER BY seq`,
      [roomId],
    );
    return rows.map(
      (r) => ({ ...(JSON.parse(r.data) as object), kind: r.kind, seq: intFromDb(r.seq), atMs: intFromDb(r.at_ms) }) as RoomEvent,
    );
  }

  async #load(roomId: string): Promise<RoomState> {
    const events = await this.#events(roomId);
    return foldEvents(events, { openSeed: (sealed, id, n) => this.sealer.openSeed(sealed, id, n) });
  }

  /** Waits until every room has processed what it was given, including work queued meanwhile (tests). */
  async idle(): Promise<void> {
    for (let pass = 0; pass < 100; pass++) {
      const actors = [...this.#byId.values()];
      await Promise.all(actors.map((a) => a.idle()));
      await new Promise((r) => setImmediate(r));
      if (actors.every((a) => a.isIdle) && [...this.#byId.values()].every((a) => a.isIdle)) return;
    }
  }

  /** SIGTERM: stop taking rooms and players, let each room finish what it is doing (every event is already on disk), then close. */
  async shutdown(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    const drained = Promise.all([...this.#byId.values()].map((a) => a.drain()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, SHUTDOWN_WAIT_MS)))]);
    clearTimeout(timer);
    this.#gateway?.closeAll();
  }

  /** What the WebSocket gateway reads of this process's rooms (rooms/routes.ts serves the socket). */
  socketSource(): Pick<GatewayOptions, 'actor' | 'whyNotLive' | 'timers'> {
    return { actor: (roomId) => this.#byId.get(roomId), whyNotLive: (roomId) => this.#whyNotLive(roomId), timers: this.timers };
  }

  /** The gateway serving this process's rooms: counted in metrics, closed at shutdown. */
  attachGateway(gateway: { connections: () => number; closeAll: () => void }): void {
    this.#gateway = gateway;
  }

  get connections(): number {
    return this.#gateway?.connections() ?? 0;
  }

  async #whyNotLive(roomId: string): Promise<never> {
    const rows = await this.store.reader.query<{ status: string; end_reason: string | null }>(
      'SELECT status, end_reason FROM rooms WHERE id = ?',
      [roomId],
    );
    const r = rows[0];
    if (r?.status === 'dissolved')
      throw new AppError(r.end_reason === 'security_risk' ? RoomErrors.ROOM_SECURITY_RISK : RoomErrors.ROOM_DISSOLVED);
    if (r?.status === 'finished') throw new AppError(RoomErrors.ROOM_FINISHED);
    throw new AppError(RoomErrors.ROOM_NOT_FOUND);
  }

  /** The price list in force now. */
  get schedule(): FeeSchedule {
    return this.#schedule();
  }

  get draining(): boolean {
    return this.#draining;
  }

  verifyChain(roomId: string): Promise<ChainReport> {
    return verifyRoomChain(this.store, this.sealer, this.notary, roomId);
  }

  // ---------------------------------------------------------------- creating a room

  quote(input: CreateInput): { params: RoomParams; fee: FeeQuote; pointsMax: number } {
    const limits = this.policy.limits();
    const asked = normalizeParams(input.params ?? {});
    // The policy may demand the face check of every room, or forbid it; without a provider no room may ask.
    const params = limits.faceCheck === 'required' ? { ...asked, identityCheck: true } : asked;
    if (params.identityCheck && (limits.faceCheck === 'off' || this.#o.faceCheck === null))
      throw new AppError(RoomErrors.ROOM_FACE_CHECK_UNAVAILABLE);
    const schedule = this.schedule;
    const choice = normalizeFee(input.fee, schedule.defaultPayer);
    if (choice.mode === 'cash' && !limits.cashModeAllowed) throw new AppError(RoomErrors.ROOM_CASH_MODE_DISABLED);
    const fee = quoteFee(choice, params.seats, params.rounds, schedule);
    paymentFor(fee.owner, input.fee?.points, fee);
    return { params, fee, pointsMax: fee.mode === 'cash' ? maxPointsFor(fee.owner, fee.pointsCoverBpsMax) : 0 };
  }

  async #requireRisk(playerId: string, action: 'create_room' | 'join_room'): Promise<void> {
    const d = await this.#riskGate.allows(playerId, action);
    if (!d.allow) throw new AppError(RoomErrors.ROOM_RISK_DENIED, { reason: d.code }, d.message);
  }

  async #skinOf(playerId: string): Promise<{ skin?: string }> {
    const skin = await this.#o.skinOf?.(playerId);
    return skin === undefined ? {} : { skin };
  }

  async #nickname(playerId: string): Promise<string> {
    return (await this.#o.players.require(playerId)).nickname;
  }

  async create(playerId: string, input: CreateInput, ip: string): Promise<CreatedRoom> {
    try {
      return await this.#create(playerId, input, ip);
    } catch (e) {
      // The creation success rate (seed §六) counts failed attempts too; the failed unit left nothing, so the attempt is recorded on its own.
      await this.store
        .unitOfWork(
          (tx) =>
            this.#o.analytics.append(tx, {
              kind: 'room_create_failed',
              actor: { kind: 'player', id: playerId },
              data: { code: e instanceof AppError ? e.code : 'INTERNAL' },
            }),
          { label: 'rooms.createFailed' },
        )
        .catch(() => undefined);
      throw e;
    }
  }

  /** The checks before a room is created: not draining, the quoted fee unchanged, risk, the play window, the owner's open rooms. */
  async #checkCreate(
    playerId: string,
    input: CreateInput,
  ): Promise<{ params: RoomParams; quote: FeeQuote; payment: Payment; now: number }> {
    if (this.#draining) throw new AppError(RoomErrors.ROOM_SERVER_DRAINING);
    const { params, fee: quote } = this.quote(input);
    const payment = paymentFor(quote.owner, input.fee?.points, quote);
    const expected = input.expectedFee;
    if (expected !== undefined && (expected.cards !== quote.owner.cards || expected.cashFen !== quote.owner.cashFen)) {
      throw new AppError(RoomErrors.ROOM_FEE_CHANGED, { cards: quote.owner.cards, cashFen: quote.owner.cashFen });
    }
    await this.#requireRisk(playerId, 'create_room');
    const now = this.timers.nowMs();
    const windowEnd = await this.policy.playWindowEndMs(playerId, now);
    if (windowEnd !== null && windowEnd <= now) throw new AppError(RoomErrors.ROOM_PLAY_WINDOW_CLOSED);
    const owned = await this.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM rooms WHERE owner_id = ? AND status IN ('waiting', 'playing')",
      [playerId],
    );
    if (intFromDb(owned[0]?.n ?? 0) >= OWNED_OPEN_ROOMS_MAX) throw new AppError(RoomErrors.ROOMS_TOO_MANY, { max: OWNED_OPEN_ROOMS_MAX });
    return { params, quote, payment, now };
  }

  async #create(playerId: string, input: CreateInput, ip: string): Promise<CreatedRoom> {
    const { params, quote, payment, now } = await this.#checkCreate(playerId, input);
    const nickname = await this.#nickname(playerId);
    const skin = await this.#o.skinOf?.(playerId);
    const fee: FeePlan = {
      ...quote,
      remainderTo: quote.mode === 'cash' && this.policy.limits().cashRemainder === 'prize_by_scoreboard' ? 'room_escrow' : 'revenue',
    };
    const roomId = newId('room');
    const token = randomBytes(12).toString('base64url');
    for (let attempt = 0; attempt < ROOM_CODE_ATTEMPTS_MAX; attempt++) {
      const code = String(randomInt(100_000, 1_000_000));
      if (this.#byCode.has(code)) continue;
      const first: RoomEvent = {
        kind: 'room_created',
        seq: 1,
        atMs: now,
        roomId,
        code,
        ownerId: playerId,
        nickname,
        ...(skin !== undefined ? { skin } : {}),
        ip,
        params,
        fee,
      };
      const plan = new Plan(initialState(first), {
        nowMs: now,
        limits: this.policy.limits(),
        sealer: this.sealer,
        openSeed: (s, id, n) => this.sealer.openSeed(s, id, n),
      });
      commitNextHand(plan);
      try {
        const orderId = await this.store.unitOfWork(
          async (tx) => {
            const taken = await tx.query("SELECT 1 AS x FROM rooms WHERE code = ? AND status IN ('waiting', 'playing')", [code]);
            if (taken.length > 0) throw new CodeTaken();
            await insertNewRoom(tx, {
              roomId,
              code,
              ownerId: playerId,
              inviteToken: token,
              params,
              fee,
              events: [first, ...plan.events],
              nowMs: now,
            });
            const id = await this.money.pay(tx, { roomId, playerId, payment, fee, started: false });
            await this.#o.analytics.append(tx, {
              kind: 'room_created',
              actor: { kind: 'player', id: playerId },
              data: { roomId, mode: params.mode, seats: params.seats, rounds: params.rounds, feeMode: fee.mode, payer: fee.payer },
            });
            return id;
          },
          { label: 'rooms.create' },
        );
        this.#register(plan.state, false);
        return { roomId, code, params, fee: quote, orderId, invite: { token, path: sharePath(code, token) } };
      } catch (e) {
        // Taken before this unit looked, or by a room created beside it (the live-code index stopped this one): another code.
        if (e instanceof CodeTaken || isUniqueViolation(e)) continue;
        throw e;
      }
    }
    throw new AppError(RoomErrors.ROOM_BUSY, { reason: 'no free room code' });
  }

  // ---------------------------------------------------------------- finding and joining

  async #endedStatus(code: string): Promise<never> {
    const rows = await this.store.reader.query<{ status: string; end_reason: string | null }>(
      'SELECT status, end_reason FROM rooms WHERE code = ? ORDER BY created_at_ms DESC LIMIT 1',
      [code],
    );
    const r = rows[0];
    if (r?.status === 'dissolved')
      throw new AppError(r.end_reason === 'security_risk' ? RoomErrors.ROOM_SECURITY_RISK : RoomErrors.ROOM_DISSOLVED);
    if (r?.status === 'finished') throw new AppError(RoomErrors.ROOM_FINISHED);
    throw new AppError(RoomErrors.ROOM_NOT_FOUND);
  }

  async #byCodeOrThrow(code: string): Promise<RoomActor> {
    if (!CODE_PATTERN.test(code)) throw new AppError(RoomErrors.ROOM_CODE_INVALID);
    const actor = this.#byCode.get(code);
    if (actor === undefined) return this.#endedStatus(code);
    return actor;
  }

  async preview(code: string): Promise<RoomPreview> {
    const actor = await this.#byCodeOrThrow(code);
    const s = actor.state;
    const owner = memberOf(s, s.ownerId);
    return {
      roomId: s.id,
      code: s.code,
      status: s.status,
      ownerNickname: owner?.nickname ?? '',
      params: s.params,
      fee: s.fee,
      seated: s.members.filter((m) => m.seat !== null).length,
      observers: s.members.filter((m) => m.role === 'observer').length,
      handsPlayed: s.handsPlayed,
    };
  }

  async join(
    playerId: string,
    input: { code: string; role?: 'member' | 'observer'; invite?: string; points?: number },
    ip: string,
  ): Promise<{ roomId: string; code: string; role: string; seat: number | null; created: boolean }> {
    if (this.#draining) throw new AppError(RoomErrors.ROOM_SERVER_DRAINING);
    const actor = await this.#byCodeOrThrow(input.code);
    await this.#requireRisk(playerId, 'join_room');
    const now = this.timers.nowMs();
    let invitedBy: string | null = null;
    let personalInvite = false;
    if (input.invite !== undefined) {
      const rows = await this.store.reader.query<{
        room_id: string;
        inviter_id: string;
        invitee_id: string | null;
        expires_at_ms: unknown;
      }>('SELECT room_id, inviter_id, invitee_id, expires_at_ms FROM room_invites WHERE token = ?', [input.invite]);
      const inv = rows[0];
      if (
        inv === undefined ||
        inv.room_id !== actor.id ||
        intFromDb(inv.expires_at_ms) <= now ||
        (inv.invitee_id !== null && inv.invitee_id !== playerId)
      ) {
        throw new AppError(RoomErrors.ROOM_INVITE_INVALID);
      }
      if (inv.inviter_id !== playerId) invitedBy = inv.inviter_id;
      personalInvite = inv.invitee_id === playerId;
    }
    const role = input.role ?? 'member';
    const j: JoinInput = {
      playerId,
      nickname: await this.#nickname(playerId),
      ...(await this.#skinOf(playerId)),
      role,
      ip,
      invitedBy,
      personalInvite,
      windowEndMs: role === 'member' ? await this.policy.playWindowEndMs(playerId, now) : null,
    };
    const r = await actor.join(j, (s): Payment | null => {
      if (s.fee.payer !== 'aa') {
        if ((input.points ?? 0) !== 0) throw new AppError(RoomErrors.ROOM_POINTS_INVALID, { reason: 'the owner pays this room' });
        return null;
      }
      return paymentFor(s.fee.joiner, input.points, s.fee);
    });
    return { roomId: actor.id, code: actor.state.code, ...r };
  }

  /** A share link for the room: general (anyone with it joins; friendship with the inviter), or for one player (lifts a kick). */
  async invite(playerId: string, roomId: string, inviteeId?: string): Promise<{ token: string; path: string; expiresAtMs: number }> {
    const actor = this.#byId.get(roomId);
    if (actor === undefined) throw new AppError(RoomErrors.ROOM_NOT_FOUND);
    const s = actor.state;
    const m = memberOf(s, playerId);
    if (m === undefined) throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    if (m.role === 'observer') throw new AppError(RoomErrors.ROOM_ROLE_FORBIDDEN, { role: m.role, needs: ['owner', 'admin', 'member'] });
    // Letting a removed player back is the owner's or an admin's call, not any member's.
    if (inviteeId !== undefined && s.kicked.includes(inviteeId) && m.role !== 'owner' && m.role !== 'admin') {
      throw new AppError(RoomErrors.ROOM_ROLE_FORBIDDEN, { role: m.role, needs: ['owner', 'admin'] });
    }
    const now = this.timers.nowMs();
    const token = randomBytes(12).toString('base64url');
    const expiresAtMs = now + (inviteeId === undefined ? ORDER_RETENTION_MS : INVITE_TTL_MS);
    await this.store.unitOfWork(
      async (tx) => {
        const n = await tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM room_invites WHERE room_id = ?', [roomId]);
        if (intFromDb(n[0]?.n ?? 0) >= INVITES_PER_ROOM_MAX) throw new AppError(RoomErrors.ROOM_BUSY, { reason: 'too many invitations' });
        await tx.run(
          'INSERT INTO room_invites (token, room_id, inviter_id, invitee_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
          [token, roomId, playerId, inviteeId ?? null, now, expiresAtMs],
        );
      },
      { label: 'rooms.invite' },
    );
    return { token, path: sharePath(s.code, token), expiresAtMs };
  }

  // ---------------------------------------------------------------- records

  async #wasMember(playerId: string, roomId: string): Promise<boolean> {
    const rows = await this.store.reader.query('SELECT 1 AS x FROM room_members WHERE room_id = ? AND player_id = ?', [roomId, playerId]);
    return rows.length > 0;
  }

  /** A room whose hands left for the retention archive says so, and when, instead of showing none. */
  async #refuseArchived(roomId: string): Promise<void> {
    const archivedAtMs = (await this.#o.handsArchivedAt?.(roomId)) ?? null;
    if (archivedAtMs !== null) throw new AppError(RoomErrors.ROOM_HANDS_ARCHIVED, { archivedAtMs });
  }

  /** The room's finished hands with their fairness data, for anyone who was in the room. */
  async hands(playerId: string, roomId: string, afterHand = 0): Promise<HandRecord[]> {
    if (!(await this.#wasMember(playerId, roomId))) throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    const rows = await this.store.reader.query<{ hand_number: unknown; sealed: string }>(
      'SELECT hand_number, sealed FROM room_hands WHERE room_id = ? AND hand_number > ? ORDER BY hand_number LIMIT ?',
      [roomId, afterHand, HAND_HISTORY_PAGE_MAX],
    );
    if (rows.length === 0) await this.#refuseArchived(roomId);
    return rows.map((r) => {
      const handNumber = intFromDb(r.hand_number);
      try {
        return JSON.parse(this.sealer.openRecord(r.sealed, roomId, handNumber)) as HandRecord;
      } catch (e) {
        this.#o.log.error({ err: e, roomId, handNumber }, 'a sealed hand history does not open');
        throw new AppError(RoomErrors.ROOM_RECORD_INTEGRITY, { handNumber });
      }
    });
  }

  /**
   * One finished hand's record exactly as it was hashed (the notary's leaf is these bytes), for
   * anyone who was in the room; null when the room has no such hand.
   */
  async handRecordText(playerId: string, roomId: string, handNumber: number): Promise<string | null> {
    if (!(await this.#wasMember(playerId, roomId))) throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    const rows = await this.store.reader.query<{ sealed: string; record_hash: string }>(
      'SELECT sealed, record_hash FROM room_hands WHERE room_id = ? AND hand_number = ?',
      [roomId, handNumber],
    );
    const r = rows[0];
    if (r === undefined) {
      await this.#refuseArchived(roomId);
      return null;
    }
    let json: string;
    try {
      json = this.sealer.openRecord(r.sealed, roomId, handNumber);
    } catch (e) {
      this.#o.log.error({ err: e, roomId, handNumber }, 'a sealed hand history does not open');
      throw new AppError(RoomErrors.ROOM_RECORD_INTEGRITY, { handNumber });
    }
    if (recordHash(json) !== r.record_hash) throw new AppError(RoomErrors.ROOM_RECORD_INTEGRITY, { handNumber });
    return json;
  }

  /** The scoreboard and summary of a room the player was in (also after it left memory). */
  async summary(playerId: string, roomId: string): Promise<RoomState> {
    if (!(await this.#wasMember(playerId, roomId))) throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    return this.#byId.get(roomId)?.state ?? (await this.#load(roomId));
  }

  async report(
    playerId: string,
    roomId: string,
    input: { targetPlayerId?: string; reason: string; text?: string },
  ): Promise<{ reportId: string }> {
    if (!(REPORT_REASONS as readonly string[]).includes(input.reason) || (input.text ?? '').length > REPORT_TEXT_LENGTH_MAX) {
      throw new AppError(RoomErrors.ROOM_REPORT_INVALID);
    }
    if (!(await this.#wasMember(playerId, roomId))) throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    const target = input.targetPlayerId ?? null;
    if (target !== null && (target === playerId || !(await this.#wasMember(target, roomId))))
      throw new AppError(RoomErrors.ROOM_TARGET_NOT_MEMBER);
    const reportId = newId('rpt');
    await this.store.unitOfWork(
      async (tx) => {
        // Once per (room, reporter, target): a parallel duplicate finds the first one's row here
        // (ON CONFLICT waits for it) instead of racing it into the unique index.
        const filed = await tx.run(
          'INSERT INTO room_reports (id, room_id, reporter_id, target_key, reason, text, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, reporter_id, target_key) DO NOTHING',
          [reportId, roomId, playerId, target ?? '', input.reason, input.text ?? '', tx.nowMs],
        );
        if (filed !== 1) throw new AppError(RoomErrors.ROOM_REPORT_DUPLICATE);
        await this.#riskSignals.record(tx, { kind: 'report_filed', playerId, roomId, targetPlayerId: target, reason: input.reason });
        await this.#o.analytics.append(tx, {
          kind: 'room_reported',
          actor: { kind: 'player', id: playerId },
          data: { roomId, reportId, targetPlayerId: target, reason: input.reason },
        });
      },
      { label: 'rooms.report' },
    );
    return { reportId };
  }

  /** Friends (shared a room, or joined through each other's invitation) and their open rooms that friends may see. */
  async friends(playerId: string) {
    const rows = await this.store.reader.query<{ friend_id: string; source: string; created_at_ms: unknown }>(
      'SELECT friend_id, source, created_at_ms FROM room_friends WHERE player_id = ? ORDER BY created_at_ms DESC LIMIT ?',
      [playerId, FRIENDS_LIST_MAX],
    );
    const friendIds = rows.map((r) => r.friend_id);
    const rooms =
      friendIds.length === 0
        ? []
        : await this.store.reader.query<{
            id: string;
            code: string;
            owner_id: string;
            status: string;
            seats: unknown;
            mode: string;
            player_id: string;
          }>(
            `SELECT r.id, r.code, r.owner_id, r.status, r.seats, r.mode, m.player_id FROM rooms r JOIN room_members m ON m.room_id = r.id
              WHERE r.friends_visible = 1 AND r.status IN ('waiting', 'playing') AND m.status = 'active' AND m.player_id IN (${friendIds.map(() => '?').join(', ')})
              ORDER BY r.created_at_ms DESC LIMIT ?`,
            [...friendIds, FRIENDS_LIST_MAX],
          );
    const friends = [];
    for (const r of rows) {
      const p = await this.#o.players.get(r.friend_id);
      if (p === null) continue;
      const open = rooms.filter((x) => x.player_id === r.friend_id);
      friends.push({
        playerId: r.friend_id,
        nickname: p.nickname,
        source: r.source,
        sinceMs: intFromDb(r.created_at_ms),
        rooms: open.map((x) => {
          const live = this.#byId.get(x.id)?.state;
          return {
            roomId: x.id,
            code: x.code,
            status: x.status,
            mode: x.mode,
            seats: intFromDb(x.seats),
            seated: live ? live.members.filter((m) => m.seat !== null).length : 0,
          };
        }),
      });
    }
    return friends;
  }

  /** The player's rooms: the live ones first (to return to the table), then recent ones. */
  async mine(playerId: string) {
    const rows = await this.store.reader.query<{
      id: string;
      code: string;
      status: string;
      role: string;
      member_status: string;
      created_at_ms: unknown;
      ended_at_ms: unknown;
      hands_played: unknown;
      rounds: unknown;
    }>(
      `SELECT r.id, r.code, r.status, m.role, m.status AS member_status, r.created_at_ms, r.ended_at_ms, r.hands_played, r.rounds
         FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.player_id = ? ORDER BY r.created_at_ms DESC LIMIT 50`,
      [playerId],
    );
    return rows.map((r) => ({
      roomId: r.id,
      code: r.code,
      status: r.status,
      role: r.role,
      active: r.member_status === 'active',
      createdAtMs: intFromDb(r.created_at_ms),
      endedAtMs: intOrNullFromDb(r.ended_at_ms),
      handsPlayed: intFromDb(r.hands_played),
      rounds: intFromDb(r.rounds),
    }));
  }

  async orders(playerId: string, q: { beforeMs?: number; limit?: number }): Promise<(OrderRow & { roomCode: string | null })[]> {
    const limit = Math.min(q.limit ?? 20, ORDERS_PAGE_MAX);
    const rows = await this.store.reader.query<Parameters<typeof orderFromDb>[0] & { room_code: string | null }>(
      `SELECT ${ORDER_COLUMNS.split(', ')
        .map((c) => `o.${c}`)
        .join(', ')}, r.code AS room_code FROM room_orders o LEFT JOIN rooms r ON r.id = o.room_id
        WHERE o.player_id = ? AND o.created_at_ms < ? ORDER BY o.created_at_ms DESC, o.order_id DESC LIMIT ?`,
      [playerId, q.beforeMs ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map((r) => ({ ...orderFromDb(r), roomCode: r.room_code }));
  }

  /**
   * Room cards a payment provider was paid for (WeChat virtual payment), credited inside the
   * caller's unit of work, the one that records the provider's order: the same crediting path as a
   * purchase from the wallet, idempotent by `requestKey`.
   */
  async creditPaidCards(
    tx: Tx,
    o: { playerId: string; quantity: number; priceFen: number; requestKey: string },
  ): Promise<{ order: OrderRow; replayed: boolean }> {
    const r = await this.money.buyCards(tx, { ...o, paidBy: 'provider' });
    if (!r.replayed) {
      await this.#o.analytics.append(tx, {
        kind: 'room_cards_bought',
        actor: { kind: 'player', id: o.playerId },
        data: { orderId: r.order.orderId, quantity: o.quantity, cashFen: r.order.cashFen },
      });
    }
    return r;
  }

  async buyCards(playerId: string, input: { quantity: number; idempotencyKey: string }): Promise<{ order: OrderRow; replayed: boolean }> {
    const q = input.quantity;
    if (!Number.isSafeInteger(q) || q < 1 || q > ROOM_CARDS_PER_PURCHASE_MAX) throw new AppError(RoomErrors.ROOM_CARD_QUANTITY_INVALID);
    try {
      return await this.store.unitOfWork(
        async (tx) => {
          const r = await this.money.buyCards(tx, {
            playerId,
            quantity: q,
            priceFen: this.schedule.roomCardPriceFen,
            requestKey: input.idempotencyKey,
          });
          if (!r.replayed) {
            await this.#o.analytics.append(tx, {
              kind: 'room_cards_bought',
              actor: { kind: 'player', id: playerId },
              data: { orderId: r.order.orderId, quantity: q, cashFen: r.order.cashFen },
            });
          }
          return r;
        },
        { label: 'rooms.buyCards' },
      );
    } catch (e) {
      // A parallel request with the same key committed its order between this one's lookup and
      // its insert (the unique index stopped this one): answer with that order.
      if (!isUniqueViolation(e)) throw e;
      const rows = await this.store.reader.query<Parameters<typeof orderFromDb>[0]>(
        `SELECT ${ORDER_COLUMNS} FROM room_orders WHERE player_id = ? AND request_key = ?`,
        [playerId, input.idempotencyKey],
      );
      if (!rows[0]) throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { requestKey: input.idempotencyKey });
      return { order: replayedCardOrder(orderFromDb(rows[0]), { quantity: q, requestKey: input.idempotencyKey }), replayed: true };
    }
  }
}
