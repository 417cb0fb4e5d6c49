// The room socket's send path alone: CPU of the server's thread per frame sent, through `ws`
// (`socket.send(buffer)`: a header per socket, corked writev of two buffers) or as the gateway now
// sends (the frame made once, one write of one buffer per socket). 1,000 loopback clients in a
// child process read every frame; the server sends a ~900-byte hand-like frame to all of them, 300
// times, one broadcast per event-loop turn. `--pad N` sets the frame's padding (600 characters by
// default; 0 makes a ~250-byte frame): the cost of a frame's bytes, apart from the frame itself.
//
//   npx node bench/rooms/send.ts ws      npx node bench/rooms/send.ts raw [--pad 2400]
import { spawn } from 'node:child_process';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from '../../packages/server/src/rooms/gateway.ts';

const CLIENTS = 1000;
const ROUNDS = 300;
const mode = process.argv[2] ?? 'ws';
if (mode !== 'ws' && mode !== 'raw' && mode !== 'client') throw new Error('usage: send.ts ws|raw [--pad N]');
const padAt = process.argv.indexOf('--pad');
const PAD = padAt > 0 ? Number(process.argv[padAt + 1]) : 600;
if (!Number.isSafeInteger(PAD) || PAD < 0 || PAD > 1_000_000) throw new Error('--pad takes a whole number of characters, 0 to 1,000,000');

if (mode === 'client') {
  const port = Number(process.argv[3]);
  let open = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const w = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    w.on('open', () => {
      open += 1;
      if (open === CLIENTS) process.stdout.write('OPEN\n');
    });
    w.on('message', (d: Buffer) => JSON.parse(d.toString()));
  }
} else {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.on('listening', r));
  const port = (wss.address() as { port: number }).port;
  const sockets: WebSocket[] = [];
  wss.on('connection', (s) => sockets.push(s));
  const child = spawn(process.execPath, [import.meta.filename, 'client', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) =>
    child.stdout?.on('data', (d: Buffer) => {
      if (String(d).includes('OPEN')) r();
    }),
  );
  const players = Array.from({ length: 5 }, (_, seat) => ({ seat, stakePoints: 3, status: 'active', seen: false }));
  const text = JSON.stringify({
    t: 'hand',
    v: 1,
    hand: { view: { players, potPoints: 15, step: 3, phase: 'betting' }, pad: 'x'.repeat(PAD) },
  });
  let sends = 0;
  const c0 = process.threadCpuUsage();
  for (let r = 0; r < ROUNDS; r++) {
    const payload = Buffer.from(text.replace('"v":1', `"v":${r}`));
    const frame = textFrame(payload);
    for (const s of sockets) {
      if (mode === 'ws') s.send(payload, { binary: false });
      else (s as unknown as { _socket: { write(b: Buffer): boolean } })._socket.write(frame);
      sends += 1;
    }
    await new Promise((res) => setImmediate(res));
  }
  const c = process.threadCpuUsage(c0);
  console.log(
    `${mode}: user ${(c.user / sends).toFixed(2)} µs, system ${(c.system / sends).toFixed(2)} µs per frame sent (${sends} frames of ${text.length} bytes)`,
  );
  child.kill();
  wss.close();
  process.exit(0);
}
