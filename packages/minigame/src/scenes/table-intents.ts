// What a tap at the table sends: an action of the hand, a room command, readiness between hands,
// and the "verify this hand" check run on this device. The server's next frame is the answer.
import { type HandRecordWire, verifyHandRecord } from '@fairground/rules';
import { ApiError } from '../api.ts';
import { explain, reasonText } from '../explain.ts';
import { keptHand } from '../kept.ts';
import type { TableState } from './table-state.ts';

/** Sends an action of the hand; one at a time, a refusal explained in a toast. */
export async function act(t: TableState, action: Record<string, unknown>): Promise<void> {
  if (t.sending) return;
  t.sending = true;
  try {
    const r = await t.channel.send({ t: 'act', action });
    if (r.t === 'error') t.app.toast(reasonText(t.app.lang, r.code ?? ''));
  } finally {
    t.sending = false;
    t.app.stage.invalidate();
  }
}

/** Sends a room command (ready, start), a refusal explained in a toast. */
export async function command(t: TableState, frame: Record<string, unknown> & { t: string }): Promise<void> {
  const r = await t.channel.send(frame);
  if (r.t === 'error') t.app.toast(reasonText(t.app.lang, r.code ?? ''));
  t.app.stage.invalidate();
}

/**
 * Says ready (or not) between hands. A tap lands on the regions of the frame last drawn, which
 * may predate a frame that just started the next hand: the state is read again here, so a tap
 * on a stale button sends nothing.
 */
export async function setReady(t: TableState, ready: boolean | 'toggle'): Promise<void> {
  const s = t.st;
  const me = s?.room?.members.find((m) => m.playerId === s.you?.playerId);
  if (t.readying || s === null || s.hand !== null || me === undefined || me.seat === null) return;
  if (s.room?.status !== 'waiting' && s.room?.status !== 'playing') return;
  const want = ready === 'toggle' ? !me.ready : ready;
  if (want === me.ready) return;
  t.readying = true;
  t.app.stage.invalidate();
  try {
    await command(t, { t: 'ready', ready: want });
  } finally {
    t.readying = false;
    t.app.stage.invalidate();
  }
}

/**
 * "Verify this hand": the hand's record (seeds revealed after the deal, cards, actions) checked
 * here by the rules package's own checks — the same the H5 fairness page runs — against what this
 * device kept before the deal.
 */
export async function verifyHand(t: TableState, handNumber: number): Promise<void> {
  const { app, roomId } = t;
  t.verify = { handNumber, verdict: null, error: null };
  app.stage.invalidate();
  try {
    const page = await app.api.call<{ hands: HandRecordWire[] }>('GET', `/api/rooms/${roomId}/hands?after=${handNumber - 1}`);
    const record = page.hands.find((h) => h.handNumber === handNumber);
    if (record === undefined) throw new ApiError(404, 'ANALYTICS_HAND_NOT_FOUND', String(handNumber));
    const verdict = verifyHandRecord(record, keptHand(roomId, handNumber));
    if (t.verify?.handNumber === handNumber) t.verify = { handNumber, verdict, error: null };
  } catch (e) {
    if (t.verify?.handNumber === handNumber) t.verify = { handNumber, verdict: null, error: explain(app.lang, e) };
  }
  app.stage.invalidate();
}
