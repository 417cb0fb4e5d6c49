// Display preferences kept on this device: elder mode (large type, high contrast, spoken prompts)
// and the room skin (VIP players choose one). Applied as attributes on <html>, so every page's
// CSS can follow them without knowing about this module.
export type Skin = 'classic' | 'gold' | 'jade' | 'night';
export const SKINS: readonly Skin[] = ['classic', 'gold', 'jade', 'night'];

export interface Preferences {
  readonly elder: boolean;
  readonly skin: Skin;
}

const KEY = 'fg.prefs';
const DEFAULTS: Preferences = { elder: false, skin: 'classic' };

export function loadPreferences(): Preferences {
  try {
    const raw = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as Partial<Preferences> | null;
    return {
      elder: raw?.elder === true,
      skin: SKINS.includes(raw?.skin as Skin) ? (raw?.skin as Skin) : DEFAULTS.skin,
    };
  } catch {
    return DEFAULTS;
  }
}

export function savePreferences(p: Preferences): void {
  globalThis.localStorage?.setItem(KEY, JSON.stringify(p));
  applyPreferences(p);
}

export function applyPreferences(p: Preferences): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  root.classList.toggle('elder', p.elder);
  root.dataset.skin = p.skin;
}

/** Longest text spoken at once: prompts are short; a long text is cut rather than read for a minute. */
const SPOKEN_LENGTH_MAX = 200;

/** Speaks a prompt with the browser's speech synthesis, in elder mode only. */
export function speak(text: string, lang: 'zh' | 'en'): void {
  const synth = globalThis.speechSynthesis;
  if (!loadPreferences().elder || !synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  const u = new SpeechSynthesisUtterance(text.slice(0, SPOKEN_LENGTH_MAX));
  u.lang = lang === 'zh' ? 'zh-CN' : 'en-US';
  u.rate = 0.9;
  synth.cancel();
  synth.speak(u);
}

/**
 * Speaks what pages announce to assistive technology anyway: text that appears in an element with
 * role="alert" or role="status", or with aria-live, and each page's first heading when it opens.
 * Returns the function that stops listening.
 */
export function watchAnnouncements(root: Element, lang: () => 'zh' | 'en'): () => void {
  let last = '';
  const say = (text: string) => {
    const t = text.trim();
    if (t === '' || t === last) return;
    last = t;
    speak(t, lang());
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      const node = r.target instanceof Element ? r.target : r.target.parentElement;
      const live = node?.closest('[role="alert"], [role="status"], [aria-live]');
      if (live) {
        say(live.textContent ?? '');
        return;
      }
      for (const added of r.addedNodes) {
        if (!(added instanceof Element)) continue;
        const announced = added.matches('[role="alert"], [role="status"], [aria-live]')
          ? added
          : added.querySelector('[role="alert"], [role="status"], [aria-live]');
        if (announced) return say(announced.textContent ?? '');
        if (added.matches('main')) {
          const h = added.querySelector('h1, h2');
          if (h) return say(h.textContent ?? '');
        }
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}
