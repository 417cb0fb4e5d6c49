// The player's inbox: what happened to them (deposits, withdrawals, adjustments) and customer
// service's answers to their feedback and reports, newest first; opening the inbox reads them.
// Below: the opt-in to WeChat reminders (the official account's template messages: one reminder
// per consent, so switching on gives one consent per kind; switching off gives back what is left),
// and when customer service answers and where to escalate.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatTimeMs } from '../shared/i18n.ts';

type Item = Response<'GET /api/notifications'>['items'][number];
type Hours = Response<'GET /api/support'>;
type Reminders = Response<'GET /api/subscriptions'>['items'];

const TEXT = {
  zh: {
    title: '消息',
    empty: '暂无消息',
    answer: '客服回复',
    yourFeedback: '你的反馈',
    yourReport: '你的举报',
    kinds: {
      balance_adjusted: '账户余额已调整',
      deposit_credited: '充值已到账',
      deposit_completed: '充值已完成',
      withdrawal_completed: '提现已到账',
      withdrawal_confirm: '提现待确认',
    } as Record<string, string>,
    notice: '通知',
    hours: '客服时间',
    always: '7×24 小时',
    daily: '每天 {from}–{to}（北京时间）',
    closedNow: '当前不在客服时间，我们会在上班后尽快回复。',
    escalation: '对处理结果不满意？请联系：{contact}',
    back: '返回大厅',
    unread: '未读',
    reminders: '微信提醒',
    remindersHint: '客服回复、提现到账时，在微信里提醒我一次。每次同意只提醒一次，不发广告。',
    remindersOn: '已开启',
    remindersOff: '未开启',
  },
  en: {
    title: 'Inbox',
    empty: 'No messages yet',
    answer: 'Customer service answered',
    yourFeedback: 'Your feedback',
    yourReport: 'Your report',
    kinds: {
      balance_adjusted: 'Your balance was adjusted',
      deposit_credited: 'Your deposit arrived',
      deposit_completed: 'Your deposit completed',
      withdrawal_completed: 'Your withdrawal arrived',
      withdrawal_confirm: 'Confirm your withdrawal',
    } as Record<string, string>,
    notice: 'Notice',
    hours: 'Customer service hours',
    always: 'Around the clock (24/7)',
    daily: 'Daily {from}–{to} (China time)',
    closedNow: 'Customer service is closed now; we answer as soon as it opens.',
    escalation: 'Not satisfied with an answer? Contact {contact}',
    back: 'Back to the lobby',
    unread: 'Unread',
    reminders: 'WeChat reminders',
    remindersHint: 'Remind me once in WeChat when customer service answers or a withdrawal arrives. One reminder per consent; never ads.',
    remindersOn: 'On',
    remindersOff: 'Off',
  },
};

type Text = (typeof TEXT)['zh'];
type SetError = (error: string | null) => void;

export function InboxPage({ ctx }: { ctx: Ctx }) {
  const x = TEXT[ctx.lang];
  const [error, setError] = useState<string | null>(null);
  const { items, hours } = useInbox(ctx, setError);

  return (
    <main class="page" data-testid="inbox-page">
      <h1>{x.title}</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && (
        <p class="muted" data-testid="inbox-empty">
          {x.empty}
        </p>
      )}
      <ul class="inbox">
        {(items ?? []).map((n) => (
          <InboxItem key={n.id} x={x} n={n} />
        ))}
      </ul>
      <RemindersCard ctx={ctx} x={x} setError={setError} />
      {hours && <SupportHours x={x} hours={hours} />}
      <a class="link" href="#/lobby" data-testid="inbox-back">
        {x.back}
      </a>
    </main>
  );
}

/** The messages, newest first (each unread one marked read as it is shown), and support's hours. */
function useInbox(ctx: Ctx, setError: SetError) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [hours, setHours] = useState<Hours | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/notifications', { query: { limit: 50 } }).then(
      (r) => {
        setItems(r.items);
        // Seen: each unread one is marked read (the list keeps showing which were new).
        for (const n of r.items)
          if (n.readAtMs === null)
            void ctx.api.call('POST /api/notifications/:notificationId/read', { params: { notificationId: n.id } }).catch(() => {});
      },
      (e: unknown) => setError(errorText(ctx.lang, e)),
    );
    ctx.api.call('GET /api/support', {}).then(setHours, () => {});
  }, [ctx.api]);
  return { items, hours };
}

function InboxItem({ x, n }: { x: Text; n: Item }) {
  return (
    <li class="card" data-testid="inbox-item" data-kind={n.kind} data-unread={n.readAtMs === null ? 'true' : 'false'}>
      {n.kind === 'support_answer' ? (
        <>
          <div>
            <strong>{x.answer}</strong> {n.readAtMs === null && <span class="badge">{x.unread}</span>}
          </div>
          <p class="muted small wrap">
            {n.data.threadKind === 'report' ? x.yourReport : x.yourFeedback}: {String(n.data.question ?? '')}
          </p>
          <p class="wrap" data-testid="inbox-answer">
            {String(n.data.text ?? '')}
          </p>
        </>
      ) : (
        <>
          <div>
            <strong>{x.kinds[n.kind] ?? x.notice}</strong> {n.readAtMs === null && <span class="badge">{x.unread}</span>}
          </div>
        </>
      )}
      <small class="muted">{formatTimeMs(n.createdAtMs)}</small>
    </li>
  );
}

/** The WeChat reminders switch: on gives one consent per kind, off gives back what is left. */
function RemindersCard({ ctx, x, setError }: { ctx: Ctx; x: Text; setError: SetError }) {
  const [reminders, setReminders] = useState<Reminders | null>(null);
  const [saving, setSaving] = useState(false);
  const remindersOn = (reminders ?? []).some((r) => r.remaining > 0);
  async function toggleReminders() {
    if (reminders === null || saving) return;
    setSaving(true);
    setError(null);
    try {
      const r = remindersOn
        ? await ctx.api.call('POST /api/subscriptions/withdraw', { body: {} })
        : await ctx.api.call('POST /api/subscriptions/consents', { body: { templateIds: reminders.map((x) => x.templateId) } });
      setReminders(r.items);
    } catch (e) {
      setError(errorText(ctx.lang, e));
    } finally {
      setSaving(false);
    }
  }
  useEffect(() => {
    ctx.api.call('GET /api/subscriptions', {}).then(
      (r) => setReminders(r.items),
      () => {},
    );
  }, [ctx.api]);
  if (reminders === null || reminders.length === 0) return null;
  return (
    <section class="card" data-testid="reminders">
      <label class="row wrap">
        <input
          type="checkbox"
          data-testid="reminders-toggle"
          checked={remindersOn}
          disabled={saving}
          onChange={() => void toggleReminders()}
        />{' '}
        <strong>{x.reminders}</strong>{' '}
        <span class="muted small" data-testid="reminders-state">
          {remindersOn ? x.remindersOn : x.remindersOff}
        </span>
      </label>
      <p class="muted small wrap">{x.remindersHint}</p>
    </section>
  );
}

/** When customer service answers, and where to go when its answer does not satisfy. */
function SupportHours({ x, hours }: { x: Text; hours: Hours }) {
  return (
    <section class="card" data-testid="support-hours">
      <h2>{x.hours}</h2>
      <p>{hours.alwaysOpen ? x.always : x.daily.replace('{from}', hours.opensAt).replace('{to}', hours.closesAt)}</p>
      {!hours.openNow && <p class="muted">{x.closedNow}</p>}
      <p class="small wrap" data-testid="support-escalation">
        {x.escalation.replace('{contact}', hours.escalation)}
      </p>
    </section>
  );
}
