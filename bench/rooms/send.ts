// CPU per send on a ws server: ws.send(buffer) vs one write of a pre-framed buffer to the TCP socket.
import { spawn } from 'node:child_process';
import { WebSocketServer, WebSocket } from 'ws';
import { textFrame } from '../../packages/server/src/rooms/gateway.ts';
const mode = process.argv[2] ?? 'ws';
if (mode === 'client') {
  const n = Number(process.argv[3]); const port = Number(process.argv[4]);
  let open = 0; let got = 0;
  for (let i = 0; i < n; i++) { const w = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false }); w.on('open', () => { if (++open === n) process.stdout.write('OPEN\n'); }); w.on('message', (d: Buffer) => { got++; JSON.parse(d.toString()); }); }
} else {
  const N = 1000;
  const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.on('listening', r));
  const port = (wss.address() as { port: number }).port;
  const socks: WebSocket[] = [];
  wss.on('connection', (s) => socks.push(s));
  const child = spawn(process.execPath, [import.meta.filename, 'client', String(N), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout!.on('data', (d) => { if (String(d).includes('OPEN')) r(); }));
  const text = JSON.stringify({ t: 'hand', v: 1, view: { players: Array.from({ length: 5 }, (_, i) => ({ seat: i, stake: 3, status: 'active', seen: false })), pot: 15, step: 3, phase: 'betting' }, pad: 'x'.repeat(600) });
  const rounds = 300; let sends = 0;
  const c0 = process.threadCpuUsage();
  for (let r = 0; r < rounds; r++) {
    const t = text.replace('"v":1', `"v":${r}`);
    const payload = Buffer.from(t); const frame = textFrame(payload);
    for (const s of socks) {
      if (mode === 'ws') s.send(payload, { binary: false });
      else (s as any)._socket.write(frame);
      sends++;
    }
    await new Promise((res) => setImmediate(res));
  }
  const c = process.threadCpuUsage(c0);
  console.log(`${mode}: user ${(c.user / sends).toFixed(2)} sys ${(c.system / sends).toFixed(2)} µs per send (${sends} sends)`);
  child.kill(); wss.close(); process.exit(0);
}
