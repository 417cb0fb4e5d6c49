// Tournaments from the console: pick a template (a setting), adjust the title, fee, prizes and the
// schedule (when entries close, when play ends), create; the list shows every tournament with its
// entries and pool, the standings once settled, and cancels one with a reason — every entry fee
// is refunded in the unit that cancels it.
import { ApiError, fenToYuan, formatTimeMs, type Response, yuanToFen } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { SettingsState } from './settings.tsx';
import { bpsToPercent, percentToBps, type SettingsT } from './settings-i18n.ts';

type Tournaments = Response<'GET /api/admin/skill/tournaments'>['tournaments'];

interface Template {
  id: string;
  game: string;
  title: string;
  entryFeeFen: number;
  rakeBps: number;
  prizeWeights: number[];
  playersMin: number;
  playersMax: number;
  entryWindowMs: number;
  playWindowMs: number;
}

const message = (e: unknown) =>
  e instanceof ApiError ? `${e.code}: ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}` : String(e);

/** A time as the value of an <input type="datetime-local"> in the viewer's zone, and back. */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export function TournamentsTab({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const templates = ((state.entry('skill.tournament_templates')?.value as { templates?: Template[] } | undefined)?.templates ??
    []) as Template[];
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [form, setForm] = useState<Record<string, string>>({});
  const [list, setList] = useState<Tournaments>([]);
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
    // The schedule starts now: entries stay open for the template's window, play for its play window after.
    const closes = Date.now() + t.entryWindowMs;
    setForm({
      game: t.game,
      title: t.title,
      entryFee: fenToYuan(t.entryFeeFen),
      rake: bpsToPercent(t.rakeBps),
      prizeWeights: t.prizeWeights.join(','),
      playersMin: String(t.playersMin),
      playersMax: String(t.playersMax),
      entryClosesAt: toLocalInput(closes),
      endsAt: toLocalInput(closes + t.playWindowMs),
    });
  }, [templateId, templates.length]);

  const create = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const entryFeeFen = yuanToFen(form.entryFee ?? '');
    const rakeBps = percentToBps(form.rake ?? '');
    const prizeWeights = (form.prizeWeights ?? '')
      .split(/[,，\s]+/)
      .filter(Boolean)
      .map(Number);
    const entryClosesAtMs = fromLocalInput(form.entryClosesAt ?? '');
    const endsAtMs = fromLocalInput(form.endsAt ?? '');
    if (
      entryFeeFen === null ||
      rakeBps === null ||
      entryClosesAtMs === null ||
      endsAtMs === null ||
      !prizeWeights.every(Number.isInteger)
    ) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      const t = await ctx.api.call('POST /api/admin/skill/tournaments', {
        body: {
          game: form.game ?? '',
          title: form.title ?? '',
          entryFeeFen,
          rakeBps,
          prizeWeights,
          playersMin: Number(form.playersMin),
          playersMax: Number(form.playersMax),
          entryClosesAtMs,
          endsAtMs,
        },
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
          <article key={t.tournamentId} class="card" data-testid="tournament" data-id={t.tournamentId} data-status={t.status}>
            <h3>
              {t.title} · <span class="badge">{t.status}</span>
            </h3>
            <p class="small">
              {s('entryFee')} ¥{fenToYuan(t.entryFeeFen)} · {s('rake')} {bpsToPercent(t.rakeBps)}% · {s('entries')} {t.entries}/
              {t.playersMax} · {s('entryClosesAt')} {formatTimeMs(t.entryClosesAtMs)} · {s('endsAt')} {formatTimeMs(t.endsAtMs)}
              {t.poolFen !== null && ` · ${s('pool')} ¥${fenToYuan(t.poolFen)}`}
            </p>
            {t.standings.length > 0 && (
              <ol class="small" data-testid="tournament-standings">
                {t.standings.map((x) => (
                  <li key={`${x.rank}-${x.nickname}`}>
                    {x.nickname} · {x.score ?? '—'} · {x.prizeFen === null ? '' : `¥${fenToYuan(x.prizeFen)}`}
                  </li>
                ))}
              </ol>
            )}
            {(t.status === 'open' || t.status === 'running') && (
              <div class="toolbar">
                <input
                  data-testid="tournament-cancel-reason"
                  placeholder={s('cancelReason')}
                  value={reasons[t.tournamentId] ?? ''}
                  onInput={(e) => setReasons({ ...reasons, [t.tournamentId]: (e.target as HTMLInputElement).value })}
                />
                <button type="button" class="secondary" data-testid="tournament-cancel" onClick={() => cancel(t.tournamentId)}>
                  {s('cancel')}
                </button>
              </div>
            )}
          </article>
        ))}
      </section>
    </>
  );
}
