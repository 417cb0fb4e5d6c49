// The minors' holiday calendar on the policies page: each jurisdiction's years with their notice
// and dates, whether each was checked, and (for an administrator) the confirmation of a year
// against its notice. The banner on every page says when a year in use is unchecked or the
// calendar runs out within 60 days.
import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { type CalendarT, calendarText } from './calendar-i18n.ts';

type Calendars = Response<'GET /api/admin/compliance/calendars'>;
type Item = Calendars['items'][number];
type Year = Item['years'][number];
type Warning = Calendars['warnings'][number];

export function calendarWarningText(t: CalendarT, w: Warning): string {
  if (w.kind === 'unverified') return t('bannerUnverified', { jurisdiction: w.jurisdiction, year: w.year ?? '' });
  if (w.kind === 'runs_out') return t('bannerRunsOut', { jurisdiction: w.jurisdiction, date: w.lastDate ?? '', days: w.daysLeft ?? 0 });
  return t('bannerMissing', { jurisdiction: w.jurisdiction, year: w.year ?? '' });
}

/** The banner every console page shows while a minors' calendar needs an operator. */
export function CalendarBanner({ ctx }: { ctx: Ctx }) {
  const t = calendarText(ctx.lang);
  const [warnings, setWarnings] = useState<Warning[]>([]);
  useEffect(() => {
    const load = () =>
      ctx.api.call('GET /api/admin/compliance/calendars', {}).then(
        (c) => setWarnings(c.warnings),
        () => setWarnings([]),
      );
    void load();
    // The policies page confirms a year: it asks the banner to read the calendars again.
    addEventListener('fg-calendars-changed', load);
    return () => removeEventListener('fg-calendars-changed', load);
  }, [ctx.api]);
  if (warnings.length === 0) return null;
  return (
    <div class="banner" role="status" data-testid="calendar-banner">
      {warnings.map((w) => (
        <p key={`${w.kind}-${w.jurisdiction}-${w.year ?? ''}`} data-kind={w.kind} data-testid="calendar-warning">
          {calendarWarningText(t, w)}
        </p>
      ))}
      <a href="#/policies" data-testid="calendar-banner-link">
        {t('bannerLink')}
      </a>
    </div>
  );
}

