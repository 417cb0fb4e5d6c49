// Chinese first, English on request. Each app supplies its dictionaries; the choice is kept in
// localStorage and shared by both apps on the same origin.
export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'fg.lang';

export function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh' ? saved : 'zh';
}

export function saveLang(lang: Lang): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  if (globalThis.document) globalThis.document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export type Dictionary<K extends string> = Record<K, string>;

/** Looks `key` up in the chosen language, filling `{name}` placeholders. */
export function translate<K extends string>(
  dicts: Record<Lang, Dictionary<K>>,
  lang: Lang,
  key: K,
  vars: Record<string, string | number> = {},
): string {
  return dicts[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** 2026-01-02 03:04 in the viewer's time zone. */
export function formatTimeMs(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
