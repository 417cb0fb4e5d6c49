// The actions the server says are legal for this seat in the betting phase: look, call, all-in, fold, raise (buttons or a slider) and compare.
import { raiseChoices } from '@fairground/rules';
import type { HandSection } from './channel.ts';
import type { RoomWords } from './i18n.ts';
import { categoryWords } from './table-faces.tsx';
import type { Send } from './table-seat.tsx';

/** Up to this many choices are buttons; a wider range is a slider, which still reaches every stake. */
const RAISE_BUTTONS_MAX = 10;

type Legal = NonNullable<HandSection['legal']>;
type BettingView = HandSection['view'];

export function ActionBar({
  t,
  legal,
  view,
  myTurn,
  myCards,
  send,
  nameOfSeat,
  raiseTo,
  setRaiseTo,
}: {
  t: RoomWords;
  legal: Legal;
  view: BettingView;
  myTurn: boolean;
  myCards: readonly string[] | null | undefined;
  send: Send;
  nameOfSeat: (seat: number) => string;
  raiseTo: number | null;
  setRaiseTo: (to: number) => void;
}) {
  return (
    <section class="card actions" data-testid="actions" data-my-turn={String(myTurn)}>
      <div class="action-row">
        {legal.look && (
          <button type="button" class="secondary" onClick={() => send({ t: 'act', action: { type: 'look' } })} data-testid="act-look">
            {t('look')}
          </button>
        )}
        {legal.call && (
          <button type="button" class="primary" onClick={() => send({ t: 'act', action: { type: 'call' } })} data-testid="act-call">
            {t('call', { cost: legal.call.costPoints })}
          </button>
        )}
        {legal.allIn && (
          <button type="button" class="secondary" onClick={() => send({ t: 'act', action: { type: 'all-in' } })} data-testid="act-all-in">
            {t('allIn')}
          </button>
        )}
        {legal.fold && (
          <button type="button" class="danger" onClick={() => send({ t: 'act', action: { type: 'fold' } })} data-testid="act-fold">
            {t('fold')}
          </button>
        )}
      </div>
      <RaiseRow t={t} legal={legal} stakePoints={view.stakePoints} send={send} raiseTo={raiseTo} setRaiseTo={setRaiseTo} />
      {legal.compare && legal.compare.targetSeats.length > 0 && (
        <div class="compare-row">
          <span class="small muted">{t('compare', { cost: legal.compare.costPoints })}</span>
          {legal.compare.targetSeats.map((seat) => (
            <button
              key={seat}
              type="button"
              class="secondary"
              onClick={() => send({ t: 'act', action: { type: 'compare', targetSeat: seat } })}
              data-testid={`act-compare-${seat}`}
            >
              {t('compareWith', { name: nameOfSeat(seat) })}
            </button>
          ))}
        </div>
      )}
      {myCards && <p class="small muted">{categoryWords(t, myCards)}</p>}
    </section>
  );
}

/** The raise (the chosen stake is the table's, so it outlives the bar between turns): the stake to raise to (buttons, or a slider for a wide range) and the button that says what it costs. */
function RaiseRow({
  t,
  legal,
  stakePoints,
  send,
  raiseTo,
  setRaiseTo,
}: {
  t: RoomWords;
  legal: Legal;
  stakePoints: number;
  send: Send;
  raiseTo: number | null;
  setRaiseTo: (to: number) => void;
}) {
  const raises = raiseChoices(legal.raise ?? null);
  const chosenRaise = raiseTo !== null && raises.includes(raiseTo) ? raiseTo : (raises[0] ?? null);
  // A seen player pays twice the unit stake: the raise button says what it costs, like the call button.
  const raiseCost = chosenRaise === null || legal.raise == null ? 0 : chosenRaise * legal.raise.costPerStakePoint;
  if (!legal.raise || chosenRaise === null) return null;
  return (
    <div class="raise" data-testid="raise">
      <span class="small muted">{t('raiseLabel', { now: stakePoints })}</span>
      {raises.length <= RAISE_BUTTONS_MAX ? (
        <fieldset class="raise-choices" aria-label={t('raiseLabel', { now: stakePoints })} data-testid="raise-to">
          {raises.map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={r === chosenRaise}
              class={r === chosenRaise ? 'choice on' : 'choice'}
              onClick={() => setRaiseTo(r)}
              data-testid={`raise-${r}`}
            >
              {r}
            </button>
          ))}
        </fieldset>
      ) : (
        <label class="slider">
          <strong>{chosenRaise}</strong>
          <input
            type="range"
            min={raises[0]}
            max={raises[raises.length - 1]}
            step={1}
            value={chosenRaise}
            onInput={(e) => setRaiseTo(Number((e.target as HTMLInputElement).value))}
            data-testid="raise-to"
          />
        </label>
      )}
      <button
        type="button"
        class="secondary"
        onClick={() => send({ t: 'act', action: { type: 'raise', toStakePoints: chosenRaise } })}
        data-testid="act-raise"
        data-to={chosenRaise}
      >
        {t('raisePay', { to: chosenRaise, cost: raiseCost })}
      </button>
    </div>
  );
}