export function CalendarPanel({ ctx }: { ctx: Ctx }) {
  const t = calendarText(ctx.lang);
  const [data, setData] = useState<Calendars | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setData(await ctx.api.call('GET /api/admin/compliance/calendars', {}));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api, ctx.lang]);
  useEffect(() => {
    void load();
  }, [load]);
  const canConfirm = ctx.operator.roles.includes('admin');
  return (
    <section class="card" data-testid="calendar-panel">
      <h2>{t('calendarTitle')}</h2>
      <p class="muted small">{t('calendarHint')}</p>
      {error && (
        <p class="error" role="alert">
          {t('error', { message: error })}
        </p>
      )}
      {data?.items.map((item) => (
        <div key={item.jurisdiction} data-testid="calendar" data-jurisdiction={item.jurisdiction}>
          <h3 translate={false}>
            {item.jurisdiction} · {item.policy}
          </h3>
          <p class="small muted calendar-file" translate={false}>
            {item.calendarFile ? t('calendarFile', { file: item.calendarFile }) : t('calendarInline')}
          </p>
          <p class={item.warnings.some((w) => w.kind !== 'unverified') ? 'error' : 'small'} data-testid="calendar-runway">
            {item.lastDate === null
              ? t('noTableThisYear', { year: item.today.slice(0, 4) })
              : t('runsUntil', { date: item.lastDate, days: item.daysLeft })}
          </p>
          <ul class="list">
            {item.years.map((y) => (
              <YearRow
                key={y.year}
                ctx={ctx}
                t={t}
                jurisdiction={item.jurisdiction}
                y={y}
                canConfirm={canConfirm}
                onConfirmed={async () => {
                  await load();
                  dispatchEvent(new Event('fg-calendars-changed'));
                }}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function YearRow(p: { ctx: Ctx; t: CalendarT; jurisdiction: string; y: Year; canConfirm: boolean; onConfirmed: () => Promise<void> }) {
  const { t, y } = p;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const confirm = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await p.ctx.api.call('POST /api/admin/compliance/calendars/confirm', {
        body: { jurisdiction: p.jurisdiction, year: y.year, sha256: y.sha256, note },
      });
      // Reloaded first, so "confirmed" is said only once the row shows the year as verified.
      await p.onConfirmed();
      setDone(true);
    } catch (e) {
      setError(consoleError(p.ctx.lang, e));
    }
  };
  return (
    <li data-testid="calendar-year" data-year={y.year} data-verified={String(y.verified)} class="stack">
      <YearHead t={t} y={y} />
      <span class="small">
        {t('holidays', { n: y.holidays.length })} · {t('workdays', { n: y.workdays.length })}
      </span>
      <YearSource t={t} y={y} />
      <YearDates t={t} y={y} />
      {y.fileVerified && <span class="small ok">{t('fileSaysVerified')}</span>}
      {y.confirmation && (
        <span class="small ok" data-testid="calendar-confirmation">
          {t('confirmedBy', { time: formatTimeMs(y.confirmation.atMs), operator: y.confirmation.operatorId, note: y.confirmation.note })}
        </span>
      )}
      {!y.verified && y.inUse && p.canConfirm && (
        <form class="stack" onSubmit={confirm} data-testid="calendar-confirm-form">
          <label>
            {t('note')}
            <input
              value={note}
              required
              minLength={3}
              maxLength={500}
              onInput={(e) => setNote((e.target as HTMLInputElement).value)}
              data-testid="calendar-note"
            />
          </label>
          <button type="submit" class="primary" data-testid="calendar-confirm">
            {t('confirm')}
          </button>
        </form>
      )}
      {!y.verified && y.inUse && !p.canConfirm && <span class="small muted">{t('confirmOnlyAdmin')}</span>}
      {done && (
        <span class="ok small" role="status" data-testid="calendar-confirmed">
          {t('confirmed', { year: y.year })}
        </span>
      )}
      {error && (
        <span class="error small" role="alert" data-testid="calendar-error">
          {error}
        </span>
      )}
    </li>
  );
}

/** The notice a year's dates come from: its title, reference, date, links and note. */
function YearSource({ t, y }: { t: CalendarT; y: Year }) {
  return (
    <>
      <span class="small" translate={false}>
        {y.source.title}
        {y.source.reference ? ` · ${t('reference', { ref: y.source.reference })}` : ''}
        {y.source.publishedOn ? ` · ${t('publishedOn', { date: y.source.publishedOn })}` : ''}
      </span>
      {y.source.urls?.map((u) => (
        <a key={u} class="small calendar-url" href={u} target="_blank" rel="noreferrer noopener" translate={false}>
          {u}
        </a>
      ))}
      {y.source.note && (
        <span class="small muted" translate={false}>
          {y.source.note}
        </span>
      )}
    </>
  );
}

/** The year's holiday and make-up work dates, folded, with the file's hash. */
function YearDates({ t, y }: { t: CalendarT; y: Year }) {
  return (
    <details>
      <summary>{t('showDates')}</summary>
      <p class="small">
        {t('holidayDates')}: <span translate={false}>{y.holidays.join(', ')}</span>
      </p>
      <p class="small">
        {t('workdayDates')}: <span translate={false}>{y.workdays.join(', ')}</span>
      </p>
      <p class="small muted calendar-file" translate={false}>
        {t('sha', { sha: y.sha256 })}
      </p>
    </details>
  );
}

/** The year and its state: verified, in use but unchecked, or past. */
function YearHead({ t, y }: { t: CalendarT; y: Year }) {
  const state = y.verified ? 'verified' : y.inUse ? 'unverified' : 'past';
  return (
    <div class="inline spread">
      <strong>{t('year', { year: y.year })}</strong>
      <span class={`badge ${y.verified ? 'ok' : y.inUse ? 'alert' : ''}`} data-testid="calendar-year-state">
        {state === 'verified' ? t('verified') : state === 'unverified' ? t('unverified') : `${t('unverified')} · ${t('pastYear')}`}
      </span>
    </div>
  );
}
