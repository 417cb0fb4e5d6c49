// The rooms lobby: create a room, join one by code, go back to a table, buy room cards, and the
// room fee orders (kept 180 days) with their order numbers.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { fenToYuan } from '../../shared/money.ts';
import { CreateOrJoin, type Mine, MyRooms, type Orders, RoomOrders } from './hub-sections.tsx';
import { type RoomWords, roomWords } from './i18n.ts';
import './rooms.css';

type Cards = Response<'GET /api/rooms/cards'>;

const BUY_QUANTITY = 5;

export function RoomsHubPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
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

  return (
    <main class="page rooms" data-testid="rooms-hub">
      <CreateOrJoin t={t} />
      <MyRooms t={t} mine={mine} />
      <RoomCards t={t} cards={cards} error={error} spend={spend} buy={buy} />
      <RoomOrders t={t} orders={orders} />
      {spend.sheet}
    </main>
  );
}

/** The room-card balance and the purchase of a pack (confirmed before it is paid from the cash balance). */
function RoomCards({
  t,
  cards,
  error,
  spend,
  buy,
}: {
  t: RoomWords;
  cards: Cards | null;
  error: string | null;
  spend: ReturnType<typeof useSpendConfirmation>;
  buy: () => Promise<void>;
}) {
  return (
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
  );
}
