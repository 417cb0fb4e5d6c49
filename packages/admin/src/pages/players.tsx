import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { AdjustForm } from './player-adjust.tsx';
import { type Balance, BalancesCard, type Detail, HistoryCard, type Item, PlayerFacts } from './player-cards.tsx';
import { consoleError } from '../errors.ts';

type Summary = Response<'GET /api/admin/players'>['items'][number];

export function PlayersPage({ ctx, playerId }: { ctx: Ctx; playerId: string | undefined }) {
  return playerId ? <PlayerDetail ctx={ctx} playerId={playerId} /> : <PlayerSearch ctx={ctx} />;
}

function PlayerSearch({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setItems((await api.call('GET /api/admin/players', { query: { q } })).items);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="players-page">
      <form class="card row" onSubmit={search}>
        <input
          data-testid="player-query"
          placeholder={t('searchPlaceholder')}
          value={q}
          required
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" data-testid="player-search">
          {t('search')}
        </button>
      </form>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {items && (
        <section class="card">
          {items.length === 0 && <p class="muted">{t('noResults')}</p>}
          <ul class="list">
            {items.map((p) => (
              <li key={p.id}>
                <a href={`#/players/${encodeURIComponent(p.id)}`} data-testid="player-result">
                  <strong>{p.nickname}</strong> <code translate={false}>{p.id}</code>
                </a>
                <small class="muted">{formatTimeMs(p.createdAtMs)}</small>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function PlayerDetail({ ctx, playerId }: { ctx: Ctx; playerId: string }) {
  const { api, t } = ctx;
  const [detail, setDetail] = useState<Detail | null>(null);
  const [balances, setBalances] = useState<Balance[]>([]);
  const [history, setHistory] = useState<Item[]>([]);
  const [error, setError] = useState<string | null>(null);
  const canAdjust = ctx.operator.roles.some((r) => r === 'finance' || r === 'admin');

  const loadMoney = useCallback(async () => {
    const [b, h] = await Promise.all([
      api.call('GET /api/admin/players/:playerId/balances', { params: { playerId } }),
      api.call('GET /api/admin/players/:playerId/history', { params: { playerId }, query: { limit: 20 } }),
    ]);
    setBalances(b.balances);
    setHistory(h.items);
  }, [api, playerId]);

  useEffect(() => {
    api
      .call('GET /api/admin/players/:playerId', { params: { playerId } })
      .then(setDetail, (e: unknown) => setError(consoleError(ctx.lang, e)));
    loadMoney().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [api, playerId, loadMoney]);

  return (
    <main data-testid="player-detail">
      <a href="#/players" class="link">
        ← {t('back')}
      </a>
      {error && (
        <p class="error" role="alert" data-testid="player-error">
          {t('error', { message: error })}
        </p>
      )}
      {detail && <PlayerFacts ctx={ctx} detail={detail} />}
      <BalancesCard ctx={ctx} balances={balances} />
      {canAdjust && <AdjustForm ctx={ctx} playerId={playerId} onError={setError} loadMoney={loadMoney} />}
      <HistoryCard ctx={ctx} history={history} />
    </main>
  );
}
