// What one seat may see of a hand. Cards are hidden unless the rules reveal them to that seat:
// a player sees their own cards after looking (or once out of the hand, or when it is over);
// the two players of a comparison see each other's cards; the forced showdown shows the hands
// compared to everyone. Folded hands are never shown to others. Hand keys never leave the server.
import type { HandCategory } from './hands.ts';
import { categoryOfKey } from './hands.ts';
import type { HandState, PlayerState } from './hand-state.ts';

export interface PlayerStateView extends Omit<PlayerState, 'cards' | 'handKey'> {
  readonly cards: readonly string[] | null;
  readonly category: HandCategory | null;
}

export interface HandView extends Omit<HandState, 'players'> {
  // The seat this view is for; null for a spectator.
  readonly viewerSeat: number | null;
  readonly players: readonly PlayerStateView[];
}

export function canSeeCards(state: HandState, owner: PlayerState, viewerSeat: number | null): boolean {
  if (owner.shownToAll) return true;
  if (viewerSeat === null) return false;
  if (viewerSeat === owner.seat) return owner.seen || owner.status !== 'active' || state.phase === 'over';
  return owner.visibleTo.includes(viewerSeat);
}

// The view of the hand for `viewerSeat` (null: a spectator, who sees only what is shown to all).
export function playerView(state: HandState, viewerSeat: number | null): HandView {
  const players = state.players.map((p): PlayerStateView => playerStateView(p, canSeeCards(state, p, viewerSeat)));
  return { ...state, viewerSeat, players };
}

// One player as a viewer sees them: with their cards and category when `visible` (decided by
// `canSeeCards` for that viewer), without them otherwise. The hand key never leaves the server.
export function playerStateView(p: PlayerState, visible: boolean): PlayerStateView {
  const { cards, handKey, ...rest } = p;
  return { ...rest, cards: visible ? [...cards] : null, category: visible ? categoryOfKey(handKey) : null };
}
