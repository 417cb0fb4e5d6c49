// Settings on this device: elder mode (large type, high contrast, spoken prompts through the
// browser's speech synthesis), the room skin (VIP players), and the language.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { formatAmount } from '../shared/money.ts';
import { SKIN_NAMES } from '../shared/skin-names.ts';
import { loadPreferences, type Preferences, SKINS, type Skin, savePreferences, speak } from '../shared/preferences.ts';

type Tier = Response<'GET /api/me/tier'>;

const TEXT = {
  zh: {
    title: '设置',
    elder: '长辈模式',
    elderHint: '大字体、高对比度，并用语音朗读页面标题和提示。',
    elderOn: '长辈模式已开启',
    speechMissing: '这个浏览器不支持语音朗读',
    skins: '房间皮肤',
    skinsVip: 'VIP 专属皮肤，牌桌会换上你选的样式。',
    skinsLocked: '累计充值满 {line} 成为 VIP 后可用（还差 {left}）。',
    language: '语言',
    saved: '已保存',
  },
  en: {
    title: 'Settings',
    elder: 'Elder mode',
    elderHint: 'Large type, high contrast, and page titles and prompts read aloud.',
    elderOn: 'Elder mode is on',
    speechMissing: 'This browser cannot read aloud',
    skins: 'Room skins',
    skinsVip: 'VIP skins: the table takes the look you choose.',
    skinsLocked: 'Available once your deposits reach {line} and you are a VIP ({left} to go).',
    language: 'Language',
    saved: 'Saved',
  },
} as const;

export function SettingsPage({ ctx, onLang }: { ctx: Ctx; onLang?: (lang: 'zh' | 'en') => void }) {
  const t = TEXT[ctx.lang];
  const [prefs, setPrefs] = useState<Preferences>(loadPreferences());
  const [tier, setTier] = useState<Tier | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/me/tier', {}).then(setTier, () => setTier(null));
  }, [ctx.api]);

  const update = (p: Preferences, said: string) => {
    savePreferences(p);
    setPrefs(p);
    setStatus(said);
    speak(said, ctx.lang);
  };
  const vip = tier?.tier === 'vip';
  const speechAvailable = typeof globalThis.speechSynthesis !== 'undefined';
  return (
    <main class="page" data-testid="settings-page">
      <section class="card">
        <h1>{t.title}</h1>
        <label class="switch">
          <input
            type="checkbox"
            checked={prefs.elder}
            onChange={(e) =>
              update(
                { ...prefs, elder: (e.target as HTMLInputElement).checked },
                (e.target as HTMLInputElement).checked ? t.elderOn : t.saved,
              )
            }
            data-testid="elder-toggle"
          />
          <span>
            <strong>{t.elder}</strong>
            <br />
            <span class="muted small">{t.elderHint}</span>
          </span>
        </label>
        {prefs.elder && !speechAvailable && <p class="muted small">{t.speechMissing}</p>}
      </section>
      <section class="card" data-testid="skins" data-vip={String(vip)}>
        <h2>{t.skins}</h2>
        <p class="muted small">
          {vip || tier === null
            ? t.skinsVip
            : t.skinsLocked
                .replace('{line}', formatAmount('CNY', tier.vipFromFen))
                .replace('{left}', formatAmount('CNY', Math.max(tier.vipFromFen - tier.depositsFen, 0)))}
        </p>
        <div class="skins">
          {SKINS.map((s: Skin) => (
            <button
              key={s}
              type="button"
              class={`skin-swatch skin-${s} ${prefs.skin === s ? 'on' : ''}`}
              disabled={s !== 'classic' && !vip}
              aria-pressed={prefs.skin === s}
              onClick={() => update({ ...prefs, skin: s }, t.saved)}
              data-testid={`skin-${s}`}
            >
              <span class="felt" />
              {SKIN_NAMES[s][ctx.lang === 'zh' ? 0 : 1]}
            </button>
          ))}
        </div>
      </section>
      <section class="card">
        <h2>{t.language}</h2>
        <div class="row">
          <button type="button" class={ctx.lang === 'zh' ? 'primary' : 'secondary'} onClick={() => onLang?.('zh')} data-testid="lang-zh">
            中文
          </button>
          <button type="button" class={ctx.lang === 'en' ? 'primary' : 'secondary'} onClick={() => onLang?.('en')} data-testid="lang-en">
            English
          </button>
        </div>
        {status && (
          <p class="ok small" role="status">
            {status}
          </p>
        )}
      </section>
    </main>
  );
}
