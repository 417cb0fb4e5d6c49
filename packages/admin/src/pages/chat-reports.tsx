// Table chat in the console: the queue of reported messages, each with the conversation around it
// and a link to its room and hand; an operator upholds a report (the sender's chat is restricted
// for a day) or dismisses it, with a note (audited). The room page shows a room's whole chat beside
// its hands, refused messages marked with the content check's verdict, for disputes.
import { formatTimeMs, type Lang, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Report = Response<'GET /api/admin/chat/reports'>['items'][number];
type Line = Response<'GET /api/admin/chat/rooms/:roomId'>['items'][number];
type Status = Report['status'];

const TEXT = {
  zh: {
    nav: '聊天举报',
    title: '聊天举报审核',
    open: '待处理',
    upheld: '已成立',
    dismissed: '已驳回',
    none: '没有举报。',
    reason: '举报原因',
    reporter: '举报人',
    sender: '发言人',
    room: '房间',
    hand: '第 {n} 局',
    between: '局间',
    context: '前后对话',
    reported: '被举报',
    note: '处理说明（至少 3 个字）',
    uphold: '成立（限制其聊天 24 小时）',
    dismiss: '驳回',
    handled: '{status} · {who} — {note}',
    error: '出错了：{message}',
    roomChat: '房间聊天记录',
    refused: '未通过内容检查（{suggest}，标签 {label}），未发送给任何人',
    noChat: '这个房间没有聊天记录。',
  },
  en: {
    nav: 'Chat reports',
    title: 'Reported chat messages',
    open: 'Open',
    upheld: 'Upheld',
    dismissed: 'Dismissed',
    none: 'No reports.',
    reason: 'Reason',
    reporter: 'Reporter',
    sender: 'Sender',
    room: 'Room',
    hand: 'hand {n}',
    between: 'between hands',
    context: 'Conversation',
    reported: 'reported',
    note: 'Note (at least 3 characters)',
    uphold: 'Uphold (restrict their chat for 24 h)',
    dismiss: 'Dismiss',
    handled: '{status} · {who} — {note}',
    error: 'Something went wrong: {message}',
    roomChat: 'Room chat',
    refused: 'Refused by the content check ({suggest}, label {label}); delivered to no one',
    noChat: 'No chat in this room.',
  },
} as const;
type Key = keyof (typeof TEXT)['zh'];

export function chatText(lang: Lang) {
  return (k: Key, vars: Record<string, string | number> = {}) =>
    Object.entries(vars).reduce<string>((s, [name, v]) => s.replace(`{${name}}`, String(v)), TEXT[lang][k]);
}

const lineWords = (l: { text: string; textEn: string | null }, lang: Lang) => (lang === 'en' && l.textEn !== null ? l.textEn : l.text);

export function ChatReportsPage({ ctx }: { ctx: Ctx }) {
  const c = chatText(ctx.lang);
  const [status, setStatus] = useState<Status>('open');
  const [items, setItems] = useState<Report[] | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await ctx.api.call('GET /api/admin/chat/reports', { query: { status } })).items);
      setError(null);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api, status]);
  useEffect(() => {
    void load();
  }, [load]);

  const resolve = async (id: string, action: 'uphold' | 'dismiss') => {
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/chat/reports/:reportId/resolve', {
        params: { reportId: id },
        body: { action, note: notes[id] ?? '' },
      });
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="chat-reports-page">
      <section class="card">
        <h2>{c('title')}</h2>
        <div class="row">
          {(['open', 'upheld', 'dismissed'] as const).map((s) => (
            <button
              type="button"
              key={s}
              class={s === status ? 'primary' : ''}
              onClick={() => setStatus(s)}
              data-testid={`chat-reports-${s}`}
            >
              {c(s)}
            </button>
          ))}
        </div>
        {error && (
          <p class="error" role="alert">
            {c('error', { message: error })}
          </p>
        )}
        {items?.length === 0 && <p class="muted">{c('none')}</p>}
        <ul class="list">
          {items?.map((r) => (
            <ReportRow
              key={r.id}
              ctx={ctx}
              r={r}
              note={notes[r.id] ?? ''}
              onNote={(note) => setNotes({ ...notes, [r.id]: note })}
              onResolve={(action) => resolve(r.id, action)}
            />
          ))}
        </ul>
      </section>
    </main>
  );
}

