// The player's inbox: what happened to them (deposits, withdrawals, adjustments) and customer
// service's answers to their feedback and reports, newest first; opening the inbox reads them.
// Below: when customer service answers and where to escalate.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatTimeMs } from '../shared/i18n.ts';

type Item = Response<'GET /api/notifications'>['items'][number];
type Hours = Response<'GET /api/support'>;

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
  },
};

export function InboxPage({ ctx }: { ctx: Ctx }) {
  const x = TEXT[ctx.lang];
  const [items, setItems] = useState<Item[] | null>(null);
  const [hours, setHours] = useState<Hours | null>(null);
  const [error, setError] = useState<string | null>(null);
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
          <li key={n.id} class="card" data-testid="inbox-item" data-kind={n.kind} data-unread={n.readAtMs === null ? 'true' : 'false'}>
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
        ))}
      </ul>
      {hours && (
        <section class="card" data-testid="support-hours">
          <h2>{x.hours}</h2>
          <p>{hours.alwaysOpen ? x.always : x.daily.replace('{from}', hours.opensAt).replace('{to}', hours.closesAt)}</p>
          {!hours.openNow && <p class="muted">{x.closedNow}</p>}
          <p class="small wrap" data-testid="support-escalation">
            {x.escalation.replace('{contact}', hours.escalation)}
          </p>
        </section>
      )}
      <a class="link" href="#/lobby" data-testid="inbox-back">
        {x.back}
      </a>
    </main>
  );
}
