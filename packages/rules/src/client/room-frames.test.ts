import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeKept } from '../fair/verify-hand.ts';
import {
  type ChannelFrame,
  type ChannelState,
  type ChatLine,
  ceremonyStep,
  RECONNECT_DELAY_MS_MAX,
  RECONNECT_DELAY_MS_MIN,
  RoomFrames,
  applyHandPatch,
} from './room-frames.ts';

interface Room {
  readonly members: readonly { playerId: string; role: string | null; seat: number | null }[];
  readonly status: string;
}
interface Hand {
  readonly step: number;
  readonly info?: { readonly dealerSeat: number };
}

function harness(open = true) {
  const sent: Record<string, unknown>[] = [];
  const states: ChannelState<Room, Hand, { dealerSeat: number }>[] = [];
  const closed: string[] = [];
  const frames = new RoomFrames<Room, Hand, { dealerSeat: number }>({
    transmit: (data) => {
      if (!open) return false;
      sent.push(JSON.parse(data) as Record<string, unknown>);
      return true;
    },
    onChange: (s) => states.push(s),
    onClosed: (code) => closed.push(code),
  });
  return { frames, sent, states, closed };
}

const welcome: ChannelFrame = {
  t: 'welcome',
  v: 3,
  serverNowMs: 10_000,
  you: { playerId: 'p1', role: 'member', seat: null },
  room: { status: 'waiting', members: [{ playerId: 'p1', role: 'member', seat: null }] },
  hand: null,
};

