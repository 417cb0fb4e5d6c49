// Turns any failure into a sentence for the player, in their language: the server's stable code
// looks up its text (error-texts.ts), COMPLIANCE_DENIED says which rule refused, and anything
// unknown gets a plain "try again" rather than a code or an English developer message.
import { formatTimeMs, type Lang } from './i18n.ts';

type Texts = typeof import('./error-texts.ts');

let texts: Texts | null = null;
let loading: Promise<Texts> | null = null;

/** Fetches the texts' chunk (the app starts this as soon as the first page shows). */
export function loadErrorTexts(): Promise<Texts> {
  loading ??= import('./error-texts.ts').then((m) => {
    texts = m;
    return m;
  });
  return loading;
}

/** What a failure carries that matters for its text: an ApiError, a room's error reply, or anything thrown. */
export interface Failure {
  readonly code?: string;
  readonly details?: Record<string, unknown> | undefined;
}

const FALLBACK: Record<Lang, string> = {
  zh: '操作没有成功，请稍后再试；如果一直出现，请联系客服。',
  en: 'That did not work; try again shortly, and contact support if it keeps happening.',
};

function pick(pair: readonly [string, string] | undefined, lang: Lang): string | null {
  if (pair === undefined) return null;
  return lang === 'zh' ? pair[0] : pair[1];
}

/** The player's sentence for a failure. Never shows a code. */
export function errorText(lang: Lang, failure: unknown): string {
  const f = (typeof failure === 'object' && failure !== null ? failure : {}) as Failure;
  const code = typeof f.code === 'string' ? f.code : '';
  if (texts === null) {
    void loadErrorTexts();
    return FALLBACK[lang];
  }
  if (code === 'COMPLIANCE_DENIED' && typeof f.details?.reason === 'string') {
    const reason = pick(texts.DENY_REASON_TEXTS[f.details.reason], lang);
    // A refusal that ends (self-exclusion, a break, the night hours) says when, in the player's clock.
    const retryAtMs = f.details.retryAtMs;
    const until =
      typeof retryAtMs === 'number' && Number.isSafeInteger(retryAtMs)
        ? lang === 'zh'
          ? `恢复时间：${formatTimeMs(retryAtMs)}。`
          : ` Open again from ${formatTimeMs(retryAtMs)}.`
        : '';
    if (reason !== null) return `${reason}${until}`;
  }
  const text = pick(texts.ERROR_TEXTS[code], lang) ?? FALLBACK[lang];
  // Archived hand histories say when they left.
  const archivedAtMs = code === 'ROOM_HANDS_ARCHIVED' ? f.details?.archivedAtMs : undefined;
  if (typeof archivedAtMs === 'number' && Number.isSafeInteger(archivedAtMs))
    return lang === 'zh' ? `${text}（归档时间：${formatTimeMs(archivedAtMs)}）` : `${text} (Archived on ${formatTimeMs(archivedAtMs)}.)`;
  return text;
}

/** True when a code has player text (for the test that walks the catalogue). */
export function hasErrorText(code: string): boolean {
  return texts !== null && code in texts.ERROR_TEXTS;
}
