// One live room: its state in memory, its event loop, its timers and its connections. Every
// command (a player's frame, an HTTP join, a timer) goes through one FIFO queue and runs to the end
// before the next starts, so a room's events are decided one at a time, in order. A command's
// events are written to the database (with the money and records they imply) before the room's
// state changes and before anyone is told: what a client has seen is always on disk.
import { AppError, assert } from '@fairground/core';
import type { HandActionType } from '@fairground/rules';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import {
  checkIdentity,
  checkJoin,
  checkOwnerStart,
  type DayUsage,
  decideAct,
  decideAuto,
  decideDissolve,
  decideFairPlayDissolve,
  decideGraceExpired,
  decideIdentityVerified,
  decideIpChanged,
  decideJoin,
  decideKick,
  decideLeave,
  decideReady,
  decideRules,
  decideSeedCommit,
  decideSeedReveal,
  decideSetAdmin,
  decideTransferOwner,
  decideTrusteeship,
  type DecideContext,
  decideWindowClosed,
  dissolve,
  type JoinInput,
  Plan,
  type StartInfo,
  type StartTrigger,
  tryStart,
} from './decide.ts';
import { RoomErrors } from './errors.ts';
import { chinaDay, type Payment } from './fees.ts';
import { type ChatCommandFrame, CloseCodes, type CommandFrame, type RoomCommandFrame, type VoiceCommandFrame } from './frames.ts';
import {
  BETWEEN_HANDS_MS,
  CONNECTIONS_PER_MEMBER_MAX,
  LINGER_MS,
  PLAY_WINDOW_READ_MAX_AGE_MS,
  RECONNECT_GRACE_MS,
  ROOM_EVENTS_MAX,
  ROOM_QUEUE_MAX,
  START_DEADLINE_MS,
  TRUSTEESHIP_DELAY_MS,
} from './limits.ts';
import type { EventBatcher } from './batcher.ts';
import { HandFrames } from './hand-frames.ts';
import { isLogOnly, type PersistDeps, type PlanExtras, persistPlan } from './persist.ts';
import type {
  IdentityCheck,
  RiskSignals,
  RoomChat,
  RoomDirectory,
  RoomPolicy,
  RoomPolicyLimits,
  RoomReminders,
  RoomVoice,
  TimerHandle,
  Timers,
  VoiceRoom,
} from './ports.ts';
import type { RoomParamsInput } from './params.ts';
import type { RoomSealer } from './sealing.ts';
import { isLive, memberOf, type RoomEvent, type RoomState, seatedCount, seatedMembers } from './state.ts';
import { handSection, publicEvent, roomView } from './views.ts';

/**
 * The oldest room version a command may carry. An action must be decided on the hand as it is
 * now (any action since, a look included, makes it stale); readiness, seeds and identity checks on
 * the next hand as committed (so five players clicking ready at once do not refuse each other);
 * everything else (kicks, rules, roles, leaving, dissolving) on the room exactly as it is.
 */
export function staleBefore(s: RoomState, f: RoomCommandFrame): number {
  switch (f.t) {
    case 'act':
      return s.hand?.sinceVersion ?? s.version;
    case 'ready':
    case 'trustee':
    case 'seed_commit':
    case 'seed_reveal':
    case 'identity':
      return s.next?.sinceVersion ?? s.version;
    default:
      return s.version;
  }
}

/** A client connection as the room sees it. */
export interface Conn {
  readonly playerId: string;
  readonly ip: string;
  send(text: string): void;
  /**
   * Sends a broadcast frame that also answers this connection's request `id` (the frame carries
   * the id). A connection without it (a stand-in for a socket on another node) gets the frame
   * without the id and its own `ok` reply.
   */
  sendReply?(text: string, id: string): void;
  /**
   * Sends two frames with one write to the socket (the room frame and the hand frame of one change);
   * with `replyId`, the second answers that request as `sendReply` would. A connection without it
   * gets them one `send` (or `sendReply`) at a time.
   */
  sendPair?(first: string, second: string, replyId?: string): void;
  close(code: number, reason: string): void;
}

/** The request a running command answers in its broadcast: the sender's connection and the frame's id. */
interface PendingReply {
  readonly conn: Conn;
  readonly id: string;
}

/** A frame's text with a request id after its type: `{"t":"hand",…}` → `{"t":"hand","id":"c7",…}`. */
export function withRequestId(text: string, id: string): string {
  const at = text.indexOf(',');
  assert(at > 0 && text.startsWith('{"t":'), 'a frame starts with its type');
  return `${text.slice(0, at)},"id":${JSON.stringify(id)}${text.slice(at)}`;
}

export interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ActorDeps {
  readonly store: Store;
  readonly timers: Timers;
  readonly sealer: RoomSealer;
  readonly policy: RoomPolicy;
  /** Null when no face-check provider is bound (no room can then ask for the check). */
  readonly identity: IdentityCheck | null;
  readonly risk: RiskSignals;
  readonly persist: PersistDeps;
  readonly events: EventBatcher;
  /** Table chat: decides and stores each message; the actor checks membership and delivers. */
  readonly chat: RoomChat;
  readonly log: Logger;
  /** Called once when the room leaves memory (after it ended and lingered). */
  readonly onEvicted: (actor: RoomActor) => void;
  /** With several processes: ownership is checked before each write, and every change is reported. */
  readonly directory?: Pick<RoomDirectory, 'changed' | 'assertOwner'>;
  /** Messages to players away from the table (subscription messages); absent: none. */
  readonly reminders?: RoomReminders;
  /** The table voice (signalling, TURN credentials, WeChat's signature); absent: voice frames are refused. */
  readonly voice?: RoomVoice;
}

type Job = () => Promise<void>;
/**
 * What a room's timer does when it fires, besides the turn's: close the lingering room, start the
 * next hand (after the seed reveal or the pause between hands), dissolve a room that did not
 * start, and a player's reconnection grace or play window running out. Its key names it and its
 * player, so what it does is decided by its key alone.
 */
type TimerKind = 'linger' | 'start' | 'deadline' | 'grace' | 'window';

interface Timer {
  readonly key: string;
  readonly atMs: number;
  handle: TimerHandle;
  readonly fn: () => void;
  /** The `#reschedule` that last wanted it (one not wanted by the latest is cancelled). */
  wanted: number;
}

/**
 * The turn's timer, kept across the actions of a hand: the deadline moves later at nearly every
 * action (each action is a step of its own), and moving it changes these fields, nothing more.
 * When the handle fires before the deadline wanted now, it is set again for that time (`#fireTurn`):
 * one timer per turn deadline reached, not one per action.
 */
interface TurnTimer {
  /** When the handle fires. */
  atMs: number;
  handle: TimerHandle;
  /** The deadline wanted now (later than `atMs` when it moved since the handle was set), and whose turn it ends. */
  wantAtMs: number;
  seat: number;
  step: number;
  rule: 'fold' | 'call';
}

