// Who may do what from the room's menu at the mini-game table (drawn by `table-menu.ts`): kept
// apart from the drawing, with nothing of the WeChat runtime, so it is checked on its own.
import type { MemberView, RoomView } from '../wire.ts';

export type MenuChoice =
  | { readonly kind: 'rules' }
  | { readonly kind: 'dissolve' }
  | { readonly kind: 'leave' }
  | { readonly kind: 'kick'; readonly playerId: string; readonly name: string };

/** A choice that waits on the confirmation panel (the rules have their own form). */
export type ConfirmedChoice = Exclude<MenuChoice, { readonly kind: 'rules' }>;

/** Where the open menu is: its list, a choice awaiting confirmation, or the rules form. */
export type MenuStep =
  | { readonly at: 'list' }
  | { readonly at: 'confirm'; readonly choice: ConfirmedChoice }
  | { readonly at: 'rules'; readonly draft: RulesDraft };

/** The rules being changed on the form, from the room's as they were when it opened. */
export interface RulesDraft {
  baseScore: number;
  turnTimeS: number;
  spectators: boolean;
  friendsVisible: boolean;
}

/** What the viewer may do from the menu in this room (nothing: no menu button); `inHand` while a hand is dealt. */
export function menuChoices(room: RoomView, me: MemberView | undefined, inHand = false): MenuChoice[] {
  if (me === undefined || (room.status !== 'waiting' && room.status !== 'playing')) return [];
  const out: MenuChoice[] = [];
  // The owner removes any other seated player; an admin removes seated members (as the room
  // allows). Seated players only: at most five rows, so the panel fits a 568-px-high screen.
  if (me.role === 'owner' || me.role === 'admin')
    for (const m of room.members)
      if (m.seat !== null && m.playerId !== me.playerId && m.role !== 'owner' && (me.role === 'owner' || m.role !== 'admin'))
        out.push({ kind: 'kick', playerId: m.playerId, name: m.nickname });
  if (me.role !== 'owner' && me.seat !== null) out.push({ kind: 'leave' });
  if (me.role === 'owner' && !inHand) out.push({ kind: 'rules' });
  if (me.role === 'owner') out.push({ kind: 'dissolve' });
  return out;
}

/** Whether `c` is still among `choices` (the room may have moved on since it was picked). */
export function stillOffered(choices: readonly MenuChoice[], c: MenuChoice): boolean {
  return choices.some((o) => o.kind === c.kind && (o.kind !== 'kick' || (c.kind === 'kick' && o.playerId === c.playerId)));
}
