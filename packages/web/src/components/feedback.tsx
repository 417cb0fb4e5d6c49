// The customer-service button (客服), on every signed-in page: it opens a panel where the player
// writes what went wrong, and files it as a report that support sees in the complaints inbox.
import { useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../shared/api.ts';
import type { Lang } from '../shared/i18n.ts';

const REASONS = ['other', 'cheating', 'collusion', 'abuse', 'bot'] as const;
type Reason = (typeof REASONS)[number];
const TEXT_LENGTH_MAX = 500;

const TEXT = {
  zh: {
    open: '客服',
    title: '联系客服 · 意见反馈',
    hint: '全天候受理。描述你遇到的问题；如果是举报，请写明房间号或玩家。',
    reason: '类型',
    reason_other: '意见或问题',
    reason_cheating: '举报作弊',
    reason_collusion: '举报串通',
    reason_abuse: '举报辱骂',
    reason_bot: '举报外挂',
    text: '内容',
    send: '提交',
    close: '关闭',
    sent: '已提交，编号 {id}。客服会尽快处理。',
  },
  en: {
    open: 'Help',
    title: 'Customer service · feedback',
    hint: 'Open day and night. Tell us what went wrong; for a report, name the room code or the player.',
    reason: 'About',
    reason_other: 'Feedback or a problem',
    reason_cheating: 'Report cheating',
    reason_collusion: 'Report collusion',
    reason_abuse: 'Report abuse',
    reason_bot: 'Report a bot',
    text: 'Message',
    send: 'Send',
    close: 'Close',
    sent: 'Sent as {id}. Support will look at it soon.',
  },
} as const;

export function FeedbackButton({ api, lang }: { api: ApiClient; lang: Lang }) {
  const t = TEXT[lang];
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<Reason>('other');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await api.call('POST /api/complaints', { body: { reason, text: text.trim().slice(0, TEXT_LENGTH_MAX) } });
      setSent(t.sent.replace('{id}', c.id));
      setText('');
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class="fab" onClick={() => setOpen(!open)} data-testid="feedback-open" aria-expanded={open}>
        {t.open}
      </button>
      {open && (
        <dialog open class="sheet" data-testid="feedback-panel" aria-label={t.title}>
          <form class="card" onSubmit={send}>
            <h2>{t.title}</h2>
            <p class="muted small">{t.hint}</p>
            <label>
              {t.reason}
              <select
                value={reason}
                onChange={(e) => setReason((e.target as HTMLSelectElement).value as Reason)}
                data-testid="feedback-reason"
              >
                {REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t[`reason_${r}`]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t.text}
              <textarea
                rows={4}
                required
                minLength={2}
                maxLength={TEXT_LENGTH_MAX}
                value={text}
                onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
                data-testid="feedback-text"
              />
            </label>
            <div class="row">
              <button type="submit" class="primary" disabled={busy} data-testid="feedback-send">
                {t.send}
              </button>
              <button type="button" class="secondary" onClick={() => setOpen(false)}>
                {t.close}
              </button>
            </div>
            {sent && (
              <p class="ok" role="status" data-testid="feedback-sent">
                {sent}
              </p>
            )}
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
          </form>
        </dialog>
      )}
    </>
  );
}
