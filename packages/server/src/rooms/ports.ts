// What the rooms domain needs from outside, in its own terms. The composition root binds each
// port once: compliance answers the policy, risk the gate and signals, and the notary and face
// check are adapters chosen at start (stand-ins in `standins/` until real providers exist).
import type { Tx } from '../storage/ports.ts';
import type { RoomState } from './state.ts';
import type { VoiceCommandFrame } from './frames.ts';

export type RiskAction = 'create_room' | 'join_room';

export type RiskDecision = { readonly allow: true } | { readonly allow: false; readonly code: string; readonly message: string };

/** The risk domain's verdict on a player (credit score, restrictions), asked before creating or joining. */
export interface RiskGate {
  allows(playerId: string, action: RiskAction): Promise<RiskDecision>;
}

/** Signals rooms emit for the risk domain's credit score and the complaint rate. */
export type RoomRiskSignal =
  | { readonly kind: 'early_exit'; readonly playerId: string; readonly roomId: string; readonly reason: string }
  | {
      readonly kind: 'report_filed';
      readonly playerId: string;
      readonly roomId: string;
      readonly targetPlayerId: string | null;
      readonly reason: string;
    }
  | { readonly kind: 'same_ip_blocked'; readonly playerId: string; readonly roomId: string }
  | { readonly kind: 'same_ip_dissolved'; readonly roomId: string; readonly playerIds: readonly string[] }
  | { readonly kind: 'identity_check_failed'; readonly playerId: string; readonly roomId: string }
  /** A hand played to its end (not aborted): the risk domain's collusion and bot-timing evidence. */
  | { readonly kind: 'hand_finished'; readonly summary: RoomHandSummary }
  /** A room played to its last round: its seated players' credit recovers. */
  | { readonly kind: 'room_completed'; readonly roomId: string; readonly playerIds: readonly string[] };

/** One finished hand as the risk domain reads it (built by risk-summary.ts). */
export interface RoomHandSummary {
  readonly handId: string;
  readonly roomId: string;
  readonly endedAtMs: number;
  readonly players: readonly string[];
  /** Each 比牌: who asked, whom they could have asked, whom they asked, who won. */
  readonly compares: readonly {
    readonly by: string;
    readonly choices: readonly string[];
    readonly target: string;
    readonly winner: string;
  }[];
  /** Net points of each player in the hand. */
  readonly deltas: Readonly<Record<string, number>>;
  /** Each action a player took themself, with the time since the previous action, on the server's clock. */
  readonly decisions: readonly { readonly playerId: string; readonly reactionMs: number }[];
}

/** What a room does when the risk domain's policy dissolves it (bound by the composition root). */
export type RiskDissolveResult = 'dissolved' | 'not_live';

export interface RiskSignals {
  /** Records a signal in the caller's unit of work. */
  record(tx: Tx, signal: RoomRiskSignal): Promise<void>;
}

/** What the jurisdiction policy says about friend rooms. */
export interface RoomPolicyLimits {
  /** Most points one player may win or lose in one hand; null: no cap. */
  readonly handPointsMax: number | null;
  /** Most points one player may win, and most they may lose, in one China calendar day; null: no cap. */
  readonly dayPointsMax: number | null;
  /**
   * What happens to a cash fee after the commission: 'service_fee' (the whole fee is the platform's
   * service fee; nothing is ever paid out by game results) or 'prize_by_scoreboard' (the remainder
   * is split among the players with positive final scores, by score).
   */
  readonly cashRemainder: 'service_fee' | 'prize_by_scoreboard';
  readonly cashModeAllowed: boolean;
  /** Whether rooms may ask for a face check before each hand ('optional'), must ('required'), or may not ('off'). */
  readonly faceCheck: 'off' | 'optional' | 'required';
}

export interface RoomPolicy {
  limits(): RoomPolicyLimits;
  /**
   * When the player's allowed play window ends (minors' hours), or null when no window applies.
   * A time at or before `nowMs` means the window is closed now.
   */
  playWindowEndMs(playerId: string, nowMs: number): Promise<number | null>;
}

/** A finished hand queued for attestation: its chain head and the Merkle leaf of its record. */
export interface NotaryEntry {
  readonly chainId: string;
  readonly seq: number;
  /** The chain head after this hand: the hash of the room's hand histories up to `seq`. */
  readonly headHash: string;
  /** RFC 9162 leaf hash of the hand's record, SHA-256(0x00 ‖ record JSON), hex: what the time-stamped tree holds. */
  readonly leafHash: string;
  /** When the hand was queued; in a lookup, the time the authority signed. */
  readonly atMs: number;
}

/**
 * Third-party attestation (存证): finished hands go into a durable queue and are time-stamped by an
 * independent authority, so a stored hand that is later altered no longer matches what it signed.
 */
