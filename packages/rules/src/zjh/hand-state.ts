// The state of one hand of 拼三张: plain JSON data (numbers, strings, booleans, arrays, null), so a
// room can persist it, replay its action log into the same state, and send views of it.
import type { TableRules } from './table-rules.ts';

export type PlayerStatus =
  // Still in the hand.
  | 'active'
  // 弃牌: left the hand.
  | 'folded'
  // Lost a comparison (比牌 or all-in) and is out of the hand.
  | 'lost';

export interface PlayerState {
  readonly seat: number;
  // Three cards such as "As"; hidden from others by `playerView`.
  readonly cards: readonly string[];
  // The hand's key under `rules.hand` (see hands.ts); hidden like the cards.
  readonly handKey: number;
  readonly status: PlayerStatus;
  // 看牌: has looked at their own cards, so pays double.
  readonly seen: boolean;
  // Points this player has put in the pot so far, ante included.
  readonly contributedPoints: number;
  // Points still available to bet, or null when the room sets no limit. After settlement:
  // the points the player holds at the end of the hand.
  readonly stackPoints: number | null;
  readonly allIn: boolean;
  // True once the cards are shown to the whole table (the forced showdown).
  readonly shownToAll: boolean;
  // Other seats that may see these cards: the players this one was compared with.
  readonly visibleTo: readonly number[];
}

export type HandAction =
  | { readonly type: 'look'; readonly seat: number; readonly step?: number }
  | { readonly type: 'call'; readonly seat: number; readonly step?: number }
  | { readonly type: 'raise'; readonly seat: number; readonly toStakePoints: number; readonly step?: number }
  | { readonly type: 'compare'; readonly seat: number; readonly targetSeat: number; readonly step?: number }
  | { readonly type: 'fold'; readonly seat: number; readonly step?: number }
  | { readonly type: 'all-in'; readonly seat: number; readonly step?: number };

export type HandActionType = HandAction['type'];

// What the last accepted action did, for the table to animate; public information only.
export type HandEvent =
  | { readonly type: 'look'; readonly seat: number }
  | { readonly type: 'call'; readonly seat: number; readonly costPoints: number }
  | { readonly type: 'raise'; readonly seat: number; readonly costPoints: number; readonly toStakePoints: number }
  | {
      readonly type: 'compare';
      readonly seat: number;
      readonly targetSeat: number;
      readonly costPoints: number;
      readonly loserSeat: number;
    }
  | { readonly type: 'fold'; readonly seat: number }
  | { readonly type: 'all-in'; readonly seat: number; readonly costPoints: number; readonly loserSeats: readonly number[] };

export interface Comparison {
  readonly challengerSeat: number;
  readonly targetSeat: number;
  readonly loserSeat: number;
}

export interface PointMovement {
  readonly seat: number;
  // Signed: negative leaves the seat, positive reaches it. All movements of a hand sum to zero.
  readonly points: number;
  readonly reason: 'stake' | 'pot' | 'bonus';
}

export interface HandResult {
  // 'last-standing': everyone else folded or lost a comparison; 'showdown': the round cap was reached.
  readonly reason: 'last-standing' | 'showdown';
  readonly winnerSeats: readonly number[];
  // Seats compared in the forced showdown (their cards are shown to all); empty otherwise.
  readonly showdownSeats: readonly number[];
  readonly movements: readonly PointMovement[];
  // Net points per seat in acting order; sums to zero.
  readonly deltas: readonly { readonly seat: number; readonly points: number }[];
}

export interface HandState {
  readonly version: 1;
  readonly handNumber: number;
  readonly rules: TableRules;
  readonly dealerSeat: number;
  // In acting order: the first seat after the dealer first, then ascending seats around the table.
  readonly players: readonly PlayerState[];
  readonly phase: 'betting' | 'over';
  // Betting round, from 1; a round ends when the turn passes the acting order's start again.
  readonly round: number;
  // Whose turn it is; null when the hand is over.
  readonly turnSeat: number | null;
  // The unit stake: what a blind player pays for a call (a seen player pays twice this).
  readonly stakePoints: number;
  readonly potPoints: number;
  // Number of accepted actions; an action may carry `step` to be refused when stale.
  readonly step: number;
  readonly lastEvent: HandEvent | null;
  readonly comparisons: readonly Comparison[];
  readonly result: HandResult | null;
}
