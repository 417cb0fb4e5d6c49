// A room's finished hands with their fairness data: the commitment published before each deal,
// the seeds revealed after, everyone's cards, the actions and the result, each hand verified here
// in the browser with the same rules the server runs; and each hand's time-stamp attestation
// (attestation.tsx), its Merkle proof checked here too.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { errorText } from '../../shared/errors.ts';
import { verifyHand } from '../fairness.tsx';
import { HandAttestation } from './attestation.tsx';
import { cardLabel, isRed, roomWords } from './i18n.ts';
import './rooms.css';

type Record_ = Parameters<typeof verifyHand>[1] & {
  readonly deltas: readonly { seat: number; playerId: string; points: number }[];
  readonly aborted: boolean;
};

export function RoomHistoryPage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const roomId = (location.hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[1] ?? '';
  const [hands, setHands] = useState<Record_[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());

  useEffect(() => {
    // Players by name, never by id: the room's members and everyone on its scoreboard (who may have left).
    ctx.api.call('GET /api/rooms/:roomId', { params: { roomId } }).then(
      (r) => setNames(new Map([...r.scores, ...r.members].map((m) => [m.playerId, m.nickname] as const))),
      () => {},
    );
    ctx.api.call('GET /api/rooms/:roomId/hands', { params: { roomId }, query: {} }).then(
      (r) => setHands(r.hands as Record_[]),
      (e: unknown) => setError(errorText(ctx.lang, e)),
    );
  }, [roomId]);

  return (
    <main class="page rooms" data-testid="room-history" data-room-id={roomId}>
      <section class="card">
        <h1>{t('history')}</h1>
        <a class="link" href={`#/room/${roomId}`}>
          {t('backToTable')}
        </a>
      </section>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {hands !== null && hands.length === 0 && <p class="muted">{t('noHands')}</p>}
      {(hands ?? []).map((h) => (
        <HistoryHand key={h.handNumber} ctx={ctx} roomId={roomId} hand={h} names={names} />
      ))}
    </main>
  );
}

/** One finished hand: verified here, everyone's cards and points, its seeds and its attestation. */
function HistoryHand({ ctx, roomId, hand: h, names }: { ctx: Ctx; roomId: string; hand: Record_; names: ReadonlyMap<string, string> }) {
  const t = roomWords(ctx.lang);
  const outcome = verifyHand(roomId, h);
  const ok = outcome.checks.every((c) => c.ok);
  return (
    <section class="card" data-testid={`history-hand-${h.handNumber}`} data-verified={String(ok)}>
      <h2>
        #{h.handNumber} <span class={ok ? 'ok small' : 'error small'}>{ok ? t('verified') : t('notVerified')}</span>
      </h2>
      <ul class="rows small">
        {h.players.map((p) => (
          <li key={p.seat} data-testid={`history-${h.handNumber}-seat-${p.seat}`}>
            <span class="history-player">
              <span class="history-name">{names.get(p.playerId) ?? t('someone')}</span>
              <span class="cards sm" data-cards={p.cards.join(',')}>
                {p.cards.map((c) => (
                  <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
                    {cardLabel(c)}
                  </span>
                ))}
              </span>
            </span>
            <strong class={(h.deltas.find((d) => d.seat === p.seat)?.points ?? 0) > 0 ? 'delta up' : 'delta'}>
              {h.deltas.find((d) => d.seat === p.seat)?.points ?? 0}
            </strong>
          </li>
        ))}
      </ul>
      <dl class="mono small">
        <dt>{t('commitment')}</dt>
        <dd>{h.serverCommitment}</dd>
        <dt>{t('serverSeed')}</dt>
        <dd>{h.serverSeed}</dd>
        <dt>{t('clientSeed')}</dt>
        <dd>{h.clientSeed}</dd>
      </dl>
      <a class="pill" href={`#/fairness?id=${roomId}/${h.handNumber}`}>
        {t('verify')}
      </a>
      <HandAttestation ctx={ctx} roomId={roomId} handNumber={h.handNumber} shown={h} />
    </section>
  );
}