describe('RoomFrames: the frame handling both room clients share', () => {
  it('applies the welcome, then room patches and hand sections on top of it', () => {
    const { frames } = harness();
    frames.receive(welcome, 9_000);
    assert.equal(frames.state.status, 'live');
    assert.equal(frames.state.clockOffsetMs, 1_000);
    assert.equal(frames.serverNowMs(20_000), 21_000);
    frames.receive(
      { t: 'room', v: 4, patch: { members: [{ playerId: 'p1', role: 'member', seat: 2 }] }, events: [{ kind: 'seated' }] },
      9_000,
    );
    assert.equal(frames.state.room?.status, 'waiting', 'what the patch left out stays');
    assert.equal(frames.state.you?.seat, 2, 'my seat follows the members');
    assert.equal(frames.state.events.length, 1);
    frames.receive({ t: 'hand', v: 5, hand: { step: 0, info: { dealerSeat: 1 } } }, 9_000);
    frames.receive({ t: 'hand', v: 6, hand: { step: 1 } }, 9_000);
    assert.deepEqual(frames.state.info, { dealerSeat: 1 }, "a hand's facts stay until the hand ends");
    frames.receive({ t: 'hand', v: 2, hand: null }, 9_000);
    assert.equal(frames.state.v, 6, 'the version never goes back');
    assert.equal(frames.state.info, null);
  });

  it('sends with the version and a fresh id, matches replies, and resends a readiness click, a dissolve or a leave refused as stale', async () => {
    const { frames, sent } = harness();
    frames.receive(welcome, 0);
    const reply = frames.send({ t: 'ready', ready: true });
    assert.deepEqual(sent[0], { t: 'ready', ready: true, id: 'c1', v: 3 });
    frames.receive({ t: 'room', v: 4, patch: {} }, 0);
    frames.receive({ t: 'error', id: 'c1', code: 'ROOM_STALE_VERSION' }, 0);
    assert.deepEqual(sent[1], { t: 'ready', ready: true, id: 'c2', v: 4 }, 'sent again on the newer version');
    frames.receive({ t: 'ok', id: 'c2' }, 0);
    assert.equal((await reply).t, 'ok');
    const act = frames.send({ t: 'act', action: { type: 'call' } });
    frames.receive({ t: 'error', id: 'c3', code: 'ROOM_STALE_VERSION' }, 0);
    assert.equal((await act).code, 'ROOM_STALE_VERSION', 'a stale action is not replayed blindly');
    // The page's own seed commitment can move the version just before the owner's confirmed dissolve.
    const dissolve = frames.send({ t: 'dissolve' });
    assert.deepEqual(sent.at(-1), { t: 'dissolve', id: 'c4', v: 4 });
    frames.receive({ t: 'room', v: 5, patch: {} }, 0);
    frames.receive({ t: 'error', id: 'c4', code: 'ROOM_STALE_VERSION' }, 0);
    assert.deepEqual(sent.at(-1), { t: 'dissolve', id: 'c5', v: 5 }, 'a confirmed dissolve is sent again on the newer version');
    frames.receive({ t: 'ok', id: 'c5' }, 0);
    assert.equal((await dissolve).t, 'ok');
    // Leaving too; the room's own refusal (in a hand) comes back as it is.
    const leave = frames.send({ t: 'leave' });
    frames.receive({ t: 'room', v: 6, patch: {} }, 0);
    frames.receive({ t: 'error', id: 'c6', code: 'ROOM_STALE_VERSION' }, 0);
    assert.deepEqual(sent.at(-1), { t: 'leave', id: 'c7', v: 6 }, 'a leave is sent again on the newer version');
    frames.receive({ t: 'error', id: 'c7', code: 'ROOM_HAND_IN_PROGRESS' }, 0);
    assert.equal((await leave).code, 'ROOM_HAND_IN_PROGRESS');
    frames.send({ t: 'ping' });
    assert.equal(sent.at(-1)?.v, undefined, 'a ping carries no version');
  });

  it('takes a hand or room frame that carries a request id as the answer, after applying it', async () => {
    const { frames } = harness();
    frames.receive(welcome, 0);
    const act = frames.send({ t: 'act', action: { type: 'call' } });
    const ready = frames.send({ t: 'ready', ready: true });
    frames.receive({ t: 'hand', v: 4, hand: { step: 2 } }, 0);
    frames.receive({ t: 'hand', id: 'c1', v: 5, hand: { step: 3 } }, 0);
    const answer = await act;
    assert.deepEqual(answer, { t: 'ok', v: 5 }, 'the folded frame answers the action');
    assert.deepEqual(frames.state.hand, { step: 3 }, 'and its hand is applied before the answer resolves');
    frames.receive({ t: 'room', id: 'c2', v: 6, patch: {} }, 0);
    assert.equal((await ready).t, 'ok', 'a room frame answers a readiness click the same way');
    frames.receive({ t: 'ok', id: 'c2', v: 6 }, 0);
    assert.equal(frames.state.v, 6, 'a second answer to the same id changes nothing');
  });

  it('answers at once when no socket is open, and fails what waited when it drops', async () => {
    const closedSocket = harness(false);
    assert.equal((await closedSocket.frames.send({ t: 'ready', ready: true })).code, 'NETWORK_ERROR');
    const { frames } = harness();
    frames.receive(welcome, 0);
    const waiting = frames.send({ t: 'ready', ready: true });
    assert.equal(frames.disconnected(1006), RECONNECT_DELAY_MS_MIN);
    assert.equal((await waiting).message, 'connection lost');
    assert.equal(frames.state.status, 'reconnecting');
    let delay = 0;
    for (let i = 0; i < 10; i++) delay = frames.disconnected(1006) ?? -1;
    assert.equal(delay, RECONNECT_DELAY_MS_MAX, 'the backoff is capped');
    frames.receive(welcome, 0);
    assert.equal(frames.disconnected(1006), RECONNECT_DELAY_MS_MIN, 'a welcome starts the backoff again');
  });

  it('gives up on a final close or once the room said why, and ignores a come-back notice', () => {
    const a = harness();
    a.frames.receive(welcome, 0);
    assert.equal(a.frames.disconnected(4005, 'ROOM_KICKED'), null);
    assert.equal(a.frames.state.closedCode, 'ROOM_KICKED');
    const b = harness();
    b.frames.receive(welcome, 0);
    b.frames.receive({ t: 'closed', code: 'ROOM_SERVER_RESTARTING' }, 0);
    assert.equal(b.frames.state.closedCode, null);
    assert.deepEqual(b.closed, []);
    b.frames.receive({ t: 'closed', code: 'ROOM_DISSOLVED' }, 0);
    assert.deepEqual(b.closed, ['ROOM_DISSOLVED']);
    assert.equal(b.frames.disconnected(1000), null);
    assert.equal(b.frames.state.status, 'closed');
  });
});

describe('ceremonyStep and mergeKept', () => {
  const next = { handNumber: 2, ceremonyPhase: 'committing' as const, committedSeats: [0], revealedSeats: [] as number[] };
  it('commits once while commitments are open and reveals once they close', () => {
    assert.equal(ceremonyStep('live', next, 1, { seed: null, revealed: false }), 'commit');
    assert.equal(ceremonyStep('live', next, 1, { seed: 'abc', revealed: false }), null, 'one seed per hand');
    assert.equal(ceremonyStep('reconnecting', next, 1, { seed: null, revealed: false }), null);
    assert.equal(ceremonyStep('live', next, null, { seed: null, revealed: false }), null, 'spectators take no part');
    const revealing = { ...next, ceremonyPhase: 'revealing' as const, committedSeats: [0, 1] };
    assert.equal(ceremonyStep('live', revealing, 1, { seed: 'abc', revealed: false }), 'reveal');
    assert.equal(ceremonyStep('live', revealing, 1, { seed: 'abc', revealed: true }), null);
  });

  it('keeps the first commitments seen: a later view never overwrites them', () => {
    const first = mergeKept(null, 'room_a', { handNumber: 2, commitment: 'c1', ceremonyPhase: 'committing' }, null, 5);
    assert.ok(first !== null);
    assert.equal(first.commitments, null, 'open commitments are not kept');
    const closedSet = [{ seat: 0, commitment: 'x' }];
    const second = mergeKept(
      first,
      'room_a',
      { handNumber: 2, commitment: 'c2', ceremonyPhase: 'revealing', commitments: closedSet },
      null,
      9,
    );
    assert.ok(second !== null);
    assert.equal(second.serverCommitment, 'c1', 'the first commitment stands');
    assert.deepEqual(second.commitments, closedSet);
    assert.equal(second.keptAtMs, 5);
    assert.equal(
      mergeKept(second, 'room_a', { handNumber: 2, commitment: 'c3', ceremonyPhase: 'locked', commitments: [] }, null, 11),
      null,
    );
  });
});

