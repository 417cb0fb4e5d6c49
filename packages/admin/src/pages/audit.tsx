import { formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Entry = Response<'GET /api/admin/audit'>['items'][number];

function brief(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export function AuditPage({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('GET /api/admin/audit', { query: { limit: 50 } }).then(
      (page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
      },
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, [api]);

  const more = async () => {
    if (!cursor) return;
    const page = await api.call('GET /api/admin/audit', { query: { limit: 50, cursor } });
    setItems([...items, ...page.items]);
    setCursor(page.nextCursor);
  };

  return (
    <main data-testid="audit-page">
      <section class="card">
        <h1>{t('auditTitle')}</h1>
        {error && <p class="error">{t('error', { message: error })}</p>}
        <div class="scroll">
          <table class="cards" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('when')}</th>
                <th>{t('who')}</th>
                <th>{t('action')}</th>
                <th>{t('target')}</th>
                <th>{t('auditReason')}</th>
                <th>{t('before')}</th>
                <th>{t('after')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <AuditRow key={e.id} t={t} e={e} />
              ))}
            </tbody>
          </table>
        </div>
        {cursor && (
          <button type="button" class="secondary" onClick={more}>
            {t('loadMore')}
          </button>
        )}
      </section>
    </main>
  );
}

function AuditRow({ t, e }: { t: Ctx['t']; e: Entry }) {
  return (
    <tr data-action={e.action}>
      <td data-label={t('when')}>{formatTimeMs(e.atMs)}</td>
      <td data-label={t('who')} translate={false}>
        {e.operatorUsername}
      </td>
      <td class="nowrap" data-label={t('action')}>
        <code translate={false}>{e.action}</code>
      </td>
      <td data-label={t('target')} translate={false}>
        {e.targetId ?? ''}
      </td>
      <td data-label={t('auditReason')} translate={false}>
        {e.reason ?? ''}
      </td>
      <td data-label={t('before')}>
        <code translate={false}>{brief(e.before)}</code>
      </td>
      <td data-label={t('after')}>
        <code translate={false}>{brief(e.after)}</code>
      </td>
    </tr>
  );
}
