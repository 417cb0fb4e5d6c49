// Creating a room in three steps (seed §七: at most three): the parameters with the seed's
// defaults (sliders and presets, advanced rules folded away), the fee to confirm, then the code
// and the share link. Every value is checked again by the server; its answer is shown as is.
import { DEFAULT_PARAMS, SEATS_MAX, SEATS_MIN, TURN_TIME_CHOICES_S } from '@fairground/server/room-defaults';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { HealthNotice } from '../../components/health-notice.tsx';
import { SharePanel } from '../../components/share.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { fenToYuan } from '../../shared/money.ts';
import { roomWords } from './i18n.ts';
import './rooms.css';

type Quote = Response<'POST /api/rooms/quote'>;
type Created = Response<'POST /api/rooms'>;

interface Params {
  mode: 'classic' | 'custom';
  seats: number;
  rounds: number;
  baseScore: number;
  spectators: boolean;
  friendsVisible: boolean;
  voiceChat: boolean;
  turnTimeS: number;
  trusteeship: 'off' | 'call';
  stakeCapMultiple: number;
  bettingRoundsMax: number;
  compareFromRound: number;
  blindRounds: number;
  leopardMultiplier: number;
  straightFlushMultiplier: number;
  sameIpAllowed: boolean;
  identityCheck: boolean;
}

/** The server's defaults (seed §二), so the form starts where the server would fill in. */
const DEFAULTS: Params = { ...DEFAULT_PARAMS };

const ROUND_PRESETS = [8, 10, 12, 16];
const TURN_TIMES_S = TURN_TIME_CHOICES_S;

function priceText(t: ReturnType<typeof roomWords>, p: { cards: number; cashFen: number }): string {
  return p.cards > 0 ? t('cards', { n: p.cards }) : `¥${fenToYuan(p.cashFen)}`;
}