/** The turn deadline of the hand in play, as `#turnDeadline` leaves it (one per room, filled again each time). */
interface TurnDeadline {
  atMs: number;
  seat: number;
  step: number;
  rule: 'fold' | 'call';
}

const NO_EXTRAS: Omit<PlanExtras, 'knownPairs'> = Object.freeze({});

/**
 * What a plan decides with: the clock read once, the sealer, and the policy's limits asked for when
 * read (only a hand's start and end read them). A class, so a plan (one per command, alive until
 * its events are written) carries one small object and no closures.
 */
class PlanContext implements DecideContext {
  readonly nowMs: number;
  readonly #deps: ActorDeps;

  constructor(deps: ActorDeps, nowMs: number) {
    this.#deps = deps;
    this.nowMs = nowMs;
  }

  get limits(): RoomPolicyLimits {
    return this.#deps.policy.limits();
  }

  get sealer(): RoomSealer {
    return this.#deps.sealer;
  }

  openSeed(sealedSeed: string, roomId: string, handNumber: number): Uint8Array {
    return this.#deps.sealer.openSeed(sealedSeed, roomId, handNumber);
  }
}

export class RoomActor {
  #state: RoomState;
  readonly #deps: ActorDeps;
  readonly #queue: Job[] = [];
  #running = false;
  #draining = false;
  #evicted = false;
  #idleWaiters: (() => void)[] = [];
  readonly #conns = new Map<string, Conn[]>();
  /** Members without a connection, and since when (the reconnection grace counts from there). */
  readonly #disconnectedSince = new Map<string, number>();
  /** Players whose grace ran out during a hand they are in: they leave when it ends. */
  readonly #leaveAfterHand = new Set<string>();
  #usage: ReadonlyMap<string, DayUsage> = new Map();
  #usageHand = 0;
  /** Open play windows read for a hand's start, by player, with when they were read (see `#windowEnd`). */
  readonly #windowEnds = new Map<string, { readonly end: number | null; readonly readAtMs: number }>();
  #nextStartAtMs: number | null = null;
  /** The timers besides the turn's, by key: `linger`, `reveal`, `between`, `deadline`, `grace:<player>`, `window:<player>`. */
  readonly #timers = new Map<string, Timer>();
  /** Counts the calls of `#reschedule`: a timer it wants is marked with its count. */
  #rescheduled = 0;
  /** The `grace:` and `window:` keys by player, made once per player (asked for at every action). */
  readonly #graceKeys = new Map<string, string>();
  readonly #windowKeys = new Map<string, string>();
  #turnTimer: TurnTimer | null = null;
  readonly #turnWanted: TurnDeadline = { atMs: 0, seat: 0, step: 0, rule: 'fold' };
  #knownPairs = new Set<string>();
  #headerSent = -1;
  /** The room view's parts as last broadcast, by key (see #roomText). */
  readonly #sentRoom = new Map<string, string>();
  /** The values those parts were made from (see #roomText). */
  readonly #sentRoomValues = new Map<string, unknown>();
  /**
   * What the members' and the next hand's parts of the last room frame were made from (see
   * `#roomText`): the state's member list and next hand (never changed in place), who was
   * connected, by member, the next hand's number and its start time.
   */
  #membersFrom: RoomState['members'] | null = null;
  readonly #connectedFrom: boolean[] = [];
  #membersHandFrom: number | null = null;
  #nextFrom: RoomState['next'] | undefined;
  #nextStartFrom: number | null = null;
  /** `hand:player` pairs already handed to the reminders this hand (one "your turn" message per hand at most). */
  readonly #reminded = new Set<string>();
  /** The hand as last broadcast, to send patches of it (see hand-frames.ts). */
  readonly #handFrames = new HandFrames();
  /** The request the running command answers in its own broadcast (see `command`). */
  #reply: PendingReply | null = null;

  constructor(state: RoomState, deps: ActorDeps, o: { rebuilt: boolean }) {
    this.#deps = deps;
    const now = deps.timers.nowMs();
    // A rebuilt room's players were cut off by the restart: the turn clock and the pause between
    // hands start again from now, so nobody is folded for the time the server was away.
    this.#state = o.rebuilt && state.hand !== null ? { ...state, hand: { ...state.hand, turnStartedAtMs: now } } : state;
    if (state.status === 'playing' && state.hand === null) this.#nextStartAtMs = now + BETWEEN_HANDS_MS;
    for (const m of state.members) this.#disconnectedSince.set(m.playerId, now);
    this.#reschedule();
  }

  get state(): RoomState {
    return this.#state;
  }

  get id(): string {
    return this.#state.id;
  }

  // ---------------------------------------------------------------- the event loop

