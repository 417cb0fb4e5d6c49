// Test support for the rooms' unit tests that drive random hands.
import { type applyHandAction, type HandState, legalActions } from '@fairground/rules';

/** An action a hand takes (`applyHandAction`'s second argument). */
export type OfferedAction = Parameters<typeof applyHandAction>[1];

/** Every action the turn's seat is offered, as actions, and the looks the other unseen seats may take out of turn. */
export function offeredActions(s: HandState): OfferedAction[] {
  const seat = s.turnSeat;
  if (seat === null) return [];
  const l = legalActions(s, seat);
  const out: OfferedAction[] = [];
  if (l.look) out.push({ type: 'look', seat });
  if (l.fold) out.push({ type: 'fold', seat });
  if (l.call !== null) out.push({ type: 'call', seat });
  if (l.raise !== null) out.push({ type: 'raise', seat, toStakePoints: l.raise.maxStakePoints });
  for (const targetSeat of l.compare?.targetSeats ?? []) out.push({ type: 'compare', seat, targetSeat });
  if (l.allIn !== null) out.push({ type: 'all-in', seat });
  for (const p of s.players) if (p.seat !== seat && !p.seen) out.push({ type: 'look', seat: p.seat });
  return out;
}
