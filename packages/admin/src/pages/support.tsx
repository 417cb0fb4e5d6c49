// Customer service: players' feedback and reports with the answers given; an answer reaches the
// player's inbox. The conversations download as CSV or JSON; the service hours and escalation
// contact are a setting (saved by an admin, audited like every setting).
import { formatTimeMs, type Lang, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { downloadSupportExport } from './support-export.ts';

type Thread = Response<'GET /api/admin/support/threads'>['items'][number];
type Hours = Response<'GET /api/admin/support/threads'>['hours'];

const TEXT = {
  zh: {
    title: '客服会话',
    none: '暂无反馈或举报',
    feedback: '反馈',
    report: '举报',
    answer: '回复',
    answerPlaceholder: '给玩家的回复（会出现在玩家的消息中）',
    sent: '已回复，玩家会在消息中看到',
    status: { open: '待处理', answered: '已回复', upheld: '已成立', dismissed: '已驳回' } as Record<string, string>,
    topics: {
      app: '应用',
      payments: '支付',
      rooms: '房间',
      games: '游戏',
      other: '其他',
      cheating: '作弊',
      collusion: '串通',
      abuse: '辱骂',
      bot: '机器人',
    } as Record<string, string>,
    export: '导出会话',
    exported: '已导出 {file}（{rows} 行）',
    hours: '服务时间与投诉升级',
    alwaysOpen: '7×24 小时服务',
    opensAt: '开始（北京时间）',
    closesAt: '结束（北京时间）',
    escalation: '升级联系方式',
    reason: '修改原因',
    save: '保存',
    saved: '已保存',
    openNow: '当前在服务时间内',
    closedNow: '当前不在服务时间内',
  },
  en: {
    title: 'Customer service',
    none: 'No feedback or reports',
    feedback: 'Feedback',
    report: 'Report',
    answer: 'Answer',
    answerPlaceholder: 'Answer to the player (shown in their inbox)',
    sent: 'Answered; the player sees it in their inbox',
    status: { open: 'Open', answered: 'Answered', upheld: 'Upheld', dismissed: 'Dismissed' } as Record<string, string>,
    topics: {
      app: 'App',
      payments: 'Payments',
      rooms: 'Rooms',
      games: 'Games',
      other: 'Other',
      cheating: 'Cheating',
      collusion: 'Collusion',
      abuse: 'Abuse',
      bot: 'Bot',
    } as Record<string, string>,
    export: 'Export conversations',
    exported: 'Exported {file} ({rows} rows)',
    hours: 'Service hours and escalation',
    alwaysOpen: 'Open 24/7',
    opensAt: 'Opens (China time)',
    closesAt: 'Closes (China time)',
    escalation: 'Escalation contact',
    reason: 'Reason for the change',
    save: 'Save',
    saved: 'Saved',
    openNow: 'Answering now',
    closedNow: 'Outside service hours now',
  },
};

interface ThreadProps {
  x: (typeof TEXT)[Lang];
  t: Thread;
  draft: string;
  onDraft: (text: string) => void;
  onAnswer: (event: Event) => void;
}

/** A player's feedback or report with the answers so far, and the operator's answer box (at least 2 characters). */
function ThreadItem({ x, t, draft, onDraft, onAnswer }: ThreadProps) {
  return (
    <li class="fair-row" data-testid="support-thread" data-kind={t.kind} data-id={t.id} data-status={t.status}>
      <div>
        <strong>{t.kind === 'feedback' ? x.feedback : x.report}</strong> · {x.status[t.status] ?? t.status} · {x.topics[t.topic] ?? t.topic}
      </div>
      <div class="wrap">{t.text}</div>
      <small class="muted">
        <a href={`#/players/${encodeURIComponent(t.playerId)}`}>{t.playerId}</a> · {formatTimeMs(t.atMs)}
      </small>
      {t.answers.map((a) => (
        <blockquote key={a.id} class="wrap" data-testid="support-answer">
          {a.text}
          <small class="muted">
            {' '}
            — {a.operator} · {formatTimeMs(a.atMs)}
          </small>
        </blockquote>
      ))}
      <form onSubmit={onAnswer}>
        <textarea
          rows={2}
          maxLength={500}
          placeholder={x.answerPlaceholder}
          data-testid="support-answer-text"
          value={draft}
          onInput={(e) => onDraft((e.target as HTMLTextAreaElement).value)}
        />
        <button type="submit" data-testid="support-answer-send" disabled={draft.trim().length < 2}>
          {x.answer}
        </button>
      </form>
    </li>
  );
}

interface HeadProps {
  x: (typeof TEXT)[Lang];
  error: string | null;
  notice: string | null;
  download: (format: 'csv' | 'json') => void;
  /** The threads loaded, and none. */
  empty: boolean;
}

/** The inbox's title, what the last action said, and the export buttons. */
function SupportHead({ x, error, notice, download, empty }: HeadProps) {
  return (
    <>
      <h2>{x.title}</h2>
      {error && (
        <p class="error" role="alert" data-testid="support-error">
          {error}
        </p>
      )}
      {notice && (
        <p class="ok" role="status" data-testid="support-notice">
          {notice}
        </p>
      )}
      <p>
        <button type="button" data-testid="support-export-csv" onClick={() => download('csv')}>
          {x.export} CSV
        </button>{' '}
        <button type="button" data-testid="support-export-json" onClick={() => download('json')}>
          {x.export} JSON
        </button>
      </p>
      {empty && <p class="muted">{x.none}</p>}
    </>
  );
}

export function SupportPage({ ctx }: { ctx: Ctx }) {
  const x = TEXT[ctx.lang];
  const [items, setItems] = useState<Thread[] | null>(null);
  const [hours, setHours] = useState<Hours | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const r = await ctx.api.call('GET /api/admin/support/threads', { query: { limit: 100 } });
      setItems(r.items);
      setHours(r.hours);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api]);
  useEffect(() => {
    load();
  }, [load]);

  const answer = async (t: Thread, event: Event) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const key = `${t.kind}:${t.id}`;
    try {
      await ctx.api.call('POST /api/admin/support/threads/:kind/:threadId/answers', {
        params: { kind: t.kind, threadId: t.id },
        body: { text: (drafts[key] ?? '').trim() },
      });
      setDrafts({ ...drafts, [key]: '' });
      setNotice(x.sent);
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  const download = async (format: 'csv' | 'json') => {
    setError(null);
    setNotice(null);
    try {
      const { file, rows } = await downloadSupportExport(ctx.api.accessToken, format);
      setNotice(x.exported.replace('{file}', file).replace('{rows}', rows));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="support-page">
      <section class="card">
        <SupportHead x={x} error={error} notice={notice} download={download} empty={items?.length === 0} />
        <ul class="list">
          {(items ?? []).map((t) => (
            <ThreadItem
              key={`${t.kind}:${t.id}`}
              x={x}
              t={t}
              draft={drafts[`${t.kind}:${t.id}`] ?? ''}
              onDraft={(text) => setDrafts({ ...drafts, [`${t.kind}:${t.id}`]: text })}
              onAnswer={(e) => answer(t, e)}
            />
          ))}
        </ul>
      </section>
      {hours && <HoursForm ctx={ctx} hours={hours} onSaved={load} />}
    </main>
  );
}

/** Saves the support setting over the version the console last read; a reason is audited when given. */
async function saveSupportHours(
  api: Ctx['api'],
  value: { alwaysOpen: boolean; opensAt: string; closesAt: string; escalation: string },
  reason: string,
): Promise<void> {
  const view = await api.call('GET /api/admin/settings', {});
  const version = view.settings.find((s) => s.key === 'support')?.version ?? 0;
  await api.call('PUT /api/admin/settings/:key', {
    params: { key: 'support' },
    body: { expectedVersion: version, value, ...(reason ? { reason } : {}) },
  });
}

interface TimesProps {
  x: (typeof TEXT)[keyof typeof TEXT];
  alwaysOpen: boolean;
  setAlwaysOpen(value: boolean): void;
  opensAt: string;
  setOpensAt(value: string): void;
  closesAt: string;
  setClosesAt(value: string): void;
}

/** Open around the clock, or the daily opening and closing times. */
function OpeningTimes({ x, alwaysOpen, setAlwaysOpen, opensAt, setOpensAt, closesAt, setClosesAt }: TimesProps) {
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={alwaysOpen}
          data-testid="support-always-open"
          onChange={(e) => setAlwaysOpen((e.target as HTMLInputElement).checked)}
        />{' '}
        {x.alwaysOpen}
      </label>
      <label>
        {x.opensAt}
        <input
          type="time"
          value={opensAt}
          disabled={alwaysOpen}
          data-testid="support-opens-at"
          onInput={(e) => setOpensAt((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {x.closesAt}
        <input
          type="time"
          value={closesAt}
          disabled={alwaysOpen}
          data-testid="support-closes-at"
          onInput={(e) => setClosesAt((e.target as HTMLInputElement).value)}
        />
      </label>
    </>
  );
}

function HoursForm({ ctx, hours, onSaved }: { ctx: Ctx; hours: Hours; onSaved: () => void }) {
  const x = TEXT[ctx.lang];
  const [alwaysOpen, setAlwaysOpen] = useState(hours.alwaysOpen);
  const [opensAt, setOpensAt] = useState(hours.opensAt);
  const [closesAt, setClosesAt] = useState(hours.closesAt);
  const [escalation, setEscalation] = useState(hours.escalation);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await saveSupportHours(ctx.api, { alwaysOpen, opensAt, closesAt, escalation: escalation.trim() }, reason.trim());
      setDone(true);
      onSaved();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  return (
    <form class="card" onSubmit={save} data-testid="support-hours-form">
      <h2>{x.hours}</h2>
      <p class="muted" data-testid="support-open-now">
        {hours.openNow ? x.openNow : x.closedNow}
      </p>
      <OpeningTimes
        x={x}
        alwaysOpen={alwaysOpen}
        setAlwaysOpen={setAlwaysOpen}
        opensAt={opensAt}
        setOpensAt={setOpensAt}
        closesAt={closesAt}
        setClosesAt={setClosesAt}
      />
      <label>
        {x.escalation}
        <input
          value={escalation}
          maxLength={120}
          data-testid="support-escalation"
          onInput={(e) => setEscalation((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {x.reason}
        <input
          value={reason}
          maxLength={200}
          data-testid="support-hours-reason"
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="support-hours-error">
          {error}
        </p>
      )}
      {done && (
        <p class="ok" role="status" data-testid="support-hours-saved">
          {x.saved}
        </p>
      )}
      <button type="submit" data-testid="support-hours-save">
        {x.save}
      </button>
    </form>
  );
}
