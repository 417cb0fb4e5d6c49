// Chat at the mini-game table: a small chat button; its picker holds the operator's quick phrases
// and emoji, and a "type" button when the server says this player may type (the jurisdiction
// allows it and WeChat's content check can vouch for them); typing uses the mini-game's own
// keyboard (`wx.showKeyboard`, the runtime has no input element). What a player sends goes over
// the room socket as a `chat` frame; only what the server delivers is drawn: a bubble over the
// sender's seat for a few seconds. A refused message (rate limit, content check, restriction) is
// explained in a toast and reaches no one. Tapping another player's bubble offers to report the
// message (it reaches the console's review queue) or to mute the player at this table.
import type { App } from '../app.ts';
import { COLORS, type Gfx } from '../engine.ts';
import type { ChatLine, RoomChannel } from '../room-channel.ts';

/** How long a message stays over its sender's seat, ms. */
export const BUBBLE_MS = 6000;
const TEXT_CHARS_MAX = 60;

const WORDS = {
  zh: {
    chat: '聊天',
    close: '收起',
    type: '输入文字',
    sent: '已发送',
    typingOff: '仅可使用快捷语和表情',
    CHAT_RATE_LIMITED: '发言太快了，请稍等片刻',
    CHAT_TEXT_REFUSED: '未通过内容检查，没有发出',
    CHAT_RESTRICTED: '你的聊天功能暂时受限',
    CHAT_FREE_TEXT_NEEDS_MINIGAME: '需近两小时内登录过才能输入',
    CHAT_FREE_TEXT_NOT_ALLOWED: '这里不能自由输入文字',
    CHAT_CHECK_UNAVAILABLE: '内容检查暂时不可用，请稍后再试',
    failed: '没有发出：{code}',
    report: '举报这条',
    mute: '屏蔽此人',
    reported: '已举报，客服会尽快处理',
    muted: '已屏蔽',
  },
  en: {
    chat: 'Chat',
    close: 'Close',
    type: 'Type',
    sent: 'Sent',
    typingOff: 'Quick phrases and emoji only',
    CHAT_RATE_LIMITED: 'Too fast; wait a moment',
    CHAT_TEXT_REFUSED: 'Failed the content check; not sent',
    CHAT_RESTRICTED: 'Your chat is restricted for a while',
    CHAT_FREE_TEXT_NEEDS_MINIGAME: 'Typing needs a recent sign-in',
    CHAT_FREE_TEXT_NOT_ALLOWED: 'Typing is not allowed here',
    CHAT_CHECK_UNAVAILABLE: 'Content check unavailable; try later',
    failed: 'Not sent: {code}',
    report: 'Report it',
    mute: 'Mute them',
    reported: 'Reported; support will look at it',
    muted: 'Muted',
  },
} as const;
type Word = keyof (typeof WORDS)['zh'];

interface Offer {
  readonly phrases: readonly { readonly id: string; readonly zh: string; readonly en: string }[];
  readonly emoji: readonly string[];
  readonly freeText: { readonly allowed: boolean; readonly reason: string | null };
}

export interface TableChat {
  /** Draws the bubbles over seats (`seatAt` gives a seat's centre), the chat button and, when open, the picker. */
  draw(g: Gfx, seatAt: (seat: number) => { x: number; y: number } | null, now: number): void;
  /** Whether a bubble is showing (the scene redraws until it fades). */
  showing(now: number): boolean;
  debug(): Record<string, unknown>;
  close(): void;
}

