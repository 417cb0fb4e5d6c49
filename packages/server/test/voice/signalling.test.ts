// Table voice over the real room WebSocket, on SQLite and PostgreSQL: seated players of a room
// with voice on join the call and get TURN credentials; offers, answers and ICE candidates reach
// the addressed seat only (an SDP larger than any other frame included); spectators, players of a
// room with voice off and players outside the call are refused with stable codes; a kicked player
// gets `voice.ended` before the room closes his socket, and the others the roster without him;
// turning the option off ends the call; malformed voice frames close the connection.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CloseCodes } from '../../src/rooms/index.ts';
import { VOICE_FRAME_BYTES_MAX, VOICE_SDP_CHARS_MAX } from '../../src/voice/index.ts';
import { BACKENDS, type Client, type Frame, type Player, TestDatabase, TestServer } from '../rooms/harness.ts';

const TURN = { secret: 'signalling-test-turn-secret', urls: ['turn:127.0.0.1:3478?transport=udp'] };
/** An SDP of the size Chromium's audio offers reach (larger than the room's ordinary frame limit). */
const BIG_SDP = `v=0\r\n${'a=extmap-allow-mixed\r\n'.repeat(180)}`.slice(0, 4000);

for (const backend of BACKENDS) {
  describe(`table voice signalling on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let n = 0;
    const ip = (k: number) => `10.77.${backend === 'sqlite' ? 1 : 2}.${k}`;

    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 6, 1, 12)), { config: { turn: TURN } });
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    const player = async (): Promise<Player> => {
      n += 1;
      return server.player(`${backend.slice(0, 2)}vo${n}`, ip(n));
    };
    /** A classic room (three seats) with voice as asked, its owner and a second seated player, and a spectator. */
    const table = async (voiceChat: boolean) => {
      const [a, b, s] = [await player(), await player(), await player()];
      await server.fund(a.id, 'CNY', 10_000);
      const room = await a.createRoom({ params: { voiceChat }, fee: { mode: 'cash' } });
      assert.equal((await b.join(room.code)).status, 200);
      assert.equal((await s.join(room.code, { role: 'observer' })).status, 200);
      const [ca, cb, cs] = [await a.connect(room.roomId), await b.connect(room.roomId), await s.connect(room.roomId)];
      return { a, b, s, ca, cb, cs, room };
    };
    const of = (c: Client, t: string) => c.frames.filter((f) => f.t === t);
    const seatOf = (c: Client) => (c.you as Frame).seat as number;

    it('seated players join, get TURN credentials the TURN server recomputes, and exchange an offer, answer and candidate seat to seat', async () => {
      const { ca, cb, cs } = await table(true);
      assert.equal((await ca.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      assert.equal((await cb.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      await ca.waitFor(() => of(ca, 'voice.roster').some((f) => (f.peers as unknown[]).length === 2), 'roster of two');
      const joined = of(cb, 'voice.joined')[0] as Frame;
      const turn = joined.turn as { urls: string[]; username: string; credential: string; ttlS: number };
      assert.deepEqual(turn.urls, TURN.urls);
      assert.equal(turn.credential, createHmac('sha1', TURN.secret).update(turn.username).digest('base64'));
      assert.equal(Number(turn.username.split(':')[0]), Math.floor(server.clock.nowMs() / 1000) + turn.ttlS);
      assert.equal(joined.seat, seatOf(cb));

      const sent = await ca.send({ t: 'voice_signal', to: seatOf(cb), kind: 'offer', sdp: BIG_SDP });
      assert.equal(sent.t, 'ok', JSON.stringify(sent));
      await cb.waitFor(() => of(cb, 'voice.signal').length === 1, 'the offer');
      assert.deepEqual(of(cb, 'voice.signal')[0], { t: 'voice.signal', from: seatOf(ca), kind: 'offer', sdp: BIG_SDP });
      assert.equal((await cb.send({ t: 'voice_signal', to: seatOf(ca), kind: 'answer', sdp: 'v=0\r\n' })).t, 'ok');
      const candidate = {
        candidate: 'candidate:1 1 udp 41885439 127.0.0.1 50000 typ relay raddr 0.0.0.0 rport 0',
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      assert.equal((await cb.send({ t: 'voice_signal', to: seatOf(ca), kind: 'ice', candidate })).t, 'ok');
      await ca.waitFor(() => of(ca, 'voice.signal').length === 2, 'answer and candidate');
      assert.deepEqual(
        of(ca, 'voice.signal').map((f) => f.kind),
        ['answer', 'ice'],
      );
      assert.deepEqual(of(ca, 'voice.signal')[1]?.candidate, candidate);
      await server.settle();
      assert.equal(of(cs, 'voice.signal').length + of(cs, 'voice.roster').length, 0, 'the spectator hears nothing of the call');
    });

    it('refuses a spectator, a room with voice off, a player outside the call, a seat outside it and his own seat, each with its code', async () => {
      const { ca, cb, cs } = await table(true);
      assert.equal((await cs.send({ t: 'voice_join', via: 'webrtc' })).code, 'VOICE_NOT_SEATED');
      assert.equal((await cs.send({ t: 'voice_join', via: 'wechat' })).code, 'VOICE_MINIGAME_SESSION_REQUIRED');
      assert.equal((await cb.send({ t: 'voice_signal', to: seatOf(ca), kind: 'answer', sdp: 'v=0' })).code, 'VOICE_NOT_IN_CALL');
      assert.equal((await ca.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      assert.equal((await ca.send({ t: 'voice_signal', to: seatOf(cb), kind: 'offer', sdp: 'v=0' })).code, 'VOICE_PEER_ABSENT');
      assert.equal((await ca.send({ t: 'voice_signal', to: seatOf(ca), kind: 'offer', sdp: 'v=0' })).code, 'VOICE_SIGNAL_SELF');
      const off = await table(false);
      assert.equal((await off.ca.send({ t: 'voice_join', via: 'webrtc' })).code, 'VOICE_OFF');
    });

    it('a kicked player gets voice.ended before the room closes his socket, and the others a roster without him', async () => {
      const { b, ca, cb } = await table(true);
      for (const c of [ca, cb]) assert.equal((await c.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      await ca.waitFor(() => of(ca, 'voice.roster').some((f) => (f.peers as unknown[]).length === 2), 'roster of two');
      assert.equal((await ca.send({ t: 'kick', playerId: b.id })).t, 'ok');
      assert.equal(await cb.closed(), CloseCodes.KICKED);
      const ts = cb.frames.map((f) => f.t);
      assert.ok(ts.indexOf('voice.ended') >= 0 && ts.indexOf('voice.ended') < ts.indexOf('closed'), ts.join(','));
      assert.deepEqual(of(cb, 'voice.ended')[0], { t: 'voice.ended', reason: 'kicked' });
      await ca.waitFor(() => ((of(ca, 'voice.roster').at(-1)?.peers as unknown[] | undefined)?.length ?? 0) === 1, 'roster without him');
      assert.deepEqual(of(ca, 'voice.roster').at(-1)?.peers, [{ seat: seatOf(ca), via: 'webrtc' }]);
    });

    it('joining again while in the call hands fresh credentials (the client renews before they expire) and keeps the seat in the roster', async () => {
      const { ca, cb } = await table(true);
      for (const c of [ca, cb]) assert.equal((await c.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      const usernameOf = (f: Frame | undefined) => String((f?.turn as { username?: string } | undefined)?.username ?? '');
      const first = usernameOf(of(ca, 'voice.joined')[0]);
      await server.advance(60_000);
      assert.equal((await ca.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      await ca.waitFor(() => of(ca, 'voice.joined').length === 2, 'fresh credentials');
      const second = usernameOf(of(ca, 'voice.joined')[1]);
      assert.equal(Number(second.split(':')[0]) - Number(first.split(':')[0]), 60);
      assert.equal((of(ca, 'voice.roster').at(-1)?.peers as unknown[] | undefined)?.length, 2);
      assert.equal(of(cb, 'voice.ended').length, 0);
    });

    it('turning the voice option off ends the call for everyone in it; leaving the call says so', async () => {
      const { ca, cb } = await table(true);
      for (const c of [ca, cb]) assert.equal((await c.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
      assert.equal((await cb.send({ t: 'voice_leave' })).t, 'ok');
      await cb.waitFor(() => of(cb, 'voice.ended').length === 1, 'left');
      assert.equal(of(cb, 'voice.ended')[0]?.reason, 'left');
      assert.equal((await ca.send({ t: 'rules', changes: { voiceChat: false } })).t, 'ok');
      await ca.waitFor(() => of(ca, 'voice.ended').length === 1, 'voice off');
      assert.equal(of(ca, 'voice.ended')[0]?.reason, 'voice_off');
      assert.equal((await ca.send({ t: 'voice_join', via: 'webrtc' })).code, 'VOICE_OFF');
    });

    it('closes the connection on malformed voice frames with stable codes and relays nothing of them', async () => {
      const bad: [Frame, string, number][] = [
        [{ t: 'voice_join', via: 'skype' }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        [{ t: 'voice_signal', to: 1, kind: 'offer' }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        [{ t: 'voice_signal', to: 1, kind: 'offer', sdp: 'x'.repeat(VOICE_SDP_CHARS_MAX + 1) }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        [{ t: 'voice_signal', to: 1, kind: 'offer', sdp: 'v=0', hand: { cards: [1, 2, 3] } }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        [{ t: 'voice_signal', to: 99, kind: 'offer', sdp: 'v=0' }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        [{ t: 'voice_signal', to: 1, kind: 'ice', candidate: { candidate: 'x' } }, 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        // Only voice offers may be larger than the room's ordinary frames.
        [{ t: 'chat', kind: 'emoji', emoji: '👍', pad: 'x'.repeat(3000) }, 'ROOM_FRAME_TOO_LARGE', CloseCodes.TOO_LARGE],
      ];
      for (const [frame, code, close] of bad) {
        const { ca, cb } = await table(true);
        for (const c of [ca, cb]) assert.equal((await c.send({ t: 'voice_join', via: 'webrtc' })).t, 'ok');
        ca.raw({ ...frame, id: 'bad1' });
        assert.equal(await ca.closed(), close, JSON.stringify(frame).slice(0, 80));
        assert.equal(of(ca, 'error').at(-1)?.code, code);
        await server.settle();
        assert.equal(of(cb, 'voice.signal').length, 0);
      }
      // Past VOICE_FRAME_BYTES_MAX (the socket's own limit too) the WebSocket layer may close it first (1009, message too big).
      const huge = await table(true);
      huge.ca.raw({ t: 'voice_signal', to: 1, kind: 'offer', sdp: 'x'.repeat(VOICE_FRAME_BYTES_MAX) });
      assert.ok([1009, CloseCodes.TOO_LARGE].includes(await huge.ca.closed()));
    });
  });
}
