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
import { type Row, TemplateRow } from './settings-template-row.tsx';

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

const MINUTE_MS = 60_000;
const BEIJING_HOURS = '8';

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

/** A new template row with a free id: a copy of the first row's terms (or the defaults), unscheduled and untitled. */
function newRow(rows: Row[], games: string[]): Row {
  let id = 'template';
  for (let n = 2; rows.some((r) => r.id === id); n++) id = `template-${n}`;
  const base = rows[0];
  return {
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
  const add = () => setRows([...rows, newRow(rows, games)]);
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
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="templates-form" data-version={entry.version}>
        <h2>
          {s('templatesTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('templatesHint')}</p>
        {rows.map((r, i) => (
          <TemplateRow
            key={`${i}-${r.id}`}
            s={s}
            i={i}
            r={r}
            games={games}
            set={(patch) => set(i, patch)}
            remove={() => setRows(rows.filter((_, j) => j !== i))}
          />
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
