// The table: seats round an oval felt, the viewer's own at the bottom, each with an avatar and the
// player's name, points, bet, what they just did and (when the rules show them to this viewer)
// their cards; the pot in the middle; whose turn it is with a countdown ring round the avatar; the
// actions the server says are legal for this seat; a compare shown as it happens; after each hand
// everyone's cards stay on the table with a result panel; readiness between hands; the scoreboard,
// shareable at the end; and the last hand's fairness data with a link to verify it. Spectators
// see the public view only. A dropped connection shows a banner and reconnects to the same seat.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { evaluateHand, raiseChoices } from '@fairground/rules';
import { errorText } from '../../shared/errors.ts';
import { type ShareOutcome, shareLink } from '../../shared/wechat.ts';
import { type ChannelState, type HandSection, type Member, type Reply, RoomChannel, type RoomView } from './channel.ts';
import { bubbleOf, ChatBubble, TableChat } from './chat.tsx';
import { cardLabel, isRed, type RoomWords, roomWords } from './i18n.ts';
import { VoiceMesh, type VoiceState } from './voice.ts';
import { isSpeaking, VoiceBar } from './voice.tsx';
import './rooms.css';
import './seat-skins.css';

/** How often countdowns redraw. */
const TICK_MS = 250;
/** Up to this many choices are buttons; a wider range is a slider, which still reaches every stake. */
const RAISE_BUTTONS_MAX = 10;

export function roomIdFromHash(hash: string): string {
  return (hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[1] ?? '';
}

/**
 * The table's seat slots as [left %, top %, anchor] of the felt, for each table size: the viewer's
 * own seat is always the first (bottom centre), the next seat to act is to its right, and so round.
 * A seat in the upper part hangs from its slot (anchor 'top'), one in the lower part stands on it
 * ('bottom'), so no seat pokes out of the felt or over the pot whatever its height.
 */
type Slot = readonly [number, number, 'top' | 'bottom'];
const SLOTS: Record<number, readonly Slot[]> = {
  2: [
    [50, 97, 'bottom'],
    [50, 4, 'top'],
  ],
  3: [
    [50, 97, 'bottom'],
    [78, 6, 'top'],
    [22, 6, 'top'],
  ],
  4: [
    [50, 97, 'bottom'],
    [83, 30, 'top'],
    [50, 3, 'top'],
    [17, 30, 'top'],
  ],
  5: [
    [50, 97, 'bottom'],
    [83, 70, 'bottom'],
    [74, 4, 'top'],
    [26, 4, 'top'],
    [17, 70, 'bottom'],
  ],
  6: [
    [50, 97, 'bottom'],
    [84, 72, 'bottom'],
    [84, 8, 'top'],
    [50, 3, 'top'],
    [16, 8, 'top'],
    [16, 72, 'bottom'],
  ],
};

const AVATAR_HUES = [4, 28, 48, 140, 170, 200, 220, 260, 290, 330];

/** A stable colour per name (a hash of its characters), so a player looks the same on every phone. */
function avatarHue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 997;
  return AVATAR_HUES[h % AVATAR_HUES.length] as number;
}

function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  // Generated nicknames all start with 玩家 ("player"): the character after it tells them apart.
  const initial = [...name.trim().replace(/^玩家(?=.)/, '')][0]?.toUpperCase() ?? '?';
  return (
    <span class={`avatar ${size}`} style={{ background: `hsl(${avatarHue(name)} 55% 42%)` }} aria-hidden="true">
      {initial}
    </span>
  );
}

function Cards({ cards, testId, size = 'md' }: { cards: readonly string[] | null; testId: string; size?: 'sm' | 'md' }) {
  if (cards === null) {
    return (
      <span class={`cards hidden ${size}`} data-testid={testId} data-cards="">
        <span class="card-face back" />
        <span class="card-face back" />
        <span class="card-face back" />
      </span>
    );
  }
  return (
    <span class={`cards ${size}`} data-testid={testId} data-cards={cards.join(',')}>
      {cards.map((c) => (
        <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
          {cardLabel(c)}
        </span>
      ))}
    </span>
  );
}

function roleBadge(t: RoomWords, m: Member) {
  if (m.role === 'owner') return <span class="tag owner">{t('ownerRole')}</span>;
  if (m.role === 'admin') return <span class="tag">{t('adminRole')}</span>;
  return null;
}

