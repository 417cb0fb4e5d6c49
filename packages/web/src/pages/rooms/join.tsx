// Joining by link (`#/join/123456?i=<invitation>`) or by typing the six-digit code: what the
// room is and what a seat costs, then a seat or a spectator's place.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { fenToYuan } from '../../shared/money.ts';
import { roomWords } from './i18n.ts';
import './rooms.css';

type Preview = Response<'GET /api/rooms/code/:code'>;

/** The code and invitation in `#/join/<code>?i=<token>` or `#/join?code=<code>&i=<token>`. */
export function joinTarget(hash: string): { code: string; invite: string | null } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const q = new URLSearchParams(query);
  const code = path.split('/')[1] ?? q.get('code') ?? '';
  return { code, invite: q.get('i') };
}

export function JoinRoomPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const target = joinTarget(location.hash);
  const [code, setCode] = useState(target.code);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const spend = useSpendConfirmation(ctx.lang);
  const show = (e: unknown) => setError(errorText(ctx.lang, e));

  const load = (c: string) => {
    setError(null);
    setPreview(null);
    if (!/^[0-9]{6}$/.test(c)) return;
    ctx.api.call('GET /api/rooms/code/:code', { params: { code: c } }).then(setPreview, show);
  };
  useEffect(() => load(code), []);

  const join = async (role: 'member' | 'observer') => {
    if (preview === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await ctx.api.call('POST /api/rooms/join', {
        body: { code: preview.code, role, ...(target.invite && target.code === preview.code ? { invite: target.invite } : {}) },
      });
      location.hash = `#/room/${r.roomId}`;
    } catch (e) {
      show(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page rooms" data-testid="room-join-page">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          load(code);
        }}
      >
        <h1>{t('joinTitle')}</h1>
        <div class="row">
          <input
            inputMode="numeric"
            maxLength={6}
            value={code}
            placeholder={t('codePlaceholder')}
            onInput={(e) => setCode((e.target as HTMLInputElement).value.replace(/\D/g, ''))}
            data-testid="join-code"
          />
          <button type="submit" class="secondary" data-testid="join-lookup">
            {t('join')}
          </button>
        </div>
      </form>
      {preview !== null && <JoinPreview ctx={ctx} preview={preview} busy={busy} ask={spend.ask} join={join} />}
      {error && (
        <p class="error" role="alert" data-testid="join-error">
          {error}
        </p>
      )}
      {spend.sheet}
    </main>
  );
}

/** What a seat costs: room cards, cash, or nothing (null). */
function seatPriceOf(t: ReturnType<typeof roomWords>, fee: Preview['fee'] | undefined): string | null {
  if (!fee) return null;
  if (fee.joiner.cards > 0) return t('cards', { n: fee.joiner.cards });
  return fee.joiner.cashFen > 0 ? `¥${fenToYuan(fee.joiner.cashFen)}` : null;
}

interface PreviewProps {
  ctx: Ctx;
  preview: Preview;
  busy: boolean;
  ask: ReturnType<typeof useSpendConfirmation>['ask'];
  join(role: 'member' | 'observer'): Promise<void>;
}

/** The room found by its code: its owner, rules and seats, the seat's price, and the ways in. */
function JoinPreview({ ctx, preview, busy, ask, join }: PreviewProps) {
  const t = roomWords(ctx.lang);
  const fee = preview.fee;
  const seatPrice = seatPriceOf(t, fee);
  return (
    <section class="card" data-testid="join-preview" data-room-id={preview.roomId}>
      <p class="room-code">{preview.code}</p>
      <p>{t('owner_', { name: preview.ownerNickname })}</p>
      <p class="muted small">
        {t('shareDesc', {
          seats: Number(preview.params.seats),
          rounds: Number(preview.params.rounds),
          base: Number(preview.params.baseScore),
        })}{' '}
        · {t('seated', { n: preview.seated, seats: Number(preview.params.seats) })}
      </p>
      <p class="muted small">{seatPrice === null ? t('free') : t('joinFee', { price: seatPrice })}</p>
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() =>
            seatPrice === null
              ? join('member')
              : ask(
                  {
                    title: t('takeSeat'),
                    lines: [
                      [t('roomCode'), preview.code],
                      [t('seatFee'), seatPrice],
                    ],
                    note: fee?.mode === 'cash' ? t('pointsNote') : t('serviceFee'),
                  },
                  () => join('member'),
                )
          }
          data-testid="join-seat"
        >
          {t('takeSeat')}
        </button>
        {preview.params.spectators === true && (
          <button type="button" class="secondary" disabled={busy} onClick={() => join('observer')} data-testid="join-watch">
            {t('watch')}
          </button>
        )}
      </div>
    </section>
  );
}
