// The table chat's state and what it sends: the player's words in both languages, the operator's
// offer (phrases, emoji, whether typing is allowed), the keyboard, and the chat frames and reports.
import type { App } from '../app.ts';
import type { ChatLine, RoomChannel } from '../room-channel.ts';

/** How long a message stays over its sender's seat, ms. */
export const BUBBLE_MS = 6000;
const TEXT_CHARS_MAX = 60;

export const WORDS = {
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
export type Word = keyof (typeof WORDS)['zh'];

export interface Offer {
  readonly phrases: readonly { readonly id: string; readonly zh: string; readonly en: string }[];
  readonly emoji: readonly string[];
  readonly freeText: { readonly allowed: boolean; readonly reason: string | null };
}

export interface ChatState {
  readonly app: App;
  readonly channel: RoomChannel;
  /** The room's chat lines, and the player's id (null before the welcome). */
  readonly chat: () => readonly ChatLine[];
  readonly me: () => string | null;
  open: boolean;
  offer: Offer | null;
  typing: boolean;
  lastResult: string | null;
  /** Another player's line the player tapped: report it or mute its sender. */
  acting: ChatLine | null;
}

/** A word in the player's language, `{code}` filled in. */
export const word = (c: ChatState, k: Word, code = '') => WORDS[c.app.lang][k].replace('{code}', code);

export function loadOffer(c: ChatState): void {
  c.app.api.call<Offer>('GET', '/api/chat/offer').then(
    (o) => {
      c.offer = o;
      c.app.stage.invalidate();
    },
    () => {
      c.offer = null;
    },
  );
}

/** Sends a chat frame; a refusal is explained in a toast. */
export async function say(c: ChatState, frame: Record<string, unknown>): Promise<void> {
  const r = await c.channel.send({ t: 'chat', ...frame });
  c.lastResult = r.t === 'ok' ? 'ok' : (r.code ?? 'error');
  if (r.t === 'error') {
    const code = r.code ?? '';
    c.app.toast(code in WORDS.zh ? word(c, code as Word) : word(c, 'failed', code));
  }
  c.app.stage.invalidate();
}

/** The keyboard's "send": the typed text goes as a chat line. */
export function confirmTyped(c: ChatState, res: { value: string }): void {
  if (!c.typing) return;
  c.typing = false;
  wx.hideKeyboard({});
  const text = res.value.trim();
  if (text !== '') void say(c, { kind: 'text', text });
}

/** Opens the mini-game's keyboard for a line of text. */
export function startTyping(c: ChatState): void {
  c.typing = true;
  wx.showKeyboard({
    defaultValue: '',
    maxLength: TEXT_CHARS_MAX,
    multiple: false,
    confirmHold: false,
    confirmType: 'send',
    keyboardType: 'text',
  });
}

/** The newest line of each player still within its bubble time. */
export function bubbles(c: ChatState): Map<string, ChatLine> {
  const nowServer = c.channel.serverNowMs();
  const out = new Map<string, ChatLine>();
  for (const l of c.chat()) if (l.atMs + BUBBLE_MS >= nowServer) out.set(l.playerId, l);
  return out;
}

/** A line's words in the player's language, when the server translated it. */
export const lineWords = (c: ChatState, l: ChatLine) => (c.app.lang === 'en' && l.textEn !== null ? l.textEn : l.text);

/** Reports another player's line to the console's review queue. */
export function reportLine(c: ChatState, l: ChatLine): void {
  c.acting = null;
  c.app.api.call('POST', '/api/chat/reports', { messageId: l.id, reason: 'abuse' }).then(
    () => c.app.toast(word(c, 'reported')),
    (e: unknown) => c.app.fail(e),
  );
}

/** Mutes another player at this table. */
export function muteSender(c: ChatState, l: ChatLine): void {
  c.acting = null;
  void c.channel.mute(l.playerId, true).then((r) => c.app.toast(r.t === 'ok' ? word(c, 'muted') : word(c, 'failed', r.code ?? '')));
}