/** A finished hand as the history API returns it (the fields the table shows). */
interface HandRecordView {
  readonly handNumber: number;
  readonly players: readonly { readonly seat: number; readonly playerId: string; readonly cards: readonly string[] }[];
  readonly deltas: readonly { readonly seat: number; readonly playerId: string; readonly points: number }[];
  readonly actions: readonly { readonly type: string; readonly seat: number; readonly targetSeat?: number; readonly auto: boolean }[];
  readonly result: { readonly winnerSeats: readonly number[] } | null;
  readonly aborted: boolean;
}

type HandEventView = NonNullable<HandSection['view']['lastEvent']>;

function eventWords(t: RoomWords, e: HandEventView): string {
  switch (e.type) {
    case 'look':
      return t('look');
    case 'call':
      return t('call', { cost: e.costPoints });
    case 'raise':
      return t('raisedTo', { to: e.toStakePoints });
    case 'compare':
      return t('compareShort');
    case 'fold':
      return t('fold');
    case 'all-in':
      return t('allIn');
  }
}

export function TablePage({ ctx }: { ctx: Ctx }) {
  const t = roomWords(ctx.lang);
  const roomId = roomIdFromHash(location.hash);
  const [s, setS] = useState<ChannelState | null>(null);
  const [channel, setChannel] = useState<RoomChannel | null>(null);
  const [, setTick] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [raiseTo, setRaiseTo] = useState<number | null>(null);
  const [record, setRecord] = useState<HandRecordView | null>(null);
  const [shared, setShared] = useState<ShareOutcome | null>(null);
  const [mesh, setMesh] = useState<VoiceMesh | null>(null);
  const [voice, setVoice] = useState<VoiceState | null>(null);

  useEffect(() => {
    const c = new RoomChannel({ roomId, token: () => ctx.api.accessToken, onChange: setS });
    setChannel(c);
    // The table voice rides on the same socket: its frames go to the mesh, and a reconnect rejoins the call.
    const v = new VoiceMesh({ send: (f) => c.send(f), onChange: setVoice });
    c.onVoice = (f) => v.receive(f);
    c.onWelcome = () => v.rejoin();
    setMesh(v);
    setVoice(v.state);
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => {
      clearInterval(timer);
      v.close();
      c.close();
    };
  }, [roomId]);

  // The finished hand's record: everyone's cards stay on the table and in the result panel until
  // the next deal (the live view ends with the hand; the record has all three cards of each seat).
  const lastNumber = s?.room?.last?.handNumber ?? null;
  useEffect(() => {
    if (lastNumber === null) return;
    let live = true;
    ctx.api.call('GET /api/rooms/:roomId/hands', { params: { roomId }, query: { after: lastNumber - 1 } }).then(
      (r) => {
        const hand = (r.hands as HandRecordView[]).find((h) => h.handNumber === lastNumber);
        if (live && hand) setRecord(hand);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [roomId, lastNumber]);

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
  const scoreName = (playerId: string) => room?.scores.find((l) => l.playerId === playerId)?.nickname;
  // A player who left still has a name on the scoreboard; an id is never shown.
  const nameOf = (playerId: string) => byPlayer.get(playerId)?.nickname ?? scoreName(playerId) ?? t('someone');
  const seatOwner = (seat: number) => room?.members.find((m) => m.seat === seat);

  if (s === null || (s.status === 'connecting' && room === null)) {
    return (
      <main class="page rooms" data-testid="table-page" aria-busy="true">
        <p class="muted">{t('connecting')}</p>
      </main>
    );
  }
  if (s.status === 'closed' && (room === null || s.closedCode === 'ROOM_KICKED' || s.closedCode === 'ROOM_LEFT')) {
    const text =
      s.closedCode === 'ROOM_KICKED'
        ? t('kicked')
        : s.closedCode === 'ROOM_LEFT'
          ? t('left')
          : errorText(ctx.lang, { code: s.closedCode ?? '' });
    return (
      <main class="page rooms" data-testid="table-page" data-closed={s.closedCode ?? ''}>
        <section class="card">
          <p data-testid="table-closed">{text}</p>
          <a href="#/rooms" class="button primary">
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
  const turnMs = Number(room.params.turnTimeS) * 1000;
  const msLeft = hand?.turnDeadlineMs ? Math.max(0, hand.turnDeadlineMs - now) : null;
  const secondsLeft = msLeft === null ? null : Math.ceil(msLeft / 1000);
  const legal = hand?.legal ?? null;
  const myTurn = turnSeat !== null && turnSeat === mySeat;
  const raises = raiseChoices(legal?.raise ?? null);
  const chosenRaise = raiseTo !== null && raises.includes(raiseTo) ? raiseTo : (raises[0] ?? null);
  const canManage = you?.role === 'owner' || you?.role === 'admin';
  const seatsTotal = Number(room.params.seats);
  const slots = SLOTS[seatsTotal] ?? SLOTS[6] ?? [];
  const anchor = mySeat ?? 0;
  const dealerSeat = hand !== null ? (s.info?.dealerSeat ?? null) : null;
  const shownRecord = hand === null && record !== null && record.handNumber === room.last?.handNumber ? record : null;
  const lastEvent = view?.lastEvent ?? null;
  const myPlayer = view?.players.find((p) => p.seat === mySeat);
  // A seen player pays twice the unit stake: the raise button says what it costs, like the call button.
  const raiseCost = chosenRaise === null || legal?.raise == null ? 0 : chosenRaise * legal.raise.costPerStakePoint;

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
      <header class="table-head">
        <div class="table-title">
          <span class="muted small">{t('roomCode')}</span> <strong data-testid="table-code">{room.code}</strong>
          <span class="muted small" data-testid="hand-number" data-hand={hand?.handNumber ?? ''}>
            {hand !== null
              ? t('hand', { n: hand.handNumber, total: Number(room.params.rounds) })
              : !live
                ? t('ended')
                : room.handsPlayed > 0
                  ? t('played', { n: room.handsPlayed, total: Number(room.params.rounds) })
                  : t('waiting')}
          </span>
        </div>
        <nav class="table-links">
          <a class="pill" href={`#/room-history/${room.id}`} data-testid="open-history">
            {t('history')}
          </a>
          <a class="pill" href={`#/room-rules/${room.id}`} data-testid="open-rules">
            {t('rulesLink')}
          </a>
          {live && !spectator && (
            <button type="button" class="pill" onClick={() => send({ t: 'leave' })} data-testid="leave-room">
              {t('leave')}
            </button>
          )}
        </nav>
      </header>
      {spectator && (
        <p class="notice" data-testid="spectating">
          {t('spectating')}
        </p>
      )}

      <section class={`felt seats-${seatsTotal}`} data-testid="felt">
        <div class="pot" data-testid="pot" data-pot={view?.potPoints ?? 0}>
          {view !== null ? (
            <>
              <span class="chip-stack" aria-hidden="true" />
              <strong class="pot-points">{view.potPoints}</strong>
              <span class="small">
                {t('pot')} · {t('stake')} {view.stakePoints} · {t('round', { n: view.round })}
              </span>
            </>
          ) : shownRecord !== null ? (
            <span class="small">{t('resultTitle', { n: shownRecord.handNumber })}</span>
          ) : (
            <span class="small">{live ? t('waiting') : t('ended')}</span>
          )}
        </div>
        {lastEvent?.type === 'compare' && view !== null && (
          <div class="compare-fx" key={view.step} data-testid="compare-fx" role="status">
            <span>{nameOf(seatOwner(lastEvent.seat)?.playerId ?? '')}</span>
            <span class="vs">VS</span>
            <span>{nameOf(seatOwner(lastEvent.targetSeat)?.playerId ?? '')}</span>
            <small>{t('compareLost', { name: nameOf(seatOwner(lastEvent.loserSeat)?.playerId ?? '') })}</small>
          </div>
        )}
        {Array.from({ length: seatsTotal }, (_, seat) => {
          const m = seatOwner(seat);
          const p = view?.players.find((x) => x.seat === seat);
          const done = shownRecord?.players.find((x) => x.seat === seat);
          const delta = shownRecord?.deltas.find((d) => d.seat === seat)?.points;
          const score = m ? (room.scores.find((l) => l.playerId === m.playerId)?.points ?? 0) : 0;
          const slot: Slot = slots[(seat - anchor + seatsTotal) % seatsTotal] ?? [50, 50, 'top'];
          const status = p ? (p.status === 'folded' ? t('folded') : p.status === 'lost' ? t('lost') : p.seen ? t('seen') : '') : '';
          const turn = turnSeat === seat;
          const sittingOut = m !== undefined && hand !== null && p === undefined;
          const said = lastEvent !== null && lastEvent.seat === seat && lastEvent.type !== 'compare' ? eventWords(t, lastEvent) : null;
          return (
            <div
              key={seat}
              class={`seat${turn ? ' turn' : ''}${seat === mySeat ? ' mine' : ''}${m && !m.connected ? ' away' : ''}${m ? '' : ' empty'}${p?.status === 'folded' || p?.status === 'lost' ? ' out' : ''}`}
              style={{ left: `${slot[0]}%`, top: `${slot[1]}%`, transform: `translate(-50%, ${slot[2] === 'top' ? '0' : '-100%'})` }}
              data-testid={`seat-${seat}`}
              data-player={m?.playerId ?? ''}
              data-skin={m?.skin ?? ''}
              data-ready={String(m?.ready ?? false)}
              data-connected={String(m?.connected ?? false)}
              data-in-hand={String(p !== undefined)}
              data-sitting-out={String(sittingOut)}
              data-in-voice={String(voice?.inCall.includes(seat) ?? false)}
              data-speaking={String(isSpeaking(seat === mySeat ? voice?.level : voice?.peers.find((x) => x.seat === seat)?.level))}
            >
              {m ? (
                <>
                  <ChatBubble
                    line={bubbleOf(s.chat, m.playerId, channel?.serverNowMs() ?? 0)}
                    lang={ctx.lang}
                    seat={seat}
                    place={slot[2] === 'top' ? 'below' : 'above'}
                  />
                  <div class="seat-top">
                    <span
                      class="avatar-wrap"
                      style={turn && msLeft !== null ? { '--left': String(Math.min(1, msLeft / turnMs)) } : undefined}
                    >
                      <Avatar name={m.nickname} />
                      {dealerSeat === seat && <span class="dealer">{t('dealer')}</span>}
                      {turn && secondsLeft !== null && (
                        <span class="countdown" data-testid="countdown">
                          {secondsLeft}
                        </span>
                      )}
                    </span>
                    {said !== null && <span class="said">{said}</span>}
                    {voice?.inCall.includes(seat) && (
                      <span
                        class={`voice-mark${isSpeaking(seat === mySeat ? voice.level : voice.peers.find((x) => x.seat === seat)?.level) ? ' speaking' : ''}`}
                        data-testid={`seat-${seat}-voice`}
                        aria-hidden="true"
                      >
                        🔊
                      </span>
                    )}
                  </div>
                  <div class="seat-name" data-testid={`seat-${seat}-name`}>
                    {m.nickname}
                  </div>
                  <div class="seat-score" data-testid={`seat-${seat}-score`} data-score={score}>
                    {t('points_', { n: score })}
                    {p && p.contributedPoints > 0 && <span class="bet"> · {t('bet', { n: p.contributedPoints })}</span>}
                    {delta !== undefined && <span class={delta > 0 ? 'delta up' : 'delta'}> {delta > 0 ? `+${delta}` : delta}</span>}
                  </div>
                  <div class="seat-tags">
                    {roleBadge(t, m)}
                    {!m.connected && <span class="tag warn">{t('away')}</span>}
                    {m.trusteeship && <span class="tag">{t('trustee')}</span>}
                    {status && <span class="tag">{status}</span>}
                    {sittingOut && <span class="tag">{t('sitsOut')}</span>}
                    {hand === null && live && m.ready && <span class="tag ok">{t('isReady')}</span>}
                  </div>
                  {p && <Cards cards={p.cards} testId={`seat-${seat}-cards`} size={seat === mySeat ? 'md' : 'sm'} />}
                  {!p && done && <Cards cards={done.cards} testId={`seat-${seat}-cards`} size={seat === mySeat ? 'md' : 'sm'} />}
                  {done && <span class="category small">{categoryWords(t, done.cards)}</span>}
                  {canManage && m.playerId !== you?.playerId && m.role !== 'owner' && live && hand === null && (
                    <details class="seat-tools">
                      <summary data-testid={`manage-${seat}`}>⋯</summary>
                      <div class="seat-menu">
                        <button
                          type="button"
                          class="secondary small"
                          onClick={() => send({ t: 'kick', playerId: m.playerId })}
                          data-testid={`kick-${seat}`}
                        >
                          {t('kick')}
                        </button>
                        {you?.role === 'owner' && (
                          <>
                            <button
                              type="button"
                              class="secondary small"
                              onClick={() => send({ t: 'set_admin', playerId: m.playerId, admin: m.role !== 'admin' })}
                            >
                              {m.role === 'admin' ? t('removeAdmin') : t('makeAdmin')}
                            </button>
                            <button
                              type="button"
                              class="secondary small"
                              onClick={() => send({ t: 'transfer_owner', playerId: m.playerId })}
                            >
                              {t('makeOwner')}
                            </button>
                          </>
                        )}
                      </div>
                    </details>
                  )}
                </>
              ) : (
                <>
                  <span class="avatar md empty-avatar" aria-hidden="true" />
                  <div class="seat-name muted">{t('emptySeat')}</div>
                </>
              )}
            </div>
          );
        })}
      </section>
      {turnSeat !== null && (
        <p class={`turn-line${myTurn ? ' mine' : ''}`} data-testid="turn-seat" data-seat={turnSeat} role="status">
          {myTurn ? t('yourTurn') : t('turnOf', { name: nameOf(seatOwner(turnSeat)?.playerId ?? '') })}
          {secondsLeft !== null && ` · ${t('seconds', { n: secondsLeft })}`}
        </p>
      )}

      {!spectator && legal !== null && view?.phase === 'betting' && (
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
              <button
                type="button"
                class="secondary"
                onClick={() => send({ t: 'act', action: { type: 'all-in' } })}
                data-testid="act-all-in"
              >
                {t('allIn')}
              </button>
            )}
            {legal.fold && (
              <button type="button" class="danger" onClick={() => send({ t: 'act', action: { type: 'fold' } })} data-testid="act-fold">
                {t('fold')}
              </button>
            )}
          </div>
          {legal.raise && chosenRaise !== null && (
            <div class="raise" data-testid="raise">
              <span class="small muted">{t('raiseLabel', { now: view.stakePoints })}</span>
              {raises.length <= RAISE_BUTTONS_MAX ? (
                <fieldset class="raise-choices" aria-label={t('raiseLabel', { now: view.stakePoints })} data-testid="raise-to">
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
          )}
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
                  {t('compareWith', { name: nameOf(seatOwner(seat)?.playerId ?? '') })}
                </button>
              ))}
            </div>
          )}
          {myPlayer?.cards && <p class="small muted">{categoryWords(t, myPlayer.cards)}</p>}
        </section>
      )}

      {message && (
        <p class="error" role="alert" data-testid="table-error">
          {message}
        </p>
      )}

      {channel !== null && live && <TableChat ctx={ctx} channel={channel} state={s} nameOf={nameOf} />}

      {mesh !== null && voice !== null && live && mySeat !== null && room.params.voiceChat === true && (
        <VoiceBar lang={ctx.lang} mesh={mesh} state={voice} nameOfSeat={(seat) => nameOf(seatOwner(seat)?.playerId ?? '')} />
      )}

      {shownRecord !== null && <ResultPanel t={t} record={shownRecord} nameOf={nameOf} mySeat={mySeat} />}

      {!spectator && live && mySeat !== null && (
        <section class="card between-hands">
          {hand === null && (
            <p class="small muted" data-testid="ready-hint">
              {me?.ready ? t('waitingOthers') : t('readyHint')}
            </p>
          )}
          <div class="row">
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
          </div>
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
            <span>{t('mySeed')}</span>
          </label>
        </section>
      )}

      {!live && (
        <p class="notice" data-testid="room-ended" data-reason={room.endReason ?? ''}>
          {room.status === 'dissolved' ? t('dissolved') : t('ended')}
          {room.endReason !== null && room.endReason !== 'completed' && `：${endWords(ctx.lang, t, room.endReason)}`}
        </p>
      )}

      <Scoreboard
        t={t}
        room={room}
        final={!live}
        shared={shared}
        onShare={async () =>
          setShared(
            await shareLink({
              title: t('shareScoresTitle', { code: room.code }),
              desc: [...room.scores]
                .sort((a, b) => b.points - a.points)
                .map((l) => `${l.nickname} ${l.points > 0 ? `+${l.points}` : l.points}`)
                .join(ctx.lang === 'zh' ? '，' : ', '),
              url: `${location.origin}/#/room-history/${room.id}`,
            }),
          )
        }
      />
      {room.last && <LastHand t={t} room={room} />}
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

function categoryWords(t: RoomWords, cards: readonly string[]): string {
  try {
    return t(`cat_${evaluateHand(cards).category}`);
  } catch {
    return '';
  }
}

function endWords(lang: Ctx['lang'], t: RoomWords, reason: NonNullable<RoomView['endReason']>): string {
  if (reason === 'security_risk') return errorText(lang, { code: 'ROOM_SECURITY_RISK' });
  return t(`end_${reason}`);
}

function ResultPanel({
  t,
  record,
  nameOf,
  mySeat,
}: {
  t: RoomWords;
  record: HandRecordView;
  nameOf: (id: string) => string;
  mySeat: number | null;
}) {
  const winners = record.result?.winnerSeats ?? [];
  const lastCompare = [...record.actions].reverse().find((a) => a.type === 'compare');
  const rows = [...record.players].sort(
    (a, b) => (record.deltas.find((d) => d.seat === b.seat)?.points ?? 0) - (record.deltas.find((d) => d.seat === a.seat)?.points ?? 0),
  );
  return (
    <section class="card result-panel" data-testid="result-panel" data-hand={record.handNumber}>
      <h2>{t('resultTitle', { n: record.handNumber })}</h2>
      {lastCompare?.targetSeat !== undefined && (
        <p class="small muted">
          {t('lastCompare', {
            a: nameOf(record.players.find((p) => p.seat === lastCompare.seat)?.playerId ?? ''),
            b: nameOf(record.players.find((p) => p.seat === lastCompare.targetSeat)?.playerId ?? ''),
          })}
        </p>
      )}
      <ul class="result-rows">
        {rows.map((p) => {
          const points = record.deltas.find((d) => d.seat === p.seat)?.points ?? 0;
          return (
            <li
              key={p.seat}
              class={`${winners.includes(p.seat) ? 'winner' : ''}${p.seat === mySeat ? ' mine' : ''}`}
              data-testid={`result-${p.seat}`}
              data-points={points}
            >
              <Avatar name={nameOf(p.playerId)} size="sm" />
              <span class="result-name">
                {nameOf(p.playerId)}
                {winners.includes(p.seat) && <span class="tag ok">{t('won')}</span>}
              </span>
              <Cards cards={p.cards} testId={`result-${p.seat}-cards`} size="sm" />
              <span class="category small">{categoryWords(t, p.cards)}</span>
              <strong class={points > 0 ? 'delta up' : 'delta'}>{points > 0 ? `+${points}` : points}</strong>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Scoreboard({
  t,
  room,
  final,
  shared,
  onShare,
}: {
  t: RoomWords;
  room: RoomView;
  final: boolean;
  shared: ShareOutcome | null;
  onShare: () => void;
}) {
  const lines = [...room.scores].sort((a, b) => b.points - a.points);
  return (
    <section class={`card${final ? ' final-scores' : ''}`} data-testid="scoreboard" data-final={String(final)}>
      <h2>
        {final ? t('finalScores') : t('scoreboard')}{' '}
        <span class="muted small">
          {room.handsPlayed}/{String(room.params.rounds)} {t('handsLabel')}
        </span>
      </h2>
      <ol class="scores">
        {lines.map((l, i) => (
          <li key={l.playerId} data-player={l.playerId} data-points={l.points}>
            <span class="rank">{i + 1}</span>
            <Avatar name={l.nickname} size="sm" />
            <span class="score-name">{l.nickname}</span>
            <strong class={l.points > 0 ? 'delta up' : l.points < 0 ? 'delta' : ''}>{l.points > 0 ? `+${l.points}` : l.points}</strong>
          </li>
        ))}
      </ol>
      {final && lines.length > 0 && (
        <button type="button" class="primary wechat" onClick={onShare} data-testid="share-scores">
          {t('shareScores')}
        </button>
      )}
      {shared && (
        <p class="muted small" role="status" data-testid="share-scores-outcome">
          {t(`shared_${shared}`)}
        </p>
      )}
    </section>
  );
}

function LastHand({ t, room }: { t: RoomWords; room: RoomView }) {
  const last = room.last;
  if (last === null) return null;
  return (
    <section class="card fairness-card" data-testid="last-hand" data-hand={last.handNumber}>
      <h2>
        {t('fairness')} <span class="muted small">{t('handN', { n: last.handNumber })}</span>
      </h2>
      <p class="small muted">{t('fairnessHint')}</p>
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
