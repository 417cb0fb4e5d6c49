// The risk review queue: open cases, and one case with its evidence (signals — fair-play ones in
// figures: pairs, hands, timing on the server's clock, copy similarity — transfers, complaints,
// restrictions, credit, the player's linked accounts), the rules' verdict beside the fraud model's
// score and the features behind it, its audit trail and the actions an operator may take.
import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { PlayerLinks } from './fair-play.tsx';
import { CaseModelPanel } from './fraud-model.tsx';
import { CaseEvidence } from './risk-case-evidence.tsx';
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
      <CaseEvidence lang={ctx.lang} detail={detail} />
      <PlayerLinks ctx={ctx} playerId={detail.playerId} />
      <CaseActions r={r} actions={actions} note={note} onNote={setNote} act={act} error={error} />
      <CaseTrail r={r} events={detail.events} />
    </main>
  );
}

interface ActionsProps {
  r: ReturnType<typeof riskText>;
  actions: Action[];
  note: string;
  onNote: (note: string) => void;
  act: (action: Action) => void;
  error: string | null;
}

/** The operator's note (at least 3 characters) and the actions the case's kind and status allow. */
function CaseActions({ r, actions, note, onNote, act, error }: ActionsProps) {
  return (
    <section class="card">
      <label>
        {r('note')}
        <textarea data-testid="case-note-text" value={note} onInput={(e) => onNote((e.target as HTMLTextAreaElement).value)} />
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
  );
}

/** The case's audit trail: the system's steps and the operators' actions, oldest first. */
function CaseTrail({ r, events }: { r: ReturnType<typeof riskText>; events: Detail['events'] }) {
  return (
    <section class="card">
      <h3>{r('trail')}</h3>
      <ol class="list" data-testid="case-trail">
        {events.map((e) => (
          <li key={e.id} data-testid="case-event" data-action={e.action}>
            <strong>{trailWord(r, e.action)}</strong> · <span translate={false}>{e.actorName}</span>{' '}
            {e.note ? <span translate={false}>— {e.note}</span> : ''} <small class="muted">{formatTimeMs(e.atMs)}</small>
          </li>
        ))}
      </ol>
    </section>
  );
}
