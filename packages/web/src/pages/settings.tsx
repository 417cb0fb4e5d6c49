// Settings: elder mode on this device (large type, high contrast, spoken prompts through the
// browser's speech synthesis), the room skin (kept on the server, components/skins-panel.tsx; the
// table's felt here follows the worn skin), the language, and my account and data (export, closure:
// components/account-panel.tsx).
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { AccountPanel } from '../components/account-panel.tsx';
import { SkinsPanel } from '../components/skins-panel.tsx';
import { loadPreferences, type Preferences, SKINS, type Skin, savePreferences, speak } from '../shared/preferences.ts';

const TEXT = {
  zh: {
    title: '设置',
    elder: '长辈模式',
    elderHint: '大字体、高对比度，并用语音朗读页面标题和提示。',
    elderOn: '长辈模式已开启',
    speechMissing: '这个浏览器不支持语音朗读',
    language: '语言',
    saved: '已保存',
  },
  en: {
    title: 'Settings',
    elder: 'Elder mode',
    elderHint: 'Large type, high contrast, and page titles and prompts read aloud.',
    elderOn: 'Elder mode is on',
    speechMissing: 'This browser cannot read aloud',
    language: 'Language',
    saved: 'Saved',
  },
} as const;

export function SettingsPage({ ctx, onLang }: { ctx: Ctx; onLang?: (lang: 'zh' | 'en') => void }) {
  const t = TEXT[ctx.lang];
  const [prefs, setPrefs] = useState<Preferences>(loadPreferences());
  const [status, setStatus] = useState<string | null>(null);

  const update = (p: Preferences, said: string) => {
    savePreferences(p);
    setPrefs(p);
    setStatus(said);
    speak(said, ctx.lang);
  };
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
      <SkinsPanel ctx={ctx} onWear={(skin) => SKINS.includes(skin as Skin) && update({ ...prefs, skin: skin as Skin }, t.saved)} />
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
      <AccountPanel ctx={ctx} />
    </main>
  );
}
