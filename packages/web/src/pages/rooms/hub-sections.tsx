// The rooms lobby's sections: create or join by code, the player's rooms (back to a live table, or a finished room's history), and the room fee orders.
import { useState } from 'preact/hooks';
import type { Response } from '../../shared/api.ts';
import { formatTimeMs } from '../../shared/i18n.ts';
import { fenToYuan } from '../../shared/money.ts';
import type { RoomWords } from './i18n.ts';

export type Mine = Response<'GET /api/rooms/mine'>['rooms'];
export type Orders = Response<'GET /api/rooms/orders'>['orders'];

export function CreateOrJoin({ t }: { t: RoomWords }) {
  const [code, setCode] = useState('');
  return (
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
  );
}

export function MyRooms({ t, mine }: { t: RoomWords; mine: Mine | null }) {
  const live = (mine ?? []).filter((r) => r.active && (r.status === 'waiting' || r.status === 'playing'));
  return (
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
  );
}

export function RoomOrders({ t, orders }: { t: RoomWords; orders: Orders | null }) {
  return (
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
