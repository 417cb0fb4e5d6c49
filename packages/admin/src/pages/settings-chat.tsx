// The table's quick chat as a form: each phrase with its id (fixed once saved, so stored chat still
// says which phrase it was) and its Chinese and English words, and the emoji in picker order. The
// server checks the whole setting (ids unique and well formed, no control characters, emoji only)
// and lists each problem.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { History, problemText, type SettingsState } from './settings.tsx';
import type { SettingsT } from './settings-i18n.ts';
import { SaveBar } from './settings-save.tsx';

interface Phrase {
  id: string;
  zh: string;
  en: string;
}
interface ChatPhrases {
  phrases: Phrase[];
  emoji: string[];
}
interface PhraseRow extends Phrase {
  readonly isNew: boolean;
}

/** An id no phrase has yet: `phrase`, then `phrase2`, `phrase3`… */
function freshId(rows: readonly PhraseRow[]): string {
  let id = 'phrase';
  for (let n = 2; rows.some((r) => r.id === id); n++) id = `phrase${n}`;
  return id;
}

function TextField(props: { testId: string; label: string; value: string; onValue: (v: string) => void; disabled?: boolean }) {
  return (
    <label>
      {props.label}
      <input
        data-testid={props.testId}
        value={props.value}
        disabled={props.disabled ?? false}
        onInput={(e) => props.onValue((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

interface PhraseProps {
  s: SettingsT;
  i: number;
  r: PhraseRow;
  onChange(patch: Partial<PhraseRow>): void;
  onRemove(): void;
}

/** One phrase: its id (fixed once saved), its Chinese and English words, and its removal. */
function PhraseFields({ s, i, r, onChange, onRemove }: PhraseProps) {
  return (
    <fieldset class="row" data-testid="chat-phrase-row">
      <TextField
        testId={`chat-phrase-id-${i}`}
        label={s('phraseId')}
        value={r.id}
        onValue={(v) => onChange({ id: v })}
        disabled={!r.isNew}
      />
      <TextField testId={`chat-phrase-zh-${i}`} label={s('phraseZh')} value={r.zh} onValue={(v) => onChange({ zh: v })} />
      <TextField testId={`chat-phrase-en-${i}`} label={s('phraseEn')} value={r.en} onValue={(v) => onChange({ en: v })} />
      <button type="button" class="secondary" data-testid={`chat-phrase-remove-${i}`} onClick={onRemove}>
        {s('remove')}
      </button>
    </fieldset>
  );
}

export function ChatPhrasesForm({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('chat.phrases');
  const [rows, setRows] = useState<PhraseRow[]>([]);
  const [emoji, setEmoji] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const v = entry?.value as ChatPhrases | undefined;
    setRows((v?.phrases ?? []).map((p) => ({ ...p, isNew: false })));
    setEmoji((v?.emoji ?? []).join(' '));
  }, [entry?.version]);
  if (!entry) return null;
  const setRow = (i: number, patch: Partial<PhraseRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const value: ChatPhrases = {
      phrases: rows.map((r) => ({ id: r.id.trim(), zh: r.zh.trim(), en: r.en.trim() })),
      emoji: emoji.split(/\s+/).filter((e) => e !== ''),
    };
    try {
      setNote(s('saved', { version: await state.save('chat.phrases', value, reason) }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="setting-chat" data-version={entry.version}>
        <h2>
          {s('chatTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('chatHint')}</p>
        {rows.map((r, i) => (
          <PhraseFields
            key={`${i}-${r.isNew ? 'new' : r.id}`}
            s={s}
            i={i}
            r={r}
            onChange={(patch) => setRow(i, patch)}
            onRemove={() => setRows(rows.filter((_, j) => j !== i))}
          />
        ))}
        <button
          type="button"
          class="secondary"
          data-testid="chat-phrase-add"
          onClick={() => setRows([...rows, { isNew: true, id: freshId(rows), zh: '', en: '' }])}
        >
          {s('addPhrase')}
        </button>
        <TextField testId="chat-emoji" label={s('emojiList')} value={emoji} onValue={setEmoji} />
        <SaveBar s={s} reason={reason} onReason={setReason} label={s('save')} saveTestId="setting-save" note={note} error={error} />
      </form>
      <History ctx={ctx} s={s} settingKey="chat.phrases" version={entry.version} />
    </>
  );
}