  /** Runs `fn` on the room's loop after everything queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#evicted) return Promise.reject(new AppError(RoomErrors.ROOM_NOT_FOUND));
    if (this.#draining) return Promise.reject(new AppError(RoomErrors.ROOM_SERVER_DRAINING));
    if (this.#queue.length >= ROOM_QUEUE_MAX) return Promise.reject(new AppError(RoomErrors.ROOM_BUSY));
    return new Promise<T>((resolve, reject) => {
      // The job settles the caller's promise and itself never rejects (the pump awaits it).
      this.#queue.push(() => {
        try {
          return fn().then(resolve, reject);
        } catch (e) {
          reject(e);
          return Promise.resolve();
        }
      });
      this.#pump();
    });
  }

  /** A command of the room itself (a timer): refusals are expected (the player acted first) and only logged when unexpected. */
  #internal(label: string, fn: () => Promise<void>): void {
    this.run(fn).catch((e: unknown) => {
      if (e instanceof AppError && e.status < 500) return;
      if (e instanceof AppError && (e.code === RoomErrors.ROOM_SERVER_DRAINING.code || e.code === RoomErrors.ROOM_NOT_FOUND.code)) return;
      this.#deps.log.error({ err: e, roomId: this.id, label }, 'room timer command failed');
    });
  }

  /**
   * Runs the queued jobs one after another. It is a chain of callbacks, not an async loop: a job
   * waits for its write to disk, long enough for whatever waits with it to be promoted to the old
   * generation, and an async function keeps a frame of its own alive for every wait.
   */
  #pump(): void {
    if (this.#running) return;
    this.#running = true;
    this.#runNext();
  }

  #runNext(): void {
    const job = this.#queue.shift();
    if (job !== undefined) {
      // A job settles its caller's promise and itself never rejects (see `run`).
      job().then(this.#afterJob, this.#afterJob);
      return;
    }
    this.#running = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  readonly #afterJob = (): void => this.#runNext();

  get isIdle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A plan on the room as it is now. The policy's limits are asked for when read: only a hand's start and end read them. */
  #plan(): Plan {
    return new Plan(this.#state, new PlanContext(this.#deps, this.#deps.timers.nowMs()));
  }

  /** Writes the plan, then (and only then) applies it, tells everyone, and resets the timers. */
  #commit(plan: Plan, extras: Omit<PlanExtras, 'knownPairs'> = NO_EXTRAS, startInfo?: StartInfo): Promise<void> {
    if (plan.events.length === 0) return Promise.resolve();
    assert(plan.before === this.#state, 'a plan is committed on the state it was made from');
    assert(plan.state.version <= ROOM_EVENTS_MAX, 'room event log within its limit');
    this.#deps.directory?.assertOwner(this.id);
    // Most commits (every hand action) are events alone: one callback waits for the write, not an async frame.
    if (isLogOnly(plan, extras)) return this.#deps.events.write(this.id, plan.events).then(() => this.#applied(plan, startInfo));
    return this.#commitUnit(plan, extras, startInfo);
  }

  /** A plan with money or records besides its events: one unit of work with them. */
  async #commitUnit(plan: Plan, extras: Omit<PlanExtras, 'knownPairs'>, startInfo: StartInfo | undefined): Promise<void> {
    const pairs = new Set(this.#knownPairs);
    await this.#deps.store.unitOfWork((tx) => persistPlan(tx, plan, this.#deps.persist, { ...extras, knownPairs: pairs }), {
      label: 'rooms.commit',
    });
    this.#knownPairs = pairs;
    return this.#applied(plan, startInfo);
  }

  /** A written plan: applied, told to everyone, the timers reset; a reminder being queued is the promise returned. */
  #applied(plan: Plan, startInfo: StartInfo | undefined): Promise<void> | undefined {
    this.#state = plan.state;
    const now = plan.ctx.nowMs;
    for (const e of plan.events) this.#afterEvent(e, now, startInfo);
    this.#broadcast(plan.events);
    this.#endVoiceIfOff();
    this.#reschedule();
    this.#deps.directory?.changed(this.#state);
    return this.#remind(plan.before, plan.events);
  }

  /**
   * After a committed change: the turn passed to a seated player with no socket to the room (once
   * per hand), or the room's first hand started (the invited players who are not seated). The
   * reminders port decides whether a message goes (consents); its failure never fails the command.
   * Undefined (not a promise) when there is nothing to remind of, as after most actions.
   */
  #remind(before: RoomState, events: readonly RoomEvent[]): Promise<void> | undefined {
    const reminders = this.#deps.reminders;
    if (reminders === undefined) return undefined;
    const starting = events.some((e) => e.kind === 'hand_started' && e.handNumber === 1);
    const away = this.#turnWhileAway(before);
    if (!starting && away === null) return undefined;
    return this.#sendReminders(reminders, starting, away);
  }

  /** The player whose turn it now is when it just passed to them while they have no socket here, once per hand. */
  #turnWhileAway(before: RoomState): { handNumber: number; playerId: string } | null {
    const hand = this.#state.hand;
    const turnSeat = hand?.state.turnSeat ?? null;
    if (hand === null || turnSeat === null) return null;
    if (before.hand?.handNumber === hand.handNumber && before.hand.state.turnSeat === turnSeat) return null;
    if (before.hand?.handNumber !== hand.handNumber) this.#reminded.clear();
    const playerId = hand.players.find((p) => p.seat === turnSeat)?.playerId;
    if (playerId === undefined || (this.#conns.get(playerId)?.length ?? 0) > 0) return null;
    const key = `${hand.handNumber}:${playerId}`;
    if (this.#reminded.has(key)) return null;
    this.#reminded.add(key);
    return { handNumber: hand.handNumber, playerId };
  }

  async #sendReminders(reminders: RoomReminders, starting: boolean, away: { handNumber: number; playerId: string } | null): Promise<void> {
    const s = this.#state;
    try {
      if (starting) {
        const seated = new Set(seatedMembers(s).map((m) => m.playerId));
        const rows = await this.#deps.store.reader.query<{ invitee_id: string }>(
          'SELECT DISTINCT invitee_id FROM room_invites WHERE room_id = ? AND invitee_id IS NOT NULL AND expires_at_ms > ?',
          [s.id, this.#deps.timers.nowMs()],
        );
        const ids = new Set([...rows.map((r) => r.invitee_id), ...s.members.filter((m) => m.seat === null).map((m) => m.playerId)]);
        const playerIds = [...ids].filter((id) => !seated.has(id) && id !== s.ownerId).sort();
        if (playerIds.length > 0) await reminders.roomStarting({ roomId: s.id, code: s.code, ownerId: s.ownerId, playerIds });
      }
      if (away !== null) await reminders.turnWhileAway({ roomId: s.id, code: s.code, ...away });
    } catch (e) {
      this.#deps.log.warn({ err: e, roomId: s.id }, 'room reminder not queued');
    }
  }

  #afterEvent(e: RoomEvent, now: number, startInfo: StartInfo | undefined): void {
    switch (e.kind) {
      case 'hand_started':
        this.#usage = startInfo?.usage ?? new Map();
        this.#usageHand = e.handNumber;
        this.#nextStartAtMs = null;
        return;
      case 'hand_ended':
        this.#nextStartAtMs = now + BETWEEN_HANDS_MS;
        return;
      case 'member_joined':
        if (!this.#conns.has(e.playerId)) this.#disconnectedSince.set(e.playerId, now);
        return;
      case 'member_left': {
        this.#leaveAfterHand.delete(e.playerId);
        this.#disconnectedSince.delete(e.playerId);
        // Out of the room is out of the call: the player's voice ends before the room says goodbye.
        this.#deps.voice?.drop(this.#voiceRoom(), e.playerId, e.reason === 'kicked' ? 'kicked' : 'left_room');
        const conns = this.#conns.get(e.playerId) ?? [];
        this.#conns.delete(e.playerId);
        const code = e.reason === 'kicked' ? 'ROOM_KICKED' : 'ROOM_LEFT';
        for (const c of conns) {
          c.send(JSON.stringify({ t: 'closed', code, reason: e.reason }));
          // After this turn, so a player who left still gets the answer to their own request first.
          setImmediate(() => c.close(e.reason === 'kicked' ? CloseCodes.KICKED : CloseCodes.LEFT, code));
        }
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- broadcasting

  #presence() {
    const connected = new Set<string>();
    for (const [pid, list] of this.#conns) if (list.length > 0) connected.add(pid);
    return { connected, nextStartAtMs: this.#state.hand === null ? this.#nextStartAtMs : null };
  }

  /**
   * A `room` frame with the parts of the room view that changed since the last one (`patch`: each
   * key replaces the client's). Whoever joined since got the whole view in their welcome, which is
   * at least as new as the last frame, so a patch always brings every client to the current view.
   */
  #roomText(events: readonly RoomEvent[]): string {
    const pub = events.map(publicEvent).filter((x) => x !== null);
    const s = this.#state;
    const presence = this.#presence();
    const view = roomView(s, presence) as unknown as Record<string, unknown>;
    // The members' and the next hand's parts are new values at every call, but made only from
    // what is compared here: when none of it changed, their texts are the ones last sent.
    const membersSame = this.#sameMembersSource(s, presence.connected);
    const nextSame = s.next === this.#nextFrom && presence.nextStartAtMs === this.#nextStartFrom;
    this.#nextFrom = s.next;
    this.#nextStartFrom = presence.nextStartAtMs;
    const parts: string[] = [];
    for (const key in view) {
      const value = view[key];
      if ((key === 'members' && membersSame) || (key === 'next' && nextSame)) continue;
      // The state is never changed in place: a part that is the very value last sent (the rules,
      // the scores, the last hand's record) has the same text, and is not serialised again.
      if (value !== undefined && this.#sentRoomValues.get(key) === value) continue;
      this.#sentRoomValues.set(key, value);
      const json = JSON.stringify(value) ?? 'null';
      if (this.#sentRoom.get(key) === json) continue;
      this.#sentRoom.set(key, json);
      parts.push(`${JSON.stringify(key)}:${json}`);
    }
    return `{"t":"room","v":${this.#state.version},"serverNowMs":${this.#deps.timers.nowMs()},"patch":{${parts.join(',')}},"events":${JSON.stringify(pub)}}`;
  }

  /** Whether the members' part of the room view is made from what it was last time (see `roomView`); remembers what it is made from now. */
  #sameMembersSource(s: RoomState, connected: ReadonlySet<string>): boolean {
    const hand = s.next?.handNumber ?? null;
    const members = s.members;
    const was = this.#connectedFrom;
    let same = members === this.#membersFrom && hand === this.#membersHandFrom && was.length === members.length;
    for (let i = 0; i < members.length; i += 1) {
      const on = connected.has((members[i] as RoomState['members'][number]).playerId);
      if (was[i] !== on) {
        same = false;
        was[i] = on;
      }
    }
    was.length = members.length;
    this.#membersFrom = members;
    this.#membersHandFrom = hand;
    return same;
  }

  #broadcast(events: readonly RoomEvent[]): void {
    const headerChanged = this.#state.headerVersion !== this.#headerSent;
    const handStarted = events.some((e) => e.kind === 'hand_started');
    const handChanged = events.some(
      (e) =>
        e.kind === 'hand_started' ||
        e.kind === 'hand_action' ||
        e.kind === 'hand_ended' ||
        e.kind === 'room_dissolved' ||
        e.kind === 'window_closed',
    );
    if (!headerChanged && !handChanged) return;
    const roomText = headerChanged ? this.#roomText(events) : null;
    this.#headerSent = this.#state.headerVersion;
    const head = {
      v: this.#state.version,
      serverNowMs: this.#deps.timers.nowMs(),
      turnDeadlineMs: this.#turnDeadline()?.atMs ?? null,
      withInfo: handStarted,
    };
    // The hand whole when it starts (or nothing was sent that every client holds), else patched.
    if (handChanged) this.#handFrames.begin(this.#state, head);
    for (const [pid, list] of this.#conns) {
      const handText = handChanged ? this.#handFrames.frameFor(memberOf(this.#state, pid)?.seat ?? null) : null;
      for (const c of list) {
        const reply = this.#reply;
        if (reply !== null && reply.conn === c && c.sendReply !== undefined) {
          // The sender's answer rides on the last frame it gets for this change: one frame, not two.
          this.#reply = null;
          if (handText !== null) {
            if (roomText === null) c.sendReply(handText, reply.id);
            else if (c.sendPair !== undefined) c.sendPair(roomText, handText, reply.id);
            else {
              c.send(roomText);
              c.sendReply(handText, reply.id);
            }
          } else if (roomText !== null) c.sendReply(roomText, reply.id);
          continue;
        }
        // Both frames of one change leave in one write where the connection can (see `Conn.sendPair`).
        if (roomText !== null && handText !== null && c.sendPair !== undefined) c.sendPair(roomText, handText);
        else {
          if (roomText !== null) c.send(roomText);
          if (handText !== null) c.send(handText);
        }
      }
    }
    if (handChanged) this.#handFrames.end();
  }

  /** Presence changed (someone connected or dropped): the header shows who is at the table. */
  #broadcastPresence(): void {
    const text = this.#roomText([]);
    for (const list of this.#conns.values()) for (const c of list) c.send(text);
  }

  /**
   * The whole current view. `handV` names the hand frame the welcome's hand equals, so the next
   * patch applies on it; without it (the hand changed since that frame without one being sent) the
   * next hand broadcast is whole.
   */
  #welcome(c: Conn): void {
    const m = memberOf(this.#state, c.playerId);
    const turnDeadlineMs = this.#turnDeadline()?.atMs ?? null;
    const handV = this.#handFrames.baseFor(this.#state, turnDeadlineMs);
    c.send(
      JSON.stringify({
        t: 'welcome',
        v: this.#state.version,
        ...(handV !== null ? { handV } : {}),
        serverNowMs: this.#deps.timers.nowMs(),
        you: { playerId: c.playerId, role: m?.role ?? null, seat: m?.seat ?? null },
        room: roomView(this.#state, this.#presence()),
        hand: handSection(this.#state, m?.seat ?? null, turnDeadlineMs, true),
      }),
    );
  }

  /** A client missed a hand frame (its patch did not apply): it gets the whole view again, as on connecting. */
  #resync(playerId: string, from: Conn | undefined): Promise<number> {
    return this.run(async () => {
      const conns = this.#conns.get(playerId) ?? [];
      // Without the asking connection (a socket on another node), every connection of the player gets it.
      for (const c of conns) if (from === undefined || c === from) this.#welcome(c);
      return this.#state.version;
    });
  }

  // ---------------------------------------------------------------- connections

  /** A client says hello: the same account gets its seat and the exact current view back. */
  attach(c: Conn): Promise<void> {
    return this.run(async () => {
      const m = memberOf(this.#state, c.playerId);
      if (m === undefined)
        throw new AppError(this.#state.kicked.includes(c.playerId) ? RoomErrors.ROOM_KICKED : RoomErrors.ROOM_NOT_MEMBER);
      const list = this.#conns.get(c.playerId) ?? [];
      while (list.length >= CONNECTIONS_PER_MEMBER_MAX) list.shift()?.close(CloseCodes.FULL, 'too many connections');
      list.push(c);
      this.#conns.set(c.playerId, list);
      const wasAway = this.#disconnectedSince.delete(c.playerId);
      this.#leaveAfterHand.delete(c.playerId);
      if (isLive(this.#state) && m.ip !== c.ip) {
        const plan = this.#plan();
        decideIpChanged(plan, c.playerId, c.ip);
        await this.#commit(plan);
      }
      this.#welcome(c);
      if (wasAway) this.#broadcastPresence();
      this.#reschedule();
    });
  }

  detach(c: Conn): void {
    this.run(async () => {
      const list = this.#conns.get(c.playerId);
      if (list === undefined) return;
      const i = list.indexOf(c);
      if (i < 0) return;
      list.splice(i, 1);
      if (list.length > 0) return;
      this.#conns.delete(c.playerId);
      this.#deps.voice?.drop(this.#voiceRoom(), c.playerId, 'disconnected');
      if (memberOf(this.#state, c.playerId) === undefined) return;
      this.#disconnectedSince.set(c.playerId, this.#deps.timers.nowMs());
      this.#broadcastPresence();
      this.#reschedule();
    }).catch(() => undefined);
  }

  // ---------------------------------------------------------------- commands

  /** HTTP join: seats a member (taking their AA fee) or adds a spectator. */
  join(j: JoinInput, payment: (s: RoomState) => Payment | null): Promise<{ seat: number | null; role: string; created: boolean }> {
    return this.run(async () => {
      const existing = memberOf(this.#state, j.playerId);
      checkJoin(this.#state, j, this.#deps.timers.nowMs());
      if (existing !== undefined) return { seat: existing.seat, role: existing.role, created: false };
      const pay = j.role === 'member' ? payment(this.#state) : null;
      const plan = this.#plan();
      const seat = decideJoin(plan, j);
      await this.#commit(plan, pay !== null ? { joinPayment: { playerId: j.playerId, payment: pay } } : {});
      // Joining can be what dissolves the room (a third player on one network address).
      if (this.#state.status === 'dissolved') throw new AppError(RoomErrors.ROOM_SECURITY_RISK);
      const now = memberOf(this.#state, j.playerId);
      assert(now !== undefined, 'the joined player is a member');
      return { seat, role: now.role, created: true };
    });
  }

  /**
   * A player's frame. Resolves with the room version after it, or rejects with the refusal. With
   * `from` (the sender's connection) and a request id, the broadcast of the change answers the
   * request: the sender's frame carries the id (`Conn.sendReply`) and no separate `ok` is needed.
   */
  command(playerId: string, f: CommandFrame, from?: Conn): Promise<number> {
    if (f.t === 'chat' || f.t === 'chat_mute') return this.#chat(playerId, f);
    if (f.t === 'voice_join' || f.t === 'voice_leave' || f.t === 'voice_signal') return this.#voice(playerId, f);
    if (f.t === 'resync') return this.#resync(playerId, from);
    return this.run(() => this.#answering(playerId, f, from));
  }

  /** Runs a command whose broadcast may answer request `f.id` of `from`; the answer is pending until the command ends. */
  #answering(playerId: string, f: RoomCommandFrame, from: Conn | undefined): Promise<number> {
    this.#reply = from !== undefined && f.id !== undefined ? { conn: from, id: f.id } : null;
    let done: Promise<number>;
    try {
      done = this.#command(playerId, f);
    } catch (e) {
      this.#reply = null;
      throw e;
    }
    return done.then(this.#answered, this.#notAnswered);
  }

  readonly #answered = (v: number): number => {
    this.#reply = null;
    return v;
  };

  readonly #notAnswered = (e: unknown): never => {
    this.#reply = null;
    throw e;
  };

  readonly #versionNow = (): number => this.#state.version;

  /**
   * A room command, checked and run; resolves with the room version after it. Refusals found before
   * anything is written are thrown, not returned rejected: the queued job (`run`) turns them into
   * its caller's rejection. Chained callbacks, not async frames: see `#pump`.
   */
  #command(playerId: string, f: RoomCommandFrame): Promise<number> {
    const s = this.#state;
    const m = memberOf(s, playerId);
    if (m === undefined) throw new AppError(s.kicked.includes(playerId) ? RoomErrors.ROOM_KICKED : RoomErrors.ROOM_NOT_MEMBER);
    if (f.t === 'act' && f.action.seat !== undefined && f.action.seat !== m.seat) {
      throw new AppError(RoomErrors.ROOM_SEAT_FORGED, { seat: f.action.seat });
    }
    const since = staleBefore(s, f);
    if (f.v < since || f.v > s.version) throw new AppError(RoomErrors.ROOM_STALE_VERSION, { v: f.v, current: s.version });
    // A hand action (most frames) skips the dispatch.
    return (f.t === 'act' ? this.#act(playerId, f) : this.#dispatch(playerId, f)).then(this.#versionNow);
  }

  /** The sender as a member of this live room (chat is for the people at the table, while it is open). */
  #chatMember(playerId: string) {
    const s = this.#state;
    const m = memberOf(s, playerId);
    if (m === undefined) throw new AppError(s.kicked.includes(playerId) ? RoomErrors.ROOM_KICKED : RoomErrors.ROOM_NOT_MEMBER);
    if (!isLive(s)) throw new AppError(RoomErrors.ROOM_DISSOLVED);
    return m;
  }

  /**
   * A chat frame. The content check may take a while (a call to WeChat), so only the membership
   * check and the delivery run on the room's queue; the message is decided and stored between them.
   * A refused message rejects here and reaches no one. Mutes are honoured on the server: a muted
   * player's messages are not sent to the player who muted them.
   */
  async #chat(playerId: string, f: ChatCommandFrame): Promise<number> {
    const chat = this.#deps.chat;
    if (f.t === 'chat_mute') {
      return this.run(async () => {
        this.#chatMember(playerId);
        chat.mute({ roomId: this.id, playerId, targetId: f.playerId, muted: f.muted });
        return this.#state.version;
      });
    }
    const from = await this.run(async () => {
      const m = this.#chatMember(playerId);
      return { seat: m.seat, handNumber: this.#state.hand?.handNumber ?? null };
    });
    const request =
      f.kind === 'phrase'
        ? { kind: f.kind, phraseId: f.phraseId }
        : f.kind === 'emoji'
          ? { kind: f.kind, emoji: f.emoji }
          : { kind: f.kind, text: f.text };
    const message = await chat.compose({ roomId: this.id, playerId, ...from, request });
    return this.run(async () => {
      const text = JSON.stringify({ t: 'chat', serverNowMs: this.#deps.timers.nowMs(), message });
      for (const [listener, list] of this.#conns) {
        if (chat.isMuted(this.id, listener, playerId)) continue;
        for (const c of list) c.send(text);
      }
      return this.#state.version;
    });
  }

  /** A voice frame: the room checks membership; the voice domain decides, answers and relays. */
  #voice(playerId: string, f: VoiceCommandFrame): Promise<number> {
    return this.run(async () => {
      this.#chatMember(playerId);
      const voice = this.#deps.voice;
      if (voice === undefined) throw new AppError(RoomErrors.ROOM_FRAME_INVALID, { reason: 'voice is not available here' });
      await voice.frame(this.#voiceRoom(), playerId, f);
      return this.#state.version;
    });
  }

  /** The room as the voice domain sees it (read when called: seats and options are the current ones). */
  #voiceRoom(): VoiceRoom {
    const s = this.#state;
    return {
      id: s.id,
      voiceOn: isLive(s) && s.params.voiceChat,
      spectatorsListen: s.params.spectators,
      seatOf: (playerId) => memberOf(this.#state, playerId)?.seat,
      send: (playerId, text) => {
        for (const c of this.#conns.get(playerId) ?? []) c.send(text);
      },
    };
  }

  /** The voice option turned off, or the room ended: whoever was in the call is told it ended. */
  #endVoiceIfOff(): void {
    const voice = this.#deps.voice;
    if (voice === undefined || !voice.active(this.id)) return;
    const s = this.#state;
    if (isLive(s) && s.params.voiceChat) return;
    voice.end(this.#voiceRoom(), isLive(s) ? 'voice_off' : 'room_closed');
  }

  /** The risk domain's policy dissolves the room: the hand in play is aborted and refunded as for any dissolution. */
  dissolveForFairPlay(): Promise<void> {
    return this.run(async () => {
      const plan = this.#plan();
      decideFairPlayDissolve(plan);
      return this.#commit(plan);
    });
  }

  async #dispatch(playerId: string, f: RoomCommandFrame): Promise<void> {
    switch (f.t) {
      case 'act':
        return this.#act(playerId, f);
      case 'ready': {
        const plan = this.#plan();
        decideReady(plan, playerId, f.ready);
        return this.#startAfter(plan, 'ready');
      }
      case 'start': {
        checkOwnerStart(this.#state, playerId);
        const info = await this.#startInfo();
        const plan = this.#plan();
        if (tryStart(plan, 'owner', info) === 'waiting')
          throw new AppError(RoomErrors.ROOM_NOT_STARTABLE, { reason: 'players not eligible' });
        return this.#commit(plan, {}, info);
      }
      case 'trustee': {
        const plan = this.#plan();
        decideTrusteeship(plan, playerId, f.on);
        return this.#startAfter(plan, 'ready');
      }
      case 'seed_commit': {
        const plan = this.#plan();
        decideSeedCommit(plan, playerId, f.commitment);
        return this.#commit(plan);
      }
      case 'seed_reveal': {
        const plan = this.#plan();
        const all = decideSeedReveal(plan, playerId, f.seed);
        return all ? this.#startAfter(plan, 'reveal') : this.#commit(plan);
      }
      case 'identity':
        return this.#identity(playerId, f);
      case 'kick': {
        const plan = this.#plan();
        decideKick(plan, playerId, f.playerId);
        return this.#commit(plan);
      }
      case 'set_admin': {
        const plan = this.#plan();
        decideSetAdmin(plan, playerId, f.playerId, f.admin);
        return this.#commit(plan);
      }
      case 'transfer_owner': {
        const plan = this.#plan();
        decideTransferOwner(plan, playerId, f.playerId);
        return this.#commit(plan);
      }
      case 'rules': {
        const plan = this.#plan();
        decideRules(plan, playerId, f.changes as RoomParamsInput);
        return this.#commit(plan);
      }
      case 'dissolve': {
        const plan = this.#plan();
        decideDissolve(plan, playerId);
        return this.#commit(plan);
      }
      case 'leave': {
        const plan = this.#plan();
        decideLeave(plan, playerId);
        return this.#commit(plan);
      }
    }
  }

  /** A hand action: the player's bet, call, fold, look or compare, under their play window and usage. */
  #act(playerId: string, f: Extract<RoomCommandFrame, { t: 'act' }>): Promise<void> {
    const loading = this.#ensureUsage();
    if (loading !== undefined) return loading.then(() => this.#actNow(playerId, f));
    return this.#actNow(playerId, f);
  }

  /** Decides the action (a refusal is thrown) and commits it. */
  #actNow(playerId: string, f: Extract<RoomCommandFrame, { t: 'act' }>): Promise<void> {
    const plan = this.#plan();
    const a: { type: HandActionType; toStakePoints?: number; targetSeat?: number } = { type: f.action.type };
    if (f.action.toStakePoints !== undefined) a.toStakePoints = f.action.toStakePoints;
    if (f.action.targetSeat !== undefined) a.targetSeat = f.action.targetSeat;
    decideAct(plan, playerId, a, { usage: this.#usage, leaveAfterHand: this.#leaveAfterHand });
    return this.#commit(plan);
  }

  /** The face check a room with identity checks asks of each player before a hand; a failure is a risk signal. */
  async #identity(playerId: string, f: Extract<RoomCommandFrame, { t: 'identity' }>): Promise<void> {
    const handNumber = checkIdentity(this.#state, playerId);
    if (this.#deps.identity === null) throw new AppError(RoomErrors.ROOM_FACE_CHECK_UNAVAILABLE);
    const verdict = await this.#deps.identity.verify(playerId, f.ticket);
    if (!verdict.ok) {
      await this.#deps.store.unitOfWork((tx) => this.#deps.risk.record(tx, { kind: 'identity_check_failed', playerId, roomId: this.id }), {
        label: 'rooms.identityFailed',
      });
      throw new AppError(RoomErrors.ROOM_IDENTITY_FAILED, { reason: verdict.reason });
    }
    const plan = this.#plan();
    decideIdentityVerified(plan, playerId, handNumber);
    return this.#startAfter(plan, 'ready');
  }

  /** Commits `plan` after letting the room start its next hand if it now can. */
  async #startAfter(plan: Plan, trigger: StartTrigger): Promise<void> {
    const s = plan.state;
    if (isLive(s) && s.hand === null && s.next !== null && seatedCount(s) >= 2) {
      const info = await this.#startInfo(s);
      tryStart(plan, trigger, info);
      return this.#commit(plan, {}, info);
    }
    return this.#commit(plan);
  }

  /** What deciding a start needs from outside the room: presence, play windows, today's points. */
  async #startInfo(s: RoomState = this.#state): Promise<StartInfo> {
    const now = this.#deps.timers.nowMs();
    const seated = seatedMembers(s);
    const absent = new Set<string>();
    for (const m of seated) if (!this.#conns.has(m.playerId) || m.trusteeship) absent.add(m.playerId);
    const windows = new Map<string, number | null>();
    for (const m of seated) windows.set(m.playerId, await this.#windowEnd(m.playerId, now));
    return {
      absent,
      windows,
      usage: await this.#loadUsage(
        seated.map((m) => m.playerId),
        now,
      ),
    };
  }

  /**
   * A seated player's play-window end for starting the next hand. Every ready click between hands
   * asks whether the hand can start, and the policy answers from the player's identity and overrides
   * in the database; an open window (or none) is kept for `PLAY_WINDOW_READ_MAX_AGE_MS`, so the
   * clicks of one pause share a read and an override made during a long pause still counts at the
   * start. `tryStart` compares the end with the clock at each attempt, so a window that ends during
   * the pause counts as ended; a closed one is read again (it may have reopened).
   */
  async #windowEnd(playerId: string, now: number): Promise<number | null> {
    const kept = this.#windowEnds.get(playerId);
    if (kept !== undefined && now - kept.readAtMs < PLAY_WINDOW_READ_MAX_AGE_MS && (kept.end === null || kept.end > now)) return kept.end;
    const end = await this.#deps.policy.playWindowEndMs(playerId, now);
    if (end === null || end > now) this.#windowEnds.set(playerId, { end, readAtMs: now });
    else this.#windowEnds.delete(playerId);
    return end;
  }

  async #loadUsage(playerIds: readonly string[], now: number): Promise<Map<string, DayUsage>> {
    const usage = new Map<string, DayUsage>();
    if (this.#deps.policy.limits().dayPointsMax === null || playerIds.length === 0) return usage;
    const rows = await this.#deps.store.reader.query<{ player_id: string; won: unknown; lost: unknown }>(
      `SELECT player_id, won, lost FROM room_points_daily WHERE day = ? AND player_id IN (${playerIds.map(() => '?').join(', ')})`,
      [chinaDay(now), ...playerIds],
    );
    for (const r of rows) usage.set(r.player_id, { won: intFromDb(r.won), lost: intFromDb(r.lost) });
    return usage;
  }

  /**
   * After a restart mid-hand, today's totals for the hand's players are read again. Undefined (not a
   * promise) when they are at hand, which is every action but a rebuilt room's first.
   */
  #ensureUsage(): Promise<void> | undefined {
    const hand = this.#state.hand;
    if (hand === null || this.#usageHand === hand.handNumber) return undefined;
    return this.#reloadUsage(hand);
  }

  async #reloadUsage(hand: NonNullable<RoomState['hand']>): Promise<void> {
    this.#usage = await this.#loadUsage(
      hand.players.map((p) => p.playerId),
      this.#deps.timers.nowMs(),
    );
    this.#usageHand = hand.handNumber;
  }

  // ---------------------------------------------------------------- timers

  /**
   * The turn deadline of the hand in play, or null. The value is the room's one `TurnDeadline`,
   * filled again at each call (asked at every action and every broadcast): read it before asking again.
   */
  #turnDeadline(): TurnDeadline | null {
    const s = this.#state;
    const hand = s.hand;
    if (!isLive(s) || hand === null || hand.state.phase !== 'betting' || hand.state.turnSeat === null) return null;
    const seat = hand.state.turnSeat;
    let playerId: string | undefined;
    for (const p of hand.players) {
      if (p.seat === seat) {
        playerId = p.playerId;
        break;
      }
    }
    const m = playerId === undefined ? undefined : memberOf(s, playerId);
    const turnMs = s.params.turnTimeS * 1000;
    const d = this.#turnWanted;
    d.seat = seat;
    d.step = hand.state.step;
    if (m?.windowClosed) {
      d.atMs = hand.turnStartedAtMs + turnMs;
      d.rule = 'fold';
    } else if (m?.trusteeship) {
      d.atMs = hand.turnStartedAtMs + TRUSTEESHIP_DELAY_MS;
      d.rule = 'call';
    } else {
      d.atMs = hand.turnStartedAtMs + turnMs;
      d.rule = s.params.trusteeship === 'call' ? 'call' : 'fold';
    }
    return d;
  }

  /**
   * Brings the room's timers in line with its state: cancels those no longer wanted or moved,
   * schedules the new ones. A timer wanted at the same time as before is kept as it is: what it
   * does is decided by its key (`TimerKind`). At an action in a hand it only moves the turn's
   * deadline (see `TurnTimer`) and finds the play windows' timers in place: nothing is made.
   */
  #reschedule(): void {
    if (this.#evicted || this.#draining) return;
    const s = this.#state;
    const call = ++this.#rescheduled;
    let wanted = 0;
    if (!isLive(s)) {
      wanted += this.#want('linger', (s.endedAtMs ?? this.#deps.timers.nowMs()) + LINGER_MS, 'linger', '', call);
      this.#moveTurnTimer(null);
    } else {
      this.#moveTurnTimer(this.#turnDeadline());
      wanted += this.#wantHandTimers(s, call);
      wanted += this.#wantMemberTimers(s, call);
    }
    if (this.#timers.size === wanted) return;
    for (const t of this.#timers.values()) {
      if (t.wanted === call) continue;
      this.#deps.timers.cancel(t.handle);
      this.#timers.delete(t.key);
    }
  }

  /**
   * A timer wanted at `atMs` by reschedule number `call`: kept when it is already set for then,
   * else set (replacing one set for another time). Returns 1, or 0 when this key was already
   * wanted by the same call (it counts once).
   */
  #want(key: string, atMs: number, kind: TimerKind, playerId: string, call: number): number {
    const t = this.#timers.get(key);
    if (t !== undefined) {
      if (t.wanted === call) return 0;
      if (t.atMs === atMs) {
        t.wanted = call;
        return 1;
      }
      this.#deps.timers.cancel(t.handle);
      this.#timers.delete(key);
    }
    const next: Timer = { key, atMs, handle: { atMs }, fn: this.#timerFn(kind, playerId), wanted: call };
    next.handle = this.#deps.timers.schedule(atMs, () => this.#fire(key, next));
    this.#timers.set(key, next);
    return 1;
  }

  #fire(key: string, t: Timer): void {
    if (this.#timers.get(key) !== t) return;
    this.#timers.delete(key);
    t.fn();
  }

  /**
   * Keeps the turn's timer for `turn` (null: no turn to time): a deadline that moved later, or not
   * at all, changes the timer's fields; one that moved earlier, or a first one, sets a new timer.
   */
  #moveTurnTimer(turn: TurnDeadline | null): void {
    const t = this.#turnTimer;
    if (turn === null) {
      if (t !== null) {
        this.#deps.timers.cancel(t.handle);
        this.#turnTimer = null;
      }
      return;
    }
    if (t !== null && turn.atMs >= t.atMs) {
      t.wantAtMs = turn.atMs;
      t.seat = turn.seat;
      t.step = turn.step;
      t.rule = turn.rule;
      return;
    }
    if (t !== null) this.#deps.timers.cancel(t.handle);
    const next: TurnTimer = {
      atMs: turn.atMs,
      handle: { atMs: turn.atMs },
      wantAtMs: turn.atMs,
      seat: turn.seat,
      step: turn.step,
      rule: turn.rule,
    };
    next.handle = this.#deps.timers.schedule(next.atMs, () => this.#fireTurn(next));
    this.#turnTimer = next;
  }

  /**
   * The turn's timer fired: set again when the deadline moved later since it was set, else the
   * turn's seat acts by the rule wanted at its last move (the step it acts on is the one wanted
   * then; an action since makes it stale and refused).
   */
  #fireTurn(t: TurnTimer): void {
    if (this.#turnTimer !== t) return;
    if (t.wantAtMs !== t.atMs) {
      t.atMs = t.wantAtMs;
      t.handle = this.#deps.timers.schedule(t.atMs, () => this.#fireTurn(t));
      return;
    }
    this.#turnTimer = null;
    const { seat, step, rule } = t;
    this.#internal('turn', async () => {
      const loading = this.#ensureUsage();
      if (loading !== undefined) await loading;
      const plan = this.#plan();
      if (decideAuto(plan, seat, step, rule, { usage: this.#usage, leaveAfterHand: this.#leaveAfterHand })) {
        await this.#commit(plan);
      }
    });
  }

  /** The start of the next hand (after the seed reveal or the pause between hands); the turn's timer is apart (`#moveTurnTimer`). */
  #wantHandTimers(s: RoomState, call: number): number {
    if (s.hand !== null || s.next === null) return 0;
    if (s.next.ceremony.phase === 'revealing' && s.next.revealDeadlineMs !== null)
      return this.#want('reveal', s.next.revealDeadlineMs, 'start', '', call);
    if (s.status === 'playing' && this.#nextStartAtMs !== null) return this.#want('between', this.#nextStartAtMs, 'start', '', call);
    return 0;
  }

  /** The start deadline of a room without enough players, each disconnected player's grace and each open play window. */
  #wantMemberTimers(s: RoomState, call: number): number {
    let wanted = 0;
    if (s.status === 'waiting' || (s.hand === null && seatedCount(s) < 2)) {
      const from = s.status === 'waiting' ? s.createdAtMs : (s.last?.endedAtMs ?? s.createdAtMs);
      wanted += this.#want('deadline', from + START_DEADLINE_MS, 'deadline', '', call);
    }
    if (this.#disconnectedSince.size > 0) wanted += this.#wantGraceTimers(s, call);
    const hand = s.hand;
    if (hand === null) return wanted;
    for (const hp of hand.players) {
      if (hp.windowEndsAtMs === null || memberOf(s, hp.playerId)?.windowClosed !== false) continue;
      wanted += this.#want(this.#keyOf(this.#windowKeys, 'window:', hp.playerId), hp.windowEndsAtMs, 'window', hp.playerId, call);
    }
    return wanted;
  }

  /** Each disconnected player's grace (asked only when someone is away: no iterator per action). */
  #wantGraceTimers(s: RoomState, call: number): number {
    let wanted = 0;
    for (const [pid, since] of this.#disconnectedSince) {
      const m = memberOf(s, pid);
      if (m === undefined || m.seat === null || m.role === 'owner' || this.#leaveAfterHand.has(pid)) continue;
      wanted += this.#want(this.#keyOf(this.#graceKeys, 'grace:', pid), since + RECONNECT_GRACE_MS, 'grace', pid, call);
    }
    return wanted;
  }

  /** A player's timer key, made once per player. */
  #keyOf(keys: Map<string, string>, prefix: string, playerId: string): string {
    let key = keys.get(playerId);
    if (key === undefined) {
      key = `${prefix}${playerId}`;
      keys.set(playerId, key);
    }
    return key;
  }

  /** What a timer of `kind` (for `playerId`, where it has one) does when it fires. */
  #timerFn(kind: TimerKind, playerId: string): () => void {
    switch (kind) {
      case 'linger':
        return () => this.evict();
      case 'start':
        return () =>
          this.#internal('start', async () => {
            const plan = this.#plan();
            const info = await this.#startInfo();
            if (tryStart(plan, 'timer', info) === 'waiting' && this.#state.status === 'playing') {
              this.#nextStartAtMs = this.#deps.timers.nowMs() + BETWEEN_HANDS_MS;
            }
            await this.#commit(plan, {}, info);
            this.#reschedule();
          });
      case 'deadline':
        return () =>
          this.#internal('deadline', async () => {
            const cur = this.#state;
            if (!isLive(cur) || cur.hand !== null) return;
            if (cur.status === 'playing' && seatedCount(cur) >= 2) return;
            const plan = this.#plan();
            dissolve(plan, null, cur.status === 'waiting' ? 'not_started' : 'abandoned');
            await this.#commit(plan);
          });
      case 'grace':
        return () =>
          this.#internal('grace', async () => {
            if (!this.#disconnectedSince.has(playerId)) return;
            const plan = this.#plan();
            if (decideGraceExpired(plan, playerId) === 'after_hand') this.#leaveAfterHand.add(playerId);
            await this.#commit(plan);
            this.#reschedule();
          });
      case 'window':
        return () =>
          this.#internal('window', async () => {
            const plan = this.#plan();
            decideWindowClosed(plan, playerId);
            await this.#commit(plan);
          });
    }
  }

  #cancelTimers(): void {
    for (const t of this.#timers.values()) this.#deps.timers.cancel(t.handle);
    this.#timers.clear();
    if (this.#turnTimer !== null) this.#deps.timers.cancel(this.#turnTimer.handle);
    this.#turnTimer = null;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Leaves memory: closes every connection and stops the timers. */
  evict(): void {
    if (this.#evicted) return;
    this.#evicted = true;
    this.#cancelTimers();
    for (const list of this.#conns.values()) for (const c of list) c.close(1000, 'room closed');
    this.#conns.clear();
    this.#deps.chat.forgetRoom(this.id);
    this.#deps.voice?.forgetRoom(this.id);
    this.#deps.onEvicted(this);
  }

  /** Graceful shutdown: refuse new commands, let queued ones finish (each persists before it applies), then close connections. */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#cancelTimers();
    await this.idle();
    // Replies to the commands just applied are sent by their callers' continuations: let those run
    // before the close frames, or a player would see "connection lost" for an action that counted.
    await new Promise((r) => setImmediate(r));
    for (const list of this.#conns.values()) {
      for (const c of list) {
        c.send(JSON.stringify({ t: 'closed', code: 'ROOM_SERVER_RESTARTING', reason: 'restart' }));
        c.close(CloseCodes.RESTART, 'server restarting');
      }
    }
    this.#conns.clear();
  }
}
