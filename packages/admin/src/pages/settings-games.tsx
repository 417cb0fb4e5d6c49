// The skill-game catalogue as a form: each game names the plug-in that plays it (the rules in
// packages/rules/src/skillgames), its titles, entry fees, rake, tie rule and how long a hosted
// match waits for an opponent. "Add a game" puts a new entry for any plug-in this build has; the
// server checks the whole catalogue (plug-in known, rake within the policy) and lists each problem.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import { bpsToPercent, percentToBps, type SettingsT } from './settings-i18n.ts';
import { readYuan, SaveBar, yuanField } from './settings-save.tsx';

interface Game {
  id: string;
  plugin: string;
  title: { zh: string; en: string };
  stakesFen: number[];
  rakeBps: number;
  tieRule: 'refund' | 'split';
  matchWaitMs: number;
}

/** A game as the form edits it: amounts and rates as the operator types them. */
interface Row {
  readonly isNew: boolean;
  id: string;
  plugin: string;
  titleZh: string;
  titleEn: string;
  stakesYuan: string;
  rakePercent: string;
  tieRule: 'refund' | 'split';
  waitMinutes: string;
}

const MINUTE_MS = 60_000;
/** A new game's defaults: the same money settings as the built-in game. */
const NEW_GAME = { stakesYuan: '1, 2, 5', rakePercent: '10', tieRule: 'split' as const, waitMinutes: '30' };

const toRow = (g: Game): Row => ({
  isNew: false,
  id: g.id,
  plugin: g.plugin,
  titleZh: g.title.zh,
  titleEn: g.title.en,
  stakesYuan: g.stakesFen.map(yuanField).join(', '),
  rakePercent: bpsToPercent(g.rakeBps),
  tieRule: g.tieRule,
  waitMinutes: String(Math.round(g.matchWaitMs / MINUTE_MS)),
});

/** The row as a catalogue entry, or null when a number does not read. */
function toGame(r: Row): Game | null {
  const stakes = r.stakesYuan
    .split(/[,，\s]+/)
    .filter((x) => x !== '')
    .map(readYuan);
  const rakeBps = percentToBps(r.rakePercent);
  const minutes = Number(r.waitMinutes);
  if (stakes.length === 0 || stakes.some((x) => x === null) || rakeBps === null || !Number.isSafeInteger(minutes)) return null;
  return {
    id: r.id.trim(),
    plugin: r.plugin,
    title: { zh: r.titleZh.trim(), en: r.titleEn.trim() },
    stakesFen: stakes as number[],
    rakeBps,
    tieRule: r.tieRule,
    matchWaitMs: minutes * MINUTE_MS,
  };
}

export function CatalogueForm({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('skill.catalogue');
  const plugins = state.view?.plugins ?? [];
  const [rows, setRows] = useState<Row[]>([]);
  const [adding, setAdding] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setRows(((entry?.value as { games?: Game[] } | undefined)?.games ?? []).map(toRow)), [entry?.version]);
  if (!entry) return null;
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => {
    const plugin = adding || plugins[0];
    if (!plugin) return;
    let id = plugin;
    for (let n = 2; rows.some((r) => r.id === id); n++) id = `${plugin}_${n}`;
    setRows([...rows, { isNew: true, id, plugin, titleZh: '', titleEn: '', ...NEW_GAME }]);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const games = rows.map(toGame);
    if (games.some((g) => g === null)) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      setNote(s('saved', { version: await state.save('skill.catalogue', { games }, reason) }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="setting-skill.catalogue" data-version={entry.version}>
        <h2>
          {s('gamesTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('gamesHint', { plugins: plugins.join(', ') })}</p>
        {rows.map((r, i) => (
          <GameFields
            key={`${i}-${r.id}`}
            s={s}
            i={i}
            r={r}
            onChange={(patch) => set(i, patch)}
            onRemove={() => setRows(rows.filter((_, j) => j !== i))}
          />
        ))}
        <AddGame s={s} plugins={plugins} adding={adding} setAdding={setAdding} onAdd={add} />
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('save')} saveTestId="setting-save" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="skill.catalogue" version={entry.version} />
    </>
  );
}

type TextField = 'id' | 'titleZh' | 'titleEn' | 'stakesYuan' | 'rakePercent' | 'waitMinutes';

/** One text field of a game; the id is fixed once saved. */
function GameText(props: { i: number; r: Row; field: TextField; label: string; onChange: (patch: Partial<Row>) => void }) {
  const { i, r, field } = props;
  return (
    <label>
      {props.label}
      <input
        data-testid={`game-${i}-${field}`}
        value={r[field]}
        disabled={field === 'id' && !r.isNew}
        onInput={(e) => props.onChange({ [field]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
}

interface GameProps {
  s: SettingsT;
  i: number;
  r: Row;
  onChange(patch: Partial<Row>): void;
  onRemove(): void;
}

/** One game of the catalogue: its plug-in, titles, entry fees, rake, tie rule and wait, and its removal. */
function GameFields({ s, i, r, onChange, onRemove }: GameProps) {
  return (
    <fieldset class="game-row" data-testid={`game-${i}`} data-game={r.id} data-plugin={r.plugin}>
      <legend>
        {r.id || '—'} · {s('plugin')}: {r.plugin}
      </legend>
      <GameText i={i} r={r} field="id" label={s('gameId')} onChange={onChange} />
      <GameText i={i} r={r} field="titleZh" label={s('titleZh')} onChange={onChange} />
      <GameText i={i} r={r} field="titleEn" label={s('titleEn')} onChange={onChange} />
      <GameText i={i} r={r} field="stakesYuan" label={s('stakes')} onChange={onChange} />
      <GameText i={i} r={r} field="rakePercent" label={s('rake')} onChange={onChange} />
      <label>
        {s('tieRule')}
        <select
          data-testid={`game-${i}-tieRule`}
          value={r.tieRule}
          onChange={(e) => onChange({ tieRule: (e.target as HTMLSelectElement).value === 'refund' ? 'refund' : 'split' })}
        >
          <option value="split">{s('tieSplit')}</option>
          <option value="refund">{s('tieRefund')}</option>
        </select>
      </label>
      <GameText i={i} r={r} field="waitMinutes" label={s('waitMinutes')} onChange={onChange} />
      <button type="button" class="secondary" data-testid={`game-${i}-remove`} onClick={onRemove}>
        {s('removeGame')}
      </button>
    </fieldset>
  );
}

interface AddProps {
  s: SettingsT;
  plugins: readonly string[];
  adding: string;
  setAdding(plugin: string): void;
  onAdd(): void;
}

/** A new game for any plug-in this build has. */
function AddGame({ s, plugins, adding, setAdding, onAdd }: AddProps) {
  return (
    <div class="row">
      <label>
        {s('plugin')}
        <select
          data-testid="game-add-plugin"
          value={adding || plugins[0]}
          onChange={(e) => setAdding((e.target as HTMLSelectElement).value)}
        >
          {plugins.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="secondary" data-testid="game-add" onClick={onAdd}>
        {s('addGame')}
      </button>
    </div>
  );
}
