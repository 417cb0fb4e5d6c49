// The console's real-name pages: the queue of login/logout reports to the state anti-addiction
// system (waiting, sent, parked, expired; parked ones queued again with a reason), the real-name
// submissions it has not settled, and on a player's page their real-name state with every
// attempt, "query now", and their reports.
import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { type RealNameT, realNameText } from './realname-i18n.ts';
import { consoleError } from '../errors.ts';

type Reports = Response<'GET /api/admin/realname/reports'>;
type Report = Reports['items'][number];
type ReportState = Report['state'];
type Waiting = Response<'GET /api/admin/realname/verifications'>;
type Attempt = Waiting['items'][number];
type PlayerRealName = Response<'GET /api/admin/players/:playerId/realname'>;

const STATES: readonly ReportState[] = ['pending', 'parked', 'expired', 'sent'];

function ReportTable({
  r,
  items,
  selectable,
  selected,
  onToggle,
}: {
  r: RealNameT;
  items: readonly Report[];
  selectable: boolean;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  if (items.length === 0) return <p class="muted">{r('none')}</p>;
  return (
    <div class="scroll">
      <table data-testid="realname-reports">
        <thead>
          <tr>
            {selectable && <th />}
            <th>{r('colWhen')}</th>
            <th>{r('colKind')}</th>
            <th>{r('colPlayer')}</th>
            <th>{r('colState')}</th>
            <th class="num">{r('colAttempts')}</th>
            <th>{r('colError')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} data-testid="realname-report" data-state={i.state}>
              {selectable && (
                <td>
                  <input
                    type="checkbox"
                    checked={selected.has(i.id)}
                    onChange={() => onToggle(i.id)}
                    data-testid={`report-select-${i.id}`}
                  />
                </td>
              )}
              <td>{formatTimeMs(i.atMs)}</td>
              <td>{r(i.bt === 1 ? 'bt_1' : 'bt_0')}</td>
              <td>
                <a href={`#/players/${encodeURIComponent(i.playerId)}`}>
                  <code translate={false}>{i.playerId}</code>
                </a>
              </td>
              <td>
                {r(`state_${i.state}`)}
                {i.state === 'sent' && i.sentAtMs !== null && <div class="muted small">{formatTimeMs(i.sentAtMs)}</div>}
                {i.state === 'pending' && i.nextAttemptAtMs > 0 && (
                  <div class="muted small">
                    {r('colNext')} {formatTimeMs(i.nextAttemptAtMs)}
                  </div>
                )}
              </td>
              <td class="num">{i.attempts}</td>
              <td class="small">{i.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AttemptTable({ r, items, withPlayer }: { r: RealNameT; items: readonly Attempt[]; withPlayer: boolean }) {
  if (items.length === 0) return <p class="muted">{r('none')}</p>;
  return (
    <div class="scroll">
      <table data-testid="realname-attempts">
        <thead>
          <tr>
            <th>{r('colSubmitted')}</th>
            {withPlayer && <th>{r('colPlayer')}</th>}
            <th>{r('colIdentity')}</th>
            <th>{r('colResult')}</th>
            <th class="num">{r('colQueries')}</th>
            <th>{r('colError')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.attemptId} data-testid="realname-attempt" data-state={a.state}>
              <td>{formatTimeMs(a.createdAtMs)}</td>
              {withPlayer && (
                <td>
                  <a href={`#/players/${encodeURIComponent(a.playerId)}`}>
                    <code translate={false}>{a.playerId}</code>
                  </a>
                </td>
              )}
              <td>
                {a.maskedName} <code translate={false}>{a.maskedIdNumber}</code>
              </td>
              <td>
                {r(`attempt_${a.state}`)}
                {a.waitingReason && <div class="muted small">{r(`waiting_${a.waitingReason}`)}</div>}
                {a.state === 'pending' && a.nextQueryAtMs !== null && (
                  <div class="muted small">
                    {r('colNext')} {formatTimeMs(a.nextQueryAtMs)}
                  </div>
                )}
                {a.failure && <div class="muted small">{r(`failure_${a.failure}`)}</div>}
              </td>
              <td class="num">{a.queries}</td>
              <td class="small">{a.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `#/realname`: the report queue and the submissions waiting for the state system. */
export function RealNameQueuePage({ ctx }: { ctx: Ctx }) {
  const r = realNameText(ctx.lang);
  const [state, setState] = useState<ReportState>('pending');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const canRetry = ctx.operator.roles.some((x) => x === 'risk' || x === 'admin');
  const { reports, waiting, error, setError, load } = useRealNameQueue(ctx, state, () => setSelected(new Set()));

  const toggle = (id: string) => setSelected(toggled(selected, id));
  const retry = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    try {
      const out = await ctx.api.call('POST /api/admin/realname/reports/retry', { body: { ids: [...selected], reason } });
      setResult(r('retried', { requeued: out.requeued.length, tooOld: out.tooOld.length, notParked: out.notParked.length }));
      setReason('');
      setSelected(new Set());
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="realname-queue">
      <section class="card">
        <h1>{r('queueTitle')}</h1>
        <p class="muted small">{r('queueHint')}</p>
      </section>
      {error && (
        <p class="error" role="alert">
          {r('error', { message: error })}
        </p>
      )}
      <section class="card">
        <div class="inline spread">
          <h2>{r('reportsTitle')}</h2>
          <button type="button" class="secondary" onClick={() => void load()} data-testid="realname-refresh">
            {r('refresh')}
          </button>
        </div>
        {reports && !reports.enabled && <p class="muted">{r('reportingOff')}</p>}
        {reports && <StateTabs r={r} reports={reports} state={state} setState={setState} />}
        {reports && (
          <ReportTable r={r} items={reports.items} selectable={canRetry && state === 'parked'} selected={selected} onToggle={toggle} />
        )}
        {canRetry && state === 'parked' && reports && reports.items.length > 0 && (
          <RetryForm r={r} reason={reason} setReason={setReason} count={selected.size} onSubmit={retry} />
        )}
        {result && (
          <p class="ok" role="status" data-testid="realname-retry-result">
            {result}
          </p>
        )}
      </section>
      <section class="card" data-testid="realname-verifications">
        <h2>
          {r('verificationsTitle')} <span data-testid="realname-waiting-count">({waiting?.count ?? 0})</span>
        </h2>
        <p class="muted small">{r('verificationsHint')}</p>
        {waiting && <AttemptTable r={r} items={waiting.items} withPlayer />}
      </section>
    </main>
  );
}

/** On a player's page: their real-name state, every attempt, "query now", and their reports. */
export function PlayerRealNamePanel({ ctx, playerId }: { ctx: Ctx; playerId: string }) {
  const r = realNameText(ctx.lang);
  const [view, setView] = useState<PlayerRealName | null>(null);
  const [reports, setReports] = useState<Reports | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canQuery = ctx.operator.roles.some((x) => x === 'support' || x === 'risk' || x === 'admin');

  const load = useCallback(async () => {
    try {
      const [v, rep] = await Promise.all([
        ctx.api.call('GET /api/admin/players/:playerId/realname', { params: { playerId } }),
        ctx.api.call('GET /api/admin/realname/reports', { query: { playerId, limit: 20 } }),
      ]);
      setView(v);
      setReports(rep);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api, playerId]);
  useEffect(() => {
    void load();
  }, [load]);

  const queryNow = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    try {
      const v = await ctx.api.call('POST /api/admin/players/:playerId/realname/query', { params: { playerId }, body: { reason } });
      setView(v);
      setReason('');
      setResult(r('queried', { status: r(`status_${v.kyc.status}`) }));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  const k = view?.kyc;
  return (
    <main data-testid="player-realname">
      <section class="card">
        <h2>{r('playerTitle')}</h2>
        {error && <p class="error">{r('error', { message: error })}</p>}
        {k && <KycFacts r={r} k={k} />}
        {canQuery && k?.status === 'pending' && <QueryForm r={r} reason={reason} setReason={setReason} onSubmit={queryNow} />}
        {result && (
          <p class="ok" role="status" data-testid="realname-query-result">
            {result}
          </p>
        )}
        <h3>{r('attempts')}</h3>
        {view && <AttemptTable r={r} items={view.attempts} withPlayer={false} />}
        <h3>{r('playerReports')}</h3>
        {reports && !reports.enabled && <p class="muted">{r('reportingOff')}</p>}
        {reports?.enabled && <ReportTable r={r} items={reports.items} selectable={false} selected={new Set()} onToggle={() => {}} />}
      </section>
    </main>
  );
}

/** The set with `id` added, or removed when it was there. */
function toggled(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** The reports in one state and the submissions the state system has not settled. */
function useRealNameQueue(ctx: Ctx, state: ReportState, onReload: () => void) {
  const [reports, setReports] = useState<Reports | null>(null);
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      const [rep, wait] = await Promise.all([
        ctx.api.call('GET /api/admin/realname/reports', { query: { state, limit: 100 } }),
        ctx.api.call('GET /api/admin/realname/verifications', { query: { limit: 50 } }),
      ]);
      setReports(rep);
      setWaiting(wait);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api, state]);
  useEffect(() => {
    onReload();
    void load();
  }, [load]);

  return { reports, waiting, error, setError, load };
}

interface StateTabsProps {
  r: RealNameT;
  reports: Reports;
  state: ReportState;
  setState(state: ReportState): void;
}

/** One tab per report state, with its count. */
function StateTabs({ r, reports, state, setState }: StateTabsProps) {
  return (
    <div class="tabs" role="tablist">
      {STATES.map((s) => (
        <button
          type="button"
          key={s}
          role="tab"
          aria-selected={state === s}
          class={state === s ? 'tab on' : 'tab'}
          onClick={() => setState(s)}
          data-testid={`realname-tab-${s}`}
        >
          {r(`state_${s}`)} <strong data-testid={`realname-count-${s}`}>{reports.counts[s]}</strong>
        </button>
      ))}
    </div>
  );
}

interface ReasonFormProps {
  r: RealNameT;
  reason: string;
  setReason(reason: string): void;
  onSubmit(event: Event): Promise<void>;
}

/** Parked reports queued again, with the reason (audited). */
function RetryForm({ r, reason, setReason, count, onSubmit }: ReasonFormProps & { count: number }) {
  return (
    <form class="stack" onSubmit={onSubmit} data-testid="realname-retry-form">
      <h3>{r('retryTitle')}</h3>
      <p class="muted small">{r('retryHint')}</p>
      <label>
        {r('reason')}
        <input
          value={reason}
          required
          minLength={3}
          maxLength={500}
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          data-testid="realname-retry-reason"
        />
      </label>
      <button type="submit" class="primary" disabled={count === 0} data-testid="realname-retry">
        {r('retry', { n: count })}
      </button>
    </form>
  );
}

/** The player's real-name state: masked identity, why it failed or waits, who verified it and when. */
function KycFacts({ r, k }: { r: RealNameT; k: PlayerRealName['kyc'] }) {
  return (
    <dl class="facts">
      <dt>{r('colState')}</dt>
      <dd data-testid="player-realname-status" data-status={k.status}>
        {r(`status_${k.status}`)}
        {k.maskedName && (
          <>
            {' '}
            · {k.maskedName} <code translate={false}>{k.maskedIdNumber}</code>
          </>
        )}
        {k.failure && <div class="muted small">{r(`failure_${k.failure.reason}`)}</div>}
        {k.pending && <div class="muted small">{r(`waiting_${k.pending.reason}`)}</div>}
      </dd>
      {k.verifiedBy && (
        <>
          <dt>{r('verifiedBy')}</dt>
          <dd>{k.verifiedBy}</dd>
        </>
      )}
      {k.verifiedAtMs !== null && (
        <>
          <dt>{r('verifiedAt')}</dt>
          <dd>{formatTimeMs(k.verifiedAtMs)}</dd>
        </>
      )}
      {k.platform && (
        <>
          <dt>{r('platform')}</dt>
          <dd data-testid="player-realname-platform">{r(`platform_${k.platform}`)}</dd>
        </>
      )}
    </dl>
  );
}

/** Asks the state system about a pending submission now, with the reason (audited). */
function QueryForm({ r, reason, setReason, onSubmit }: ReasonFormProps) {
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="realname-query-form">
      <input
        class="grow"
        placeholder={r('queryReason')}
        value={reason}
        required
        minLength={3}
        maxLength={500}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        data-testid="realname-query-reason"
      />
      <button type="submit" class="primary" data-testid="realname-query">
        {r('queryNow')}
      </button>
    </form>
  );
}
