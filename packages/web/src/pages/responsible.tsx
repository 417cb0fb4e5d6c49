// Responsible play: my deposit limits (lower at once, higher after the cooling-off), a break from
// play by self-exclusion, and how long I have been playing.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatTimeMs, type Lang } from '../shared/i18n.ts';
import { fenToYuan, yuanToFen } from '../shared/money.ts';

type View = Response<'GET /api/me/responsible-play'>;

const TEXT = {
  zh: {
    title: '理性游戏',
    limits: '充值上限',
    day: '每日上限（元）',
    month: '每月上限（元）',
    none: '不限',
    save: '保存上限',
    pending: '提高的上限将于 {at} 生效：每日 {day}，每月 {month}',
    lowerNow: '降低上限立即生效；提高上限需等待 {hours} 小时冷静期。',
    exclusion: '自我排除',
    exclusionHint: '在此期间不能游戏或充值，仍可提现余额。开始后不能提前结束。',
    exclude: '暂停 {days} 天',
    confirm: '确定暂停 {days} 天？期间无法游戏或充值，且不能提前结束。',
    excludedUntil: '你选择了暂停游戏，至 {at} 结束。在此期间不能游戏或充值，余额仍可提现；到期后自动恢复，不能提前结束。',
    play: '游戏时长',
    played: '本次已连续游戏 {minutes} 分钟',
    breakUntil: '请休息，{at} 后可继续游戏',
    saved: '已保存',
    invalid: '请输入金额（元，最多两位小数），或留空表示不限',
    notOffered: '当前适用的政策未提供这些设置。',
    back: '返回',
  },
  en: {
    title: 'Responsible play',
    limits: 'Deposit limits',
    day: 'Daily limit (yuan)',
    month: 'Monthly limit (yuan)',
    none: 'none',
    save: 'Save limits',
    pending: 'Higher limits take effect at {at}: daily {day}, monthly {month}',
    lowerNow: 'Lower limits apply at once; higher ones after a {hours}-hour cooling-off.',
    exclusion: 'Self-exclusion',
    exclusionHint: 'No play or deposits during the period; you can still withdraw your balance. It cannot be ended early.',
    exclude: 'Pause for {days} days',
    confirm: 'Pause for {days} days? No play or deposits meanwhile, and it cannot be ended early.',
    excludedUntil:
      'You chose to pause play until {at}. Until then you cannot play or deposit, but you can withdraw your balance; it ends by itself and cannot be ended early.',
    play: 'Time played',
    played: 'Playing for {minutes} minutes without a break',
    breakUntil: 'Take a break: play resumes at {at}',
    saved: 'Saved',
    invalid: 'Enter an amount in yuan (at most two decimals), or leave it empty for no limit',
    notOffered: 'The policy that applies to you offers no such settings.',
    back: 'Back',
  },
} as const;
type Key = keyof (typeof TEXT)['zh'];
function tr(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  return TEXT[lang][key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''));
}

