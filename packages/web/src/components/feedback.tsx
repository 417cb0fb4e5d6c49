// The customer-service button (客服), on every signed-in page: it opens a panel where the player
// writes what went wrong, and files it as a report that support sees in the complaints inbox.
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import type { Lang } from '../shared/i18n.ts';

const REASONS = ['other', 'cheating', 'collusion', 'abuse', 'bot'] as const;
type Reason = (typeof REASONS)[number];
const TEXT_LENGTH_MAX = 500;

const TEXT = {
  zh: {
    open: '客服',
    title: '联系客服 · 意见反馈',
    hint: '全天候受理。意见和问题直接写；举报请填房间号或玩家 ID。',
    target: '房间号或玩家 ID（举报必填）',
    targetNeeded: '举报需要填写房间号（6 位数字）或玩家 ID',
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
    hint: 'Open day and night. Write feedback or a problem as it is; for a report, give the room code or the player id.',
    target: 'Room code or player id (needed for a report)',
    targetNeeded: 'A report needs a room code (6 digits) or a player id',
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

type Text = (typeof TEXT)[Lang];

export function FeedbackButton({ api, lang }: { api: ApiClient; lang: Lang }) {
  const t = TEXT[lang];
  const [open, setOpen] = useState(false);
  // The form lives here, not in the panel: a panel closed and opened again keeps what was written.
  const form = useFeedbackForm(api, lang);
  // The panel belongs to the page it was opened on.
  useEffect(() => {
    const close = () => setOpen(false);
    addEventListener('hashchange', close);
    return () => removeEventListener('hashchange', close);
  }, []);

  return (
    <>
      <button type="button" class="fab" onClick={() => setOpen(!open)} data-testid="feedback-open" aria-expanded={open}>
        {t.open}
      </button>
      {open && (
        <dialog open class="sheet" data-testid="feedback-panel" aria-label={t.title}>
          <FeedbackForm t={t} form={form} onClose={() => setOpen(false)} />
        </dialog>
      )}
    </>
  );
}

type FeedbackFormState = ReturnType<typeof useFeedbackForm>;

/** What the player writes, and its filing: feedback, or a complaint about a room or a player. */
function useFeedbackForm(api: ApiClient, lang: Lang) {
  const t = TEXT[lang];
  const [reason, setReason] = useState<Reason>('other');
  const [text, setText] = useState('');
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const id = await fileFeedback(api, t, reason, target.trim(), text.trim().slice(0, TEXT_LENGTH_MAX));
      setSent(t.sent.replace('{id}', id));
      setText('');
      setTarget('');
    } catch (e) {
      setError(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };
  return { reason, setReason, text, setText, target, setTarget, busy, sent, error, send };
}

/** Files the message where it belongs and answers its id; a report needs a room code or a player id. */
async function fileFeedback(api: ApiClient, t: Text, reason: Reason, about: string, body: string): Promise<string> {
  if (about === '') {
    if (reason !== 'other') throw new Error(t.targetNeeded);
    // Feedback about nothing in particular goes to customer service's own list.
    return (await api.call('POST /api/feedback', { body: { topic: 'other', text: body } })).feedbackId;
  }
  if (/^[0-9]{6}$/.test(about)) {
    const room = await api.call('GET /api/rooms/code/:code', { params: { code: about } });
    return (await api.call('POST /api/complaints', { body: { reason, roomId: room.roomId, text: body } })).id;
  }
  if (/^p_[A-Za-z0-9_-]{1,62}$/.test(about)) {
    return (await api.call('POST /api/complaints', { body: { reason, targetPlayerId: about, text: body } })).id;
  }
  throw new Error(t.targetNeeded);
}

function FeedbackForm({ t, form, onClose }: { t: Text; form: FeedbackFormState; onClose: () => void }) {
  return (
    <form class="card" onSubmit={form.send}>
      <h2>{t.title}</h2>
      <p class="muted small">{t.hint}</p>
      <label>
        {t.reason}
        <select
          value={form.reason}
          onChange={(e) => form.setReason((e.target as HTMLSelectElement).value as Reason)}
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
        {t.target}
        <input
          value={form.target}
          onInput={(e) => form.setTarget((e.target as HTMLInputElement).value)}
          data-testid="feedback-target"
          autoCapitalize="off"
        />
      </label>
      <label>
        {t.text}
        <textarea
          rows={4}
          required
          minLength={2}
          maxLength={TEXT_LENGTH_MAX}
          value={form.text}
          onInput={(e) => form.setText((e.target as HTMLTextAreaElement).value)}
          data-testid="feedback-text"
        />
      </label>
      <div class="row">
        <button type="submit" class="primary" disabled={form.busy} data-testid="feedback-send">
          {t.send}
        </button>
        <button type="button" class="secondary" onClick={onClose} data-testid="feedback-close">
          {t.close}
        </button>
      </div>
      {form.sent && (
        <p class="ok" role="status" data-testid="feedback-sent">
          {form.sent}
        </p>
      )}
      {form.error && (
        <p class="error" role="alert">
          {form.error}
        </p>
      )}
    </form>
  );
}
