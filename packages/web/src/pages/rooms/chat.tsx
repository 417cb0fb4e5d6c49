// Chat at the table: a chat button opens a picker of the operator's quick phrases and emoji, and
// a text box when this player may type (the server says so: the jurisdiction allows it and WeChat's
// content check can vouch for them, which needs a mini-game sign-in in the last two hours; an
// H5-only player is told why typing is off). Messages appear as bubbles over the sender's seat and
// in a short log where another player's line can be reported (it goes to the console's review
// queue with the conversation and the hand) or its sender muted (the server stops delivering
// their messages to this player, and the page hides them).
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { errorText } from '../../shared/errors.ts';
import type { ChannelState, ChatLine, RoomChannel } from './channel.ts';
import './chat.css';

/** How long a message stays over its sender's seat. */
export const BUBBLE_MS = 6000;
/** Lines of the log shown. */
const LOG_LINES_MAX = 12;
const TEXT_CHARS_MAX = 60;
const REPORT_REASONS = ['abuse', 'ads', 'cheating', 'other'] as const;

const WORDS = {
  zh: {
    chat: '聊天',
    close: '收起',
    phrases: '快捷语',
    emoji: '表情',
    typeHere: '说点什么（最多 60 字）',
    send: '发送',
    typingOff: '不能自由输入：',
    report: '举报',
    mute: '屏蔽',
    unmute: '取消屏蔽',
    reported: '已举报，客服会尽快处理。',
    reportWhy: '举报原因',
    abuse: '辱骂骚扰',
    ads: '广告拉人',
    cheating: '作弊串通',
    other: '其他',
    muted: '已屏蔽 {name} 的消息。',
    noChat: '还没有人说话。',
    you: '我',
  },
  en: {
    chat: 'Chat',
    close: 'Close',
    phrases: 'Quick phrases',
    emoji: 'Emoji',
    typeHere: 'Say something (up to 60 characters)',
    send: 'Send',
    typingOff: 'Typing is off: ',
    report: 'Report',
    mute: 'Mute',
    unmute: 'Unmute',
    reported: 'Reported; support will look at it soon.',
    reportWhy: 'Reason',
    abuse: 'Abuse',
    ads: 'Advertising',
    cheating: 'Cheating',
    other: 'Other',
    muted: '{name} is muted.',
    noChat: 'No one has said anything yet.',
    you: 'Me',
  },
} as const;
type Word = keyof (typeof WORDS)['zh'];

interface Offer {
  readonly phrases: readonly { id: string; zh: string; en: string }[];
  readonly emoji: readonly string[];
  readonly freeText: { readonly allowed: boolean; readonly reason: string | null };
}

/** The words of a line in the reader's language (a phrase has both). */
export function lineText(line: ChatLine, lang: Ctx['lang']): string {
  return lang === 'en' && line.textEn !== null ? line.textEn : line.text;
}

/** The newest line a player said within BUBBLE_MS of `nowMs`, for the bubble over their seat. */
export function bubbleOf(chat: readonly ChatLine[], playerId: string, nowMs: number): ChatLine | null {
  for (let i = chat.length - 1; i >= 0; i--) {
    const l = chat[i] as ChatLine;
    if (l.atMs + BUBBLE_MS < nowMs) return null;
    if (l.playerId === playerId) return l;
  }
  return null;
}

/** A bubble over (or, for a seat hanging from the top of the felt, under) the seat, so it stays on the felt. */
export function ChatBubble({
  line,
  lang,
  seat,
  place,
}: {
  line: ChatLine | null;
  lang: Ctx['lang'];
  seat: number;
  place: 'above' | 'below';
}) {
  if (line === null) return null;
  return (
    <span class={`chat-bubble ${place}${line.kind === 'emoji' ? ' emoji' : ''}`} data-testid={`chat-bubble-${seat}`} role="status">
      {lineText(line, lang)}
    </span>
  );
}

type Words = (k: Word, vars?: Record<string, string>) => string;
type Say = (frame: Record<string, unknown>) => Promise<boolean>;

