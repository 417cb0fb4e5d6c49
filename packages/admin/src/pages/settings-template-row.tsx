// One tournament template in the templates form: its terms, and its repeating schedule (times, weekdays, clock offset from UTC).
import type { SettingsT } from './settings-i18n.ts';

export interface Row {
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

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

type TextField = Exclude<keyof Row, 'isNew' | 'weekdays' | 'game'>;

interface RowProps {
  s: SettingsT;
  i: number;
  r: Row;
  games: string[];
  set: (patch: Partial<Row>) => void;
  remove: () => void;
}

export function TemplateRow({ s, i, r, games, set, remove }: RowProps) {
  const text = (field: TextField, label: string, placeholder?: string) => (
    <label>
      {label}
      <input
        data-testid={`template-${i}-${field}`}
        value={r[field]}
        disabled={field === 'id' && !r.isNew}
        {...(placeholder ? { placeholder } : {})}
        onInput={(e) => set({ [field]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
  return (
    <fieldset class="game-row" data-testid={`template-${i}`} data-template={r.id} data-scheduled={r.times.trim() === '' ? 'no' : 'yes'}>
      <legend>
        {r.id || '—'} · {r.times.trim() === '' ? s('notScheduled') : s('scheduledAt', { times: r.times })}
      </legend>
      {text('id', s('templateId'))}
      <label>
        {s('game')}
        <select data-testid={`template-${i}-game`} value={r.game} onChange={(e) => set({ game: (e.target as HTMLSelectElement).value })}>
          {games.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      {text('title', s('title'))}
      {text('entryFeeYuan', s('entryFee'))}
      {text('rakePercent', s('rake'))}
      {text('prizeWeights', s('prizeWeights'))}
      {text('playersMin', s('playersMin'))}
      {text('playersMax', s('playersMax'))}
      {text('entryWindowMinutes', s('entryWindowMinutes'))}
      {text('playWindowMinutes', s('playWindowMinutes'))}
      <h4>{s('schedule')}</h4>
      {text('times', s('scheduleTimes'), '20:00, 21:30')}
      <Weekdays s={s} i={i} r={r} set={set} />
      {text('utcOffsetHours', s('scheduleOffset'))}
      <div class="toolbar">
        <button type="button" class="secondary" data-testid={`template-${i}-unschedule`} onClick={() => set({ times: '', weekdays: [] })}>
          {s('unschedule')}
        </button>
        <button type="button" class="secondary" data-testid={`template-${i}-remove`} onClick={remove}>
          {s('removeTemplate')}
        </button>
      </div>
    </fieldset>
  );
}

/** The weekdays ticked for the schedule; none ticked means every day. */
function Weekdays({ s, i, r, set }: Omit<RowProps, 'games' | 'remove'>) {
  return (
    <fieldset class="weekdays">
      <legend class="small">{s('scheduleWeekdays')}</legend>
      {WEEKDAYS.map((d) => (
        <label key={d} class="check">
          <input
            type="checkbox"
            data-testid={`template-${i}-weekday-${d}`}
            checked={r.weekdays.includes(d)}
            onChange={(e) =>
              set({
                weekdays: (e.target as HTMLInputElement).checked ? [...r.weekdays, d] : r.weekdays.filter((x) => x !== d),
              })
            }
          />
          {s(`weekday${d}` as Parameters<SettingsT>[0])}
        </label>
      ))}
    </fieldset>
  );
}
