// The second step of creating a room: who pays the fee and how (room cards or cash with points off), and the server's quote to confirm.
import type { Response } from '../../shared/api.ts';
import { fenToYuan } from '../../shared/money.ts';
import type { RoomWords } from './i18n.ts';

export type Quote = Response<'POST /api/rooms/quote'>;
export interface FeeChoice {
  readonly mode: 'room_card' | 'cash';
  readonly payer: 'owner' | 'aa';
  readonly points: number;
}

function priceText(t: RoomWords, p: { cards: number; cashFen: number }): string {
  return p.cards > 0 ? t('cards', { n: p.cards }) : `¥${fenToYuan(p.cashFen)}`;
}

interface FeeStepProps {
  readonly t: RoomWords;
  readonly fee: FeeChoice;
  readonly setFee: (fee: FeeChoice) => void;
  readonly quote: Quote | null;
  readonly busy: boolean;
  readonly createRoom: () => Promise<void>;
}

export function FeeStep({ t, fee, setFee, quote, busy, createRoom }: FeeStepProps) {
  return (
    <section class="card">
      <h1>{t('stepFee')}</h1>
      <div class="segmented" title={t('feeMode')}>
        <button
          type="button"
          class={fee.mode === 'room_card' ? 'on' : ''}
          onClick={() => setFee({ ...fee, mode: 'room_card', points: 0 })}
          data-testid="fee-room_card"
        >
          {t('roomCard')}
        </button>
        <button
          type="button"
          class={fee.mode === 'cash' ? 'on' : ''}
          onClick={() => setFee({ ...fee, mode: 'cash' })}
          data-testid="fee-cash"
        >
          {t('cash')}
        </button>
      </div>
      <div class="segmented" title={t('payer')}>
        <button
          type="button"
          class={fee.payer === 'owner' ? 'on' : ''}
          onClick={() => setFee({ ...fee, payer: 'owner' })}
          data-testid="payer-owner"
        >
          {t('owner')}
        </button>
        <button type="button" class={fee.payer === 'aa' ? 'on' : ''} onClick={() => setFee({ ...fee, payer: 'aa' })} data-testid="payer-aa">
          {t('aa')}
        </button>
      </div>
      {fee.mode === 'cash' && quote !== null && quote.pointsMax > 0 && (
        <label class="slider">
          <span>
            {t('points', { max: quote.pointsMax })} <strong>{fee.points}</strong>
          </span>
          <input
            type="range"
            min={0}
            max={quote.pointsMax}
            value={fee.points}
            onChange={(e) => setFee({ ...fee, points: Number((e.target as HTMLInputElement).value) })}
          />
        </label>
      )}
      {quote !== null && <QuoteBox t={t} fee={fee} quote={quote} />}
      <div class="row">
        <button type="button" class="secondary" onClick={() => history.back()} data-testid="create-back">
          {t('back')}
        </button>
        <button type="button" class="primary" disabled={busy || quote === null} onClick={createRoom} data-testid="create-confirm">
          {busy ? t('creating') : t('confirmCreate')}
        </button>
      </div>
    </section>
  );
}

/** The server's quote: what the owner pays (less any points), the price per seat, and the commission or service-fee note. */
function QuoteBox({ t, fee, quote }: { t: RoomWords; fee: FeeChoice; quote: Quote }) {
  return (
    <div class="quote" data-testid="fee-quote" data-cards={quote.fee.owner.cards} data-cash-fen={quote.fee.owner.cashFen}>
      <p>
        {t('youPay')} <strong data-testid="fee-owner">{priceText(t, quote.fee.owner)}</strong>
        {fee.mode === 'cash' && fee.points > 0 ? ` − ${fee.points}` : ''}
      </p>
      <p class="muted small">{t('perSeat', { price: priceText(t, quote.fee.perSeat) })}</p>
      {fee.mode === 'cash' && <p class="muted small">{t('commission', { pct: quote.fee.commissionBps / 100 })}</p>}
      <p class="muted small">{fee.mode === 'cash' ? t('pointsNote') : t('serviceFee')}</p>
    </div>
  );
}