export function TableChat({
  ctx,
  channel,
  state,
  nameOf,
}: {
  ctx: Ctx;
  channel: RoomChannel;
  state: ChannelState;
  nameOf: (playerId: string) => string;
}) {
  const w: Words = (k, vars = {}) => Object.entries(vars).reduce<string>((s, [name, v]) => s.replace(`{${name}}`, v), WORDS[ctx.lang][k]);
  const [open, setOpen] = useState(false);
  const [offer, setOffer] = useState<Offer | null>(null);
  // The typed text and the line being reported outlive the picker: closing the chat keeps them.
  const [text, setText] = useState('');
  const actions = useChatActions(ctx, channel, nameOf, w);
  const { error, notice, mute } = actions;

  // What was said before this page opened (a reload, a second phone).
  useEffect(() => {
    ctx.api.call('GET /api/chat/rooms/:roomId/messages', { params: { roomId: channel.roomId } }).then(
      (r) => channel.addEarlierChat(r.items as ChatLine[]),
      () => {},
    );
  }, [channel]);

  useEffect(() => {
    if (!open || offer !== null) return;
    ctx.api.call('GET /api/chat/offer', {}).then(
      (o) => setOffer(o as Offer),
      (e: unknown) => actions.setError(errorText(ctx.lang, e)),
    );
  }, [open]);

  return (
    <section class="card table-chat" data-testid="table-chat" data-open={String(open)}>
      <div class="chat-head">
        <button type="button" class="pill chat-toggle" onClick={() => setOpen(!open)} data-testid="chat-toggle" aria-expanded={open}>
          {open ? w('close') : `💬 ${w('chat')}`}
        </button>
        {state.muted.map((p) => (
          <button key={p} type="button" class="pill small" onClick={() => mute(p, false)} data-testid={`chat-unmute-${p}`}>
            {w('unmute')} {nameOf(p)}
          </button>
        ))}
      </div>
      {open && offer !== null && <ChatPicker ctx={ctx} w={w} offer={offer} say={actions.say} text={text} setText={setText} />}
      {error !== null && (
        <p class="error small" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
      {notice !== null && (
        <p class="notice small" role="status" data-testid="chat-notice">
          {notice}
        </p>
      )}
      {open && (
        <ChatLog ctx={ctx} w={w} log={state.chat.slice(-LOG_LINES_MAX)} me={state.you?.playerId ?? ''} nameOf={nameOf} actions={actions} />
      )}
    </section>
  );
}

type ChatActions = ReturnType<typeof useChatActions>;

/** Saying something, reporting a line and muting its sender, with the error or notice each leaves. */
function useChatActions(ctx: Ctx, channel: RoomChannel, nameOf: (playerId: string) => string, w: Words) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reporting, setReporting] = useState<string | null>(null);
  const say: Say = async (frame) => {
    setError(null);
    setNotice(null);
    const r = await channel.send({ t: 'chat', ...frame });
    if (r.t === 'error') setError(errorText(ctx.lang, r));
    return r.t === 'ok';
  };
  const report = async (line: ChatLine, reason: string) => {
    setError(null);
    try {
      await ctx.api.call('POST /api/chat/reports', { body: { messageId: line.id, reason } });
      setReporting(null);
      setNotice(w('reported'));
    } catch (e) {
      setError(errorText(ctx.lang, e));
    }
  };
  const mute = async (playerId: string, muted: boolean) => {
    setError(null);
    const r = await channel.mute(playerId, muted);
    if (r.t === 'error') setError(errorText(ctx.lang, r));
    else if (muted) setNotice(w('muted', { name: nameOf(playerId) }));
  };
  return { notice, error, setError, reporting, setReporting, say, report, mute };
}

/** The operator's quick phrases and emoji, and the text box when this player may type. */
function ChatPicker(props: { ctx: Ctx; w: Words; offer: Offer; say: Say; text: string; setText: (text: string) => void }) {
  const { ctx, w, offer, say, text, setText } = props;
  return (
    <div class="chat-picker" data-testid="chat-picker">
      <fieldset class="chat-phrases">
        <legend class="sr-only">{w('phrases')}</legend>
        {offer.phrases.map((p) => (
          <button
            key={p.id}
            type="button"
            class="chip"
            onClick={() => say({ kind: 'phrase', phraseId: p.id })}
            data-testid={`chat-phrase-${p.id}`}
          >
            {ctx.lang === 'en' ? p.en : p.zh}
          </button>
        ))}
      </fieldset>
      <fieldset class="chat-emoji">
        <legend class="sr-only">{w('emoji')}</legend>
        {offer.emoji.map((e, i) => (
          <button key={e} type="button" class="emoji" onClick={() => say({ kind: 'emoji', emoji: e })} data-testid={`chat-emoji-${i}`}>
            {e}
          </button>
        ))}
      </fieldset>
      {offer.freeText.allowed ? (
        <form
          class="chat-type"
          onSubmit={async (ev) => {
            ev.preventDefault();
            if (text.trim() === '') return;
            if (await say({ kind: 'text', text: text.trim() })) setText('');
          }}
        >
          <input
            value={text}
            maxLength={TEXT_CHARS_MAX}
            placeholder={w('typeHere')}
            onInput={(ev) => setText((ev.target as HTMLInputElement).value)}
            data-testid="chat-text"
          />
          <button type="submit" class="primary small" data-testid="chat-send">
            {w('send')}
          </button>
        </form>
      ) : (
        <p class="small muted" data-testid="chat-typing-off" data-reason={offer.freeText.reason ?? ''}>
          {w('typingOff')}
          {errorText(ctx.lang, { code: offer.freeText.reason ?? '' })}
        </p>
      )}
    </div>
  );
}

/** The last lines said; another player's line can be reported or its sender muted. */
function ChatLog(props: {
  ctx: Ctx;
  w: Words;
  log: readonly ChatLine[];
  me: string;
  nameOf: (playerId: string) => string;
  actions: ChatActions;
}) {
  const { ctx, w, log, me, nameOf, actions } = props;
  const { reporting, setReporting } = actions;
  return (
    <ol class="chat-log" data-testid="chat-log">
      {log.length === 0 && <li class="muted small">{w('noChat')}</li>}
      {log.map((l) => (
        <li key={l.id} data-testid="chat-line" data-message={l.id} data-player={l.playerId}>
          <strong>{l.playerId === me ? w('you') : nameOf(l.playerId)}</strong>
          <span class="chat-words">{lineText(l, ctx.lang)}</span>
          {l.playerId !== me && (
            <span class="chat-actions">
              <button
                type="button"
                class="link small"
                onClick={() => setReporting(reporting === l.id ? null : l.id)}
                data-testid={`chat-report-${l.id}`}
              >
                {w('report')}
              </button>
              <button
                type="button"
                class="link small"
                onClick={() => actions.mute(l.playerId, true)}
                data-testid={`chat-mute-${l.playerId}`}
              >
                {w('mute')}
              </button>
            </span>
          )}
          {reporting === l.id && (
            <span class="chat-report" data-testid="chat-report-reasons">
              {w('reportWhy')}:
              {REPORT_REASONS.map((r) => (
                <button
                  key={r}
                  type="button"
                  class="chip small"
                  onClick={() => actions.report(l, r)}
                  data-testid={`chat-report-reason-${r}`}
                >
                  {w(r)}
                </button>
              ))}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
