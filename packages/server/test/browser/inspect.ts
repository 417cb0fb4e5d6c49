// The checks every page walk makes (the player pages and the console): no code-shaped text, no
// English words in a Chinese page, no control left with the browser's default look or too small to
// tap, and nothing wider than the screen.
import type { Page } from 'playwright-core';

/** Latin words a Chinese page may show: names of things, units, and what players type or scan. */
export const LATIN_ALLOWED_IN_ZH = new Set([
  'Fairground',
  'English',
  'WeChat',
  'VIP',
  'ID',
  'QR',
  'IP',
  'AA',
  'VS',
  'SHA',
  'HMAC',
  'TSA',
  'PDF',
  'App',
  'VPN',
  'QQ',
  'Chromium',
]);
/** Upper-case words joined by underscores: how the server's error codes look. */
export const CODE_SHAPED = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;
/** Lower-case words joined by underscores: how ledger codes and statuses look (`room_fee`). */
export const SNAKE_SHAPED = /\b[a-z]+_[a-z_]+\b/;

export interface Finding {
  readonly route: string;
  readonly lang: string;
  readonly problem: string;
}

/** What is wrong with the page as it stands: text, looks, width. */
export async function inspect(
  page: Page,
  lang: 'zh' | 'en',
  names: readonly string[],
  extraAllowedInZh: readonly string[] = [],
): Promise<string[]> {
  return page.evaluate(
    ({ lang, allowed, code, snake, names }) => {
      const problems: string[] = [];
      // Players' names are theirs, in whatever letters they chose; what a page marks translate="no"
      // (an id, a ledger code, a stored record an operator searches by) is shown verbatim on purpose.
      let text = document.body.innerText;
      const verbatim = [...document.querySelectorAll<HTMLElement>('[translate="no"]')]
        .map((el) => el.innerText)
        .filter((x) => x !== '')
        // Longest first, so a name inside a longer record does not break the record's match.
        .sort((x, y) => y.length - x.length);
      for (const n of [...verbatim, ...names]) text = text.split(n).join(' ');
      const codeMatch = new RegExp(code).exec(text);
      if (codeMatch) problems.push(`code-shaped text: ${codeMatch[0]}`);
      const snakeMatch = new RegExp(snake).exec(text);
      if (snakeMatch) problems.push(`code-shaped text: ${snakeMatch[0]}`);
      if (lang === 'zh') {
        // Words of three or more Latin letters and no digits (ids, seeds and nicknames have digits).
        for (const w of text.match(/(?<![\w.@/-])[A-Za-z][A-Za-z']{2,}(?![\w@/-])/g) ?? []) {
          if (!allowed.includes(w)) problems.push(`English in the Chinese page: ${w}`);
        }
      }
      for (const el of document.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const cs = getComputedStyle(el);
        const kind = el.tagName === 'INPUT' ? (el as HTMLInputElement).type : el.tagName.toLowerCase();
        const label = `${kind} "${(el.textContent ?? (el as HTMLInputElement).placeholder ?? '').trim().slice(0, 20)}"`;
        if (el.tagName === 'BUTTON' && (cs.backgroundColor === 'rgb(239, 239, 239)' || cs.borderStyle.includes('outset')))
          problems.push(`unstyled ${label}`);
        if ((kind === 'checkbox' || kind === 'radio' || kind === 'range') && cs.accentColor === 'auto') problems.push(`unstyled ${label}`);
        if (['text', 'number', 'tel', 'search', 'password', 'select', 'textarea'].includes(kind) && cs.borderRadius === '0px')
          problems.push(`unstyled ${label}`);
        if (el.tagName === 'BUTTON' && r.height < 28) problems.push(`too small to tap: ${label}`);
      }
      if (document.documentElement.scrollWidth > window.innerWidth + 1)
        problems.push(`wider than the screen: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
      return [...new Set(problems)];
    },
    { lang, allowed: [...LATIN_ALLOWED_IN_ZH, ...extraAllowedInZh], code: CODE_SHAPED.source, snake: SNAKE_SHAPED.source, names },
  );
}
