// Between hands, for a seated player: ready or not, the face check a room may ask for, the owner's start, trusteeship, the next deal's countdown and the own-seed switch.
import type { ChannelState, Member, RoomChannel, RoomView } from './channel.ts';
import type { RoomWords } from './i18n.ts';
import type { Send } from './table-seat.tsx';

interface BetweenHandsProps {
  readonly t: RoomWords;
  readonly room: RoomView;
  readonly hand: ChannelState['hand'];
  readonly you: ChannelState['you'];
  readonly me: Member | undefined;
  readonly channel: RoomChannel | null;
  readonly nowMs: number;
  readonly send: Send;
  readonly faceCheck: () => Promise<void>;
}

export function BetweenHands({ t, room, hand, you, me, channel, nowMs, send, faceCheck }: BetweenHandsProps) {
  return (
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
          <button type="button" class="secondary" onClick={() => send({ t: 'trustee', on: !me?.trusteeship })} data-testid="trustee-button">
            {me?.trusteeship ? t('cancelTrustee') : t('trustee')}
          </button>
        )}
      </div>
      {hand === null && room.next?.startAtMs && (
        <span class="muted small" data-testid="next-in">
          {t('nextIn', { s: Math.max(0, Math.ceil((room.next.startAtMs - nowMs) / 1000)) })}
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
  );
}
