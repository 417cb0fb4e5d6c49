// The agreement and privacy policy editor: the text in force is loaded, edited in both languages
// and published under a new version label; publishing makes every player accept again.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import type { SettingsT } from './settings-i18n.ts';
import { SaveBar } from './settings-save.tsx';

interface Doc {
  title: { zh: string; en: string };
  body: { zh: string; en: string };
}
interface Agreement {
  version: string;
  terms: Doc;
  privacy: Doc;
}

const FIELDS = [
  ['terms', 'title', 'zh', 'termsTitleZh'],
  ['terms', 'title', 'en', 'termsTitleEn'],
  ['terms', 'body', 'zh', 'termsBodyZh'],
  ['terms', 'body', 'en', 'termsBodyEn'],
  ['privacy', 'title', 'zh', 'privacyTitleZh'],
  ['privacy', 'title', 'en', 'privacyTitleEn'],
  ['privacy', 'body', 'zh', 'privacyBodyZh'],
  ['privacy', 'body', 'en', 'privacyBodyEn'],
] as const;

export function AgreementTab({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('agreement');
  const current = entry?.value as Agreement | undefined;
  const [draft, setDraft] = useState<Agreement | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (current) setDraft({ ...structuredClone(current), version: '' });
  }, [entry?.version]);
  if (!entry || !current || !draft) return null;
  const set = (doc: 'terms' | 'privacy', part: 'title' | 'body', lang: 'zh' | 'en', value: string) =>
    setDraft({ ...draft, [doc]: { ...draft[doc], [part]: { ...draft[doc][part], [lang]: value } } });
  const publish = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    try {
      await state.save('agreement', { ...draft, version: draft.version.trim() }, reason);
      setNote(s('published', { version: draft.version.trim() }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  return (
    <>
      <form class="card" onSubmit={publish} data-testid="agreement-form" data-current={current.version}>
        <h2>
          {s('agreementTitle')} · <span class="muted">{s('version', { version: current.version })}</span>
        </h2>
        <p class="small muted">{s('agreementHint')}</p>
        <label>
          {s('agreementVersion')}
          <input
            data-testid="agreement-version"
            required
            pattern="[A-Za-z0-9._\-]{1,32}"
            value={draft.version}
            onInput={(e) => setDraft({ ...draft, version: (e.target as HTMLInputElement).value })}
          />
        </label>
        {FIELDS.map(([doc, part, lang, label]) =>
          part === 'title' ? (
            <label key={`${doc}-${part}-${lang}`}>
              {s(label)}
              <input
                data-testid={`agreement-${doc}-${part}-${lang}`}
                value={draft[doc][part][lang]}
                onInput={(e) => set(doc, part, lang, (e.target as HTMLInputElement).value)}
              />
            </label>
          ) : (
            <label key={`${doc}-${part}-${lang}`}>
              {s(label)}
              <textarea
                rows={8}
                data-testid={`agreement-${doc}-${part}-${lang}`}
                value={draft[doc][part][lang]}
                onInput={(e) => set(doc, part, lang, (e.target as HTMLTextAreaElement).value)}
              />
            </label>
          ),
        )}
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('publish')} saveTestId="agreement-publish" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="agreement" version={entry.version} />
    </>
  );
}
