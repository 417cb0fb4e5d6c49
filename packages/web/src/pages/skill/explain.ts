// The skill pages' words for a failure: the skill games' own text for a code they know, else the shared error text.
import { useCallback } from 'preact/hooks';
import type { Lang } from '../../shared/i18n.ts';
import { ApiError } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { hasSkillKey, type skillText } from './i18n.ts';

export function useSkillExplain(lang: Lang, s: ReturnType<typeof skillText>): (e: unknown) => string {
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        const key = `code_${e.code}`;
        if (e.code === 'COMPLIANCE_DENIED') return errorText(lang, e);
        return hasSkillKey(key) ? s(key) : errorText(lang, e);
      }
      return errorText(lang, e);
    },
    [s, lang],
  );
}
