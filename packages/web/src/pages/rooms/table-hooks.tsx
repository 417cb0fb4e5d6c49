// The table's connections: the room socket with the voice mesh riding on it and the countdown tick, and the finished hand's record.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { type ChannelState, RoomChannel } from './channel.ts';
import type { HandRecordView } from './table-layout.ts';
import { VoiceMesh, type VoiceState } from './voice.ts';

/** How often countdowns redraw. */
const TICK_MS = 250;

/** Opens the room socket and the voice mesh for a room, redraws every tick, and closes both when the room changes or the page goes. */
export function useTableChannel(ctx: Ctx, roomId: string) {
  const [s, setS] = useState<ChannelState | null>(null);
  const [channel, setChannel] = useState<RoomChannel | null>(null);
  const [, setTick] = useState(0);
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

  return { s, channel, mesh, voice };
}

/**
 * The finished hand's record: everyone's cards stay on the table and in the result panel until
 * the next deal (the live view ends with the hand; the record has all three cards of each seat).
 */
export function useHandRecord(ctx: Ctx, roomId: string, lastNumber: number | null): HandRecordView | null {
  const [record, setRecord] = useState<HandRecordView | null>(null);
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
  return record;
}
