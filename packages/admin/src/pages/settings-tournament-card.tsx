// One tournament in the console's list: its terms, entries and pool, the standings once settled, and the cancel box while it is open or running.
import { fenToYuan, formatTimeMs, type Response } from '@fairground/web';
import { bpsToPercent, type SettingsT } from './settings-i18n.ts';

export type Tournament = Response<'GET /api/admin/skill/tournaments'>['tournaments'][number];

export function TournamentCard({
  s,
  t,
  reason,
  onReason,
  onCancel,
}: {
  s: SettingsT;
  t: Tournament;
  reason: string;
  onReason: (reason: string) => void;
  onCancel: () => void;
}) {
  return (
    <article class="card" data-testid="tournament" data-id={t.tournamentId} data-status={t.status}>
      <h3>
        {t.title} · <span class="badge">{t.status}</span>
      </h3>
      <p class="small">
        {s('entryFee')} ¥{fenToYuan(t.entryFeeFen)} · {s('rake')} {bpsToPercent(t.rakeBps)}% · {s('entries')} {t.entries}/{t.playersMax} ·{' '}
        {s('entryClosesAt')} {formatTimeMs(t.entryClosesAtMs)} · {s('endsAt')} {formatTimeMs(t.endsAtMs)}
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
            value={reason}
            onInput={(e) => onReason((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="secondary" data-testid="tournament-cancel" onClick={onCancel}>
            {s('cancel')}
          </button>
        </div>
      )}
    </article>
  );
}
