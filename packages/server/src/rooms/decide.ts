// Commands → events. Each `decide*` function checks a command against the room's state (every
// role and rule check happens here, on the server), then adds the events it causes to a Plan,
// which evolves a working copy as it goes so later checks see earlier events. A refused command
// throws an AppError and adds nothing. Nothing here touches the database or the network: the
// actor commits a plan's events (and the money and records they imply) in one unit of work.
import { randomBytes } from 'node:crypto';
import { AppError, assert, splitIntegerByWeights } from '@fairground/core';
import {
  autoAction,
  bytesToHex,
  checkHandAction,
  commitClientSeed,
  type HandAction,
  type HandActionType,
  revealClientSeed,
  serverSeedCommitment,
} from '@fairground/rules';
import { RoomErrors } from './errors.ts';
import { type EvolveContext, evolve } from './evolve.ts';
import { chainNext, type HandRecord, handRecord, recordHash, recordJson } from './history.ts';
import { CLASSIC_SEATS, OBSERVERS_MAX, SEED_REVEAL_MS } from './limits.ts';
import { applyRuleChanges, type RoomParamsInput } from './params.ts';
import type { RoomPolicyLimits } from './ports.ts';
import type { RoomSealer } from './sealing.ts';
import {
  type EndReason,
  type HandDelta,
  type HandPlayer,
  isLive,
  type LeaveReason,
  type Member,
  memberOf,
  type Role,
  type RoomEvent,
  type RoomEventBody,
  type RoomState,
  seatedMembers,
} from './state.ts';

export interface DecideContext extends EvolveContext {
  readonly nowMs: number;
  readonly limits: RoomPolicyLimits;
  readonly sealer: RoomSealer;
}

/** A finished hand's sealed record, written with the events that end it. */
export interface PlannedRecord {
  readonly handNumber: number;
  /** The record, and its JSON as sealed (the summaries for risk are made of the record, not read back from the JSON). */
  readonly record: HandRecord;
  readonly json: string;
  readonly prevHash: string;
  readonly recordHash: string;
  readonly chainHash: string;
  readonly deltas: readonly HandDelta[];
  readonly dealt: readonly string[];
}

export class Plan {
  readonly before: RoomState;
  readonly ctx: DecideContext;
  readonly records: PlannedRecord[] = [];
  #state: RoomState;
  // Made at the first event, sized for one: most plans carry a single hand action, and a plan
  // lives until its events are on disk (long enough to be promoted), so an empty array's first
  // push (room for 16) would be carried into the old generation at every action.
  #events: RoomEvent[] | null = null;
  #statesAfter: RoomState[] | null = null;

  constructor(state: RoomState, ctx: DecideContext) {
    this.before = state;
    this.ctx = ctx;
    this.#state = state;
  }

  get state(): RoomState {
    return this.#state;
  }

  /** The events added, in order. */
  get events(): readonly RoomEvent[] {
    return this.#events ?? NO_EVENTS;
  }

  /** The room after each event, in order (persistence projects each event with its before and after). */
  get statesAfter(): readonly RoomState[] {
    return this.#statesAfter ?? NO_STATES;
  }