const limitText = (fen: number | null, lang: Lang) => (fen === null ? tr(lang, 'none') : `¥${fenToYuan(fen)}`);
/** Input text for a limit: yuan without thousands separators, so it reads back exactly. */
const inputText = (fen: number | null) => (fen === null ? '' : `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);

export function ResponsiblePlayPage({ ctx }: { ctx: Ctx }) {
  const { lang } = ctx;
  const rp = useResponsiblePlay(ctx);
  const { view, message } = rp;
  return (
    <main class="page" data-testid="responsible-page">
      <h1>{tr(lang, 'title')}</h1>
      {view && !view.offered && <p class="muted">{tr(lang, 'notOffered')}</p>}
      {view?.offered && (
        <>
          <LimitsForm lang={lang} view={view} rp={rp} />
          <ExclusionCard lang={lang} view={view} onExclude={rp.exclude} />
          <section class="card">
            <h2>{tr(lang, 'play')}</h2>
            <p data-testid="played">{tr(lang, 'played', { minutes: Math.floor(view.play.continuousMs / 60_000) })}</p>
            {view.play.breakUntilMs !== null && <p class="error">{tr(lang, 'breakUntil', { at: formatTimeMs(view.play.breakUntilMs) })}</p>}
          </section>
        </>
      )}
      {message && (
        <p class="muted" role="status" data-testid="responsible-message">
          {message}
        </p>
      )}
      <button type="button" class="link" onClick={() => ctx.navigate('lobby')}>
        {tr(lang, 'back')}
      </button>
    </main>
  );
}

type ResponsiblePlay = ReturnType<typeof useResponsiblePlay>;

/** The player's settings, the limit inputs as typed, and the two changes a player can make. */
function useResponsiblePlay(ctx: Ctx) {
  const { api, lang } = ctx;
  const [view, setView] = useState<View | null>(null);
  const [day, setDay] = useState('');
  const [month, setMonth] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const show = useCallback((v: View) => {
    setView(v);
    setDay(inputText(v.depositLimits.dayFen));
    setMonth(inputText(v.depositLimits.monthFen));
  }, []);

  useEffect(() => {
    api.call('GET /api/me/responsible-play', {}).then(show, (e: unknown) => setMessage(String(e)));
  }, [api, show]);

  const fail = (e: unknown) => setMessage(errorText(ctx.lang, e));

  const saveLimits = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    const dayFen = day.trim() === '' ? null : yuanToFen(day);
    const monthFen = month.trim() === '' ? null : yuanToFen(month);
    // Unreadable text must never become "no limit".
    if ((day.trim() !== '' && (dayFen === null || dayFen < 0)) || (month.trim() !== '' && (monthFen === null || monthFen < 0))) {
      setMessage(tr(lang, 'invalid'));
      return;
    }
    try {
      show(await api.call('PUT /api/me/responsible-play/deposit-limits', { body: { dayFen, monthFen } }));
      setMessage(tr(lang, 'saved'));
    } catch (e) {
      fail(e);
    }
  };

  const exclude = async (days: number) => {
    if (!confirm(tr(lang, 'confirm', { days }))) return;
    setMessage(null);
    try {
      show(await api.call('POST /api/me/responsible-play/self-exclusion', { body: { days } }));
    } catch (e) {
      fail(e);
    }
  };

  return { view, day, setDay, month, setMonth, message, saveLimits, exclude };
}

/** Deposit limits: lower at once, higher after the cooling-off (shown as pending until then). */
function LimitsForm({ lang, view, rp }: { lang: Lang; view: View; rp: ResponsiblePlay }) {
  return (
    <form class="card" onSubmit={rp.saveLimits}>
      <h2>{tr(lang, 'limits')}</h2>
      <p class="muted small">{tr(lang, 'lowerNow', { hours: Math.round(view.raiseDelayMs / 3_600_000) })}</p>
      <label>
        {tr(lang, 'day')}
        <input
          data-testid="limit-day"
          inputMode="decimal"
          value={rp.day}
          placeholder={tr(lang, 'none')}
          onInput={(e) => rp.setDay((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {tr(lang, 'month')}
        <input
          data-testid="limit-month"
          inputMode="decimal"
          value={rp.month}
          placeholder={tr(lang, 'none')}
          onInput={(e) => rp.setMonth((e.target as HTMLInputElement).value)}
        />
      </label>
      <p data-testid="limits-in-force" class="small">
        {limitText(view.depositLimits.dayFen, lang)} / {limitText(view.depositLimits.monthFen, lang)}
      </p>
      {view.pendingDepositLimits && (
        <p class="small" data-testid="limits-pending">
          {tr(lang, 'pending', {
            at: formatTimeMs(view.pendingDepositLimits.effectiveAtMs),
            day: limitText(view.pendingDepositLimits.dayFen, lang),
            month: limitText(view.pendingDepositLimits.monthFen, lang),
          })}
        </p>
      )}
      <button type="submit" class="primary" data-testid="save-limits">
        {tr(lang, 'save')}
      </button>
    </form>
  );
}

/** A break from play: the date it ends, or the lengths to choose from. */
function ExclusionCard({ lang, view, onExclude }: { lang: Lang; view: View; onExclude: (days: number) => Promise<void> }) {
  return (
    <section class="card">
      <h2>{tr(lang, 'exclusion')}</h2>
      {view.selfExclusionUntilMs !== null ? (
        <p data-testid="excluded-until" data-until={view.selfExclusionUntilMs}>
          {tr(lang, 'excludedUntil', { at: formatTimeMs(view.selfExclusionUntilMs) })}
        </p>
      ) : (
        <>
          <p class="muted small">{tr(lang, 'exclusionHint')}</p>
          <div class="choices" data-testid="exclude-choices">
            {view.selfExclusionDays.map((d) => (
              <button type="button" key={d} data-testid={`exclude-${d}`} onClick={() => onExclude(d)}>
                {tr(lang, 'exclude', { days: d })}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
