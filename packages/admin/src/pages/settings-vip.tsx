// VIP tiers and skins as a form. A skin has its titles, a price (empty: not for sale) and whether
// every player has it; a tier is reached by credited deposits and grants the skins ticked. The
// server checks the whole setting (ids unique, tiers going up, at least one free skin, every skin
// a tier grants exists) and lists each problem.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import type { SettingsT } from './settings-i18n.ts';
import { readYuan, SaveBar, yuanField } from './settings-save.tsx';

interface Title {
  zh: string;
  en: string;
}
interface Skin {
  id: string;
  title: Title;
  priceFen: number | null;
  free: boolean;
}
interface Tier {
  id: string;
  title: Title;
  depositsFenMin: number;
  skins: string[];
}
interface Vip {
  tiers: Tier[];
  skins: Skin[];
}

interface SkinRow {
  readonly isNew: boolean;
  id: string;
  titleZh: string;
  titleEn: string;
  /** Yuan; empty: not for sale. */
  price: string;
  free: boolean;
}
interface TierRow {
  readonly isNew: boolean;
  id: string;
  titleZh: string;
  titleEn: string;
  /** Yuan. */
  deposits: string;
  skins: string[];
}

const skinRow = (s: Skin): SkinRow => ({
  isNew: false,
  id: s.id,
  titleZh: s.title.zh,
  titleEn: s.title.en,
  price: s.priceFen === null ? '' : yuanField(s.priceFen),
  free: s.free,
});
const tierRow = (t: Tier): TierRow => ({
  isNew: false,
  id: t.id,
  titleZh: t.title.zh,
  titleEn: t.title.en,
  deposits: yuanField(t.depositsFenMin),
  skins: [...t.skins],
});

/** The rows as the setting, or null when an amount does not read. */
function toVip(skins: SkinRow[], tiers: TierRow[]): Vip | null {
  const out: Vip = { skins: [], tiers: [] };
  for (const s of skins) {
    const priceFen = s.price.trim() === '' ? null : readYuan(s.price);
    if (s.price.trim() !== '' && priceFen === null) return null;
    out.skins.push({ id: s.id.trim(), title: { zh: s.titleZh.trim(), en: s.titleEn.trim() }, priceFen, free: s.free });
  }
  const ids = new Set(out.skins.map((s) => s.id));
  for (const t of tiers) {
    const depositsFenMin = readYuan(t.deposits);
    if (depositsFenMin === null) return null;
    out.tiers.push({
      id: t.id.trim(),
      title: { zh: t.titleZh.trim(), en: t.titleEn.trim() },
      depositsFenMin,
      // A skin removed above leaves the tiers with it.
      skins: t.skins.filter((x) => ids.has(x)),
    });
  }
  return out;
}

export function VipForm({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('vip');
  const [skins, setSkins] = useState<SkinRow[]>([]);
  const [tiers, setTiers] = useState<TierRow[]>([]);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const v = entry?.value as Vip | undefined;
    setSkins((v?.skins ?? []).map(skinRow));
    setTiers((v?.tiers ?? []).map(tierRow));
  }, [entry?.version]);
  if (!entry) return null;
  const setSkin = (i: number, patch: Partial<SkinRow>) => setSkins(skins.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setTier = (i: number, patch: Partial<TierRow>) => setTiers(tiers.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const freshId = (prefix: string, taken: readonly { id: string }[]) => {
    let id = prefix;
    for (let n = 2; taken.some((r) => r.id === id); n++) id = `${prefix}${n}`;
    return id;
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const value = toVip(skins, tiers);
    if (value === null) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      setNote(s('saved', { version: await state.save('vip', value, reason) }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  const input = (testId: string, label: string, value: string, onValue: (v: string) => void, disabled = false) => (
    <label>
      {label}
      <input data-testid={testId} value={value} disabled={disabled} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="setting-vip" data-version={entry.version}>
        <h2>
          {s('vipTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('vipHint')}</p>
        <h3>{s('skinsTitle')}</h3>
        {skins.map((r, i) => (
          <fieldset key={`skin-${i}-${r.id}`} class="game-row" data-testid={`skin-${i}`} data-skin={r.id}>
            <legend>{r.id || '—'}</legend>
            {input(`skin-${i}-id`, s('skinId'), r.id, (id) => setSkin(i, { id }), !r.isNew)}
            {input(`skin-${i}-titleZh`, s('titleZh'), r.titleZh, (titleZh) => setSkin(i, { titleZh }))}
            {input(`skin-${i}-titleEn`, s('titleEn'), r.titleEn, (titleEn) => setSkin(i, { titleEn }))}
            {input(`skin-${i}-price`, s('skinPrice'), r.price, (price) => setSkin(i, { price }))}
            <label class="check">
              <input
                type="checkbox"
                data-testid={`skin-${i}-free`}
                checked={r.free}
                onChange={(e) => setSkin(i, { free: (e.target as HTMLInputElement).checked })}
              />
              {s('skinFree')}
            </label>
            <button
              type="button"
              class="secondary"
              data-testid={`skin-${i}-remove`}
              onClick={() => setSkins(skins.filter((_, j) => j !== i))}
            >
              {s('remove')}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          class="secondary"
          data-testid="skin-add"
          onClick={() =>
            setSkins([...skins, { isNew: true, id: freshId('skin', skins), titleZh: '', titleEn: '', price: '', free: false }])
          }
        >
          {s('addSkin')}
        </button>
        <h3>{s('tiersTitle')}</h3>
        {tiers.map((r, i) => (
          <fieldset key={`tier-${i}-${r.id}`} class="game-row" data-testid={`tier-${i}`} data-tier={r.id}>
            <legend>{r.id || '—'}</legend>
            {input(`tier-${i}-id`, s('tierId'), r.id, (id) => setTier(i, { id }), !r.isNew)}
            {input(`tier-${i}-titleZh`, s('titleZh'), r.titleZh, (titleZh) => setTier(i, { titleZh }))}
            {input(`tier-${i}-titleEn`, s('titleEn'), r.titleEn, (titleEn) => setTier(i, { titleEn }))}
            {input(`tier-${i}-deposits`, s('tierDeposits'), r.deposits, (deposits) => setTier(i, { deposits }))}
            <fieldset class="weekdays">
              <legend class="small">{s('tierSkins')}</legend>
              {skins.map((k) => (
                <label key={k.id} class="check">
                  <input
                    type="checkbox"
                    data-testid={`tier-${i}-skin-${k.id}`}
                    checked={r.skins.includes(k.id)}
                    onChange={(e) =>
                      setTier(i, {
                        skins: (e.target as HTMLInputElement).checked ? [...r.skins, k.id] : r.skins.filter((x) => x !== k.id),
                      })
                    }
                  />
                  {ctx.lang === 'zh' ? k.titleZh || k.id : k.titleEn || k.id}
                </label>
              ))}
            </fieldset>
            <button
              type="button"
              class="secondary"
              data-testid={`tier-${i}-remove`}
              onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
            >
              {s('remove')}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          class="secondary"
          data-testid="tier-add"
          onClick={() =>
            setTiers([...tiers, { isNew: true, id: freshId('vip', tiers), titleZh: '', titleEn: '', deposits: '', skins: [] }])
          }
        >
          {s('addTier')}
        </button>
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('save')} saveTestId="setting-save" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="vip" version={entry.version} />
    </>
  );
}
