// A risk case's evidence: the case's own (fair-play figures where it has them), and the player's signals, complaints, transfers and restrictions.
import { type AssetCode, formatAmount, formatTimeMs, type Lang, type Response } from '@fairground/web';
import { FairPlayEvidence } from './fair-play-evidence.tsx';
import { riskText } from './risk-i18n.ts';

type Detail = Response<'GET /api/admin/risk/cases/:caseId'>;

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function CaseEvidence({ lang, detail }: { lang: Lang; detail: Detail }) {
  const r = riskText(lang);
  return (
    <section class="card" data-testid="case-evidence">
      <h3>{r('evidence')}</h3>
      <FairPlayEvidence lang={lang} evidence={obj(detail.evidence).detail ?? detail.evidence} />
      <pre class="small">{JSON.stringify(detail.evidence, null, 2)}</pre>
      <h4>{r('signals')}</h4>
      {detail.signals.length === 0 && <p class="muted">{r('none')}</p>}
      <ul class="list">
        {detail.signals.map((s) => (
          <li key={s.id} class="fair-row" data-testid="case-signal">
            <strong>{s.kind}</strong> = {s.value} <small class="muted">{formatTimeMs(s.createdAtMs)}</small>
            <FairPlayEvidence lang={lang} evidence={s.evidence} />
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
  );
}
