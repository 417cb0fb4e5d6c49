// Tournament templates as a form, each with its repeating schedule: times of day on every day or on
// chosen weekdays, on a clock set as an offset from UTC (Beijing time by default). A scheduled
// template makes the platform's `skill.schedule` job open its tournament at each slot — entries
// open for the template's entry window, play for its play window after — and the tournament list
// below shows it like any other, to be cancelled (every fee refunded) if need be. A template
// without times is used by hand only (the create form above).
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import { bpsToPercent, percentToBps, type SettingsT } from './settings-i18n.ts';
import { readYuan, SaveBar, yuanField } from './settings-save.tsx';

export interface Schedule {
  times: string[];
  weekdays?: number[];
  utcOffsetMinutes: number;
}

export interface Template {
  id: string;
  game: string;
  title: string;
  entryFeeFen: number;
  rakeBps: number;
  prizeWeights: number[];
  playersMin: number;
  playersMax: number;
  entryWindowMs: number;
  playWindowMs: number;
  schedule?: Schedule;
}

interface Row {
  readonly isNew: boolean;
  id: string;
  game: string;
  title: string;
  entryFeeYuan: string;
  rakePercent: string;
  prizeWeights: string;
  playersMin: string;
  playersMax: string;
  entryWindowMinutes: string;
  playWindowMinutes: string;
  /** "20:00, 21:30"; empty: not scheduled. */
  times: string;
  /** ISO weekdays ticked; none ticked: every day. */
  weekdays: number[];
  /** Hours from UTC, e.g. "8". */
  utcOffsetHours: string;
}

const MINUTE_MS = 60_000;
const BEIJING_HOURS = '8';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const toRow = (t: Template): Row => ({
  isNew: false,
  id: t.id,
  game: t.game,
  title: t.title,
  entryFeeYuan: yuanField(t.entryFeeFen),
  rakePercent: bpsToPercent(t.rakeBps),
  prizeWeights: t.prizeWeights.join(', '),
  playersMin: String(t.playersMin),
  playersMax: String(t.playersMax),
  entryWindowMinutes: String(Math.round(t.entryWindowMs / MINUTE_MS)),
  playWindowMinutes: String(Math.round(t.playWindowMs / MINUTE_MS)),
  times: t.schedule?.times.join(', ') ?? '',
  weekdays: [...(t.schedule?.weekdays ?? [])],
  utcOffsetHours: t.schedule ? String(t.schedule.utcOffsetMinutes / 60) : BEIJING_HOURS,
});

const int = (text: string): number | null => (/^\s*\d{1,9}\s*$/.test(text) ? Number(text) : null);

/** The row as a template, or null when a number does not read (the server checks the rest). */
function toTemplate(r: Row): Template | null {
  const entryFeeFen = readYuan(r.entryFeeYuan);
  const rakeBps = percentToBps(r.rakePercent);
  const weights = r.prizeWeights
    .split(/[,，\s]+/)
    .filter((x) => x !== '')
    .map(int);
  const [min, max, entryMin, playMin] = [r.playersMin, r.playersMax, r.entryWindowMinutes, r.playWindowMinutes].map(int);
  const offsetHours = Number(r.utcOffsetHours);
  const times = r.times
    .split(/[,，\s]+/)
    .filter((x) => x !== '')
    .map((x) => (/^\d:\d\d$/.test(x) ? `0${x}` : x));
  if (
    entryFeeFen === null ||
    rakeBps === null ||
    weights.length === 0 ||
    weights.some((w) => w === null) ||
    [min, max, entryMin, playMin].some((x) => x === null) ||
    !Number.isFinite(offsetHours)
  ) {
    return null;
  }
  return {
    id: r.id.trim(),
    game: r.game,
    title: r.title.trim(),
    entryFeeFen,
    rakeBps,
    prizeWeights: weights as number[],
    playersMin: min!,
    playersMax: max!,
    entryWindowMs: entryMin! * MINUTE_MS,
    playWindowMs: playMin! * MINUTE_MS,
    ...(times.length > 0
      ? {
          schedule: {
            times,
            ...(r.weekdays.length > 0 && r.weekdays.length < 7 ? { weekdays: [...r.weekdays].sort() } : {}),
            utcOffsetMinutes: Math.round(offsetHours * 60),
          },
        }
      : {}),
  };
}

