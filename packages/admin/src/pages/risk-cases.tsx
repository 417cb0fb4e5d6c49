// The risk review queue: open cases, and one case with its evidence (signals — fair-play ones in
// figures: pairs, hands, timing on the server's clock, copy similarity — transfers, complaints,
// restrictions, credit, the player's linked accounts), the rules' verdict beside the fraud model's
// score and the features behind it, its audit trail and the actions an operator may take.
import { type AssetCode, formatAmount, formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { PlayerLinks } from './fair-play.tsx';
import { FairPlayEvidence } from './fair-play-evidence.tsx';
import { CaseModelPanel } from './fraud-model.tsx';
import { riskText } from './risk-i18n.ts';
import { consoleError } from '../errors.ts';

type Summary = Response<'GET /api/admin/risk/cases'>['items'][number];
type Detail = Response<'GET /api/admin/risk/cases/:caseId'>;
type Action = 'approve' | 'reject' | 'restrict' | 'ban' | 'note' | 'close';

/** A trail entry in words: the system's steps and the operators' actions; a new one as the server names it. */
function trailWord(r: ReturnType<typeof riskText>, action: string) {
  for (const key of [`ev_${action}`, `act_${action}`]) {
    const word = r(key);
    if (word !== key) return word;
  }
  return <span translate={false}>{action}</span>;
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function RiskCasesPage({ ctx, caseId }: { ctx: Ctx; caseId: string | undefined }) {
  return caseId ? <CaseDetail ctx={ctx} caseId={caseId} /> : <CaseQueue ctx={ctx} />;
}

function CaseQueue({ ctx }: { ctx: Ctx }) {
  const r = riskText(ctx.lang);
  const [status, setStatus] = useState<Summary['status']>('open');
  const [items, setItems] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/risk/cases', { query: { status } }).then(
      (x) => setItems(x.items),
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, [ctx.api, status]);
  return (
    <main data-testid="risk-cases-page">
      <section class="card">
        <h2>{r('casesTitle')}</h2>
        <div class="row">
          {(['open', 'approved', 'rejected', 'closed'] as const).map((s) => (
            <button type="button" key={s} class={s === status ? 'primary' : ''} data-testid={`cases-${s}`} onClick={() => setStatus(s)}>
              {r(`status_${s}`)}
            </button>
          ))}
        </div>
        {error && <p class="error">{r('error', { message: error })}</p>}
        {items?.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {items?.map((c) => (
            <li key={c.id}>
              <a href={`#/risk/${encodeURIComponent(c.id)}`} data-testid="case-link" data-player={c.playerId}>
                <strong>{r(`kind_${c.kind}`)}</strong> {c.summary}
              </a>{' '}
              <small class="muted">
                <code translate={false}>{c.playerId}</code> · {r('score', { score: c.score })} · {formatTimeMs(c.createdAtMs)}
              </small>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function CaseDetail({ ctx, caseId }: { ctx: Ctx; caseId: string }) {
  const r = riskText(ctx.lang);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      ctx.api
        .call('GET /api/admin/risk/cases/:caseId', { params: { caseId } })
        .then(setDetail, (e: unknown) => setError(consoleError(ctx.lang, e))),
    [ctx.api, caseId],
  );
  useEffect(() => {
    load();
  }, [load]);

  const act = async (action: Action) => {
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/risk/cases/:caseId/actions', { params: { caseId }, body: { action, note } });
      setNote('');
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  if (detail === null) return <main>{error && <p class="error">{r('error', { message: error })}</p>}</main>;
  const open = detail.status === 'open';
  const actions: Action[] = open
    ? [
        ...(detail.kind === 'withdrawal' ? (['approve', 'reject'] as const) : detail.kind === 'signal' ? (['approve'] as const) : []),
        'restrict',
        'ban',
        'close',
        'note',
      ]
    : ['note'];
  return (
    <main data-testid="risk-case-page">
      <section class="card">
        <a href="#/risk">{r('back')}</a>
        <h2 data-testid="case-status" data-status={detail.status}>
          {r(`kind_${detail.kind}`)} · {r(`status_${detail.status}`)}
        </h2>
        <p>{detail.summary}</p>
        <p class="small">
          <a href={`#/players/${encodeURIComponent(detail.playerId)}`}>
            <code translate={false}>{detail.playerId}</code>
          </a>{' '}
          · {r('score', { score: detail.score })} · <span data-testid="case-credit">{r('credit', { credit: detail.credit })}</span>
        </p>
      </section>
      <CaseModelPanel ctx={ctx} detail={detail} />
      <section class="card" data-testid="case-evidence">
        <h3>{r('evidence')}</h3>
        <FairPlayEvidence lang={ctx.lang} evidence={obj(detail.evidence).detail ?? detail.evidence} />
        <pre class="small">{JSON.stringify(detail.evidence, null, 2)}</pre>
        <h4>{r('signals')}</h4>
        {detail.signals.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {detail.signals.map((s) => (
            <li key={s.id} class="fair-row" data-testid="case-signal">
              <strong>{s.kind}</strong> = {s.value} <small class="muted">{formatTimeMs(s.createdAtMs)}</small>
              <FairPlayEvidence lang={ctx.lang} evidence={s.evidence} />
            </li>
          ))}
        </ul>
        <h4>{r('complaints')}</h4>
        {detail.complaints.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {detail.complaints.map((c) => (
            <li key={c.id} data-testid="case-complaint">
              <strong>{c.reason}</strong> {c.text} <small class="muted">{r(`status_${c.status}`)}</small>
            </li>
          ))}
        </ul>
        <h4>{r('transfers')}</h4>
        {detail.transfers.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {detail.transfers.map((x) => (
            <li key={`${x.id}-${x.kind}`}>
              <code translate={false}>{x.code}</code> {x.direction === 'in' ? '+' : '−'}
              {formatAmount(x.asset as AssetCode, x.amount)} <small class="muted">{formatTimeMs(x.createdAtMs)}</small>
            </li>
          ))}
        </ul>
        <h4>{r('restrictions')}</h4>
        {detail.restrictions.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {detail.restrictions.map((x) => (
            <li key={x.id} data-testid="case-restriction" data-kind={x.kind}>
              <strong>{x.kind}</strong> {x.actions.join(', ')} — {x.reason}
            </li>
          ))}
        </ul>
      </section>
      <PlayerLinks ctx={ctx} playerId={detail.playerId} />
      <section class="card">
        <label>
          {r('note')}
          <textarea data-testid="case-note-text" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </label>
        <div class="row">
          {actions.map((a) => (
            <button
              type="button"
              key={a}
              class={a === 'ban' || a === 'reject' ? 'danger' : a === 'approve' ? 'primary' : ''}
              data-testid={`case-${a}`}
              disabled={note.trim().length < 3}
              onClick={() => act(a)}
            >
              {r(`act_${a}`)}
            </button>
          ))}
        </div>
        {error && (
          <p class="error" role="alert">
            {r('error', { message: error })}
          </p>
        )}
      </section>
      <section class="card">
        <h3>{r('trail')}</h3>
        <ol class="list" data-testid="case-trail">
          {detail.events.map((e) => (
            <li key={e.id} data-testid="case-event" data-action={e.action}>
              <strong>{trailWord(r, e.action)}</strong> · <span translate={false}>{e.actorName}</span>{' '}
              {e.note ? <span translate={false}>— {e.note}</span> : ''} <small class="muted">{formatTimeMs(e.atMs)}</small>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
