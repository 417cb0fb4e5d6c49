// The fraud model in the console: the models page (each version's held-back comparison with the
// rules alone — precision, recall and false positives with the sample sizes — a button to train a
// version now, and an administrator's switch to shadow mode or, once proven, to decide), and the
// panel of a case page with the rules' verdict, the model's score and the features behind it.
import type { Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { featureName, modelText } from './fraud-model-i18n.ts';
import { type Model, ModelVersion } from './fraud-model-version.tsx';

type CaseDetail = Response<'GET /api/admin/risk/cases/:caseId'>;

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
      <ModelsHeader m={m} trainer={trainer} owner={owner} done={done} error={error} reason={reason} onReason={setReason} train={train} />
      {items?.length === 0 && (
        <section class="card">
          <p class="muted">{m('none')}</p>
        </section>
      )}
      {items?.map((x) => (
        <ModelVersion key={x.version} m={m} x={x} owner={owner} reason={reason} activate={activate} />
      ))}
    </main>
  );
}

interface HeaderProps {
  m: ReturnType<typeof modelText>;
  trainer: boolean;
  owner: boolean;
  done: string | null;
  error: string | null;
  reason: string;
  onReason: (reason: string) => void;
  train: () => void;
}

/** The page's head: what the models are, training a version now (admin or risk), and the reason an administrator gives for a switch. */
function ModelsHeader({ m, trainer, owner, done, error, reason, onReason, train }: HeaderProps) {
  return (
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
          <input data-testid="model-reason" value={reason} onInput={(e) => onReason((e.target as HTMLInputElement).value)} />
        </label>
      ) : (
        <p class="small muted">{m('ownersOnly')}</p>
      )}
    </section>
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
