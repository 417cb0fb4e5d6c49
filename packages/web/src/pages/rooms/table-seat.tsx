// One seat round the felt: its avatar with the turn ring, name, points, bet, what the player just did, tags,
// cards (live or the finished hand's) and, for the owner or an admin between hands, the manage menu.
import type { Ctx } from '../../app.tsx';
import type { ChannelState, HandSection, Member, RoomChannel, RoomView } from './channel.ts';
import { bubbleOf, ChatBubble } from './chat.tsx';
import type { RoomWords } from './i18n.ts';
import { Avatar, Cards, categoryWords, roleBadge } from './table-faces.tsx';
import type { HandRecordView, Slot } from './table-layout.ts';
import type { VoiceState } from './voice.ts';
import { isSpeaking } from './voice.tsx';

export type Send = (frame: Record<string, unknown> & { t: string }) => Promise<void>;
type HandEventView = NonNullable<HandSection['view']['lastEvent']>;

export function eventWords(t: RoomWords, e: HandEventView): string {
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

/** What every seat reads from the table as a whole. */
export interface SeatTable {
  readonly t: RoomWords;
  readonly lang: Ctx['lang'];
  readonly s: ChannelState;
  readonly channel: RoomChannel | null;
  readonly room: RoomView;
  readonly hand: HandSection | null;
  readonly you: ChannelState['you'];
  readonly mySeat: number | null;
  readonly turnSeat: number | null;
  readonly msLeft: number | null;
  readonly turnMs: number;
  readonly secondsLeft: number | null;
  readonly dealerSeat: number | null;
  readonly shownRecord: HandRecordView | null;
  readonly lastEvent: HandEventView | null;
  readonly voice: VoiceState | null;
  readonly canManage: boolean;
  readonly live: boolean;
  readonly send: Send;
}

export function Seat({ table, seat, m, slot }: { table: SeatTable; seat: number; m: Member | undefined; slot: Slot }) {
  const { t, room, hand, mySeat, turnSeat, shownRecord, lastEvent, voice } = table;
  const view = hand?.view ?? null;
  const p = view?.players.find((x) => x.seat === seat);
  const done = shownRecord?.players.find((x) => x.seat === seat);
  const delta = shownRecord?.deltas.find((d) => d.seat === seat)?.points;
  const score = m ? (room.scores.find((l) => l.playerId === m.playerId)?.points ?? 0) : 0;
  const status = p ? (p.status === 'folded' ? t('folded') : p.status === 'lost' ? t('lost') : p.seen ? t('seen') : '') : '';
  const turn = turnSeat === seat;
  const sittingOut = m !== undefined && hand !== null && p === undefined;
  const said = lastEvent !== null && lastEvent.seat === seat && lastEvent.type !== 'compare' ? eventWords(t, lastEvent) : null;
  return (
    <div
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
            line={bubbleOf(table.s.chat, m.playerId, table.channel?.serverNowMs() ?? 0)}
            lang={table.lang}
            seat={seat}
            place={slot[2] === 'top' ? 'below' : 'above'}
          />
          <SeatTop table={table} seat={seat} m={m} turn={turn} said={said} />
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
            {hand === null && table.live && m.ready && <span class="tag ok">{t('isReady')}</span>}
          </div>
          {p && <Cards cards={p.cards} testId={`seat-${seat}-cards`} size={seat === mySeat ? 'md' : 'sm'} />}
          {!p && done && <Cards cards={done.cards} testId={`seat-${seat}-cards`} size={seat === mySeat ? 'md' : 'sm'} />}
          {done && <span class="category small">{categoryWords(t, done.cards)}</span>}
          {table.canManage && m.playerId !== table.you?.playerId && m.role !== 'owner' && table.live && hand === null && (
            <SeatTools table={table} seat={seat} m={m} />
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
}

/** The avatar with the dealer mark and the turn's countdown ring, what the player just did, and the voice mark. */
function SeatTop({ table, seat, m, turn, said }: { table: SeatTable; seat: number; m: Member; turn: boolean; said: string | null }) {
  const { t, msLeft, secondsLeft, voice, mySeat } = table;
  return (
    <div class="seat-top">
      <span class="avatar-wrap" style={turn && msLeft !== null ? { '--left': String(Math.min(1, msLeft / table.turnMs)) } : undefined}>
        <Avatar name={m.nickname} />
        {table.dealerSeat === seat && <span class="dealer">{t('dealer')}</span>}
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
  );
}

/** The owner's and admins' menu on another player's seat: kick, and for the owner admin and ownership. */
function SeatTools({ table, seat, m }: { table: SeatTable; seat: number; m: Member }) {
  const { t, send } = table;
  return (
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
        {table.you?.role === 'owner' && (
          <>
            <button
              type="button"
              class="secondary small"
              onClick={() => send({ t: 'set_admin', playerId: m.playerId, admin: m.role !== 'admin' })}
            >
              {m.role === 'admin' ? t('removeAdmin') : t('makeAdmin')}
            </button>
            <button type="button" class="secondary small" onClick={() => send({ t: 'transfer_owner', playerId: m.playerId })}>
              {t('makeOwner')}
            </button>
          </>
        )}
      </div>
    </details>
  );
}
