// A room as plain data, and the events that change it. The room's state is a fold of its event
// log (`evolve.ts`), so a restarted server rebuilds every live room from the database, and a
// hand's deck is re-derived from its sealed server seed: a restart can never re-deal a hand.
import type { HandAction, HandState, SeatCommitment, SeatSeed, SeedCeremony } from '@fairground/rules';
import type { FeeQuote } from './fees.ts';
import type { HandActions } from './hand-actions.ts';
import type { RoomParams } from './params.ts';

export type Role = 'owner' | 'admin' | 'member' | 'observer';
/** waiting: no hand yet; playing: the first hand has started; finished: all rounds played; dissolved. */
export type RoomStatus = 'waiting' | 'playing' | 'finished' | 'dissolved';

export interface Member {
  readonly playerId: string;
  readonly nickname: string;
  readonly role: Role;
  /** Observers have no seat; every other member holds one. */
  readonly seat: number | null;
  readonly ready: boolean;
  /** The network address the player joined or last reconnected from (never sent to clients). */
  readonly ip: string;
  readonly joinedAtMs: number;
  readonly invitedBy: string | null;
  /** 托管: the player asked the room to play for them. */
  readonly trusteeship: boolean;
  /** The player's play window (minors' hours) closed during the hand: fold at the end of their turn, then leave. */
  readonly windowClosed: boolean;
  /** The hand number this player passed the identity check for (0: none). */
  readonly identityHand: number;
  /** The skin the player wore when they joined (seen by everyone at the table); absent in older logs. */
  readonly skin?: string;
}

export interface ScoreLine {
  readonly playerId: string;
  readonly nickname: string;
  readonly points: number;
  readonly hands: number;
}

export interface FeePlan extends FeeQuote {
  /** Where the cash remainder goes: revenue (a service fee) or the room's escrow for prizes. */
  readonly remainderTo: 'revenue' | 'room_escrow';
}

/** The next hand, fixed before anyone can know it: its server seed is sealed in the log and committed. */
export interface NextHand {
  readonly handNumber: number;
  readonly commitment: string;
  readonly sealedSeed: string;
  readonly ceremony: SeedCeremony;
  readonly revealDeadlineMs: number | null;
  /** The room version when this next hand was committed: readiness and seeds sent since then are current. */
  readonly sinceVersion: number;
}

export interface HandPlayer {
  readonly seat: number;
  readonly playerId: string;
  /** The most the player may put in this hand (from the policy's caps), or null for no limit. */
  readonly stackPoints: number | null;
  /** When the player's play window ends (minors), or null. */
  readonly windowEndsAtMs: number | null;
}

export interface HandActionRecord {
  readonly action: HandAction;
  readonly auto: boolean;
  readonly atMs: number;
}

export interface CurrentHand {
  readonly handNumber: number;
  readonly commitment: string;
  readonly sealedSeed: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  /** The closed commitments the client seed was made from (seat order); the deal depends on these alone. */
  readonly clientCommitments: readonly SeatCommitment[];
  /** False only for hands logged before the client seed was made from the commitments (dealt from the reveals). */
  readonly dealtFromCommitments: boolean;
  readonly dealerSeat: number;
  readonly players: readonly HandPlayer[];
  readonly startedAtMs: number;
  readonly state: HandState;
  /** In order; appended by linking (see hand-actions.ts). */
  readonly actions: HandActions;
  /** When the current turn began (the turn timer counts from here). */
  readonly turnStartedAtMs: number;
  /** The room version of the hand's last change (its start or its last action): an action decided before it is stale. */
  readonly sinceVersion: number;
}

export interface HandDelta {
  readonly seat: number;
  readonly playerId: string;
  readonly points: number;
}

/** The last finished hand with everything needed to verify its shuffle. */
export interface LastHand {
  readonly handNumber: number;
  readonly commitment: string;
  readonly serverSeed: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  /** The closed commitments the client seed was made from (seat order); the deal depends on these alone. */
  readonly clientCommitments: readonly SeatCommitment[];
  readonly dealerSeat: number;
  readonly players: readonly { readonly seat: number; readonly playerId: string }[];
  readonly deltas: readonly HandDelta[];
  readonly winnerSeats: readonly number[];
  readonly aborted: boolean;
  readonly endedAtMs: number;
}

export type LeaveReason = 'left' | 'kicked' | 'disconnected' | 'play_window' | 'ip_rule';
/** `fair_play`: the risk domain's policy dissolved it (collusion among its players). */
export type EndReason = 'completed' | 'owner' | 'security_risk' | 'not_started' | 'abandoned' | 'fair_play';

