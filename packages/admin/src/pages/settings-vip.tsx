// VIP tiers and skins as a form. A skin has its titles, a price (empty: not for sale) and whether
// every player has it; a tier is reached by credited deposits and grants the skins ticked. The
// server checks the whole setting (ids unique, tiers going up, at least one free skin, every skin
// a tier grants exists) and lists each problem.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import type { SettingsT } from './settings-i18n.ts';
import { readYuan, SaveBar, yuanField } from './settings-save.tsx';
import { type SkinRow, SkinsSection, type TierRow, TiersSection } from './settings-vip-rows.tsx';

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
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="setting-vip" data-version={entry.version}>
        <h2>
          {s('vipTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('vipHint')}</p>
        <SkinsSection s={s} skins={skins} setSkins={setSkins} />
        <TiersSection ctx={ctx} s={s} tiers={tiers} setTiers={setTiers} skins={skins} />
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('save')} saveTestId="setting-save" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="vip" version={entry.version} />
    </>
  );
}
