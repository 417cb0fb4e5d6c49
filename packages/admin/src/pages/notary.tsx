// The console's notary page: how long finished hands have waited for their time-stamp (the lag,
// against its alert line), how many wait in the queue, the roots waiting for the authority's token
// with the authority's last error, and the recent roots with the time and name it signed.
import { formatTimeMs, type Lang, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Status = Response<'GET /api/admin/notary'>;

const TEXT = {
  zh: {
    nav: '存证',
    title: '牌局存证（RFC 3161 时间戳）',
    intro: '结束的牌局进入队列，每分钟合成一棵默克尔树，由时间戳机构对树根签名。机构不可用时牌局照常进行，只是签名推迟。',
    tsa: '时间戳机构',
    lag: '存证延迟',
    lagAlert: '超过 {min} 分钟告警',
    lagMinutes: '{n} 分钟',
    lagOver: '已超过告警线',
    queued: '排队中的牌局',
    oldest: '最早排队于',
    rootsWaiting: '等待签名的树根',
    lastAttested: '最近一次签名',
    roots: '最近的树根',
    colRoot: '树根',
    colHands: '牌局数',
    colState: '状态',
    colSigned: '机构时间',
    colAttempts: '请求次数',
    colError: '最近错误',
    waiting: '等待签名',
    attested: '已签名',
    none: '还没有树根',
    refresh: '刷新',
  },
  en: {
    nav: 'Notary',
    title: 'Hand attestation (RFC 3161 time-stamps)',
    intro:
      'Finished hands queue; once a minute they become one Merkle tree whose root the time-stamping authority signs. When the authority is down, play goes on and signing waits.',
    tsa: 'Time-stamping authority',
    lag: 'Attestation lag',
    lagAlert: 'alert past {min} min',
    lagMinutes: '{n} min',
    lagOver: 'past the alert line',
    queued: 'Hands queued',
    oldest: 'oldest queued at',
    rootsWaiting: 'Roots waiting for a token',
    lastAttested: 'Last signed',
    roots: 'Recent roots',
    colRoot: 'Root',
    colHands: 'Hands',
    colState: 'State',
    colSigned: 'Authority time',
    colAttempts: 'Requests',
    colError: 'Last error',
    waiting: 'waiting',
    attested: 'signed',
    none: 'No roots yet',
    refresh: 'Refresh',
  },
} as const;

export const notaryNav = (lang: Lang): string => TEXT[lang].nav;

function minutes(ms: number): string {
  return (ms / 60_000).toFixed(ms < 600_000 ? 1 : 0);
}

export function NotaryPage({ ctx }: { ctx: Ctx }) {
  const t = TEXT[ctx.lang];
  const [s, setS] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    ctx.api.call('GET /api/admin/notary', { query: { limit: 20 } }).then(
      (r) => {
        setS(r);
        setError(null);
      },
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, [ctx.api]);
  useEffect(load, [load]);

  return (
    <main class="page" data-testid="notary-page">
      <section class="card">
        <h1>{t.title}</h1>
        <p class="muted small">{t.intro}</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {s && <NotaryFacts t={t} s={s} />}
        <button type="button" class="link" onClick={load}>
          {t.refresh}
        </button>
      </section>
      {s && <RecentRoots t={t} s={s} />}
    </main>
  );
}

type Text = (typeof TEXT)[Lang];

/** The authority, the lag against its alert line, the queue and the last signature. */
function NotaryFacts({ t, s }: { t: Text; s: Status }) {
  const over = s.lagMs > s.lagAlertMs;
  return (
    <dl class="kv">
      <dt>{t.tsa}</dt>
      <dd>
        <code translate={false}>{s.tsaUrl}</code>
      </dd>
      <dt>{t.lag}</dt>
      <dd data-testid="notary-lag" data-over={String(over)}>
        <strong class={over ? 'error' : ''}>{t.lagMinutes.replace('{n}', minutes(s.lagMs))}</strong>{' '}
        <span class="muted small">
          ({t.lagAlert.replace('{min}', minutes(s.lagAlertMs))}
          {over ? ` · ${t.lagOver}` : ''})
        </span>
      </dd>
      <dt>{t.queued}</dt>
      <dd data-testid="notary-queued">
        {s.queued}
        {s.oldestQueuedAtMs !== null && (
          <span class="muted small">
            {' '}
            · {t.oldest} {formatTimeMs(s.oldestQueuedAtMs)}
          </span>
        )}
      </dd>
      <dt>{t.rootsWaiting}</dt>
      <dd data-testid="notary-roots-waiting">{s.rootsWaiting}</dd>
      <dt>{t.lastAttested}</dt>
      <dd>{s.lastAttestedAtMs === null ? '—' : formatTimeMs(s.lastAttestedAtMs)}</dd>
    </dl>
  );
}

/** The recent Merkle roots, each with its state, the authority's time and name, and its last error. */
function RecentRoots({ t, s }: { t: Text; s: Status }) {
  return (
    <section class="card">
      <h2>{t.roots}</h2>
      {s.roots.length === 0 ? (
        <p class="muted">{t.none}</p>
      ) : (
        <div class="scroll">
          <table data-testid="notary-roots">
            <thead>
              <tr>
                <th>#</th>
                <th>{t.colRoot}</th>
                <th class="num">{t.colHands}</th>
                <th>{t.colState}</th>
                <th>{t.colSigned}</th>
                <th class="num">{t.colAttempts}</th>
                <th>{t.colError}</th>
              </tr>
            </thead>
            <tbody>
              {s.roots.map((r) => (
                <tr key={r.id} data-testid="notary-root" data-state={r.state}>
                  <td>{r.id}</td>
                  <td>
                    <code title={r.rootHash}>{r.rootHash.slice(0, 16)}…</code>
                  </td>
                  <td class="num">{r.treeSize}</td>
                  <td>{r.state === 'attested' ? t.attested : t.waiting}</td>
                  <td>
                    {r.token ? formatTimeMs(r.token.genTimeMs) : '—'}
                    {r.token?.tsaName && <div class="muted small">{r.token.tsaName}</div>}
                  </td>
                  <td class="num">{r.attempts}</td>
                  <td class="small">{r.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
