// The table: seats round the felt, each with its player, points, what they did and (when the
// rules show them to this viewer) their cards; the pot and stake; whose turn it is and how long is
// left; the actions the server says are legal for this seat; readiness between hands; the
// scoreboard; and the last hand's fairness data with a link to verify it. Spectators see the
// public view only. A dropped connection shows a banner and reconnects to the same seat.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { errorText } from '../../shared/errors.ts';
import { type ChannelState, type HandSection, type Member, type Reply, RoomChannel, type RoomView } from './channel.ts';
import { cardLabel, isRed, type RoomWords, roomWords } from './i18n.ts';
import './rooms.css';

/** How often countdowns redraw. */
const TICK_MS = 250;
/** Raise choices offered at most (the range is sampled evenly above that). */
const RAISE_CHOICES_MAX = 8;

export function roomIdFromHash(hash: string): string {
  return (hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[1] ?? '';
}

function Cards({ cards, testId }: { cards: readonly string[] | null; testId: string }) {
  if (cards === null) {
    return (
      <span class="cards hidden" data-testid={testId} data-cards="">
        <span class="card-face back" />
        <span class="card-face back" />
        <span class="card-face back" />
      </span>
    );
  }
  return (
    <span class="cards" data-testid={testId} data-cards={cards.join(',')}>
      {cards.map((c) => (
        <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
          {cardLabel(c)}
        </span>
      ))}
    </span>
  );
}

function raiseChoices(legal: NonNullable<HandSection['legal']>['raise']): number[] {
  if (legal === null) return [];
  if (legal.steps !== null) return [...legal.steps];
  const span = legal.maxStakePoints - legal.minStakePoints;
  if (span + 1 <= RAISE_CHOICES_MAX) return Array.from({ length: span + 1 }, (_, i) => legal.minStakePoints + i);
  return Array.from({ length: RAISE_CHOICES_MAX }, (_, i) => legal.minStakePoints + Math.round((span * i) / (RAISE_CHOICES_MAX - 1)));
}

function roleBadge(t: RoomWords, m: Member) {
  if (m.role === 'owner') return <span class="badge">{t('ownerRole')}</span>;
  if (m.role === 'admin') return <span class="badge">{t('adminRole')}</span>;
  return null;
}

export function TablePage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const roomId = roomIdFromHash(location.hash);
  const [s, setS] = useState<ChannelState | null>(null);
  const [channel, setChannel] = useState<RoomChannel | null>(null);
  const [, setTick] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [raiseTo, setRaiseTo] = useState<number | null>(null);

  useEffect(() => {
    const c = new RoomChannel({ roomId, token: () => ctx.api.accessToken, onChange: setS });
    setChannel(c);
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => {
      clearInterval(timer);
      c.close();
    };
  }, [roomId]);

  const send = async (frame: Record<string, unknown> & { t: string }) => {
    if (channel === null) return;
    setMessage(null);
    const r: Reply = await channel.send(frame);
    if (r.t === 'error') setMessage(errorText(ctx.lang, r));
  };

  // The face-check provider's SDK hands the client a one-time ticket; the stand-in provider hands it out at its sandbox route.
  const faceCheck = async () => {
    setMessage(null);
    try {
      const { ticket } = await ctx.api.call('POST /api/sandbox/face-check/tickets', {});
      await send({ t: 'identity', ticket });
    } catch (e) {
      setMessage(errorText(ctx.lang, e));
    }
  };

  const room = s?.room ?? null;
  const hand = s?.hand ?? null;
  const you = s?.you ?? null;
  const byPlayer = useMemo(() => new Map((room?.members ?? []).map((m) => [m.playerId, m])), [room]);
  const nameOf = (playerId: string) => byPlayer.get(playerId)?.nickname ?? playerId.slice(0, 8);
  const seatOwner = (seat: number) => room?.members.find((m) => m.seat === seat);

  if (s === null || (s.status === 'connecting' && room === null)) {
    return (
      <main class="page rooms" data-testid="table-page" aria-busy="true">
        <p class="muted">{t('connecting')}</p>
      </main>
    );
  }
  if (s.status === 'closed' && (room === null || s.closedCode === 'ROOM_KICKED' || s.closedCode === 'ROOM_LEFT')) {
    const text = s.closedCode === 'ROOM_KICKED' ? t('kicked') : s.closedCode === 'ROOM_LEFT' ? t('left') : `${s.closedCode ?? ''}`;
    return (
      <main class="page rooms" data-testid="table-page" data-closed={s.closedCode ?? ''}>
        <section class="card">
          <p data-testid="table-closed">{text}</p>
          <a href="#/rooms" class="link">
            {t('rooms')}
          </a>
        </section>
      </main>
    );
  }
  if (room === null) return <main class="page rooms" data-testid="table-page" />;

  const now = channel?.serverNowMs() ?? Date.now();
  const mySeat = you?.seat ?? null;
  const spectator = you?.role === 'observer';
  const live = room.status === 'waiting' || room.status === 'playing';
  const me = you ? byPlayer.get(you.playerId) : undefined;
  const view = hand?.view ?? null;
  const turnSeat = view?.phase === 'betting' ? view.turnSeat : null;
  const secondsLeft = hand?.turnDeadlineMs ? Math.max(0, Math.ceil((hand.turnDeadlineMs - now) / 1000)) : null;
  const legal = hand?.legal ?? null;
  const myTurn = turnSeat !== null && turnSeat === mySeat;
  const raises = raiseChoices(legal?.raise ?? null);
  const chosenRaise = raiseTo !== null && raises.includes(raiseTo) ? raiseTo : (raises[0] ?? null);
  const dissolvedEvent = s.events.find((e) => e.kind === 'room_dissolved');
  const canManage = you?.role === 'owner' || you?.role === 'admin';
  const seatsTotal = Number(room.params.seats);

  return (
    <main
      class="page rooms table-page"
      data-testid="table-page"
      data-room-id={room.id}
      data-status={room.status}
      data-my-seat={mySeat ?? ''}
      data-version={s.v}
      data-connection={s.status}
    >
      {s.status === 'reconnecting' && (
        <div class="banner" role="status" data-testid="reconnect-banner">
          {t('reconnecting')}
        </div>
      )}
      <header class="table-head card">
        <div>
          <strong data-testid="table-code">{room.code}</strong>{' '}
          <span class="muted small" data-testid="hand-number" data-hand={hand?.handNumber ?? ''}>
            {hand !== null ? t('hand', { n: hand.handNumber, total: Number(room.params.rounds) }) : live ? t('waiting') : t('ended')}
          </span>
        </div>
        <div class="row">
          <a class="pill" href={`#/room-history/${room.id}`} data-testid="open-history">
            {t('history')}
          </a>
          {live && !spectator && (
            <button type="button" class="pill" onClick={() => send({ t: 'leave' })} data-testid="leave-room">
              {t('leave')}
            </button>
          )}
        </div>
      </header>
      {spectator && (
        <p class="notice" data-testid="spectating">
          {t('spectating')}
        </p>
      )}

      <section class="felt" data-testid="felt">
        <div class="pot" data-testid="pot" data-pot={view?.potPoints ?? 0}>
          {view !== null ? (
            <>
              {t('pot')} <strong>{view.potPoints}</strong> · {t('stake')} {view.stakePoints} · {t('round', { n: view.round })}
            </>
          ) : (
            <span class="muted small">{room.next ? `${t('commitment')} ${room.next.commitment.slice(0, 12)}…` : ''}</span>
          )}
        </div>
        <div class="seats">
          {Array.from({ length: seatsTotal }, (_, seat) => {
            const m = seatOwner(seat);
            const p = view?.players.find((x) => x.seat === seat);
            const score = m ? (room.scores.find((l) => l.playerId === m.playerId)?.points ?? 0) : 0;
            const status = p ? (p.status === 'folded' ? t('folded') : p.status === 'lost' ? t('lost') : p.seen ? t('seen') : '') : '';
            return (
              <div
                key={seat}
                class={`seat${turnSeat === seat ? ' turn' : ''}${seat === mySeat ? ' mine' : ''}${m && !m.connected ? ' away' : ''}`}
                data-testid={`seat-${seat}`}
                data-player={m?.playerId ?? ''}
                data-ready={String(m?.ready ?? false)}
                data-connected={String(m?.connected ?? false)}
                data-in-hand={String(p !== undefined)}
              >
                {m ? (
                  <>
                    <div class="seat-name">
                      {m.nickname} {roleBadge(t, m)}
                      {!m.connected && <span class="muted small"> {t('away')}</span>}
                      {m.trusteeship && <span class="badge">{t('trustee')}</span>}
                    </div>
                    <div class="muted small" data-testid={`seat-${seat}-score`} data-score={score}>
                      {t('points_', { n: score })}
                      {p ? ` · ${p.contributedPoints}` : ''} {status}
                    </div>
                    {p && <Cards cards={p.cards} testId={`seat-${seat}-cards`} />}
                    {!p && live && hand === null && m.ready && <span class="ok small">{t('isReady')}</span>}
                    {turnSeat === seat && secondsLeft !== null && (
                      <span class="countdown" data-testid="countdown">
                        {secondsLeft}
                      </span>
                    )}
                    {canManage && m.playerId !== you?.playerId && m.role !== 'owner' && live && (
                      <div class="seat-tools">
                        <button
                          type="button"
                          class="link small"
                          onClick={() => send({ t: 'kick', playerId: m.playerId })}
                          data-testid={`kick-${seat}`}
                        >
                          {t('kick')}
                        </button>
                        {you?.role === 'owner' && (
                          <>
                            <button
                              type="button"
                              class="link small"
                              onClick={() => send({ t: 'set_admin', playerId: m.playerId, admin: m.role !== 'admin' })}
                            >
                              {m.role === 'admin' ? t('removeAdmin') : t('makeAdmin')}
                            </button>
                            <button type="button" class="link small" onClick={() => send({ t: 'transfer_owner', playerId: m.playerId })}>
                              {t('makeOwner')}
                            </button>
                          </>
                        )}
                      </div>
                    )}
                  </>
                ) : (
                  <span class="muted small">—</span>
                )}
              </div>
            );
          })}
        </div>
        {turnSeat !== null && (
          <p class="turn-line" data-testid="turn-seat" data-seat={turnSeat}>
            {myTurn ? <strong>{t('yourTurn')}</strong> : t('turnOf', { name: nameOf(seatOwner(turnSeat)?.playerId ?? '') })}
          </p>
        )}
      </section>

      {!spectator && legal !== null && view?.phase === 'betting' && (
        <section class="card actions" data-testid="actions">
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
          {legal.raise && chosenRaise !== null && (
            <span class="row">
              <select
                value={chosenRaise}
                onChange={(e) => setRaiseTo(Number((e.target as HTMLSelectElement).value))}
                data-testid="raise-to"
              >
                {raises.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <button
                type="button"
                class="secondary"
                onClick={() => send({ t: 'act', action: { type: 'raise', toStakePoints: chosenRaise } })}
                data-testid="act-raise"
              >
                {t('raise', { to: chosenRaise })}
              </button>
            </span>
          )}
          {legal.compare?.targetSeats.map((seat) => (
            <button
              key={seat}
              type="button"
              class="secondary"
              onClick={() => send({ t: 'act', action: { type: 'compare', targetSeat: seat } })}
              data-testid={`act-compare-${seat}`}
            >
              {t('compare', { cost: legal.compare?.costPoints ?? 0 })} {t('compareWith', { name: nameOf(seatOwner(seat)?.playerId ?? '') })}
            </button>
          ))}
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
        </section>
      )}

      {!spectator && live && mySeat !== null && (
        <section class="card row between-hands">
          {hand === null && (
            <button
              type="button"
              class={me?.ready ? 'secondary' : 'primary'}
              onClick={() => send({ t: 'ready', ready: !me?.ready })}
              data-testid="ready-button"
              data-ready={String(me?.ready ?? false)}
            >
              {me?.ready ? t('notReady') : t('ready')}
            </button>
          )}
          {hand === null && room.params.identityCheck === true && me && !me.identityChecked && (
            <button type="button" class="secondary" onClick={() => void faceCheck()} data-testid="identity-button">
              {t('identity')}
            </button>
          )}
          {hand === null && room.status === 'waiting' && you?.role === 'owner' && (
            <button type="button" class="secondary" onClick={() => send({ t: 'start' })} data-testid="start-button">
              {t('start')}
            </button>
          )}
          {room.params.trusteeship === 'call' && (
            <button
              type="button"
              class="secondary"
              onClick={() => send({ t: 'trustee', on: !me?.trusteeship })}
              data-testid="trustee-button"
            >
              {me?.trusteeship ? t('cancelTrustee') : t('trustee')}
            </button>
          )}
          {hand === null && room.next?.startAtMs && (
            <span class="muted small" data-testid="next-in">
              {t('nextIn', { s: Math.max(0, Math.ceil((room.next.startAtMs - now) / 1000)) })}
            </span>
          )}
          <label class="switch small">
            <input
              type="checkbox"
              checked={channel?.useSeed ?? true}
              onChange={(e) => {
                if (channel) channel.useSeed = (e.target as HTMLInputElement).checked;
              }}
            />
            {t('mySeed')}
          </label>
        </section>
      )}

      {message && (
        <p class="error" role="alert" data-testid="table-error">
          {message}
        </p>
      )}
      {!live && (
        <p class="notice" data-testid="room-ended" data-reason={room.endReason ?? ''}>
          {room.status === 'dissolved' ? t('dissolved') : t('ended')}
          {typeof dissolvedEvent?.message === 'string' ? ` — ${dissolvedEvent.message}` : ''}
        </p>
      )}

      <Scoreboard t={t} room={room} final={!live} />
      {room.last && <LastHand t={t} room={room} nameOf={nameOf} />}
      {you?.role === 'owner' && live && hand === null && <RulesForm t={t} room={room} send={send} />}
      {you?.role === 'owner' && live && (
        <button
          type="button"
          class="danger"
          onClick={() => {
            if (confirm(t('dissolveConfirm'))) void send({ t: 'dissolve' });
          }}
          data-testid="dissolve-button"
        >
          {t('dissolve')}
        </button>
      )}
    </main>
  );
}

function Scoreboard({ t, room, final }: { t: RoomWords; room: RoomView; final: boolean }) {
  const lines = [...room.scores].sort((a, b) => b.points - a.points);
  return (
    <section class="card" data-testid="scoreboard" data-final={String(final)}>
      <h2>
        {final ? t('finalScores') : t('scoreboard')}{' '}
        <span class="muted small">
          {room.handsPlayed}/{String(room.params.rounds)} {t('handsLabel')}
        </span>
      </h2>
      <ol class="scores">
        {lines.map((l) => (
          <li key={l.playerId} data-player={l.playerId} data-points={l.points}>
            <span>{l.nickname}</span>
            <strong class={l.points > 0 ? 'ok' : l.points < 0 ? 'error' : ''}>{l.points}</strong>
          </li>
        ))}
      </ol>
    </section>
  );
}

function LastHand({ t, room, nameOf }: { t: RoomWords; room: RoomView; nameOf: (id: string) => string }) {
  const last = room.last;
  if (last === null) return null;
  const winners = last.winnerSeats.map((seat) => nameOf(last.players.find((p) => p.seat === seat)?.playerId ?? '')).join(', ');
  return (
    <section class="card fairness-card" data-testid="last-hand" data-hand={last.handNumber}>
      <h2>
        {t('lastHand')} #{last.handNumber}
      </h2>
      {winners && <p>{t('winner', { names: winners })}</p>}
      <ul class="rows small">
        {last.deltas.map((d) => (
          <li key={d.playerId}>
            <span>{nameOf(d.playerId)}</span>
            <strong>{d.points > 0 ? `+${d.points}` : d.points}</strong>
          </li>
        ))}
      </ul>
      <h3>{t('fairness')}</h3>
      <dl class="mono small" data-testid="fairness-data">
        <dt>{t('commitment')}</dt>
        <dd data-testid="last-commitment">{last.commitment}</dd>
        <dt>{t('serverSeed')}</dt>
        <dd data-testid="last-server-seed">{last.serverSeed}</dd>
        <dt>{t('clientSeed')}</dt>
        <dd data-testid="last-client-seed">{last.clientSeed}</dd>
      </dl>
      <a class="pill" href={`#/fairness?id=${room.id}/${last.handNumber}`} data-testid="verify-last-hand">
        {t('verify')}
      </a>
    </section>
  );
}

function RulesForm({
  t,
  room,
  send,
}: {
  t: RoomWords;
  room: RoomView;
  send: (f: Record<string, unknown> & { t: string }) => Promise<void>;
}) {
  const [base, setBase] = useState(Number(room.params.baseScore));
  const [turn, setTurn] = useState(Number(room.params.turnTimeS));
  const [spectators, setSpectators] = useState(room.params.spectators === true);
  const [friends, setFriends] = useState(room.params.friendsVisible === true);
  return (
    <details class="card">
      <summary data-testid="rules-toggle">{t('rulesChange')}</summary>
      <label class="slider">
        <span>
          {t('baseScore')} <strong>{base}</strong>
        </span>
        <input
          type="range"
          min={1}
          max={10}
          value={base}
          onInput={(e) => setBase(Number((e.target as HTMLInputElement).value))}
          data-testid="rules-base"
        />
      </label>
      <div class="presets">
        <span>{t('turnTime')}</span>
        {[15, 30, 60, 90, 120].map((s) => (
          <button key={s} type="button" class={turn === s ? 'on' : ''} onClick={() => setTurn(s)}>
            {t('seconds', { n: s })}
          </button>
        ))}
      </div>
      <label class="switch">
        <input type="checkbox" checked={spectators} onChange={(e) => setSpectators((e.target as HTMLInputElement).checked)} />
        {t('spectators')}
      </label>
      <label class="switch">
        <input type="checkbox" checked={friends} onChange={(e) => setFriends((e.target as HTMLInputElement).checked)} />
        {t('friendsVisible')}
      </label>
      <button
        type="button"
        class="primary"
        onClick={() => send({ t: 'rules', changes: { baseScore: base, turnTimeS: turn, spectators, friendsVisible: friends } })}
        data-testid="rules-save"
      >
        {t('save')}
      </button>
    </details>
  );
}
