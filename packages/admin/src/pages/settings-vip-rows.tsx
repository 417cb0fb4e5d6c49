// A skin's and a tier's fieldsets in the VIP form: titles, price or deposits, and the skins a tier grants.
import type { Ctx } from '../app.tsx';
import type { SettingsT } from './settings-i18n.ts';

export interface SkinRow {
  readonly isNew: boolean;
  id: string;
  titleZh: string;
  titleEn: string;
  /** Yuan; empty: not for sale. */
  price: string;
  free: boolean;
}
export interface TierRow {
  readonly isNew: boolean;
  id: string;
  titleZh: string;
  titleEn: string;
  /** Yuan. */
  deposits: string;
  skins: string[];
}

const input = (testId: string, label: string, value: string, onValue: (v: string) => void, disabled = false) => (
  <label>
    {label}
    <input data-testid={testId} value={value} disabled={disabled} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />
  </label>
);

interface SkinProps {
  s: SettingsT;
  i: number;
  r: SkinRow;
  set: (patch: Partial<SkinRow>) => void;
  remove: () => void;
}

export function SkinFieldset({ s, i, r, set, remove }: SkinProps) {
  return (
    <fieldset class="game-row" data-testid={`skin-${i}`} data-skin={r.id}>
      <legend>{r.id || '—'}</legend>
      {input(`skin-${i}-id`, s('skinId'), r.id, (id) => set({ id }), !r.isNew)}
      {input(`skin-${i}-titleZh`, s('titleZh'), r.titleZh, (titleZh) => set({ titleZh }))}
      {input(`skin-${i}-titleEn`, s('titleEn'), r.titleEn, (titleEn) => set({ titleEn }))}
      {input(`skin-${i}-price`, s('skinPrice'), r.price, (price) => set({ price }))}
      <label class="check">
        <input
          type="checkbox"
          data-testid={`skin-${i}-free`}
          checked={r.free}
          onChange={(e) => set({ free: (e.target as HTMLInputElement).checked })}
        />
        {s('skinFree')}
      </label>
      <button type="button" class="secondary" data-testid={`skin-${i}-remove`} onClick={remove}>
        {s('remove')}
      </button>
    </fieldset>
  );
}

interface TierProps {
  ctx: Ctx;
  s: SettingsT;
  i: number;
  r: TierRow;
  /** The skins of the form as it stands, to tick those the tier grants. */
  skins: SkinRow[];
  set: (patch: Partial<TierRow>) => void;
  remove: () => void;
}

export function TierFieldset({ ctx, s, i, r, skins, set, remove }: TierProps) {
  return (
    <fieldset class="game-row" data-testid={`tier-${i}`} data-tier={r.id}>
      <legend>{r.id || '—'}</legend>
      {input(`tier-${i}-id`, s('tierId'), r.id, (id) => set({ id }), !r.isNew)}
      {input(`tier-${i}-titleZh`, s('titleZh'), r.titleZh, (titleZh) => set({ titleZh }))}
      {input(`tier-${i}-titleEn`, s('titleEn'), r.titleEn, (titleEn) => set({ titleEn }))}
      {input(`tier-${i}-deposits`, s('tierDeposits'), r.deposits, (deposits) => set({ deposits }))}
      <fieldset class="weekdays">
        <legend class="small">{s('tierSkins')}</legend>
        {skins.map((k) => (
          <label key={k.id} class="check">
            <input
              type="checkbox"
              data-testid={`tier-${i}-skin-${k.id}`}
              checked={r.skins.includes(k.id)}
              onChange={(e) =>
                set({
                  skins: (e.target as HTMLInputElement).checked ? [...r.skins, k.id] : r.skins.filter((x) => x !== k.id),
                })
              }
            />
            {ctx.lang === 'zh' ? k.titleZh || k.id : k.titleEn || k.id}
          </label>
        ))}
      </fieldset>
      <button type="button" class="secondary" data-testid={`tier-${i}-remove`} onClick={remove}>
        {s('remove')}
      </button>
    </fieldset>
  );
}

/** The prefix, or the prefix numbered from 2, whichever no row has taken. */
function freshId(prefix: string, taken: readonly { id: string }[]): string {
  let id = prefix;
  for (let n = 2; taken.some((r) => r.id === id); n++) id = `${prefix}${n}`;
  return id;
}

export function SkinsSection({ s, skins, setSkins }: { s: SettingsT; skins: SkinRow[]; setSkins: (rows: SkinRow[]) => void }) {
  const setSkin = (i: number, patch: Partial<SkinRow>) => setSkins(skins.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <>
      <h3>{s('skinsTitle')}</h3>
      {skins.map((r, i) => (
        <SkinFieldset
          key={`skin-${i}-${r.id}`}
          s={s}
          i={i}
          r={r}
          set={(patch) => setSkin(i, patch)}
          remove={() => setSkins(skins.filter((_, j) => j !== i))}
        />
      ))}
      <button
        type="button"
        class="secondary"
        data-testid="skin-add"
        onClick={() => setSkins([...skins, { isNew: true, id: freshId('skin', skins), titleZh: '', titleEn: '', price: '', free: false }])}
      >
        {s('addSkin')}
      </button>
    </>
  );
}

interface TiersProps {
  ctx: Ctx;
  s: SettingsT;
  tiers: TierRow[];
  setTiers: (rows: TierRow[]) => void;
  skins: SkinRow[];
}

export function TiersSection({ ctx, s, tiers, setTiers, skins }: TiersProps) {
  const setTier = (i: number, patch: Partial<TierRow>) => setTiers(tiers.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <>
      <h3>{s('tiersTitle')}</h3>
      {tiers.map((r, i) => (
        <TierFieldset
          key={`tier-${i}-${r.id}`}
          ctx={ctx}
          s={s}
          i={i}
          r={r}
          skins={skins}
          set={(patch) => setTier(i, patch)}
          remove={() => setTiers(tiers.filter((_, j) => j !== i))}
        />
      ))}
      <button
        type="button"
        class="secondary"
        data-testid="tier-add"
        onClick={() => setTiers([...tiers, { isNew: true, id: freshId('vip', tiers), titleZh: '', titleEn: '', deposits: '', skins: [] }])}
      >
        {s('addTier')}
      </button>
    </>
  );
}