export function createTableChat(app: App, channel: RoomChannel, chat: () => readonly ChatLine[], me: () => string | null): TableChat {
  const w = (k: Word, code = '') => WORDS[app.lang][k].replace('{code}', code);
  let open = false;
  let offer: Offer | null = null;
  let typing = false;
  let lastResult: string | null = null;
  /** Another player's line the player tapped: report it or mute its sender. */
  let acting: ChatLine | null = null;

  const loadOffer = () => {
    app.api.call<Offer>('GET', '/api/chat/offer').then(
      (o) => {
        offer = o;
        app.stage.invalidate();
      },
      () => {
        offer = null;
      },
    );
  };
  const say = async (frame: Record<string, unknown>) => {
    const r = await channel.send({ t: 'chat', ...frame });
    lastResult = r.t === 'ok' ? 'ok' : (r.code ?? 'error');
    if (r.t === 'error') {
      const code = r.code ?? '';
      app.toast(code in WORDS.zh ? w(code as Word) : w('failed', code));
    }
    app.stage.invalidate();
  };
  const onConfirm = (res: { value: string }) => {
    if (!typing) return;
    typing = false;
    wx.hideKeyboard({});
    const text = res.value.trim();
    if (text !== '') void say({ kind: 'text', text });
  };
  wx.onKeyboardConfirm(onConfirm);
  const type = () => {
    typing = true;
    wx.showKeyboard({
      defaultValue: '',
      maxLength: TEXT_CHARS_MAX,
      multiple: false,
      confirmHold: false,
      confirmType: 'send',
      keyboardType: 'text',
    });
  };

  const bubbles = (now: number) => {
    const nowServer = channel.serverNowMs();
    const out = new Map<string, ChatLine>();
    for (const l of chat()) if (l.atMs + BUBBLE_MS >= nowServer) out.set(l.playerId, l);
    void now;
    return out;
  };
  const words = (l: ChatLine) => (app.lang === 'en' && l.textEn !== null ? l.textEn : l.text);

  return {
    draw(g, seatAt, now) {
      for (const l of bubbles(now).values()) {
        if (l.seat === null) continue;
        const p = seatAt(l.seat);
        if (p === null) continue;
        const text = words(l);
        const size = l.kind === 'emoji' ? 22 : 12;
        const bw = Math.min(g.w * 0.42, Math.max(40, [...text].length * size * (l.kind === 'emoji' ? 1.3 : 1) + 16));
        const bh = l.kind === 'emoji' ? 34 : 26;
        // Over the seat, kept inside the screen.
        const bx = Math.max(4, Math.min(g.w - bw - 4, p.x - bw / 2));
        const by = Math.max(52, p.y - 40 - bh);
        g.box(bx, by, bw, bh, 10, '#fffbe8', 'rgba(0,0,0,0.2)');
        g.text(text, bx + bw / 2, by + bh / 2, { size, color: COLORS.ink, align: 'center', baseline: 'middle', maxWidth: bw - 10 });
        const mine = l.playerId === me();
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
                acting = l;
                app.stage.invalidate();
              },
        );
      }
      // The choice goes with the bubble it was made from.
      if (acting !== null && !bubbles(now).has(acting.playerId)) acting = null;
      if (acting !== null) {
        const l = acting;
        const ay = g.h / 2 - 24;
        g.box(24, ay - 8, g.w - 48, 64, 12, COLORS.paper, 'rgba(0,0,0,0.2)');
        const half = (g.w - 48 - 30) / 2;
        g.button(
          `chat-report-${l.id}`,
          34,
          ay,
          half,
          40,
          w('report'),
          () => {
            acting = null;
            app.api.call('POST', '/api/chat/reports', { messageId: l.id, reason: 'abuse' }).then(
              () => app.toast(w('reported')),
              (e: unknown) => app.fail(e),
            );
          },
          { kind: 'secondary', size: 13 },
        );
        g.button(
          `chat-mute-${l.playerId}`,
          44 + half,
          ay,
          half,
          40,
          w('mute'),
          () => {
            acting = null;
            void channel.mute(l.playerId, true).then((r) => app.toast(r.t === 'ok' ? w('muted') : w('failed', r.code ?? '')));
          },
          { kind: 'danger', size: 13 },
        );
      }
      // The chat button sits top right under the hand number, clear of the seats and actions.
      const bx = g.w - 74;
      const by = 46;
      g.button(
        'chat-button',
        bx,
        by,
        64,
        30,
        open ? w('close') : `💬 ${w('chat')}`,
        () => {
          open = !open;
          if (open) loadOffer();
        },
        { kind: 'ghost', size: 12 },
      );
      if (!open || offer === null) return;
      const o = offer;
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
      const y = by + 36;
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
          app.lang === 'en' ? p.en : p.zh,
          () => void say({ kind: 'phrase', phraseId: p.id }),
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
        g.button(`chat-emoji-${i}`, ex, eyy, emojiSize, emojiSize, e, () => void say({ kind: 'emoji', emoji: e }), {
          kind: 'secondary',
          size: 18,
        });
      });
      const ty = y + height - 36;
      if (o.freeText.allowed) g.button('chat-type', x + pad, ty, width - pad * 2, 30, w('type'), type, { kind: 'primary', size: 13 });
      else {
        g.text(w('typingOff'), x + width / 2, ty + 15, { size: 12, color: COLORS.muted, align: 'center', maxWidth: width - 20 });
        g.region('chat-typing-off', x + pad, ty, width - pad * 2, 30, o.freeText.reason ?? '', null);
      }
    },
    showing(now) {
      return bubbles(now).size > 0 || acting !== null;
    },
    debug() {
      return {
        open,
        freeText: offer?.freeText ?? null,
        lastResult,
        chat: chat().map((l) => ({ playerId: l.playerId, seat: l.seat, kind: l.kind, text: l.text })),
      };
    },
    close() {
      wx.offKeyboardConfirm(onConfirm);
    },
  };
}