export interface Notary {
  /** Queues hands in the caller's unit of work: a hand is stored with its place in the queue or not at all. */
  enqueue(tx: Tx, entries: readonly NotaryEntry[]): Promise<void>;
  /** The hands the authority has time-stamped for a chain, oldest first. */
  lookup(chainId: string): Promise<readonly NotaryEntry[]>;
}

/** The identity (face) check a room may ask for before each hand, through the provider's ticket. */
export interface IdentityCheck {
  verify(playerId: string, ticket: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;
}

/** Timers belong to rooms; tests drive them with a manual clock instead of waiting. */
export interface TimerHandle {
  readonly atMs: number;
}

export interface Timers {
  nowMs(): number;
  /** Runs `fn` once at or after `atMs`. */
  schedule(atMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}

/**
 * Where the rooms of several processes are listed (the cluster: leases and presence in Redis).
 * Absent when one process holds every room.
 */
export interface RoomDirectory {
  /** A room came to live on this process: created here, or rebuilt from its log. */
  opened(state: RoomState): void;
  /** A room's state changed (after each committed plan). */
  changed(state: RoomState): void;
  /** A room left this process's memory after it ended. */
  closed(state: RoomState): void;
  /** Throws when this process may no longer write a room's events (its ownership lapsed); checked before every write. */
  assertOwner(roomId: string): void;
}

/** What a player asked to say at the table. */
export type RoomChatRequest =
  | { readonly kind: 'phrase'; readonly phraseId: string }
  | { readonly kind: 'emoji'; readonly emoji: string }
  | { readonly kind: 'text'; readonly text: string };

/** A message cleared for delivery (the chat domain stored it first). */
export interface RoomChatMessage {
  readonly id: string;
  readonly playerId: string;
  readonly seat: number | null;
  readonly handNumber: number | null;
  readonly kind: 'phrase' | 'emoji' | 'text';
  readonly phraseId: string | null;
  readonly text: string;
  readonly textEn: string | null;
  readonly atMs: number;
}

/** Table chat (the chat domain): decides and stores messages, keeps who muted whom. */
export interface RoomChat {
  /** Resolves with the message to deliver, or rejects with the refusal (rate limit, check, restriction). Runs outside the room's queue. */
  compose(input: {
    readonly roomId: string;
    readonly handNumber: number | null;
    readonly playerId: string;
    readonly seat: number | null;
    readonly request: RoomChatRequest;
  }): Promise<RoomChatMessage>;
  mute(input: { readonly roomId: string; readonly playerId: string; readonly targetId: string; readonly muted: boolean }): void;
  isMuted(roomId: string, listenerId: string, senderId: string): boolean;
  forgetRoom(roomId: string): void;
}

/**
 * Messages that reach players outside the room (the subscriptions domain: WeChat subscription
 * messages, sent only where the player consented). Called after the change is committed; a failure
 * is logged and never undoes or delays play beyond the call.
 */
export interface RoomReminders {
  /** The turn passed to a seated player with no open socket to the room (once per hand and player). */
  turnWhileAway(t: {
    readonly roomId: string;
    readonly code: string;
    readonly handNumber: number;
    readonly playerId: string;
  }): Promise<void>;
  /** The room's first hand started: `playerIds` were invited to it or joined it but are not seated. */
  roomStarting(r: {
    readonly roomId: string;
    readonly code: string;
    readonly ownerId: string;
    readonly playerIds: readonly string[];
  }): Promise<void>;
}

/** Why a player's table voice ended (the `voice.ended` frame's reason). */
export type VoiceEndReason = 'left' | 'left_room' | 'kicked' | 'disconnected' | 'voice_off' | 'room_closed';

/** The room as the table voice sees it: who sits where, the voice options, and a way to reach a player's sockets. */
export interface VoiceRoom {
  readonly id: string;
  /** The room is live and its voice option is on. */
  readonly voiceOn: boolean;
  /** Spectators may listen (the room lets spectators in). */
  readonly spectatorsListen: boolean;
  /** The member's seat (null: a spectator); undefined: not a member. */
  seatOf(playerId: string): number | null | undefined;
  send(playerId: string, text: string): void;
}

/**
 * The table voice (the voice domain): keeps who is in each room's call, answers `voice_join` with
 * TURN credentials or the WeChat VoIP signature, relays WebRTC signalling between seats, and tells
 * a player whose voice ended. Runs on the room's queue, after the room checked membership.
 */
export interface RoomVoice {
  /** A voice frame of a member of the live room. Rejects with the refusal. */
  frame(room: VoiceRoom, playerId: string, f: VoiceCommandFrame): Promise<void>;
  /** The player is out of the call (if they were in it): they get `voice.ended`, the others the new roster. */
  drop(room: VoiceRoom, playerId: string, reason: VoiceEndReason): void;
  /** Ends the room's call for everyone in it. */
  end(room: VoiceRoom, reason: VoiceEndReason): void;
  /** Anyone in this room's call. */
  active(roomId: string): boolean;
  forgetRoom(roomId: string): void;
}
