// A player's restrictions: the risk score and credit, active restrictions with lifting, and
// restricting or banning with a reason.
import { formatTimeMs, type Response } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { riskText } from './risk-i18n.ts';
import { consoleError } from '../errors.ts';

type PlayerRisk = Response<'GET /api/admin/players/:playerId/risk'>;

export function RestrictionsPage({ ctx, playerId: initial }: { ctx: Ctx; playerId: string | undefined }) {
  const r = riskText(ctx.lang);
  const [playerId, setPlayerId] = useState(initial ?? '');
  const [view, setView] = useState<PlayerRisk | null>(null);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);

  const lookup = async (event?: Event) => {
    event?.preventDefault();
    setError(null);
    try {
      setView(await ctx.api.call('GET /api/admin/players/:playerId/risk', { params: { playerId: playerId.trim() } }));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  const restrict = async (kind: 'restrict' | 'ban') => {
    setError(null);
    try {
      const d = Number(days);
      await ctx.api.call('POST /api/admin/players/:playerId/restrictions', {
        params: { playerId: playerId.trim() },
        body: { kind, reason, ...(days.trim() !== '' && Number.isInteger(d) && d > 0 ? { days: d } : {}) },
      });
      setReason('');
      await lookup();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  const lift = async (restrictionId: string) => {
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/players/:playerId/restrictions/:restrictionId/lift', {
        params: { playerId: playerId.trim(), restrictionId },
        body: { reason },
      });
      await lookup();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="restrictions-page">
      <form class="card row" onSubmit={lookup}>
        <input
          data-testid="restrict-player"
          placeholder={r('playerId')}
          value={playerId}
          required
          onInput={(e) => setPlayerId((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" data-testid="restrict-lookup">
          {r('lookup')}
        </button>
      </form>
      {error && <p class="error">{r('error', { message: error })}</p>}
      {view && (
        <section class="card">
          <RiskSummary r={r} view={view} canLift={reason.trim().length >= 3} onLift={lift} />
          <RestrictForm r={r} reason={reason} setReason={setReason} days={days} setDays={setDays} onRestrict={restrict} />
        </section>
      )}
    </main>
  );
}

type RiskT = ReturnType<typeof riskText>;

interface SummaryProps {
  r: RiskT;
  view: PlayerRisk;
  /** A reason long enough to lift with was written. */
  canLift: boolean;
  onLift(restrictionId: string): Promise<void>;
}

/** The player's score and credit, their risk signals, and their restrictions with lifting. */
function RiskSummary({ r, view, canLift, onLift }: SummaryProps) {
  return (
    <>
      <p data-testid="player-risk-score" data-score={view.score}>
        {r('score', { score: view.score })} ({view.decision}) · {r('credit', { credit: view.credit })}
      </p>
      <h3>{r('signals')}</h3>
      {view.signals.length === 0 && <p class="muted">{r('none')}</p>}
      <ul class="list">
        {view.signals.map((s) => (
          <li key={s.id}>
            <strong>{s.kind}</strong> +{s.weight} <small class="muted">{formatTimeMs(s.createdAtMs)}</small>
          </li>
        ))}
      </ul>
      <h3>{r('restrictions')}</h3>
      {view.restrictions.length === 0 && <p class="muted">{r('none')}</p>}
      <ul class="list">
        {view.restrictions.map((x) => (
          <li key={x.id} data-testid="restriction" data-kind={x.kind}>
            <strong>{x.kind}</strong> {x.actions.join(', ')} — {x.reason} <small class="muted">{x.createdBy}</small>{' '}
            <button type="button" class="link" data-testid="restriction-lift" disabled={!canLift} onClick={() => onLift(x.id)}>
              {r('lift')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

interface FormProps {
  r: RiskT;
  reason: string;
  setReason(reason: string): void;
  days: string;
  setDays(days: string): void;
  onRestrict(kind: 'restrict' | 'ban'): Promise<void>;
}

/** Restricting or banning, with a reason and an optional number of days. */
function RestrictForm({ r, reason, setReason, days, setDays, onRestrict }: FormProps) {
  return (
    <>
      <label>
        {r('reason')}
        <input data-testid="restrict-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {r('days')}
        <input
          data-testid="restrict-days"
          inputMode="numeric"
          value={days}
          onInput={(e) => setDays((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row">
        <button type="button" data-testid="restrict-submit" disabled={reason.trim().length < 3} onClick={() => onRestrict('restrict')}>
          {r('restrict')}
        </button>
        <button type="button" class="danger" data-testid="ban-submit" disabled={reason.trim().length < 3} onClick={() => onRestrict('ban')}>
          {r('ban')}
        </button>
      </div>
    </>
  );
}
