// The player's skins, as the server keeps them: every free skin, the skins their VIP tier grants,
// and the ones they bought; the one they wear is stored on the server and shown on their seat to
// everyone at the table. Skins with a price are bought from the balance (one ledger transfer).
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { formatAmount } from '../shared/money.ts';

type Skins = Response<'GET /api/me/skins'>;

const TEXT = {
  zh: {
    title: '房间皮肤',
    hint: '你穿戴的皮肤会显示在你的座位上，同桌玩家都能看到。',
    tier: '当前等级：{tier}',
    noTier: '还不是 VIP',
    next: '累计充值满 {line} 升级 {tier}（还差 {left}）',
    wear: '穿戴',
    worn: '穿戴中',
    buy: '购买 {price}',
    tierOnly: 'VIP 专属',
    source_free: '免费',
    source_tier: '等级赠送',
    source_bought: '已购买',
    done: '已保存',
  },
  en: {
    title: 'Room skins',
    hint: 'The skin you wear shows on your seat; everyone at the table sees it.',
    tier: 'Your tier: {tier}',
    noTier: 'Not a VIP yet',
    next: 'Deposits of {line} reach {tier} ({left} to go)',
    wear: 'Wear',
    worn: 'Wearing',
    buy: 'Buy for {price}',
    tierOnly: 'VIP only',
    source_free: 'Free',
    source_tier: 'From your tier',
    source_bought: 'Bought',
    done: 'Saved',
  },
} as const;

type Text = (typeof TEXT)[keyof typeof TEXT];
type Skin = Skins['skins'][number];

export function SkinsPanel({ ctx, onWear }: { ctx: Ctx; onWear: (skinId: string) => void }) {
  const t = TEXT[ctx.lang];
  const [skins, setSkins] = useState<Skins | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/me/skins', {}).then(setSkins, (e: unknown) => setError(errorText(ctx.lang, e)));
  }, [ctx.api]);
  const act = async (run: () => Promise<Skins>) => {
    setError(null);
    setNote(null);
    try {
      const next = await run();
      setSkins(next);
      setNote(t.done);
      onWear(next.worn);
    } catch (e) {
      setError(errorText(ctx.lang, e));
    }
  };
  const wear = (skinId: string) => act(() => ctx.api.call('PUT /api/me/skin', { body: { skinId } }));
  const buy = (skinId: string) =>
    act(async () => {
      const key = `skin-${skinId}-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36) ?? ''}`;
      await ctx.api.call('POST /api/me/skins/:skinId/purchase', { params: { skinId }, body: { idempotencyKey: key } });
      return ctx.api.call('PUT /api/me/skin', { body: { skinId } });
    });
  const vip = skins?.tier !== null && skins?.tier !== undefined;
  return (
    <section class="card" data-testid="skins" data-vip={String(vip)} data-worn={skins?.worn ?? ''}>
      <h2>{t.title}</h2>
      <p class="muted small">{t.hint}</p>
      {skins && <TierLine ctx={ctx} t={t} skins={skins} />}
      <div class="skins">
        {skins?.skins.map((s) => (
          <SkinItem key={s.id} ctx={ctx} t={t} skin={s} worn={skins.worn === s.id} onWear={wear} onBuy={buy} />
        ))}
      </div>
      {note && (
        <p class="ok small" role="status">
          {note}
        </p>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The player's VIP tier, and how far their deposits are from the next one. */
function TierLine({ ctx, t, skins }: { ctx: Ctx; t: Text; skins: Skins }) {
  return (
    <p class="small" data-testid="vip-tier">
      {skins.tier ? t.tier.replace('{tier}', skins.tier.title[ctx.lang]) : t.noTier}
      {skins.next &&
        ` · ${t.next
          .replace('{line}', formatAmount('CNY', skins.next.depositsFenMin))
          .replace('{tier}', skins.next.id.toUpperCase())
          .replace('{left}', formatAmount('CNY', Math.max(skins.next.depositsFenMin - skins.depositsFen, 0)))}`}
    </p>
  );
}

/** One skin: its swatch (worn on a press when the player has it) and, when it has a price, its buy button. */
function SkinItem(props: { ctx: Ctx; t: Text; skin: Skin; worn: boolean; onWear: (id: string) => void; onBuy: (id: string) => void }) {
  const { ctx, t, skin: s, worn } = props;
  return (
    <div class="skin-item">
      <button
        type="button"
        class={`skin-swatch skin-${s.id} ${worn ? 'on' : ''}`}
        disabled={s.source === null}
        aria-pressed={worn}
        onClick={() => props.onWear(s.id)}
        data-testid={`skin-${s.id}`}
        data-source={s.source ?? ''}
      >
        <span class="felt" />
        {s.title[ctx.lang]} · {worn ? t.worn : s.source ? t[`source_${s.source}`] : s.priceFen === null ? t.tierOnly : ''}
      </button>
      {s.source === null && s.priceFen !== null && (
        <button type="button" class="secondary small" onClick={() => props.onBuy(s.id)} data-testid={`skin-buy-${s.id}`}>
          {t.buy.replace('{price}', formatAmount('CNY', s.priceFen))}
        </button>
      )}
    </div>
  );
}
