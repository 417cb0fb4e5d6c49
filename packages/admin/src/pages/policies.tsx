// The compliance policies in force, read-only: each jurisdiction's document as loaded.
import type { Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { riskText } from './risk-i18n.ts';
import { consoleError } from '../errors.ts';
import { CalendarPanel } from './calendar.tsx';

type Policies = Response<'GET /api/admin/compliance/policies'>;

export function PoliciesPage({ ctx }: { ctx: Ctx }) {
  const r = riskText(ctx.lang);
  const [data, setData] = useState<Policies | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/compliance/policies', {}).then(setData, (e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [ctx.api]);
  return (
    <main data-testid="policies-page">
      <section class="card">
        <h2>{r('policiesTitle')}</h2>
        {error && <p class="error">{r('error', { message: error })}</p>}
      </section>
      <CalendarPanel ctx={ctx} />
      {data?.items.map((p) => (
        <section class="card" key={p.name} data-testid="policy" data-name={p.name}>
          <h3>
            <span translate={false}>
              {p.name} v{p.version} · {p.jurisdiction}
            </span>{' '}
            {p.name === data.defaultPolicy ? `(${r('defaultPolicy')})` : ''}
          </h3>
          {p.description && (
            <p class="small" translate={false}>
              {p.description}
            </p>
          )}
          <p class="small muted">
            {r('countries')}: {p.countries.length > 0 ? p.countries.join(', ') : '—'}
          </p>
          <details>
            <summary>JSON</summary>
            <pre class="small" translate={false}>
              {JSON.stringify(p.document, null, 2)}
            </pre>
          </details>
        </section>
      ))}
    </main>
  );
}
