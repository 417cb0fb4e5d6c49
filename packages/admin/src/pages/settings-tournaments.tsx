// Tournaments from the console: pick a template (a setting), adjust the title, fee, prizes and the
// schedule (when entries close, when play ends), create; the list shows every tournament with its
// entries and pool, the standings once settled, and cancels one with a reason — every entry fee
// is refunded in the unit that cancels it.
import { ApiError } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { SettingsState } from './settings.tsx';
import { type Tournament, TournamentCard } from './settings-tournament-card.tsx';
import type { SettingsT } from './settings-i18n.ts';
import { bodyFromForm, formFromTemplate, type Template } from './settings-tournaments-form.ts';

const message = (e: unknown) =>
  e instanceof ApiError ? `${e.code}: ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}` : String(e);

export function TournamentsTab({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const templates = ((state.entry('skill.tournament_templates')?.value as { templates?: Template[] } | undefined)?.templates ??
    []) as Template[];
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [form, setForm] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const { list, load } = useTournamentList(ctx, setError);
  useEffect(() => {
    const t = templates.find((x) => x.id === templateId);
    if (!t) return;
    setForm(formFromTemplate(t, Date.now()));
  }, [templateId, templates.length]);

  const create = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const body = bodyFromForm(form);
    if (body === null) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      const t = await ctx.api.call('POST /api/admin/skill/tournaments', {
        body,
      });
      setNote(s('created', { title: t.title }));
      await load();
    } catch (e) {
      setError(message(e));
    }
  };
  const cancel = async (id: string) => {
    setNote(null);
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/skill/tournaments/:tournamentId/cancel', {
        params: { tournamentId: id },
        body: { reason: reasons[id] ?? '' },
      });
      setNote(s('cancelled'));
      await load();
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <>
      <TournamentForm
        s={s}
        templates={templates}
        templateId={templateId}
        setTemplateId={setTemplateId}
        form={form}
        setForm={setForm}
        note={note}
        error={error}
        onSubmit={create}
      />
      <TournamentList s={s} list={list} reasons={reasons} setReasons={setReasons} onCancel={cancel} />
    </>
  );
}

/** Every tournament, newest first. */
function useTournamentList(ctx: Ctx, setError: (error: string) => void) {
  const [list, setList] = useState<Tournament[]>([]);
  const load = useCallback(async () => {
    try {
      setList((await ctx.api.call('GET /api/admin/skill/tournaments', { query: { limit: 50 } })).tournaments);
    } catch (e) {
      setError(message(e));
    }
  }, [ctx.api]);
  useEffect(() => {
    void load();
  }, [load]);
  return { list, load };
}

type Form = Record<string, string>;

interface FieldProps {
  name: string;
  label: string;
  form: Form;
  setForm(form: Form): void;
}

/** One field of the form as typed. */
function FormField({ name, label, form, setForm }: FieldProps) {
  return (
    <label>
      {label}
      <input
        data-testid={`tournament-${name}`}
        value={form[name] ?? ''}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
}

/** A time of the schedule: a local date and time to the second. */
function TimeField({ name, label, form, setForm }: FieldProps) {
  return (
    <label>
      {label}
      <input
        type="datetime-local"
        step={1}
        data-testid={`tournament-${name}`}
        value={form[name] ?? ''}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
}

interface FormProps {
  s: SettingsT;
  templates: readonly Template[];
  templateId: string;
  setTemplateId(id: string): void;
  form: Form;
  setForm(form: Form): void;
  note: string | null;
  error: string | null;
  onSubmit(event: Event): Promise<void>;
}

/** A new tournament from a template, its title, fee, prizes and schedule adjusted. */
function TournamentForm({ s, templates, templateId, setTemplateId, form, setForm, note, error, onSubmit }: FormProps) {
  return (
    <form class="card" onSubmit={onSubmit} data-testid="tournament-form">
      <h2>{s('tournamentsTitle')}</h2>
      <label>
        {s('template')}
        <select data-testid="tournament-template" value={templateId} onChange={(e) => setTemplateId((e.target as HTMLSelectElement).value)}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id} · {t.title}
            </option>
          ))}
        </select>
      </label>
      <FormField name="title" label={s('title')} form={form} setForm={setForm} />
      <FormField name="entryFee" label={s('entryFee')} form={form} setForm={setForm} />
      <FormField name="rake" label={s('rake')} form={form} setForm={setForm} />
      <FormField name="prizeWeights" label={s('prizeWeights')} form={form} setForm={setForm} />
      <FormField name="playersMin" label={s('playersMin')} form={form} setForm={setForm} />
      <FormField name="playersMax" label={s('playersMax')} form={form} setForm={setForm} />
      <TimeField name="entryClosesAt" label={s('entryClosesAt')} form={form} setForm={setForm} />
      <TimeField name="endsAt" label={s('endsAt')} form={form} setForm={setForm} />
      <button type="submit" class="primary" data-testid="tournament-create">
        {s('create')}
      </button>
      {note && (
        <p class="ok" role="status" data-testid="tournament-note">
          {note}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="tournament-error">
          {s('error', { message: error })}
        </p>
      )}
    </form>
  );
}

interface ListProps {
  s: SettingsT;
  list: readonly Tournament[];
  reasons: Record<string, string>;
  setReasons(reasons: Record<string, string>): void;
  onCancel(id: string): Promise<void>;
}

/** Every tournament with its entries and pool, each cancellable with a reason. */
function TournamentList({ s, list, reasons, setReasons, onCancel }: ListProps) {
  return (
    <section class="card" data-testid="tournament-list">
      <h2>{s('tournamentList')}</h2>
      {list.length === 0 && <p class="muted">{s('none')}</p>}
      {list.map((t) => (
        <TournamentCard
          key={t.tournamentId}
          s={s}
          t={t}
          reason={reasons[t.tournamentId] ?? ''}
          onReason={(reason) => setReasons({ ...reasons, [t.tournamentId]: reason })}
          onCancel={() => onCancel(t.tournamentId)}
        />
      ))}
    </section>
  );
}