  add(body: RoomEventBody): RoomState {
    const e = { ...body, seq: this.#state.version + 1, atMs: this.ctx.nowMs } as RoomEvent;
    this.#state = evolve(this.#state, e, this.ctx);
    if (this.#events === null || this.#statesAfter === null) {
      this.#events = [e];
      this.#statesAfter = [this.#state];
    } else {
      this.#events.push(e);
      this.#statesAfter.push(this.#state);
    }
    return this.#state;
  }
}

const NO_EVENTS: readonly RoomEvent[] = Object.freeze([]);
const NO_STATES: readonly RoomState[] = Object.freeze([]);

type Def = (typeof RoomErrors)[keyof typeof RoomErrors];

function refuse(def: Def, details?: Record<string, unknown>): never {
  throw new AppError(def, details);
}

export function requireLive(s: RoomState): void {
  if (s.status === 'dissolved') refuse(s.endReason === 'security_risk' ? RoomErrors.ROOM_SECURITY_RISK : RoomErrors.ROOM_DISSOLVED);
  if (s.status === 'finished') refuse(RoomErrors.ROOM_FINISHED);
}

export function requireMember(s: RoomState, playerId: string): Member {
  const m = memberOf(s, playerId);
  if (m === undefined) refuse(RoomErrors.ROOM_NOT_MEMBER);
  return m;
}

function requireRole(m: Member, roles: readonly Role[]): void {
  if (!roles.includes(m.role)) refuse(RoomErrors.ROOM_ROLE_FORBIDDEN, { role: m.role, needs: [...roles] });
}

function requireSeated(m: Member): number {
  if (m.seat === null) refuse(RoomErrors.ROOM_OBSERVER_CANNOT_ACT);
  return m.seat;
}

/** True while `playerId` is dealt into the current hand and has not folded or lost. */
export function activeInHand(s: RoomState, playerId: string): boolean {
  const hand = s.hand;
  if (hand === null || hand.state.phase === 'over') return false;
  const hp = hand.players.find((p) => p.playerId === playerId);
  if (hp === undefined) return false;
  return hand.state.players.find((p) => p.seat === hp.seat)?.status === 'active';
}

// ------------------------------------------------------------------ hand lifecycle

export function nextHandNumber(s: RoomState): number {
  return (s.last?.handNumber ?? 0) + 1;
}

/** Draws the next hand's server seed, seals it into the log and publishes its commitment. */
export function commitNextHand(plan: Plan): void {
  const s = plan.state;
  const handNumber = nextHandNumber(s);
  const seed = new Uint8Array(randomBytes(32));
  plan.add({
    kind: 'hand_committed',
    handNumber,
    commitment: serverSeedCommitment(seed),
    sealedSeed: plan.ctx.sealer.sealSeed(seed, s.id, handNumber),
  });
}

export interface DayUsage {
  readonly won: number;
  readonly lost: number;
}

export interface StartInfo {
  /** Players whose seat counts as ready without a click: disconnected or on auto-play. */
  readonly absent: ReadonlySet<string>;
  /** Play-window ends (minors) for the seated players; absent or null means no window. */
  readonly windows: ReadonlyMap<string, number | null>;
  /** Today's points won and lost per seated player, when the policy caps points per day. */
  readonly usage: ReadonlyMap<string, DayUsage>;
}

export type StartTrigger = 'ready' | 'owner' | 'timer' | 'reveal';
export type StartOutcome = 'started' | 'revealing' | 'waiting';

function stackFor(limits: RoomPolicyLimits, usage: DayUsage | undefined): number | null {
  const caps: number[] = [];
  if (limits.handPointsMax !== null) caps.push(limits.handPointsMax);
  if (limits.dayPointsMax !== null) caps.push(limits.dayPointsMax - (usage?.lost ?? 0));
  return caps.length === 0 ? null : Math.max(0, Math.min(...caps));
}

function winCapFor(limits: RoomPolicyLimits, usage: DayUsage | undefined): number | null {
  const caps: number[] = [];
  if (limits.handPointsMax !== null) caps.push(limits.handPointsMax);
  if (limits.dayPointsMax !== null) caps.push(limits.dayPointsMax - (usage?.won ?? 0));
  return caps.length === 0 ? null : Math.max(0, Math.min(...caps));
}

/**
 * Whether a seated member takes part in the next hand by presence and readiness: a player at the
 * table who clicked ready, or one on 托管 (auto-play, which only a 托管 room offers). A player who
 * is offline sits the hand out, unless the room's rule is 托管, where the turn timer plays for
 * them (auto-call, as the rule says) and everyone sees them marked offline.
 */
export function dealsIn(s: RoomState, m: RoomState['members'][number], info: StartInfo): boolean {
  if (m.trusteeship) return true;
  const offline = info.absent.has(m.playerId);
  if (offline) return s.params.trusteeship === 'call';
  return m.ready;
}

/** Who would be dealt in now: seated and present or on 托管 (`dealsIn`), window open, identity checked when required, points left under the caps. */
export function eligiblePlayers(s: RoomState, limits: RoomPolicyLimits, info: StartInfo, nowMs: number): HandPlayer[] {
  const handNumber = s.next?.handNumber ?? nextHandNumber(s);
  const out: HandPlayer[] = [];
  for (const m of seatedMembers(s)) {
    if (m.windowClosed || !dealsIn(s, m, info)) continue;
    const windowEndsAtMs = info.windows.get(m.playerId) ?? null;
    if (windowEndsAtMs !== null && windowEndsAtMs <= nowMs) continue;
    if (s.params.identityCheck && m.identityHand !== handNumber) continue;
    const stackPoints = stackFor(limits, info.usage.get(m.playerId));
    if (stackPoints !== null && stackPoints < s.params.baseScore) continue;
    out.push({ seat: m.seat as number, playerId: m.playerId, stackPoints, windowEndsAtMs });
  }
  return out;
}

/**
 * Starts the next hand if the room is ready for it. Before the first hand every seated player
 * must click ready and the table must be full (or the owner starts it); between hands the next
 * hand starts when everyone present is ready or the pause runs out. Players whose play window
 * has closed leave their seats first. With client seeds committed, commitments close and the deal
 * waits for the reveals (or their deadline).
 */
export function tryStart(plan: Plan, trigger: StartTrigger, info: StartInfo): StartOutcome {
  let s = plan.state;
  if (!isLive(s) || s.hand !== null || s.next === null) return 'waiting';
  const now = plan.ctx.nowMs;
  for (const m of seatedMembers(s)) {
    const end = info.windows.get(m.playerId) ?? null;
    if (m.windowClosed || (end !== null && end <= now))
      s = plan.add({ kind: 'member_left', playerId: m.playerId, reason: 'play_window', by: null });
  }
  const seated = seatedMembers(s);
  if (seated.length < 2) return 'waiting';
  if (s.next?.ceremony.phase !== 'revealing') {
    if (s.status === 'waiting') {
      if (!seated.every((m) => m.ready)) return 'waiting';
      if (seated.length < s.params.seats && trigger !== 'owner') return 'waiting';
    } else if (trigger !== 'timer' && !seated.every((m) => m.ready || info.absent.has(m.playerId))) {
      return 'waiting';
    }
  }
  const dealt = eligiblePlayers(s, plan.ctx.limits, info, now);
  if (dealt.length < 2) return 'waiting';
  // A room whose players have all gone does not play on by itself: someone dealt in is at the table.
  if (!dealt.some((p) => !info.absent.has(p.playerId))) return 'waiting';
  const next = s.next as NonNullable<RoomState['next']>;
  if (next.ceremony.phase === 'committing' && next.ceremony.commitments.length > 0) {
    plan.add({ kind: 'ceremony_closed', revealDeadlineMs: now + SEED_REVEAL_MS });
    return 'revealing';
  }
  if (next.ceremony.phase === 'revealing' && trigger !== 'reveal' && trigger !== 'timer') return 'revealing';
  const last = s.last;
  const owner = memberOf(s, s.ownerId);
  const dealerSeat = last?.winnerSeats[0] ?? last?.dealerSeat ?? owner?.seat ?? 0;
  plan.add({ kind: 'hand_started', handNumber: next.handNumber, dealerSeat, players: dealt, dealtFrom: 'commitments' });
  return 'started';
}

/**
 * Net points of the hand per player, after the policy's caps: a winner above their cap keeps the
 * cap and the excess goes back to the losers in proportion to what they lost. Sums to zero.
 */
export function cappedDeltas(s: RoomState, limits: RoomPolicyLimits, usage: ReadonlyMap<string, DayUsage>): HandDelta[] {
  const hand = s.hand;
  assert(hand !== null && hand.state.result !== null, 'a settled hand');
  const playerOf = new Map(hand.players.map((p) => [p.seat, p.playerId]));
  const deltas = hand.state.result.deltas.map((d) => ({ seat: d.seat, playerId: playerOf.get(d.seat) as string, points: d.points }));
  let excess = 0;
  for (const d of deltas) {
    const cap = winCapFor(limits, usage.get(d.playerId));
    if (cap !== null && d.points > cap) {
      excess += d.points - cap;
      d.points = cap;
    }
  }
  if (excess > 0) {
    const losers = deltas.filter((d) => d.points < 0);
    const back = splitIntegerByWeights(
      excess,
      losers.map((d) => -d.points),
    );
    losers.forEach((d, i) => {
      d.points += back[i] as number;
    });
  }
  assert(deltas.reduce((a, d) => a + d.points, 0) === 0, 'hand deltas sum to zero');
  return deltas;
}

/** Ends the current hand: reveals its seed, seals its record into the chain, and scores it (unless aborted). */
export function endHand(plan: Plan, aborted: boolean, usage: ReadonlyMap<string, DayUsage>): void {
  const s = plan.state;
  const hand = s.hand;
  assert(hand !== null, 'a hand to end');
  const serverSeed = bytesToHex(plan.ctx.openSeed(hand.sealedSeed, s.id, hand.handNumber));
  const deltas = aborted ? [] : cappedDeltas(s, plan.ctx.limits, usage);
  const record = handRecord(s.id, hand, { serverSeed, deltas, aborted, endedAtMs: plan.ctx.nowMs });
  const json = recordJson(record);
  const rHash = recordHash(json);
  const chainHash = chainNext(s.chainHash, rHash);
  plan.records.push({
    handNumber: hand.handNumber,
    record,
    json,
    prevHash: s.chainHash,
    recordHash: rHash,
    chainHash,
    deltas,
    dealt: hand.players.map((p) => p.playerId),
  });
  plan.add({ kind: 'hand_ended', handNumber: hand.handNumber, serverSeed, deltas, aborted, chainHash });
}

/**
 * After an action that may have ended the hand: settle it, unseat the players who must go (play
 * window closed, or gone past the reconnection grace), then finish the room or commit the next hand.
 */
function afterAction(plan: Plan, usage: ReadonlyMap<string, DayUsage>, leaveAfterHand: ReadonlySet<string>): void {
  const hand = plan.state.hand;
  if (hand === null || hand.state.phase !== 'over') return;
  endHand(plan, false, usage);
  for (const m of seatedMembers(plan.state)) {
    if (m.role === 'owner') continue;
    if (m.windowClosed) plan.add({ kind: 'member_left', playerId: m.playerId, reason: 'play_window', by: null });
    else if (leaveAfterHand.has(m.playerId)) plan.add({ kind: 'member_left', playerId: m.playerId, reason: 'disconnected', by: null });
  }
  if (plan.state.handsPlayed >= plan.state.params.rounds) plan.add({ kind: 'room_finished' });
  else commitNextHand(plan);
}

export interface ActOptions {
  readonly usage: ReadonlyMap<string, DayUsage>;
  readonly leaveAfterHand: ReadonlySet<string>;
}

/** A player's own action. The seat is the player's, never one named by the client. */
export function decideAct(
  plan: Plan,
  playerId: string,
  action: { type: HandActionType; toStakePoints?: number; targetSeat?: number },
  o: ActOptions,
): void {
  const s = plan.state;
  requireLive(s);
  const m = requireMember(s, playerId);
  const seat = requireSeated(m);
  const hand = s.hand;
  if (hand === null) refuse(RoomErrors.ROOM_NO_HAND);
  if (!hand.players.some((p) => p.playerId === playerId && p.seat === seat)) refuse(RoomErrors.ROOM_NOT_IN_HAND);
  if (m.windowClosed && action.type !== 'fold') refuse(RoomErrors.ROOM_PLAY_WINDOW_CLOSED);
  const full = { ...action, seat, step: hand.state.step } as HandAction;
  const error = checkHandAction(hand.state, full);
  if (error !== null) throw error;
  plan.add({ kind: 'hand_action', action: full, auto: false });
  afterAction(plan, o.usage, o.leaveAfterHand);
}

/**
 * The room acting for a seat: the turn timer ran out, the player is on 托管, or their play window
 * closed. `step` is the hand step the timer was set for; a player who acted since wins.
 */
export function decideAuto(plan: Plan, seat: number, step: number, rule: 'fold' | 'call', o: ActOptions): boolean {
  const hand = plan.state.hand;
  if (!isLive(plan.state) || hand === null || hand.state.step !== step) return false;
  const action = autoAction(hand.state, seat, rule);
  if (action === null) return false;
  plan.add({ kind: 'hand_action', action, auto: true });
  afterAction(plan, o.usage, o.leaveAfterHand);
  return true;
}

// ------------------------------------------------------------------ membership

export interface JoinInput {
  readonly playerId: string;
  readonly nickname: string;
  /** The skin the player wears (from the skins domain), shown to the table. */
  readonly skin?: string;
  readonly role: 'member' | 'observer';
  readonly ip: string;
  readonly invitedBy: string | null;
  /** A personal invitation made after the player was kicked lets them back in. */
  readonly personalInvite: boolean;
  readonly windowEndMs: number | null;
}

/** Refusals a join can meet, without changing anything (checked again inside `decideJoin`). */
export function checkJoin(s: RoomState, j: JoinInput, nowMs: number): void {
  requireLive(s);
  if (memberOf(s, j.playerId) !== undefined) return;
  if (s.kicked.includes(j.playerId) && !j.personalInvite) refuse(RoomErrors.ROOM_KICKED);
  if (j.role === 'observer') {
    if (!s.params.spectators) refuse(RoomErrors.ROOM_SPECTATORS_OFF);
    if (s.members.filter((m) => m.role === 'observer').length >= OBSERVERS_MAX) refuse(RoomErrors.ROOM_OBSERVERS_FULL);
    return;
  }
  if (j.windowEndMs !== null && j.windowEndMs <= nowMs) refuse(RoomErrors.ROOM_PLAY_WINDOW_CLOSED);
  const seated = seatedMembers(s);
  if (seated.length >= s.params.seats) refuse(RoomErrors.ROOM_FULL);
  if (!s.params.sameIpAllowed && seated.some((m) => m.ip === j.ip)) refuse(RoomErrors.ROOM_SAME_IP);
}

/** Seats a member at the lowest free seat, or adds an observer. Returns the seat (null for observers). */
export function decideJoin(plan: Plan, j: JoinInput): number | null {
  const s = plan.state;
  checkJoin(s, j, plan.ctx.nowMs);
  const existing = memberOf(s, j.playerId);
  if (existing !== undefined) return existing.seat;
  let seat: number | null = null;
  if (j.role === 'member') {
    const taken = new Set(seatedMembers(s).map((m) => m.seat));
    for (let i = 0; i < s.params.seats; i++) {
      if (!taken.has(i)) {
        seat = i;
        break;
      }
    }
    assert(seat !== null, 'a free seat exists');
  }
  plan.add({
    kind: 'member_joined',
    playerId: j.playerId,
    nickname: j.nickname,
    ...(j.skin !== undefined ? { skin: j.skin } : {}),
    role: j.role,
    seat,
    ip: j.ip,
    invitedBy: j.invitedBy,
  });
  checkSharedAddresses(plan);
  return seat;
}

/** Seed §五: three or more seated players on one network address dissolve the room ("安全风险"). */
export function checkSharedAddresses(plan: Plan): boolean {
  const counts = new Map<string, string[]>();
  for (const m of seatedMembers(plan.state)) counts.set(m.ip, [...(counts.get(m.ip) ?? []), m.playerId]);
  for (const ids of counts.values()) {
    if (ids.length >= 3) {
      dissolve(plan, null, 'security_risk');
      return true;
    }
  }
  return false;
}

export function dissolve(plan: Plan, by: string | null, reason: EndReason): void {
  if (plan.state.hand !== null) endHand(plan, true, new Map());
  plan.add({ kind: 'room_dissolved', by, reason });
}

export function decideLeave(plan: Plan, playerId: string, reason: LeaveReason = 'left'): void {
  const s = plan.state;
  requireLive(s);
  const m = requireMember(s, playerId);
  if (m.role === 'owner') refuse(RoomErrors.ROOM_OWNER_MUST_TRANSFER);
  if (activeInHand(s, playerId)) refuse(RoomErrors.ROOM_HAND_IN_PROGRESS);
  plan.add({ kind: 'member_left', playerId, reason, by: null });
}

export function decideKick(plan: Plan, actorId: string, targetId: string): void {
  const s = plan.state;
  requireLive(s);
  const actor = requireMember(s, actorId);
  requireRole(actor, ['owner', 'admin']);
  const target = memberOf(s, targetId);
  if (target === undefined) refuse(RoomErrors.ROOM_TARGET_NOT_MEMBER);
  if (targetId === actorId) refuse(RoomErrors.ROOM_TARGET_INVALID, { reason: 'cannot kick yourself' });
  // Admins remove members and spectators; only the owner removes an admin; nobody removes the owner.
  if (target.role === 'owner' || (actor.role === 'admin' && target.role === 'admin')) {
    refuse(RoomErrors.ROOM_ROLE_FORBIDDEN, { role: actor.role, target: target.role });
  }
  if (activeInHand(s, targetId)) refuse(RoomErrors.ROOM_HAND_IN_PROGRESS);
  plan.add({ kind: 'member_left', playerId: targetId, reason: 'kicked', by: actorId });
}

export function decideSetAdmin(plan: Plan, actorId: string, targetId: string, admin: boolean): void {
  const s = plan.state;
  requireLive(s);
  requireRole(requireMember(s, actorId), ['owner']);
  const target = memberOf(s, targetId);
  if (target === undefined) refuse(RoomErrors.ROOM_TARGET_NOT_MEMBER);
  if (target.role === 'owner' || target.role === 'observer') refuse(RoomErrors.ROOM_TARGET_INVALID, { role: target.role });
  const role = admin ? 'admin' : 'member';
  if (target.role !== role) plan.add({ kind: 'role_changed', playerId: targetId, role, by: actorId });
}

export function decideTransferOwner(plan: Plan, actorId: string, targetId: string): void {
  const s = plan.state;
  requireLive(s);
  requireRole(requireMember(s, actorId), ['owner']);
  const target = memberOf(s, targetId);
  if (target === undefined) refuse(RoomErrors.ROOM_TARGET_NOT_MEMBER);
  if (target.role === 'owner' || target.role === 'observer') refuse(RoomErrors.ROOM_TARGET_INVALID, { role: target.role });
  plan.add({ kind: 'owner_transferred', from: actorId, to: targetId });
}

export function decideRules(plan: Plan, actorId: string, changes: RoomParamsInput): readonly string[] {
  const s = plan.state;
  requireLive(s);
  requireRole(requireMember(s, actorId), ['owner']);
  if (s.hand !== null) refuse(RoomErrors.ROOM_HAND_IN_PROGRESS);
  const { params, changed } = applyRuleChanges(s.params, changes);
  assert(params.mode !== 'classic' || params.seats === CLASSIC_SEATS, 'classic stays three seats');
  if (changed.length > 0) plan.add({ kind: 'rules_changed', by: actorId, params, changed });
  return changed;
}

export function decideDissolve(plan: Plan, actorId: string): void {
  const s = plan.state;
  requireLive(s);
  requireRole(requireMember(s, actorId), ['owner']);
  dissolve(plan, actorId, 'owner');
}

/** The risk domain's policy ends a live room whose players it found colluding (see Rooms.dissolveForFairPlay). */
export function decideFairPlayDissolve(plan: Plan): void {
  requireLive(plan.state);
  dissolve(plan, null, 'fair_play');
}

export function decideReady(plan: Plan, playerId: string, ready: boolean): void {
  const s = plan.state;
  requireLive(s);
  const m = requireMember(s, playerId);
  requireSeated(m);
  if (s.hand !== null) refuse(RoomErrors.ROOM_HAND_IN_PROGRESS);
  if (ready && s.params.identityCheck && s.next !== null && m.identityHand !== s.next.handNumber) refuse(RoomErrors.ROOM_IDENTITY_REQUIRED);
  if (m.ready !== ready) plan.add({ kind: 'ready_set', playerId, ready });
}

export function checkOwnerStart(s: RoomState, playerId: string): void {
  requireLive(s);
  requireRole(requireMember(s, playerId), ['owner']);
  if (s.status !== 'waiting') refuse(RoomErrors.ROOM_ALREADY_STARTED);
  const seated = seatedMembers(s);
  if (seated.length < 2 || !seated.every((m) => m.ready)) refuse(RoomErrors.ROOM_NOT_STARTABLE, { seated: seated.length });
}

export function decideTrusteeship(plan: Plan, playerId: string, on: boolean): void {
  const s = plan.state;
  requireLive(s);
  const m = requireMember(s, playerId);
  requireSeated(m);
  if (s.params.trusteeship !== 'call') refuse(RoomErrors.ROOM_TRUSTEESHIP_OFF);
  if (m.trusteeship !== on) plan.add({ kind: 'trusteeship_set', playerId, on });
}

export function decideSeedCommit(plan: Plan, playerId: string, commitment: string): void {
  const s = plan.state;
  requireLive(s);
  const seat = requireSeated(requireMember(s, playerId));
  if (s.next === null || s.next.ceremony.phase !== 'committing') refuse(RoomErrors.ROOM_CEREMONY_CLOSED);
  const r = commitClientSeed(s.next.ceremony, seat, commitment);
  if (!r.ok) throw r.error;
  plan.add({ kind: 'seed_committed', seat, commitment });
}

/** Returns true when every committed seat has now revealed. */
export function decideSeedReveal(plan: Plan, playerId: string, seed: string): boolean {
  const s = plan.state;
  requireLive(s);
  const seat = requireSeated(requireMember(s, playerId));
  if (s.next === null || s.next.ceremony.phase !== 'revealing') refuse(RoomErrors.ROOM_CEREMONY_CLOSED);
  const r = revealClientSeed(s.next.ceremony, seat, seed);
  if (!r.ok) throw r.error;
  const after = plan.add({ kind: 'seed_revealed', seat, seed });
  const c = after.next?.ceremony;
  if (c === undefined) return false;
  return c.commitments.every((x) => c.reveals.some((r2) => r2.seat === x.seat));
}

export function checkIdentity(s: RoomState, playerId: string): number {
  requireLive(s);
  requireSeated(requireMember(s, playerId));
  if (!s.params.identityCheck) refuse(RoomErrors.ROOM_IDENTITY_NOT_REQUIRED);
  if (s.next === null) refuse(RoomErrors.ROOM_HAND_IN_PROGRESS);
  return s.next.handNumber;
}

export function decideIdentityVerified(plan: Plan, playerId: string, handNumber: number): void {
  if (plan.state.next?.handNumber !== handNumber || memberOf(plan.state, playerId) === undefined) return;
  plan.add({ kind: 'identity_verified', playerId, handNumber });
}

/** The player's play window closed: fold at the end of their turn and leave after the hand (at once between hands). */
export function decideWindowClosed(plan: Plan, playerId: string): void {
  const s = plan.state;
  const m = memberOf(s, playerId);
  if (!isLive(s) || m === undefined || m.seat === null || m.windowClosed) return;
  plan.add({ kind: 'window_closed', playerId });
  if (!activeInHand(plan.state, playerId) && m.role !== 'owner') {
    plan.add({ kind: 'member_left', playerId, reason: 'play_window', by: null });
  }
}

/** A disconnected player's grace ran out: their seat is given up (after the hand if they are in it). */
export function decideGraceExpired(plan: Plan, playerId: string): 'left' | 'after_hand' | 'stays' {
  const s = plan.state;
  const m = memberOf(s, playerId);
  if (!isLive(s) || m === undefined) return 'stays';
  // The owner keeps the room (and the seat) until they return, dissolve or it expires.
  if (m.role === 'owner') return 'stays';
  if (s.hand?.players.some((p) => p.playerId === playerId)) return 'after_hand';
  plan.add({ kind: 'member_left', playerId, reason: 'disconnected', by: null });
  return 'left';
}

export function decideIpChanged(plan: Plan, playerId: string, ip: string): void {
  const m = memberOf(plan.state, playerId);
  if (!isLive(plan.state) || m === undefined || m.ip === ip) return;
  plan.add({ kind: 'ip_changed', playerId, ip });
  if (m.seat !== null) checkSharedAddresses(plan);
}