describe('RoomFrames: table chat', () => {
  const line = (id: string, playerId: string): ChatLine => ({
    id,
    playerId,
    seat: 0,
    handNumber: null,
    kind: 'phrase',
    phraseId: 'nice',
    text: '好牌！',
    textEn: 'Nice hand!',
    atMs: 1,
  });

  it('sends chat frames without a version, keeps delivered lines, hides muted senders and tells the server again after a welcome', async () => {
    const { frames, sent } = harness();
    frames.receive(welcome, 9_000);
    void frames.send({ t: 'chat', kind: 'emoji', emoji: '👍' });
    assert.equal(sent.at(-1)?.v, undefined, 'chat carries no room version');
    assert.equal(sent.at(-1)?.t, 'chat');
    frames.receive({ t: 'chat', message: line('m1', 'p2') }, 9_000);
    frames.receive({ t: 'chat', message: line('m2', 'p3') }, 9_000);
    assert.deepEqual(
      frames.state.chat.map((l) => l.id),
      ['m1', 'm2'],
    );
    const muting = frames.mute('p2', true);
    const request = sent.at(-1) as Record<string, unknown>;
    assert.deepEqual([request.t, request.playerId, request.muted, request.v], ['chat_mute', 'p2', true, undefined]);
    frames.receive({ t: 'ok', id: request.id as string }, 9_000);
    assert.equal((await muting).t, 'ok');
    assert.deepEqual(frames.state.muted, ['p2']);
    assert.deepEqual(
      frames.state.chat.map((l) => l.id),
      ['m2'],
      "the muted player's lines are hidden",
    );
    frames.receive({ t: 'chat', message: line('m3', 'p2') }, 9_000);
    assert.equal(frames.state.chat.length, 1, 'a line on its way from a muted player is dropped');
    // Earlier lines read over HTTP go before the live ones, once each, without the muted player's.
    frames.addEarlierChat([line('m0', 'p3'), line('m1', 'p2'), line('m2', 'p3')]);
    assert.deepEqual(
      frames.state.chat.map((l) => l.id),
      ['m0', 'm2'],
    );
    const before = sent.length;
    frames.receive(welcome, 9_000);
    assert.deepEqual(
      sent.slice(before).map((f) => [f.t, f.playerId]),
      [['chat_mute', 'p2']],
      'the mute is sent again after a welcome',
    );
  });
});

