// The room socket writes each outgoing frame as one finished WebSocket frame (header and payload in
// one buffer, shared by every socket that sends the same text). A WebSocket client must read every
// size back exactly: the three length encodings of RFC 6455, and text beyond ASCII.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ws from 'ws';
import { textFrame, textFrameOf } from '../../src/rooms/gateway.ts';

/** ws's frame parser (exported by the package, not by its type declarations). */
interface FrameReceiver {
  on(event: 'message', f: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  write(chunk: Buffer): void;
}
const Receiver = (ws as unknown as { Receiver: new (o: { isServer: boolean; maxPayload: number }) => FrameReceiver }).Receiver;

/** What a client reads from `bytes`, as ws's own receiver parses them (unmasked frames from a server). */
function read(bytes: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const r = new Receiver({ isServer: false, maxPayload: 1 << 20 });
    r.on('message', (data: Buffer, isBinary: boolean) => resolve({ text: data.toString('utf8'), isBinary }));
    r.on('error', reject);
    r.write(bytes);
  });
}

describe('room socket frames', () => {
  for (const [label, text] of [
    ['empty', ''],
    ['short (7-bit length)', '{"t":"pong"}'],
    ['125 bytes, the 7-bit limit', 'x'.repeat(125)],
    ['126 bytes (16-bit length)', 'x'.repeat(126)],
    ['a hand frame (16-bit length, Chinese text)', `{"t":"hand","nickname":"玩家${'牌'.repeat(400)}"}`],
    ['65,535 bytes, the 16-bit limit', 'y'.repeat(65_535)],
    ['65,536 bytes (64-bit length)', 'z'.repeat(65_536)],
  ] as const) {
    it(`is read back whole: ${label}`, async () => {
      const got = await read(textFrame(Buffer.from(text, 'utf8')));
      assert.equal(got.isBinary, false);
      assert.equal(got.text, text);
      // Framed from the text directly (what the sockets write): the same bytes.
      assert.deepEqual(textFrameOf(text), textFrame(Buffer.from(text, 'utf8')));
    });
  }
});
