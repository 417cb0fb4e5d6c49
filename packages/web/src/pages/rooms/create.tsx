// Creating a room in three steps (seed §七: at most three): the parameters with the seed's
// defaults (sliders and presets, advanced rules folded away), the fee to confirm, then the code
// and the share link. Every value is checked again by the server; its answer is shown as is.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { HealthNotice } from '../../components/health-notice.tsx';
import { SharePanel } from '../../components/share.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { type FeeChoice, FeeStep, type Quote } from './create-fee.tsx';
import { DEFAULTS, type Params, ParamsStep } from './create-params.tsx';
import { type RoomWords, roomWords } from './i18n.ts';
import './rooms.css';

type Created = Response<'POST /api/rooms'>;

export function CreateRoomPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const { step, goTo } = useCreateSteps();
  const [p, setP] = useState<Params>(DEFAULTS);
  const [advanced, setAdvanced] = useState(false);
  const [fee, setFee] = useState<FeeChoice>({
    mode: 'room_card',
    payer: 'owner',
    points: 0,
  });
  const [quote, setQuote] = useState<Quote | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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

  return (
    <main class="page rooms" data-testid="room-create-page">
      {/* The health notice once per creation, on its first step, not again at every step. */}
      {step === 1 && <HealthNotice api={ctx.api} lang={ctx.lang} at="room_creation" />}
      <p class="muted small" data-testid="create-step">
        {t('step', { n: step })}
      </p>
      {step === 1 && <ParamsStep t={t} p={p} setP={setP} advanced={advanced} setAdvanced={setAdvanced} onNext={() => goTo(2)} />}
      {step === 2 && <FeeStep t={t} fee={fee} setFee={setFee} quote={quote} busy={busy} createRoom={createRoom} />}
      {step === 3 && created !== null && <CreatedStep t={t} lang={ctx.lang} created={created} />}
      {error && (
        <p class="error" role="alert" data-testid="create-error">
          {error}
        </p>
      )}
    </main>
  );
}

/** The last step: the room's code, the way in, and the share link. */
function CreatedStep({ t, lang, created }: { t: RoomWords; lang: Ctx['lang']; created: Created }) {
  return (
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
        lang={lang}
      />
    </>
  );
}

/**
 * Each step is a history entry (`#/room-create?step=2`): the phone's back button goes one step
 * back. Once the room exists, going back leaves for the rooms lobby instead of a second room.
 */
function useCreateSteps() {
  const [step, setStep] = useState<1 | 2 | 3>(1);
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
  return { step, goTo };
}