interface RowProps {
  ctx: Ctx;
  r: Report;
  note: string;
  onNote(note: string): void;
  onResolve(action: 'uphold' | 'dismiss'): Promise<void>;
}

/** One report: who reported whom where, the conversation, and the decision (or how it was decided). */
function ReportRow({ ctx, r, note, onNote, onResolve }: RowProps) {
  const c = chatText(ctx.lang);
  return (
    <li class="chat-report-row" data-testid="chat-report" data-report={r.id} data-sender={r.senderId} data-status={r.status}>
      <p>
        <strong>{c('reason')}:</strong> {r.reason}
      </p>
      <p class="small muted">
        {c('reporter')} <code translate={false}>{r.reporterId}</code> · {c('sender')} <code translate={false}>{r.senderId}</code> ·{' '}
        {c('room')}{' '}
        <a href={`#/rooms/${encodeURIComponent(r.roomId)}`} data-testid="chat-report-room">
          <code translate={false}>{r.roomId}</code>
        </a>{' '}
        · {r.handNumber === null ? c('between') : c('hand', { n: r.handNumber })} · {formatTimeMs(r.createdAtMs)}
      </p>
      <ReportContext ctx={ctx} r={r} />
      {r.status === 'open' ? (
        <div class="row">
          <input
            data-testid="chat-report-note"
            placeholder={c('note')}
            value={note}
            onInput={(e) => onNote((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="primary" data-testid="chat-report-uphold" onClick={() => onResolve('uphold')}>
            {c('uphold')}
          </button>
          <button type="button" data-testid="chat-report-dismiss" onClick={() => onResolve('dismiss')}>
            {c('dismiss')}
          </button>
        </div>
      ) : (
        <p class="small" data-testid="chat-report-handled">
          {c('handled', { status: c(r.status), who: r.handledBy ?? '', note: r.resolutionNote ?? '' })}
        </p>
      )}
    </li>
  );
}

/** The conversation around the reported message, that message marked. */
function ReportContext({ ctx, r }: { ctx: Ctx; r: Report }) {
  const c = chatText(ctx.lang);
  return (
    <details open>
      <summary>{c('context')}</summary>
      <ol class="chat-context" data-testid="chat-report-context">
        {r.context.map((m) => (
          <li key={m.id} class={m.id === r.messageId ? 'reported' : ''} data-reported={String(m.id === r.messageId)}>
            <code translate={false}>{m.playerId}</code>: {lineWords(m, ctx.lang)}
            {m.id === r.messageId && <strong> ← {c('reported')}</strong>}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** A room's chat on its console page, for disputes: every message by hand, refused ones marked. */
export function RoomChatPanel({ ctx, roomId }: { ctx: Ctx; roomId: string }) {
  const c = chatText(ctx.lang);
  const [items, setItems] = useState<Line[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/chat/rooms/:roomId', { params: { roomId }, query: {} }).then(
      (r) => setItems(r.items),
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, [roomId]);
  return (
    <section class="card" data-testid="room-chat">
      <h3>{c('roomChat')}</h3>
      {error && <p class="error">{c('error', { message: error })}</p>}
      {items?.length === 0 && <p class="muted">{c('noChat')}</p>}
      <ol class="chat-context">
        {items?.map((m) => (
          <li key={m.id} data-testid="room-chat-line" data-status={m.status}>
            <span class="small muted">
              {m.handNumber === null ? c('between') : c('hand', { n: m.handNumber })} · {formatTimeMs(m.atMs)}
            </span>{' '}
            <code translate={false}>{m.playerId}</code>: {lineWords(m, ctx.lang)}
            {m.status === 'refused' && (
              <span class="error small"> — {c('refused', { suggest: m.checkSuggest ?? '', label: m.checkLabel ?? '' })}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
