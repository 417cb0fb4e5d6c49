// The table: seats round an oval felt, the viewer's own at the bottom, each with an avatar and the
// player's name, points, bet, what they just did and (when the rules show them to this viewer)
// their cards; the pot in the middle; whose turn it is with a countdown ring round the avatar; the
// actions the server says are legal for this seat; a compare shown as it happens; after each hand
// everyone's cards stay on the table with a result panel; readiness between hands; the scoreboard,
// shareable at the end; and the last hand's fairness data with a link to verify it. Spectators
// see the public view only. A dropped connection shows a banner and reconnects to the same seat.
import { useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { errorText } from '../../shared/errors.ts';
import { type ShareOutcome, shareLink } from '../../shared/wechat.ts';
import type { ChannelState, HandSection, Member, Reply, RoomView } from './channel.ts';
import { TableChat } from './chat.tsx';
import { type RoomWords, roomWords } from './i18n.ts';
import { ActionBar } from './table-actions.tsx';
import { BetweenHands } from './table-between.tsx';
import { useHandRecord, useTableChannel } from './table-hooks.tsx';
import { SLOTS, type Slot } from './table-layout.ts';
import { LastHand, ResultPanel, RulesForm, Scoreboard } from './table-panels.tsx';
import { Seat, type SeatTable, type Send } from './table-seat.tsx';
import { VoiceBar } from './voice.tsx';
import './rooms.css';
import './seat-skins.css';

export function roomIdFromHash(hash: string): string {
  return (hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[1] ?? '';
}

/** The page's state: the socket and voice, the finished hand's record, the last error, the chosen raise, the share outcome, and names by player and seat. */
function useTable(ctx: Ctx) {
  const t = roomWords(ctx.lang);
  const roomId = roomIdFromHash(location.hash);
  const { s, channel, mesh, voice } = useTableChannel(ctx, roomId);
  const [message, setMessage] = useState<string | null>(null);
  const [raiseTo, setRaiseTo] = useState<number | null>(null);
  const record = useHandRecord(ctx, roomId, s?.room?.last?.handNumber ?? null);
  const [shared, setShared] = useState<ShareOutcome | null>(null);

  const send: Send = async (frame) => {
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
  const byPlayer = useMemo(() => new Map((room?.members ?? []).map((m) => [m.playerId, m])), [room]);
  const scoreName = (playerId: string) => room?.scores.find((l) => l.playerId === playerId)?.nickname;
  // A player who left still has a name on the scoreboard; an id is never shown.
  const nameOf = (playerId: string) => byPlayer.get(playerId)?.nickname ?? scoreName(playerId) ?? t('someone');
  const seatOwner = (seat: number) => room?.members.find((m) => m.seat === seat);
  const nameOfSeat = (seat: number) => nameOf(seatOwner(seat)?.playerId ?? '');
  return {
    t,
    s,
    channel,
    mesh,
    voice,
    message,
    raiseTo,
    setRaiseTo,
    record,
    shared,
    setShared,
    send,
    faceCheck,
    byPlayer,
    nameOf,
    seatOwner,
    nameOfSeat,
  };
}

type TableHooks = ReturnType<typeof useTable>;

export function TablePage({ ctx }: { ctx: Ctx }) {
  const tb = useTable(ctx);
  const { t, s } = tb;
  const room = s?.room ?? null;
  if (s === null || (s.status === 'connecting' && room === null)) {
    return (
      <main class="page rooms" data-testid="table-page" aria-busy="true">
        <p class="muted">{t('connecting')}</p>
      </main>
    );
  }
  if (s.status === 'closed' && (room === null || s.closedCode === 'ROOM_KICKED' || s.closedCode === 'ROOM_LEFT')) {
    return <TableClosed t={t} lang={ctx.lang} closedCode={s.closedCode} />;
  }
  if (room === null) return <main class="page rooms" data-testid="table-page" />;
  // Called, not mounted: the page's <main> stays the same element from the first view to the last.
  return liveTable(ctx, tb, tableFacts(ctx, tb, s, room));
}

/** What the open table shows, worked out once per render from the room, the hand and the viewer. */
interface TableFacts extends SeatTable {
  readonly nowMs: number;
  readonly spectator: boolean;
  readonly me: Member | undefined;
  readonly view: HandSection['view'] | null;
  readonly myTurn: boolean;
}

function tableFacts(ctx: Ctx, tb: TableHooks, s: ChannelState, room: RoomView): TableFacts {
  const { channel } = tb;
  const { hand, you } = s;
  const nowMs = channel?.serverNowMs() ?? Date.now();
  const mySeat = you?.seat ?? null;
  const view = hand?.view ?? null;
  const turnSeat = view?.phase === 'betting' ? view.turnSeat : null;
  const msLeft = hand?.turnDeadlineMs ? Math.max(0, hand.turnDeadlineMs - nowMs) : null;
  const record = tb.record;
  return {
    t: tb.t,
    lang: ctx.lang,
    s,
    channel,
    room,
    hand,
    you,
    mySeat,
    turnSeat,
    msLeft,
    turnMs: Number(room.params.turnTimeS) * 1000,
    secondsLeft: msLeft === null ? null : Math.ceil(msLeft / 1000),
    dealerSeat: hand !== null ? (s.info?.dealerSeat ?? null) : null,
    shownRecord: hand === null && record !== null && record.handNumber === room.last?.handNumber ? record : null,
    lastEvent: view?.lastEvent ?? null,
    voice: tb.voice,
    canManage: you?.role === 'owner' || you?.role === 'admin',
    live: room.status === 'waiting' || room.status === 'playing',
    send: tb.send,
    nowMs,
    spectator: you?.role === 'observer',
    me: you ? tb.byPlayer.get(you.playerId) : undefined,
    view,
    myTurn: turnSeat !== null && turnSeat === mySeat,
  };
}

function liveTable(ctx: Ctx, tb: TableHooks, f: TableFacts) {
  const { t, s, room, hand, you, mySeat, spectator, live, view, send } = f;
  const { channel, mesh, voice, nameOf, nameOfSeat } = tb;
  const legal = hand?.legal ?? null;
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
      <TableHead t={t} room={room} hand={hand} live={live} spectator={spectator} send={send} />
      {spectator && (
        <p class="notice" data-testid="spectating">
          {t('spectating')}
        </p>
      )}
      <TableFelt f={f} seatOwner={tb.seatOwner} nameOfSeat={nameOfSeat} />
      {!spectator && legal !== null && view?.phase === 'betting' && (
        <ActionBar
          t={t}
          legal={legal}
          view={view}
          myTurn={f.myTurn}
          myCards={view.players.find((p) => p.seat === mySeat)?.cards}
          send={send}
          nameOfSeat={nameOfSeat}
          raiseTo={tb.raiseTo}
          setRaiseTo={tb.setRaiseTo}
        />
      )}
      {tb.message && (
        <p class="error" role="alert" data-testid="table-error">
          {tb.message}
        </p>
      )}
      {channel !== null && live && <TableChat ctx={ctx} channel={channel} state={s} nameOf={nameOf} />}
      {mesh !== null && voice !== null && live && mySeat !== null && room.params.voiceChat === true && (
        <VoiceBar lang={ctx.lang} mesh={mesh} state={voice} nameOfSeat={nameOfSeat} />
      )}
      {f.shownRecord !== null && <ResultPanel t={t} record={f.shownRecord} nameOf={nameOf} mySeat={mySeat} />}
      {!spectator && live && mySeat !== null && (
        <BetweenHands
          t={t}
          room={room}
          hand={hand}
          you={you}
          me={f.me}
          channel={channel}
          nowMs={f.nowMs}
          send={send}
          faceCheck={tb.faceCheck}
        />
      )}
      <RoomSummary ctx={ctx} tb={tb} f={f} />
    </main>
  );
}

/** Under the table: the room's end, the scoreboard (shareable at the end), the last hand's fairness data, and the owner's rules and dissolve. */
function RoomSummary({ ctx, tb, f }: { ctx: Ctx; tb: TableHooks; f: TableFacts }) {
  const { t, room, hand, you, live, send } = f;
  return (
    <>
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
        shared={tb.shared}
        onShare={async () => tb.setShared(await shareScores(ctx.lang, t, room))}
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
    </>
  );
}

/** The felt: the pot, a compare as it happens, the seats round it with the viewer's own at the bottom; and whose turn it is under it. */
function TableFelt({
  f,
  seatOwner,
  nameOfSeat,
}: {
  f: TableFacts;
  seatOwner: (seat: number) => Member | undefined;
  nameOfSeat: (seat: number) => string;
}) {
  const { t, room, view, lastEvent, turnSeat, secondsLeft, myTurn } = f;
  const seatsTotal = Number(room.params.seats);
  const slots = SLOTS[seatsTotal] ?? SLOTS[6] ?? [];
  const anchor = f.mySeat ?? 0;
  return (
    <>
      <section class={`felt seats-${seatsTotal}`} data-testid="felt">
        <Pot t={t} view={view} shownRecord={f.shownRecord} live={f.live} />
        {lastEvent?.type === 'compare' && view !== null && (
          <div class="compare-fx" key={view.step} data-testid="compare-fx" role="status">
            <span>{nameOfSeat(lastEvent.seat)}</span>
            <span class="vs">VS</span>
            <span>{nameOfSeat(lastEvent.targetSeat)}</span>
            <small>{t('compareLost', { name: nameOfSeat(lastEvent.loserSeat) })}</small>
          </div>
        )}
        {Array.from({ length: seatsTotal }, (_, seat) => {
          const slot: Slot = slots[(seat - anchor + seatsTotal) % seatsTotal] ?? [50, 50, 'top'];
          return <Seat key={seat} table={f} seat={seat} m={seatOwner(seat)} slot={slot} />;
        })}
      </section>
      {turnSeat !== null && (
        <p class={`turn-line${myTurn ? ' mine' : ''}`} data-testid="turn-seat" data-seat={turnSeat} role="status">
          {myTurn ? t('yourTurn') : t('turnOf', { name: nameOfSeat(turnSeat) })}
          {secondsLeft !== null && ` · ${t('seconds', { n: secondsLeft })}`}
        </p>
      )}
    </>
  );
}

/** The page once the socket has closed for good: kicked, left, or a room that could not be joined. */
function TableClosed({ t, lang, closedCode }: { t: RoomWords; lang: Ctx['lang']; closedCode: ChannelState['closedCode'] }) {
  const text =
    closedCode === 'ROOM_KICKED' ? t('kicked') : closedCode === 'ROOM_LEFT' ? t('left') : errorText(lang, { code: closedCode ?? '' });
  return (
    <main class="page rooms" data-testid="table-page" data-closed={closedCode ?? ''}>
      <section class="card">
        <p data-testid="table-closed">{text}</p>
        <a href="#/rooms" class="button primary">
          {t('rooms')}
        </a>
      </section>
    </main>
  );
}

/** The room code, which hand of how many (or waiting / ended), and the links to history, rules and leaving. */
function TableHead({
  t,
  room,
  hand,
  live,
  spectator,
  send,
}: {
  t: RoomWords;
  room: RoomView;
  hand: ChannelState['hand'];
  live: boolean;
  spectator: boolean;
  send: Send;
}) {
  return (
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
  );
}

/** The pot in the middle of the felt: points, stake and round in a hand, else the result title or waiting / ended. */
function Pot({
  t,
  view,
  shownRecord,
  live,
}: {
  t: RoomWords;
  view: HandSection['view'] | null;
  shownRecord: { readonly handNumber: number } | null;
  live: boolean;
}) {
  return (
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
  );
}

/** Shares the scoreboard, best first, with a link to the room's history. */
function shareScores(lang: Ctx['lang'], t: RoomWords, room: RoomView): Promise<ShareOutcome> {
  return shareLink({
    title: t('shareScoresTitle', { code: room.code }),
    desc: [...room.scores]
      .sort((a, b) => b.points - a.points)
      .map((l) => `${l.nickname} ${l.points > 0 ? `+${l.points}` : l.points}`)
      .join(lang === 'zh' ? '，' : ', '),
    url: `${location.origin}/#/room-history/${room.id}`,
  });
}

function endWords(lang: Ctx['lang'], t: RoomWords, reason: NonNullable<RoomView['endReason']>): string {
  if (reason === 'security_risk') return errorText(lang, { code: 'ROOM_SECURITY_RISK' });
  return t(`end_${reason}`);
}