export function CreateRoomPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const [step, setStep] = useState<1 | 2 | 3>(1);
  // Each step is a history entry (`#/room-create?step=2`): the phone's back button goes one step
  // back. Once the room exists, going back leaves for the rooms lobby instead of a second room.
  const goTo = (next: 1 | 2 | 3) => {
    if (next > step) history[next === 3 ? 'replaceState' : 'pushState'](null, '', `#/room-create?step=${next}`);
    setStep(next);
  };
  useEffect(() => {
    const onHash = () => {
      if (!location.hash.startsWith('#/room-create')) return;
      const wanted = Number(new URLSearchParams(location.hash.split('?')[1] ?? '').get('step') ?? '1');
      setStep((current) => {
        if (current === 3) {
          location.hash = '#/rooms';
          return current;
        }
        return wanted === 2 ? 2 : 1;
      });
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const [p, setP] = useState<Params>(DEFAULTS);
  const [advanced, setAdvanced] = useState(false);
  const [fee, setFee] = useState<{ mode: 'room_card' | 'cash'; payer: 'owner' | 'aa'; points: number }>({
    mode: 'room_card',
    payer: 'owner',
    points: 0,
  });
  const [quote, setQuote] = useState<Quote | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Params>(k: K, v: Params[K]) => setP((x) => ({ ...x, [k]: v }));

  const params = () => {
    const { leopardMultiplier, straightFlushMultiplier, ...rest } = p;
    return p.mode === 'custom' ? { ...rest, leopardMultiplier, straightFlushMultiplier } : { ...rest, seats: 3 };
  };
  const body = () => ({
    params: params(),
    fee: { mode: fee.mode, payer: fee.payer, ...(fee.mode === 'cash' ? { points: fee.points } : {}) },
  });
  const show = (e: unknown) => setError(errorText(ctx.lang, e));

  useEffect(() => {
    if (step !== 2) return;
    setError(null);
    ctx.api.call('POST /api/rooms/quote', { body: body() }).then(setQuote, (e: unknown) => {
      setQuote(null);
      show(e);
    });
  }, [step, fee.mode, fee.payer, fee.points]);

  const createRoom = async () => {
    if (quote === null) return;
    setBusy(true);
    setError(null);
    try {
      setCreated(await ctx.api.call('POST /api/rooms', { body: { ...body(), expectedFee: quote.fee.owner } }));
      goTo(3);
    } catch (e) {
      show(e);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (k: 'spectators' | 'friendsVisible' | 'voiceChat' | 'sameIpAllowed' | 'identityCheck', label: string) => (
    <label class="switch">
      <input type="checkbox" checked={p[k]} onChange={(e) => set(k, (e.target as HTMLInputElement).checked)} data-testid={`param-${k}`} />
      {label}
    </label>
  );
  const slider = (k: keyof Params, label: string, min: number, max: number, disabled = false) => (
    <label class="slider">
      <span>
        {label} <strong data-testid={`value-${k}`}>{String(p[k])}</strong>
      </span>
      <input
        type="range"
        min={min}
        max={max}
        value={p[k] as number}
        disabled={disabled}
        onInput={(e) => set(k, Number((e.target as HTMLInputElement).value) as never)}
        data-testid={`param-${k}`}
      />
    </label>
  );

  return (
    <main class="page rooms" data-testid="room-create-page">
      {/* The health notice once per creation, on its first step, not again at every step. */}
      {step === 1 && <HealthNotice api={ctx.api} lang={ctx.lang} at="room_creation" />}
      <p class="muted small" data-testid="create-step">
        {t('step', { n: step })}
      </p>
      {step === 1 && (
        <section class="card">
          <h1>{t('stepParams')}</h1>
          <div class="segmented" title={t('mode')}>
            {(['classic', 'custom'] as const).map((m) => (
              <button
                key={m}
                type="button"
                class={p.mode === m ? 'on' : ''}
                onClick={() => setP((x) => ({ ...x, mode: m, seats: m === 'classic' ? 3 : x.seats }))}
                data-testid={`mode-${m}`}
              >
                {t(m)}
              </button>
            ))}
          </div>
          {slider('seats', t('seats'), SEATS_MIN, SEATS_MAX, p.mode === 'classic')}
          <div class="presets" title={t('rounds')}>
            <span>{t('rounds')}</span>
            {ROUND_PRESETS.map((r) => (
              <button key={r} type="button" class={p.rounds === r ? 'on' : ''} onClick={() => set('rounds', r)} data-testid={`rounds-${r}`}>
                {r}
              </button>
            ))}
          </div>
          {slider('baseScore', t('baseScore'), 1, 10)}
          {toggle('spectators', t('spectators'))}
          {toggle('friendsVisible', t('friendsVisible'))}
          {toggle('voiceChat', t('voiceChat'))}
          <button type="button" class="link" onClick={() => setAdvanced(!advanced)} data-testid="toggle-advanced">
            {t('advanced')} {advanced ? '▲' : '▼'}
          </button>
          {advanced && (
            <div class="advanced">
              <div class="presets" title={t('turnTime')}>
                <span>{t('turnTime')}</span>
                {TURN_TIMES_S.map((s) => (
                  <button key={s} type="button" class={p.turnTimeS === s ? 'on' : ''} onClick={() => set('turnTimeS', s)}>
                    {t('seconds', { n: s })}
                  </button>
                ))}
              </div>
              <div class="segmented" title={t('trusteeship')}>
                <button type="button" class={p.trusteeship === 'off' ? 'on' : ''} onClick={() => set('trusteeship', 'off')}>
                  {t('trustOff')}
                </button>
                <button
                  type="button"
                  class={p.trusteeship === 'call' ? 'on' : ''}
                  onClick={() => set('trusteeship', 'call')}
                  data-testid="trust-call"
                >
                  {t('trustCall')}
                </button>
              </div>
              {slider('stakeCapMultiple', t('stakeCap'), 2, 20)}
              {slider('bettingRoundsMax', t('bettingRounds'), 2, 30)}
              {slider('compareFromRound', t('compareFrom'), 1, 3)}
              {slider('blindRounds', t('blindRounds'), 0, 3)}
              {p.mode === 'custom' && slider('leopardMultiplier', t('leopard'), 0, 10)}
              {p.mode === 'custom' && slider('straightFlushMultiplier', t('straightFlush'), 0, 10)}
              {toggle('sameIpAllowed', t('sameIp'))}
              {toggle('identityCheck', t('identityCheck'))}
            </div>
          )}
          <button type="button" class="primary" onClick={() => goTo(2)} data-testid="create-next">
            {t('next')}
          </button>
        </section>
      )}
      {step === 2 && (
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
            <button
              type="button"
              class={fee.payer === 'aa' ? 'on' : ''}
              onClick={() => setFee({ ...fee, payer: 'aa' })}
              data-testid="payer-aa"
            >
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
          {quote !== null && (
            <div class="quote" data-testid="fee-quote" data-cards={quote.fee.owner.cards} data-cash-fen={quote.fee.owner.cashFen}>
              <p>
                {t('youPay')} <strong data-testid="fee-owner">{priceText(t, quote.fee.owner)}</strong>
                {fee.mode === 'cash' && fee.points > 0 ? ` − ${fee.points}` : ''}
              </p>
              <p class="muted small">{t('perSeat', { price: priceText(t, quote.fee.perSeat) })}</p>
              {fee.mode === 'cash' && <p class="muted small">{t('commission', { pct: quote.fee.commissionBps / 100 })}</p>}
              <p class="muted small">{fee.mode === 'cash' ? t('pointsNote') : t('serviceFee')}</p>
            </div>
          )}
          <div class="row">
            <button type="button" class="secondary" onClick={() => history.back()} data-testid="create-back">
              {t('back')}
            </button>
            <button type="button" class="primary" disabled={busy || quote === null} onClick={createRoom} data-testid="create-confirm">
              {busy ? t('creating') : t('confirmCreate')}
            </button>
          </div>
        </section>
      )}
      {step === 3 && created !== null && (
        <>
          <section class="card code-card">
            <h1>{t('stepShare')}</h1>
            <p class="muted small">{t('roomCode')}</p>
            <p class="room-code" data-testid="room-code">
              {created.code}
            </p>
            <a class="primary button" href={`#/room/${created.roomId}`} data-testid="enter-room">
              {t('enterRoom')}
            </a>
          </section>
          <SharePanel
            url={`${location.origin}/${created.invite.path.replace(/^\//, '')}`}
            title={t('shareTitle', { code: created.code })}
            desc={t('shareDesc', {
              seats: Number(created.params.seats),
              rounds: Number(created.params.rounds),
              base: Number(created.params.baseScore),
            })}
            lang={ctx.lang}
          />
        </>
      )}
      {error && (
        <p class="error" role="alert" data-testid="create-error">
          {error}
        </p>
      )}
    </main>
  );
}
