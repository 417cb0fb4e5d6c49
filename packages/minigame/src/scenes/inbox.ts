// Customer service's answers to the player's feedback and reports (the in-app inbox's
// `support_answer` messages; money notices stay out of the mini-game), newest first, with the
// service hours and where to escalate. Opening the scene reads the answers shown. A button asks
// for WeChat reminders through wx.requestSubscribeMessage (at most three templates a call); the ids
// the player accepted go to the server, one consent each (one reminder per consent).
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import type { Inbox, SupportHours } from '../wire.ts';

const TEXT = {
  zh: {
    title: '客服消息',
    empty: '还没有客服回复',
    feedback: '你的反馈',
    report: '你的举报',
    always: '客服时间：7×24 小时',
    daily: '客服时间：每天 {from}–{to}（北京时间）',
    escalation: '不满意？请联系：{contact}',
    remind: '开启微信提醒',
    reminded: '已开启提醒（{n} 次）',
  },
  en: {
    title: 'Customer service',
    empty: 'No answers from customer service yet',
    feedback: 'Your feedback',
    report: 'Your report',
    always: 'Customer service: 24/7',
    daily: 'Customer service: daily {from}–{to} (China time)',
    escalation: 'Not satisfied? Contact {contact}',
    remind: 'Remind me in WeChat',
    reminded: 'Reminders on ({n} left)',
  },
};

/** Answers shown at most (the screen holds no more). */
const ANSWERS_MAX = 4;

export type InboxItem = Inbox['items'][number];

/** The unread answers of customer service among the inbox's newest items (the lobby's badge). */
export function unreadAnswers(inbox: Inbox): number {
  return inbox.items.filter((n) => n.kind === 'support_answer' && n.readAtMs === null).length;
}

interface Reminders {
  items: { kind: string; templateId: string; remaining: number }[];
}

/** wx.requestSubscribeMessage takes at most this many template ids a call. */
const TEMPLATES_PER_REQUEST = 3;
/**
 * The reminders the mini-game asks for, in this order: the inbox's own answer first, then the
 * room ones. "Withdrawal arrived" is never asked here: the mini-game shows no cash (H5 asks for it).
 */
const MINIGAME_KINDS = ['report_handled', 'turn_away', 'friend_room'] as const;

/** The answers shown, the support hours, whether they were marked read, and the reminders consented to. */
interface InboxState {
  readonly app: App;
  reminders: Reminders['items'] | null;
  answers: InboxItem[] | null;
  hours: SupportHours | null;
  read: boolean;
}

export function inboxScene(app: App): Scene {
  const s: InboxState = { app, reminders: null, answers: null, hours: null, read: false };
  loadAnswers(s).catch((e) => app.fail(e));
  app.api.call<Reminders>('GET', '/api/subscriptions').then(
    (r) => {
      s.reminders = r.items;
      app.stage.invalidate();
    },
    () => {},
  );
  return {
    name: 'inbox',
    draw(g: Gfx) {
      const x = TEXT[app.lang];
      g.fill(COLORS.feltDark);
      g.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      g.text(x.title, g.w / 2, 70, { size: 18, weight: 'bold', color: COLORS.paper, align: 'center' });
      let y = drawAnswers(s, g, 96);
      if (s.reminders !== null && s.reminders.length > 0) {
        const left = s.reminders.reduce((n, r) => n + r.remaining, 0);
        const label = left > 0 ? x.reminded.replace('{n}', String(left)) : x.remind;
        g.button('subscribe', 16, y, g.w - 32, 36, label, () => remind(s), { kind: 'ghost', size: 13 });
        y += 48;
      }
      if (s.hours !== null) drawHours(s, g, s.hours, y);
    },
    debug: () => ({
      answers: s.answers?.map((n) => String(n.data.text ?? '')) ?? null,
      hours: s.hours,
      read: s.read,
      reminders: s.reminders?.reduce((n, r) => n + r.remaining, 0) ?? null,
    }),
  };
}