describe('hand patches', () => {
  interface PatchedHand {
    readonly handNumber: number;
    readonly turnDeadlineMs: number | null;
    readonly view: {
      readonly step: number;
      readonly potPoints: number;
      readonly players: readonly { seat: number; cards: string[] | null; seen?: boolean }[];
    };
    readonly legal: unknown;
    readonly info?: { readonly dealerSeat: number };
  }
  const hand: PatchedHand = {
    handNumber: 1,
    turnDeadlineMs: 50_000,
    view: {
      step: 0,
      potPoints: 10,
      players: [
        { seat: 0, cards: null },
        { seat: 1, cards: null },
      ],
    },
    legal: { look: true },
    info: { dealerSeat: 1 },
  };

  function patched() {
    const sent: Record<string, unknown>[] = [];
    const frames = new RoomFrames<Room, PatchedHand, { dealerSeat: number }>({
      transmit: (data) => {
        sent.push(JSON.parse(data) as Record<string, unknown>);
        return true;
      },
      onChange: () => undefined,
    });
    return { frames, sent };
  }

  it('replaces the fields, whole players and legal actions a patch names, and keeps the rest', () => {
    const after = applyHandPatch(hand, {
      base: 7,
      turnDeadlineMs: 60_000,
      view: { step: 1, potPoints: 12 },
      players: [{ seat: 1, cards: ['As', 'Kd', '2c'], seen: true }],
      legal: null,
    });
    assert.equal(after.turnDeadlineMs, 60_000);
    assert.equal(after.view.step, 1);
    assert.equal(after.view.potPoints, 12);
    assert.deepEqual(after.view.players, [
      { seat: 0, cards: null },
      { seat: 1, cards: ['As', 'Kd', '2c'], seen: true },
    ]);
    assert.equal(after.legal, null, 'a null legal list replaces the old one');
    assert.deepEqual(after.info, { dealerSeat: 1 }, "the hand's facts stay");
    assert.equal(hand.view.step, 0, 'the hand patched is not changed');
    const same = applyHandPatch(hand, { base: 7 });
    assert.deepEqual(same, hand, 'an empty patch changes nothing');
  });

  it('applies a patch on the hand frame it names as its base, and answers the request it carries', async () => {
    const { frames, sent } = patched();
    frames.receive({ ...welcome, v: 6, hand: null }, 0);
    frames.receive({ t: 'hand', v: 7, hand }, 0);
    const act = frames.send({ t: 'act', action: { type: 'call' } });
    frames.receive({ t: 'hand_patch', id: 'c1', v: 8, base: 7, view: { step: 1 }, legal: { look: false } }, 0);
    assert.deepEqual(await act, { t: 'ok', v: 8 });
    frames.receive({ t: 'hand_patch', v: 9, base: 8, players: [{ seat: 0, cards: null, seen: true }] }, 0);
    assert.equal(frames.state.v, 9);
    assert.equal(frames.state.hand?.view.step, 1);
    assert.deepEqual(frames.state.hand?.legal, { look: false });
    assert.deepEqual(frames.state.hand?.view.players[0], { seat: 0, cards: null, seen: true });
    assert.deepEqual(frames.state.info, { dealerSeat: 1 });
    assert.equal(
      sent.some((f) => f.t === 'resync'),
      false,
      'no resync while every patch applies',
    );
  });

  it('takes the welcome as the base it names, or its own version', () => {
    const { frames, sent } = patched();
    frames.receive({ ...welcome, v: 12, handV: 10, hand }, 0);
    frames.receive({ t: 'hand_patch', v: 13, base: 10, view: { step: 4 } }, 0);
    assert.equal(frames.state.hand?.view.step, 4, 'a room change after the hand frame does not break the chain');
    const b = patched();
    b.frames.receive({ ...welcome, v: 12, hand }, 0);
    b.frames.receive({ t: 'hand_patch', v: 13, base: 12, view: { step: 5 } }, 0);
    assert.equal(b.frames.state.hand?.view.step, 5);
    assert.equal(sent.length + b.sent.length, 0);
  });

  it('asks for the whole view once on a gap, applies nothing until it comes, then follows the patches again', async () => {
    const { frames, sent } = patched();
    frames.receive({ ...welcome, v: 6, hand: null }, 0);
    frames.receive({ t: 'hand', v: 7, hand }, 0);
    // The patch on version 8 was missed.
    const act = frames.send({ t: 'act', action: { type: 'call' } });
    frames.receive({ t: 'hand_patch', id: 'c1', v: 9, base: 8, view: { step: 2, potPoints: 30 } }, 0);
    frames.receive({ t: 'hand_patch', v: 10, base: 9, view: { step: 3 } }, 0);
    assert.deepEqual(
      sent.filter((f) => f.t === 'resync'),
      [{ t: 'resync' }],
      'one resync for the gap, not one per patch after it',
    );
    assert.equal(frames.state.hand?.view.step, 0, 'no patch is applied on a hand it was not made on');
    assert.equal(frames.state.hand?.view.potPoints, 10);
    assert.equal(frames.state.v, 7, 'nor does the version move on');
    assert.equal((await act).t, 'ok', 'the action the missed frame answered still counts');
    frames.receive({ ...welcome, v: 10, handV: 10, hand: { ...hand, view: { ...hand.view, step: 3, potPoints: 30 } } }, 0);
    frames.receive({ t: 'hand_patch', v: 11, base: 10, view: { step: 4 } }, 0);
    assert.equal(frames.state.hand?.view.step, 4);
    assert.equal(frames.state.hand?.view.potPoints, 30);
    frames.receive({ t: 'hand_patch', v: 13, base: 12, view: { step: 6 } }, 0);
    assert.equal(sent.filter((f) => f.t === 'resync').length, 2, 'a later gap asks again');
  });

  it('asks for the whole view when a patch arrives with no hand held', () => {
    const { frames, sent } = patched();
    frames.receive({ ...welcome, hand: null }, 0);
    frames.receive({ t: 'hand_patch', v: 4, base: 3, view: { step: 1 } }, 0);
    assert.equal(frames.state.hand, null);
    assert.deepEqual(sent, [{ t: 'resync' }]);
  });
});
