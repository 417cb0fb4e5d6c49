// A change that moves both the room's header and the hand (a hand's start and end) sends each
// connection a `room` frame and then its `hand` frame. The two leave in one write to the socket
// (corked: one `writev`), and the client still reads them as two messages, in that order.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { assertEveryFrameChecked, botRng, checkNoHiddenCards, playRoom } from './bots.ts';
import { type Frame, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

/** The `t` of each server frame in a chunk the server wrote (unmasked text frames, RFC 6455 §5.2). */
function frameTypes(chunk: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at + 2 <= chunk.length; ) {
    if (chunk[at] !== 0x81) return types;
    const len7 = (chunk[at + 1] as number) & 0x7f;
    const header = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
    const n = len7 === 126 ? chunk.readUInt16BE(at + 2) : len7 === 127 ? Number(chunk.readBigUInt64BE(at + 2)) : len7;
    const text = chunk.subarray(at + header, at + header + n).toString('utf8');
    types.push(/^\{"t":"([a-z_]+)"/.exec(text)?.[1] ?? '?');
    at += header + n;
  }
  return types;
}

type Written = { readonly socket: net.Socket; readonly types: string[]; readonly calls: 'write' | 'writev' };

/** Records what every TCP socket of this process writes, by call, until `stop`. */
function recordWrites(): { writes: Written[]; stop(): void } {
  const proto = net.Socket.prototype as unknown as {
    _write(chunk: Buffer, encoding: string, cb: () => void): void;
    _writev(chunks: { chunk: Buffer }[], cb: () => void): void;
  };
  const write = proto._write;
  const writev = proto._writev;
  const writes: Written[] = [];
  proto._write = function (this: net.Socket, chunk, encoding, cb) {
    if (Buffer.isBuffer(chunk)) writes.push({ socket: this, types: frameTypes(chunk), calls: 'write' });
    return write.call(this, chunk, encoding, cb);
  };
  proto._writev = function (this: net.Socket, chunks, cb) {
    const types = chunks.flatMap(({ chunk }) => (Buffer.isBuffer(chunk) ? frameTypes(chunk) : []));
    writes.push({ socket: this, types, calls: 'writev' });
    return writev.call(this, chunks, cb);
  };
  return {
    writes,
    stop() {
      proto._write = write;
      proto._writev = writev;
    },
  };
}

describe('room and hand frames of one change', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const d of dbs) await d.destroy();
  });

  it('leave in one write per connection and arrive as two messages, room first', async () => {
    const db = new TestDatabase('sqlite');
    dbs.push(db);
    const server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 5, 3, 12)));
    const recorder = recordWrites();
    try {
      const { players, room, clients } = await seatCashRoom(server, 'pair', '10.72.1');
      const [owner] = players as [Player];
      const marks = clients.map((c) => c.frames.length);
      await playRoom(server, clients, room.roomId, botRng('paired-frames'), { handsMax: 2 });

      const isHand = (t: string | undefined) => t === 'hand' || t === 'hand_patch';
      const paired = recorder.writes.filter(
        (w) => w.calls === 'writev' && w.types.length === 2 && w.types[0] === 'room' && isHand(w.types[1]),
      );
      assert.ok(paired.length >= clients.length * 2, `room and hand frames written together (${paired.length} writes)`);
      // No connection got a room frame by itself immediately followed by its hand frame in a write of its own.
      const bySocket = new Map<net.Socket, Written[]>();
      for (const w of recorder.writes) bySocket.set(w.socket, [...(bySocket.get(w.socket) ?? []), w]);
      for (const list of bySocket.values()) {
        for (let i = 0; i + 1 < list.length; i++) {
          const [a, b] = [list[i] as Written, list[i + 1] as Written];
          const split = a.types.length === 1 && a.types[0] === 'room' && b.types.length === 1 && isHand(b.types[0]) && b.calls === 'write';
          assert.ok(!split, 'a room frame and the hand frame after it never leave in two writes');
        }
      }
      // Each client read them as separate messages, the room frame before the hand frame of its change.
      for (const [i, c] of clients.entries()) {
        const got = c.frames.slice(marks[i]);
        const starts = got.flatMap((f: Frame, k) => (f.t === 'hand' && (f.hand as Frame | null)?.info !== undefined ? [k] : []));
        assert.ok(starts.length >= 2, `${c.player.handle} saw both hands start`);
        for (const k of starts)
          assert.equal(got[k - 1]?.t, 'room', `${c.player.handle}: the room frame comes just before the hand's start`);
      }
      await checkNoHiddenCards(server, room.roomId, owner.id);
    } finally {
      recorder.stop();
      await server.stop();
    }
  });
});

after(() => assertEveryFrameChecked());