/** The newest answers and the support hours; then each unread answer is marked read. */
async function loadAnswers(s: InboxState): Promise<void> {
  const { app } = s;
  const [inbox, h] = await Promise.all([
    app.api.call<Inbox>('GET', '/api/notifications?limit=50'),
    app.api.call<SupportHours>('GET', '/api/support'),
  ]);
  const answers = inbox.items.filter((n) => n.kind === 'support_answer').slice(0, ANSWERS_MAX);
  s.answers = answers;
  s.hours = h;
  app.stage.invalidate();
  for (const n of answers) if (n.readAtMs === null) await app.api.call('POST', `/api/notifications/${n.id}/read`);
  s.read = true;
  app.stage.invalidate();
}

/** Asks WeChat for the reminders' templates; the ones accepted go to the server as consents. */
function remind(s: InboxState): void {
  const { app } = s;
  const byKind = new Map((s.reminders ?? []).map((r) => [r.kind, r.templateId]));
  const tmplIds = MINIGAME_KINDS.flatMap((k) => byKind.get(k) ?? []).slice(0, TEMPLATES_PER_REQUEST);
  if (tmplIds.length === 0) return;
  wx.requestSubscribeMessage({
    tmplIds,
    success: (res) => {
      const accepted = tmplIds.filter((id) => res[id] === 'accept');
      if (accepted.length === 0) return;
      app.api.call<Reminders>('POST', '/api/subscriptions/consents', { templateIds: accepted }).then(
        (r) => {
          s.reminders = r.items;
          app.stage.invalidate();
        },
        (e: unknown) => app.fail(e),
      );
    },
  });
}

/** Each answer under what it answers (or a line saying there is none yet); returns the y below them. */
function drawAnswers(s: InboxState, g: Gfx, y0: number): number {
  const x = TEXT[s.app.lang];
  let y = y0;
  if (s.answers !== null && s.answers.length === 0) {
    g.text(x.empty, 24, y + 16, { size: 14, color: 'rgba(255,255,255,0.7)', maxWidth: g.w - 48 });
    g.region('inbox-empty', 16, y, g.w - 32, 32, x.empty, null);
    y += 44;
  }
  for (const n of s.answers ?? []) {
    const top = y;
    const about = `${n.data.threadKind === 'report' ? x.report : x.feedback}: ${String(n.data.question ?? '')}`;
    const h0 = g.paragraph(about, 28, y + 10, g.w - 56, { size: 12, color: 'rgba(255,255,255,0.7)' });
    const text = String(n.data.text ?? '');
    const h1 = g.paragraph(text, 28, y + 14 + h0, g.w - 56, { size: 15, color: COLORS.paper });
    const h = h0 + h1 + 24;
    g.box(16, top, g.w - 32, h, 8, 'rgba(255,255,255,0.1)');
    // Drawn again over the box so the words stay on top.
    g.paragraph(about, 28, y + 10, g.w - 56, { size: 12, color: 'rgba(255,255,255,0.7)' });
    g.paragraph(text, 28, y + 14 + h0, g.w - 56, { size: 15, color: COLORS.paper });
    g.region(`answer-${n.id}`, 16, top, g.w - 32, h, text, null);
    y += h + 10;
  }
  return y;
}

/** The service hours and where to escalate. */
function drawHours(s: InboxState, g: Gfx, hours: SupportHours, y0: number): void {
  const x = TEXT[s.app.lang];
  let y = y0;
  const line = hours.alwaysOpen ? x.always : x.daily.replace('{from}', hours.opensAt).replace('{to}', hours.closesAt);
  y += 8;
  y += g.paragraph(line, 24, y, g.w - 48, { size: 13, color: COLORS.gold });
  const esc = x.escalation.replace('{contact}', hours.escalation);
  const h = g.paragraph(esc, 24, y + 4, g.w - 48, { size: 13, color: COLORS.paper });
  g.region('support-hours', 16, y - 20, g.w - 32, h + 24, `${line} ${esc}`, null);
}
