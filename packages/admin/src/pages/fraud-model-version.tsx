// One fraud-model version on the models page: when and on what it was trained, its held-back comparison with the rules alone, and the switches to shadow or decide.
import { formatTimeMs, type Response } from '@fairground/web';
import type { modelText } from './fraud-model-i18n.ts';

export type Model = Response<'GET /api/admin/risk/models'>['items'][number];
type Measured = Model['evaluation']['rules'];

const pct = (permille: number) => `${(permille / 10).toFixed(1)} %`;

interface VersionProps {
  m: ReturnType<typeof modelText>;
  x: Model;
  /** An administrator may switch modes, with a reason of at least 3 characters. */
  owner: boolean;
  reason: string;
  activate: (version: number, mode: 'shadow' | 'decide') => void;
}

export function ModelVersion({ m, x, owner, reason, activate }: VersionProps) {
  return (
    <section class="card" data-testid="model-version" data-version={x.version} data-status={x.status}>
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
        {x.activatedBy && x.activatedAtMs !== null ? ` · ${m('activated', { who: x.activatedBy, at: formatTimeMs(x.activatedAtMs) })}` : ''}
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
