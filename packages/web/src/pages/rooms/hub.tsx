// The rooms lobby: create a room, join one by code, go back to a table, buy room cards, and the
// room fee orders (kept 180 days) with their order numbers.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { formatTimeMs } from '../../shared/i18n.ts';
import { fenToYuan } from '../../shared/money.ts';
import { type RoomWords, roomWords } from './i18n.ts';
import './rooms.css';

type Mine = Response<'GET /api/rooms/mine'>['rooms'];
type Cards = Response<'GET /api/rooms/cards'>;
type Orders = Response<'GET /api/rooms/orders'>['orders'];

const BUY_QUANTITY = 5;

export function RoomsHubPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const [code, setCode] = useState('');
  const [mine, setMine] = useState<Mine | null>(null);
  const [cards, setCards] = useState<Cards | null>(null);
  const [orders, setOrders] = useState<Orders | null>(null);
  const [error, setError] = useState<string | null>(null);
  const spend = useSpendConfirmation(ctx.lang);

  const load = () => {
    ctx.api.call('GET /api/rooms/mine', {}).then(
      (r) => setMine(r.rooms),
      () => setMine([]),
    );
    ctx.api.call('GET /api/rooms/cards', {}).then(setCards, () => setCards(null));
    ctx.api.call('GET /api/rooms/orders', { query: { limit: 20 } }).then(
      (r) => setOrders(r.orders),
      () => setOrders([]),
    );
  };
  useEffect(load, []);

  const buy = async () => {
    setError(null);
    try {
      const key = `cards-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36) ?? ''}`;
      await ctx.api.call('POST /api/rooms/cards/purchase', { body: { quantity: BUY_QUANTITY, idempotencyKey: key } });
      load();
    } catch (e) {
      setError(errorText(ctx.lang, e));
    }
  };

  const live = (mine ?? []).filter((r) => r.active && (r.status === 'waiting' || r.status === 'playing'));
  return (
    <main class="page rooms" data-testid="rooms-hub">
      <section class="card">
        <h1>{t('rooms')}</h1>
        <a class="primary button" href="#/room-create" data-testid="open-create-room">
          {t('create')}
        </a>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            location.hash = `#/join/${code}`;
          }}
        >
          <input
            inputMode="numeric"
            maxLength={6}
            placeholder={t('codePlaceholder')}
            value={code}
            onInput={(e) => setCode((e.target as HTMLInputElement).value.replace(/\D/g, ''))}
            data-testid="hub-code"
          />
          <button type="submit" class="secondary" data-testid="hub-join">
            {t('join')}
          </button>
        </form>
      </section>
      <section class="card" data-testid="my-rooms">
        <h2>{t('myRooms')}</h2>
        {mine !== null && mine.length === 0 && <p class="muted small">{t('noRooms')}</p>}
        <ul class="rows">
          {live.map((r) => (
            <li key={r.roomId}>
              <span>
                {r.code} · {r.handsPlayed}/{r.rounds}
              </span>
              <a class="pill" href={`#/room/${r.roomId}`} data-testid={`back-to-${r.code}`}>
                {t('backToTable')}
              </a>
            </li>
          ))}
          {(mine ?? [])
            .filter((r) => !live.includes(r))
            .slice(0, 10)
            .map((r) => (
              <li key={r.roomId}>
                <span class="muted">
                  {r.code} · {statusWords(t, r.status)} · {r.handsPlayed}/{r.rounds}
                </span>
                <a class="pill" href={`#/room-history/${r.roomId}`}>
                  {t('history')}
                </a>
              </li>
            ))}
        </ul>
      </section>
      <section class="card" data-testid="room-cards">
        <h2>
          {t('roomCards')} <strong data-testid="room-card-balance">{cards?.cards ?? 0}</strong>
        </h2>
        {cards && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              spend.ask(
                {
                  title: t('buyCardsTitle'),
                  lines: [
                    [t('roomCards'), t('cards', { n: BUY_QUANTITY })],
                    [t('price'), `¥${fenToYuan(cards.priceFen * BUY_QUANTITY)}`],
                    [t('payFrom'), t('cashBalance')],
                  ],
                },
                buy,
              )
            }
            data-testid="buy-cards"
          >
            {t('buyCards', { n: BUY_QUANTITY, yuan: fenToYuan(cards.priceFen * BUY_QUANTITY) })}
          </button>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>
      <section class="card" data-testid="room-orders">
        <h2>{t('orders')}</h2>
        {orders !== null && orders.length === 0 && <p class="muted small">{t('noOrders')}</p>}
        <ul class="rows small">
          {(orders ?? []).map((o) => (
            <li key={o.orderId} data-order={o.orderId} data-status={o.status}>
              <span>
                <code>{o.orderId}</code>
                <br />
                <span class="muted">
                  {formatTimeMs(o.createdAtMs)} {o.roomCode ? `· ${o.roomCode}` : ''} · {orderStatusWords(t, o.status)}
                </span>
              </span>
              <strong>{o.cards > 0 ? t('cards', { n: o.cards }) : `¥${fenToYuan(o.cashFen)}`}</strong>
            </li>
          ))}
        </ul>
      </section>
      {spend.sheet}
    </main>
  );
}

function statusWords(t: RoomWords, status: string): string {
  return status === 'waiting' || status === 'playing' || status === 'finished' || status === 'dissolved'
    ? t(`status_${status}`)
    : t('status_other');
}

function orderStatusWords(t: RoomWords, status: string): string {
  return status === 'held' || status === 'charged' || status === 'paid' || status === 'refunded' ? t(`order_${status}`) : t('status_other');
}
