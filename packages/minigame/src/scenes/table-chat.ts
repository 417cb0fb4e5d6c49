// Chat at the mini-game table: a small chat button; its picker holds the operator's quick phrases
// and emoji, and a "type" button when the server says this player may type (the jurisdiction
// allows it and WeChat's content check can vouch for them); typing uses the mini-game's own
// keyboard (`wx.showKeyboard`, the runtime has no input element). What a player sends goes over
// the room socket as a `chat` frame; only what the server delivers is drawn: a bubble over the
// sender's seat for a few seconds. A refused message (rate limit, content check, restriction) is
// explained in a toast and reaches no one. Tapping another player's bubble offers to report the
// message (it reaches the console's review queue) or to mute the player at this table.
import type { App } from '../app.ts';
import type { Gfx } from '../engine.ts';
import type { ChatLine, RoomChannel } from '../room-channel.ts';
import { drawChat } from './table-chat-draw.ts';
import { bubbles, type ChatState, confirmTyped } from './table-chat-state.ts';

export interface TableChat {
  /** Draws the bubbles over seats (`seatAt` gives a seat's centre), the chat button and, when open, the picker. */
  draw(g: Gfx, seatAt: (seat: number) => { x: number; y: number } | null, now: number): void;
  /** Whether a bubble is showing (the scene redraws until it fades). */
  showing(now: number): boolean;
  debug(): Record<string, unknown>;
  close(): void;
}

export function createTableChat(app: App, channel: RoomChannel, chat: () => readonly ChatLine[], me: () => string | null): TableChat {
  const c: ChatState = { app, channel, chat, me, open: false, offer: null, typing: false, lastResult: null, acting: null };
  const onConfirm = (res: { value: string }) => confirmTyped(c, res);
  wx.onKeyboardConfirm(onConfirm);
  return {
    draw: (g, seatAt) => drawChat(c, g, seatAt),
    showing: () => bubbles(c).size > 0 || c.acting !== null,
    debug: () => ({
      open: c.open,
      freeText: c.offer?.freeText ?? null,
      lastResult: c.lastResult,
      chat: chat().map((l) => ({ playerId: l.playerId, seat: l.seat, kind: l.kind, text: l.text })),
    }),
    close() {
      wx.offKeyboardConfirm(onConfirm);
    },
  };
}
