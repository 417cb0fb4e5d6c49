// The privacy policy published with the user agreement, shown under it on the agreement page
// (one acceptance covers both; the console publishes them together under one version).
import type { Lang } from '../shared/i18n.ts';

export interface PrivacyPolicyText {
  readonly title: { readonly zh: string; readonly en: string };
  readonly body: { readonly zh: string; readonly en: string };
}

export function PrivacyPolicy({ policy, lang }: { policy: PrivacyPolicyText | undefined; lang: Lang }) {
  if (policy === undefined) return null;
  return (
    <details class="privacy-policy" data-testid="privacy-policy">
      <summary>{policy.title[lang]}</summary>
      <div class="terms">{policy.body[lang]}</div>
    </details>
  );
}
