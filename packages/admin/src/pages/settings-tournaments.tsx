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
  const [list, setList] = useState<Tournament[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});

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
  const onInput = (name: string) => (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const field = (name: string, label: string) => (
    <label>
      {label}
      <input data-testid={`tournament-${name}`} value={form[name] ?? ''} onInput={onInput(name)} />
    </label>
  );
  const timeField = (name: string, label: string) => (
    <label>
      {label}
      <input type="datetime-local" step={1} data-testid={`tournament-${name}`} value={form[name] ?? ''} onInput={onInput(name)} />
    </label>
  );

  return (
    <>
      <form class="card" onSubmit={create} data-testid="tournament-form">
        <h2>{s('tournamentsTitle')}</h2>
        <label>
          {s('template')}
          <select
            data-testid="tournament-template"
            value={templateId}
            onChange={(e) => setTemplateId((e.target as HTMLSelectElement).value)}
          >
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id} · {t.title}
              </option>
            ))}
          </select>
        </label>
        {field('title', s('title'))}
        {field('entryFee', s('entryFee'))}
        {field('rake', s('rake'))}
        {field('prizeWeights', s('prizeWeights'))}
        {field('playersMin', s('playersMin'))}
        {field('playersMax', s('playersMax'))}
        {timeField('entryClosesAt', s('entryClosesAt'))}
        {timeField('endsAt', s('endsAt'))}
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
            onCancel={() => cancel(t.tournamentId)}
          />
        ))}
      </section>
    </>
  );
}
