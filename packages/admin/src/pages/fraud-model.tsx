// The fraud model in the console: the models page (each version's held-back comparison with the
// rules alone — precision, recall and false positives with the sample sizes — a button to train a
// version now, and an administrator's switch to shadow mode or, once proven, to decide), and the
// panel of a case page with the rules' verdict, the model's score and the features behind it.
import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { featureName, modelText } from './fraud-model-i18n.ts';

type Model = Response<'GET /api/admin/risk/models'>['items'][number];
type Measured = Model['evaluation']['rules'];
type CaseDetail = Response<'GET /api/admin/risk/cases/:caseId'>;

const pct = (permille: number) => `${(permille / 10).toFixed(1)} %`;

export function FraudModelsPage({ ctx }: { ctx: Ctx }) {
  const m = modelText(ctx.lang);
  const [items, setItems] = useState<Model[] | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const owner = ctx.operator.roles.some((r) => r === 'admin');
  const trainer = ctx.operator.roles.some((r) => r === 'admin' || r === 'risk');
  const load = useCallback(
    () =>
      ctx.api.call('GET /api/admin/risk/models', {}).then(
        (x) => setItems(x.items),
        (e: unknown) => setError(consoleError(ctx.lang, e)),
      ),
    [ctx.api, ctx.lang],
  );
  useEffect(() => {
    load();
  }, [load]);
  const train = async () => {
    setError(null);
    setDone(null);
    try {
      const v = await ctx.api.call('POST /api/admin/risk/models', { body: {} });
      setDone(m('trained', { version: v.version }));
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  const activate = async (version: number, mode: 'shadow' | 'decide') => {
    setError(null);
    setDone(null);
    try {
      await ctx.api.call('POST /api/admin/risk/models/:version/activate', { params: { version }, body: { mode, reason } });
      setReason('');
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  return (
    <main data-testid="fraud-models-page">
      <section class="card">
        <h2>{m('title')}</h2>
        <p class="small muted">{m('intro')}</p>
        {trainer && (
          <div class="row">
            <button type="button" class="primary" data-testid="model-train" onClick={train}>
              {m('train')}
            </button>
          </div>
        )}
        {done && (
          <p role="status" data-testid="model-trained">
            {done}
          </p>
        )}
        {error && (
          <p class="error" role="alert" data-testid="model-error">
            {m('error', { message: error })}
          </p>
        )}
        {owner ? (
          <label>
            {m('reason')}
            <input data-testid="model-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
        ) : (
          <p class="small muted">{m('ownersOnly')}</p>
        )}
      </section>
      {items?.length === 0 && (
        <section class="card">
          <p class="muted">{m('none')}</p>
        </section>
      )}
      {items?.map((x) => (
        <section class="card" key={x.version} data-testid="model-version" data-version={x.version} data-status={x.status}>
          <h3>
            {m('version', { version: x.version })} · <span data-testid="model-status">{m(`status_${x.status}`)}</span>
          </h3>
          <p class="small muted">
            {m('trainedAt', {
              at: formatTimeMs(x.trainedAtMs),
              cases: x.reviewedCases,
              train: x.evaluation.trainCases,
              held: x.evaluation.heldBackCases,
            })}
            {x.activatedBy && x.activatedAtMs !== null
              ? ` · ${m('activated', { who: x.activatedBy, at: formatTimeMs(x.activatedAtMs) })}`
              : ''}
          </p>
          <h4>{m('heldBack', { threshold: x.evaluation.thresholdPermille })}</h4>
          <table class="cards" data-testid="model-comparison">
            <thead>
              <tr>
                <th>{m('who')}</th>
                <th>{m('precision')}</th>
                <th>{m('recall')}</th>
                <th>{m('fpr')}</th>
                <th>{m('sample')}</th>
              </tr>
            </thead>
            <tbody>
              <Row m={m} who={m('rules')} v={x.evaluation.rules} testid="model-rules" />
              <Row m={m} who={m('combined')} v={x.evaluation.combined} testid="model-combined" />
            </tbody>
          </table>
          <p data-testid="model-proof" data-beats={String(x.evaluation.beatsRules)}>
            {x.evaluation.beatsRules ? m('beats') : m('notProven', { reason: x.evaluation.reason ?? '' })}
          </p>
          {owner && (
            <div class="row">
              <button
                type="button"
                data-testid="model-shadow"
                disabled={reason.trim().length < 3 || x.status === 'shadow'}
                onClick={() => activate(x.version, 'shadow')}
              >
                {m('shadow')}
              </button>
              <button
                type="button"
                class="danger"
                data-testid="model-decide"
                disabled={reason.trim().length < 3 || x.status === 'decide' || !x.evaluation.beatsRules}
                onClick={() => activate(x.version, 'decide')}
              >
                {m('decide')}
              </button>
            </div>
          )}
        </section>
      ))}
    </main>
  );
}

function Row({ m, who, v, testid }: { m: ReturnType<typeof modelText>; who: string; v: Measured; testid: string }) {
  return (
    <tr data-testid={testid} data-precision={v.precisionPermille} data-recall={v.recallPermille}>
      <td data-label={m('who')}>
        <strong>{who}</strong>
      </td>
      <td data-label={m('precision')}>{pct(v.precisionPermille)}</td>
      <td data-label={m('recall')}>{pct(v.recallPermille)}</td>
      <td data-label={m('fpr')}>
        {pct(v.fprPermille)} <small class="muted">{m('flagged', { flagged: v.flagged, tp: v.truePositives })}</small>
      </td>
      <td data-label={m('sample')}>{m('sampleOf', { n: v.n, pos: v.positives, neg: v.negatives })}</td>
    </tr>
  );
}

/** A case page's panel: the rules' verdict, the model's score in its mode, and the features that drove it. */
export function CaseModelPanel({ ctx, detail }: { ctx: Ctx; detail: CaseDetail }) {
  const m = modelText(ctx.lang);
  const s = detail.model;
  return (
    <section class="card" data-testid="case-model" data-scored={String(s !== null)}>
      <h3>{m('caseModel')}</h3>
      {detail.rulesFlag !== null && (
        <p data-testid="case-rules-verdict" data-flag={String(detail.rulesFlag)}>
          {m('rulesVerdict', { verdict: detail.rulesFlag ? m('verdictFraud') : m('verdictReview') })}
        </p>
      )}
      {s === null ? (
        <p class="muted">{m('noScore')}</p>
      ) : (
        <>
          <p data-testid="case-model-score" data-score={s.scorePermille} data-mode={s.mode}>
            <strong>{m('modelScore', { version: s.version, score: s.scorePermille, threshold: s.thresholdPermille })}</strong> ·{' '}
            {s.flagged ? m('modelFlag') : m('modelNoFlag')}
          </p>
          <p class="small muted">{s.deciding ? m('decidingNote') : m('shadowNote')}</p>
          <h4>{m('topFeatures')}</h4>
          <table class="cards" data-testid="case-model-features">
            <thead>
              <tr>
                <th>{m('feature')}</th>
                <th>{m('value')}</th>
                <th>{m('push')}</th>
              </tr>
            </thead>
            <tbody>
              {s.top.map((f) => (
                <tr key={f.feature} data-testid="case-model-feature" data-feature={f.feature}>
                  <td data-label={m('feature')}>{featureName(ctx.lang, f.feature)}</td>
                  <td data-label={m('value')}>{f.value}</td>
                  <td data-label={m('push')}>
                    {f.push > 0 ? '+' : '−'}
                    {Math.abs(f.push)}‰
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