export function TemplatesForm({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('skill.tournament_templates');
  const games = ((state.entry('skill.catalogue')?.value as { games?: { id: string }[] } | undefined)?.games ?? []).map((g) => g.id);
  const [rows, setRows] = useState<Row[]>([]);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setRows(((entry?.value as { templates?: Template[] } | undefined)?.templates ?? []).map(toRow)), [entry?.version]);
  if (!entry) return null;
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => {
    let id = 'template';
    for (let n = 2; rows.some((r) => r.id === id); n++) id = `template-${n}`;
    const base = rows[0];
    setRows([
      ...rows,
      {
        ...(base ??
          toRow({
            id,
            game: games[0] ?? '',
            title: '',
            entryFeeFen: 200,
            rakeBps: 1000,
            prizeWeights: [5, 3, 2],
            playersMin: 3,
            playersMax: 200,
            entryWindowMs: 3_600_000,
            playWindowMs: 3_600_000,
          })),
        isNew: true,
        id,
        title: '',
        times: '',
        weekdays: [],
      },
    ]);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const templates = rows.map(toTemplate);
    if (templates.some((t) => t === null)) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      setNote(s('saved', { version: await state.save('skill.tournament_templates', { templates }, reason) }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  type TextField = Exclude<keyof Row, 'isNew' | 'weekdays' | 'game'>;
  const text = (i: number, field: TextField, label: string, placeholder?: string) => (
    <label>
      {label}
      <input
        data-testid={`template-${i}-${field}`}
        value={rows[i]![field]}
        disabled={field === 'id' && !rows[i]!.isNew}
        {...(placeholder ? { placeholder } : {})}
        onInput={(e) => set(i, { [field]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="templates-form" data-version={entry.version}>
        <h2>
          {s('templatesTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('templatesHint')}</p>
        {rows.map((r, i) => (
          <fieldset
            key={`${i}-${r.id}`}
            class="game-row"
            data-testid={`template-${i}`}
            data-template={r.id}
            data-scheduled={r.times.trim() === '' ? 'no' : 'yes'}
          >
            <legend>
              {r.id || '—'} · {r.times.trim() === '' ? s('notScheduled') : s('scheduledAt', { times: r.times })}
            </legend>
            {text(i, 'id', s('templateId'))}
            <label>
              {s('game')}
              <select
                data-testid={`template-${i}-game`}
                value={r.game}
                onChange={(e) => set(i, { game: (e.target as HTMLSelectElement).value })}
              >
                {games.map((g) => (
                  <option key={g} value={g}>
                    {g}
                  </option>
                ))}
              </select>
            </label>
            {text(i, 'title', s('title'))}
            {text(i, 'entryFeeYuan', s('entryFee'))}
            {text(i, 'rakePercent', s('rake'))}
            {text(i, 'prizeWeights', s('prizeWeights'))}
            {text(i, 'playersMin', s('playersMin'))}
            {text(i, 'playersMax', s('playersMax'))}
            {text(i, 'entryWindowMinutes', s('entryWindowMinutes'))}
            {text(i, 'playWindowMinutes', s('playWindowMinutes'))}
            <h4>{s('schedule')}</h4>
            {text(i, 'times', s('scheduleTimes'), '20:00, 21:30')}
            <fieldset class="weekdays">
              <legend class="small">{s('scheduleWeekdays')}</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} class="check">
                  <input
                    type="checkbox"
                    data-testid={`template-${i}-weekday-${d}`}
                    checked={r.weekdays.includes(d)}
                    onChange={(e) =>
                      set(i, {
                        weekdays: (e.target as HTMLInputElement).checked ? [...r.weekdays, d] : r.weekdays.filter((x) => x !== d),
                      })
                    }
                  />
                  {s(`weekday${d}` as Parameters<SettingsT>[0])}
                </label>
              ))}
            </fieldset>
            {text(i, 'utcOffsetHours', s('scheduleOffset'))}
            <div class="toolbar">
              <button
                type="button"
                class="secondary"
                data-testid={`template-${i}-unschedule`}
                onClick={() => set(i, { times: '', weekdays: [] })}
              >
                {s('unschedule')}
              </button>
              <button
                type="button"
                class="secondary"
                data-testid={`template-${i}-remove`}
                onClick={() => setRows(rows.filter((_, j) => j !== i))}
              >
                {s('removeTemplate')}
              </button>
            </div>
          </fieldset>
        ))}
        <button type="button" class="secondary" data-testid="template-add" onClick={add}>
          {s('addTemplate')}
        </button>
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('save')} saveTestId="templates-save" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="skill.tournament_templates" version={entry.version} />
    </>
  );
}