export interface RoomState {
  readonly id: string;
  readonly code: string;
  readonly ownerId: string;
  readonly createdAtMs: number;
  /** Events applied so far: clients send it back and stale commands are refused. */
  readonly version: number;
  /** Bumped by every event that is not a hand action: tells the broadcaster to resend the room header. */
  readonly headerVersion: number;
  readonly status: RoomStatus;
  readonly params: RoomParams;
  readonly fee: FeePlan;
  readonly members: readonly Member[];
  /** Removed players; a personal invitation lifts this. */
  readonly kicked: readonly string[];
  readonly scores: readonly ScoreLine[];
  readonly handsPlayed: number;
  readonly hand: CurrentHand | null;
  readonly next: NextHand | null;
  readonly last: LastHand | null;
  readonly startedAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly endReason: EndReason | null;
  /** Head of the hash chain over this room's hand histories (see history.ts). */
  readonly chainHash: string;
}

export type RoomEventBody =
  | {
      readonly kind: 'room_created';
      readonly roomId: string;
      readonly code: string;
      readonly ownerId: string;
      readonly nickname: string;
      readonly skin?: string;
      readonly ip: string;
      readonly params: RoomParams;
      readonly fee: FeePlan;
    }
  | { readonly kind: 'hand_committed'; readonly handNumber: number; readonly commitment: string; readonly sealedSeed: string }
  | {
      readonly kind: 'member_joined';
      readonly playerId: string;
      readonly nickname: string;
      readonly skin?: string;
      readonly role: 'member' | 'observer';
      readonly seat: number | null;
      readonly ip: string;
      readonly invitedBy: string | null;
    }
  | { readonly kind: 'member_left'; readonly playerId: string; readonly reason: LeaveReason; readonly by: string | null }
  | { readonly kind: 'role_changed'; readonly playerId: string; readonly role: 'admin' | 'member'; readonly by: string }
  | { readonly kind: 'owner_transferred'; readonly from: string; readonly to: string }
  | { readonly kind: 'rules_changed'; readonly by: string; readonly params: RoomParams; readonly changed: readonly string[] }
  | { readonly kind: 'ready_set'; readonly playerId: string; readonly ready: boolean }
  | { readonly kind: 'trusteeship_set'; readonly playerId: string; readonly on: boolean }
  | { readonly kind: 'identity_verified'; readonly playerId: string; readonly handNumber: number }
  | { readonly kind: 'ip_changed'; readonly playerId: string; readonly ip: string }
  | { readonly kind: 'seed_committed'; readonly seat: number; readonly commitment: string }
  | { readonly kind: 'ceremony_closed'; readonly revealDeadlineMs: number }
  | { readonly kind: 'seed_revealed'; readonly seat: number; readonly seed: string }
  | {
      readonly kind: 'hand_started';
      readonly handNumber: number;
      readonly dealerSeat: number;
      readonly players: readonly HandPlayer[];
      /**
       * What the client seed was made from: the closed commitments. Absent on hands logged before
       * the rule changed, which were dealt from the revealed seeds: a room rebuilt from its log deals
       * every hand exactly as it was dealt.
       */
      readonly dealtFrom?: 'commitments';
    }
  | { readonly kind: 'hand_action'; readonly action: HandAction; readonly auto: boolean }
  | { readonly kind: 'window_closed'; readonly playerId: string }
  | {
      readonly kind: 'hand_ended';
      readonly handNumber: number;
      readonly serverSeed: string;
      readonly deltas: readonly HandDelta[];
      readonly aborted: boolean;
      /** Hash-chain head of the room's hand histories after this hand. */
      readonly chainHash: string;
    }
  | { readonly kind: 'room_finished' }
  | { readonly kind: 'room_dissolved'; readonly by: string | null; readonly reason: EndReason };

export type RoomEventKind = RoomEventBody['kind'];

export type RoomEvent = RoomEventBody & { readonly seq: number; readonly atMs: number };

export function memberOf(s: RoomState, playerId: string): Member | undefined {
  // A loop, not `find` with a closure: asked several times per action (the checks, every recipient of a broadcast).
  for (const m of s.members) if (m.playerId === playerId) return m;
  return undefined;
}

export function seatedMembers(s: RoomState): Member[] {
  // Members usually join in seat order: the list is sorted only when it is not already (the same
  // list either way, as two members never share a seat), which spares a sort's copy at every call.
  const out: Member[] = [];
  let ordered = true;
  for (const m of s.members) {
    if (m.seat === null) continue;
    if (out.length > 0 && m.seat < ((out[out.length - 1] as Member).seat as number)) ordered = false;
    out.push(m);
  }
  return ordered ? out : out.sort((a, b) => (a.seat as number) - (b.seat as number));
}

/** How many members are seated (no list made, none sorted: asked at every ready click and between hands at every change). */
export function seatedCount(s: RoomState): number {
  let n = 0;
  for (const m of s.members) if (m.seat !== null) n += 1;
  return n;
}

export function isLive(s: RoomState): boolean {
  return s.status === 'waiting' || s.status === 'playing';
}
