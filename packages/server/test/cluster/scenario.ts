// A three-seat room on a cluster: created through one node, joined through others, with a bot per
// seat connected where the test says; and the checks every scenario ends with.
import assert from 'node:assert/strict';
import {
  type Bot,
  checkNoHiddenCards,
  type ClusterEnv,
  type Frame,
  handRecords,
  type Node,
  QUICK_ROOM,
  type TestPlayer,
  until,
} from './harness.ts';

export interface SeatedRoom {
  readonly roomId: string;
  readonly code: string;
  readonly players: readonly TestPlayer[];
  readonly bots: readonly Bot[];
}

/** Creates the room through `via[0]`, joins through `via[1]` and `via[2]`, and connects seat i's bot to `connect[i]`. */
export async function seatRoom(env: ClusterEnv, tag: string, via: readonly Node[], connect: readonly Node[]): Promise<SeatedRoom> {
  const players: TestPlayer[] = [];
  for (let i = 0; i < 3; i++) players.push(await env.player(via[i] as Node, `${tag}${i}`));
  const owner = players[0] as TestPlayer;
  await env.fund(owner.id, 10_000);
  const created = await (via[0] as Node).http('POST', '/api/rooms', { token: owner.token, body: QUICK_ROOM, from: owner.ip });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const { roomId, code } = created.json as { roomId: string; code: string };
  for (let i = 1; i < 3; i++) {
    const p = players[i] as TestPlayer;
    const j = await (via[i] as Node).http('POST', '/api/rooms/join', { token: p.token, body: { code }, from: p.ip });
    assert.equal(j.status, 200, `join through ${(via[i] as Node).name}: ${JSON.stringify(j.json)}`);
    assert.equal(j.json.roomId, roomId);
  }
  const bots = players.map((p, i) => env.bot(p, roomId, connect[i] as Node));
  await Promise.all(bots.map((b) => b.connect()));
  return { roomId, code, players, bots };
}

/** Holds play once every bot has seen `check` true (so a node can be stopped in the middle of a hand). */
export async function holdWhen(bots: readonly Bot[], check: (hand: Frame) => boolean, label: string): Promise<Frame> {
  for (const b of bots) b.hold = check;
  await until(() => bots.every((b) => b.hand !== null && check(b.hand)), label, 60_000);
  for (const b of bots) {
    b.auto = false;
    b.hold = null;
  }
  // Every client ends on the same version.
  const v = Math.max(...bots.map((b) => b.v));
  await until(() => bots.every((b) => b.v >= v), 'clients caught up');
  return (bots[0] as Bot).hand as Frame;
}

export async function playToEnd(bots: readonly Bot[], label = 'the room to play all its hands'): Promise<void> {
  for (const b of bots) b.resume();
  await until(() => bots.every((b) => b.room?.status === 'finished'), label, 90_000).catch((e: unknown) => {
    // Where each client stood, to tell a stalled room from a client that lost its way.
    const where = bots.map((b) =>
      JSON.stringify({
        seat: b.seat,
        connected: b.connected,
        v: b.v,
        gaps: b.gaps,
        welcomes: b.welcomes,
        room: b.room?.status,
        hand:
          b.hand === null
            ? null
            : { n: b.hand.handNumber, phase: b.hand.view?.phase, step: b.hand.view?.step, turn: b.hand.view?.turnSeat },
        errors: b.errors.slice(-5),
      }),
    );
    throw new Error(`${(e as Error).message}:\n${where.join('\n')}`);
  });
}

/** The end-of-scenario checks: every hand recorded, nobody saw a hidden card, the ledger balances. */
export async function checkRoomAfter(env: ClusterEnv, via: Node, room: SeatedRoom, handsExpected: number): Promise<Map<number, Frame>> {
  const records = await handRecords(via, room.players[0] as TestPlayer, room.roomId);
  assert.deepEqual(
    [...records.keys()].sort((a, b) => a - b),
    Array.from({ length: handsExpected }, (_, i) => i + 1),
    'every hand has its record, in order',
  );
  for (const r of records.values()) assert.equal(r.aborted, false, `hand ${r.handNumber} was played out`);
  const checked = checkNoHiddenCards(room.bots, records);
  assert.ok(checked > 0, 'hidden cards were checked');
  const report = await env.ledger.checkInvariants();
  assert.ok(report.ok, `ledger invariants: ${report.problems.join('; ')}`);
  const summary = await via.http('GET', `/api/rooms/${room.roomId}`, { token: (room.players[0] as TestPlayer).token });
  assert.equal(summary.status, 200, JSON.stringify(summary.json));
  assert.equal(summary.json.handsPlayed, handsExpected);
  const scores = (summary.json.scores as { points: number }[]).reduce((s, x) => s + x.points, 0);
  assert.equal(scores, 0, 'the scoreboard sums to zero');
  return records;
}
