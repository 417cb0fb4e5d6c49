// Drawing the table chat: bubbles over the senders' seats, the report-or-mute choice for another
// player's line, the chat button, and the picker of phrases, emoji and typing.
import { COLORS, type Gfx } from '../engine.ts';
import type { ChatLine } from '../room-channel.ts';
import {
  bubbles,
  type ChatState,
  lineWords,
  loadOffer,
  muteSender,
  type Offer,
  reportLine,
  say,
  startTyping,
  word,
} from './table-chat-state.ts';

export type SeatAt = (seat: number) => { x: number; y: number } | null;

export function drawChat(c: ChatState, g: Gfx, seatAt: SeatAt): void {
  for (const l of bubbles(c).values()) drawBubble(c, g, l, seatAt);
  // The choice goes with the bubble it was made from.
  if (c.acting !== null && !bubbles(c).has(c.acting.playerId)) c.acting = null;
  if (c.acting !== null) drawLineChoice(c, g, c.acting);
  // The chat button sits top right under the hand number, clear of the seats and actions.
  const bx = g.w - 74;
  const by = 46;
  g.button(
    'chat-button',
    bx,
    by,
    64,
    30,
    c.open ? word(c, 'close') : `💬 ${word(c, 'chat')}`,
    () => {
      c.open = !c.open;
      if (c.open) loadOffer(c);
    },
    { kind: 'ghost', size: 12 },
  );
  if (c.open && c.offer !== null) drawPicker(c, g, c.offer, by + 36);
}

/** A line over its sender's seat, kept inside the screen; another player's takes a tap. */
function drawBubble(c: ChatState, g: Gfx, l: ChatLine, seatAt: SeatAt): void {
  if (l.seat === null) return;
  const p = seatAt(l.seat);
  if (p === null) return;
  const text = lineWords(c, l);
  const size = l.kind === 'emoji' ? 22 : 12;
  const bw = Math.min(g.w * 0.42, Math.max(40, [...text].length * size * (l.kind === 'emoji' ? 1.3 : 1) + 16));
  const bh = l.kind === 'emoji' ? 34 : 26;
  // Over the seat, kept inside the screen.
  const bx = Math.max(4, Math.min(g.w - bw - 4, p.x - bw / 2));
  const by = Math.max(52, p.y - 40 - bh);
  g.box(bx, by, bw, bh, 10, '#fffbe8', 'rgba(0,0,0,0.2)');
  g.text(text, bx + bw / 2, by + bh / 2, { size, color: COLORS.ink, align: 'center', baseline: 'middle', maxWidth: bw - 10 });
  const mine = l.playerId === c.me();
  g.region(
    `chat-bubble-${l.seat}`,
    bx,
    by,
    bw,
    bh,
    text,
    mine
      ? null
      : () => {
          c.acting = l;
          c.app.stage.invalidate();
        },
  );
}

/** Report the line, or mute its sender. */
function drawLineChoice(c: ChatState, g: Gfx, l: ChatLine): void {
  const ay = g.h / 2 - 24;
  g.box(24, ay - 8, g.w - 48, 64, 12, COLORS.paper, 'rgba(0,0,0,0.2)');
  const half = (g.w - 48 - 30) / 2;
  g.button(`chat-report-${l.id}`, 34, ay, half, 40, word(c, 'report'), () => reportLine(c, l), { kind: 'secondary', size: 13 });
  g.button(`chat-mute-${l.playerId}`, 44 + half, ay, half, 40, word(c, 'mute'), () => muteSender(c, l), { kind: 'danger', size: 13 });
}

/** The picker under the chat button: quick phrases in two columns, emoji in rows, then typing (or why not). */
function drawPicker(c: ChatState, g: Gfx, o: Offer, y: number): void {
  const pad = 10;
  const x = 12;
  const width = g.w - 24;
  const phraseH = 30;
  const cols = 2;
  const rows = Math.ceil(o.phrases.length / cols);
  const emojiSize = 36;
  const emojiPerRow = Math.max(1, Math.floor((width - pad * 2) / (emojiSize + 6)));
  const emojiRows = Math.ceil(o.emoji.length / emojiPerRow);
  const height = pad * 2 + rows * (phraseH + 6) + emojiRows * (emojiSize + 6) + 40;
  g.box(x, y, width, height, 12, COLORS.paper, 'rgba(0,0,0,0.2)');
  g.region('chat-picker', x, y, width, height, String(o.phrases.length), null);
  const cw = (width - pad * 2 - 6) / cols;
  o.phrases.forEach((p, i) => {
    const cx = x + pad + (i % cols) * (cw + 6);
    const cy = y + pad + Math.floor(i / cols) * (phraseH + 6);
    g.button(
      `chat-phrase-${p.id}`,
      cx,
      cy,
      cw,
      phraseH,
      c.app.lang === 'en' ? p.en : p.zh,
      () => void say(c, { kind: 'phrase', phraseId: p.id }),
      {
        kind: 'secondary',
        size: 11,
      },
    );
  });
  const ey = y + pad + rows * (phraseH + 6);
  o.emoji.forEach((e, i) => {
    const ex = x + pad + (i % emojiPerRow) * (emojiSize + 6);
    const eyy = ey + Math.floor(i / emojiPerRow) * (emojiSize + 6);
    g.button(`chat-emoji-${i}`, ex, eyy, emojiSize, emojiSize, e, () => void say(c, { kind: 'emoji', emoji: e }), {
      kind: 'secondary',
      size: 18,
    });
  });
  const ty = y + height - 36;
  if (o.freeText.allowed)
    g.button('chat-type', x + pad, ty, width - pad * 2, 30, word(c, 'type'), () => startTyping(c), { kind: 'primary', size: 13 });
  else {
    g.text(word(c, 'typingOff'), x + width / 2, ty + 15, { size: 12, color: COLORS.muted, align: 'center', maxWidth: width - 20 });
    g.region('chat-typing-off', x + pad, ty, width - pad * 2, 30, o.freeText.reason ?? '', null);
  }
}
