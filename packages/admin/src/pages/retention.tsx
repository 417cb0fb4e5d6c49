// Data retention, read-only: what leaves the database after how long (finished rooms' event logs
// and hand records, finished skill sessions' commands), what never does (money records), and the
// archives the retention job wrote, each with its SHA-256 (checked by `npm run archive:check`).
import { formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Archives = Response<'GET /api/admin/retention/archives'>;

const TEXT = {
  zh: {
    nav: '数据保留',
    title: '数据保留与归档',
    hint: '已结束的房间的事件日志与牌局记录、已结束的技巧游戏会话的操作记录，在下列天数后移出数据库，写入压缩归档，每个归档附带校验清单。有未处理投诉或风控审核的房间会一直保留。资金记录永不归档、永不删除。校验归档的命令：',
    notConfigured: '本服务器未配置归档目录，不会归档任何数据。',
    archived: '会归档的表（结束后保留天数）',
    days: '{n} 天',
    never: '永远在线保留的表',
    archives: '最近的归档',
    none: '还没有归档',
    rows: '{n} 行',
    groups: '{n} 组',
    cutoff: '截止 {time}',
    error: '出错了：{message}',
  },
  en: {
    nav: 'Retention',
    title: 'Data retention and archives',
    hint: 'Finished rooms’ event logs and hand records and finished skill sessions’ commands leave the database the days below after they ended, for compressed archives (NDJSON + gzip with a SHA-256 manifest). A room with an open complaint or review case stays. Money records are never archived or deleted. Check the archives with:',
    notConfigured: 'No archive folder is configured on this server: nothing is archived.',
    archived: 'Tables archived (days kept after the end)',
    days: '{n} days',
    never: 'Tables kept online for ever',
    archives: 'Newest archives',
    none: 'No archives yet',
    rows: '{n} rows',
    groups: '{n} groups',
    cutoff: 'cut-off {time}',
    error: 'Error: {message}',
  },
} as const;

export function retentionNav(lang: 'zh' | 'en'): string {
  return TEXT[lang].nav;
}

export function RetentionPage({ ctx }: { ctx: Ctx }) {
  const t = TEXT[ctx.lang];
  const [data, setData] = useState<Archives | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api
      .call('GET /api/admin/retention/archives', { query: { limit: 50 } })
      .then(setData, (e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [ctx.api, ctx.lang]);
  return (
    <main data-testid="retention-page">
      <section class="card">
        <h1>{t.title}</h1>
        <p class="muted small">
          {t.hint} <code translate={false}>npm run archive:check</code>
        </p>
        {error && (
          <p class="error" role="alert">
            {t.error.replace('{message}', error)}
          </p>
        )}
        {data && !data.configured && <p class="error">{t.notConfigured}</p>}
      </section>
      {data && (
        <section class="card">
          <h2>{t.archived}</h2>
          <ul class="list" data-testid="retention-archived">
            {data.rules.map((r) => (
              <li key={r.table}>
                <code translate={false}>{r.table}</code> <span>{t.days.replace('{n}', String(r.onlineDays))}</span>
              </li>
            ))}
          </ul>
          <h2>{t.never}</h2>
          <p class="small calendar-file" translate={false} data-testid="retention-never">
            {data.neverArchived.join(', ')}
          </p>
        </section>
      )}
      {data && (
        <section class="card">
          <h2>{t.archives}</h2>
          {data.items.length === 0 && <p class="muted">{t.none}</p>}
          <ul class="list">
            {data.items.map((a) => (
              <li key={a.id} data-testid="archive" data-table={a.table}>
                <span class="small calendar-file" translate={false}>
                  {a.file}
                </span>
                <span class="small">
                  {formatTimeMs(a.createdAtMs)} · {t.rows.replace('{n}', String(a.rows))} · {t.groups.replace('{n}', String(a.groups))} ·{' '}
                  {t.cutoff.replace('{time}', formatTimeMs(a.cutoffMs))}
                </span>
                <span class="small muted calendar-file" translate={false}>
                  SHA-256 {a.sha256}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
