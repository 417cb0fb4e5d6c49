// What one idle WebSocket connection keeps on the server: a Fastify app with `@fastify/websocket`
// (options as `http/server.ts` registers it) and N loopback clients, live heap and RSS measured
// after a full collection before and after they connect, per connection (the clients run in a
// worker thread, so the live heap is the server's alone; RSS counts both). `--variant plain` keeps
// what the plugin keeps; `--variant dropped` lets the upgrade's request and response go, as the
// room gateway does (`gateway.ts`, `releaseUpgrade`).
//   npx node --expose-gc bench/rooms/conn-memory.ts --clients 2000 --variant plain|dropped
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { Worker } from 'node:worker_threads';
import { releaseUpgrade } from '../../packages/server/src/rooms/gateway.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const clients = Number(arg('clients', '2000'));
const variant = arg('variant', 'plain');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

async function settle(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const app = Fastify({ logger: false });
await app.register(websocket, { options: { maxPayload: 64 * 1024, perMessageDeflate: false } });
const held: unknown[] = [];
app.get('/ws', { websocket: true }, (socket, request) => {
  if (variant === 'dropped') releaseUpgrade(socket, request);
  const state = { n: 0 };
  socket.on('message', () => {
    state.n++;
  });
  socket.on('error', () => socket.terminate());
  held.push(state);
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no port');
const url = `ws://127.0.0.1:${address.port}/ws`;

const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.ws);
const sockets = [];
const open = () => new Promise((resolve, reject) => {
  const s = new WebSocket(workerData.url, { perMessageDeflate: false });
  s.once('open', () => resolve(s));
  s.once('error', reject);
});
parentPort.on('message', async (m) => {
  if (m.close) { for (const s of sockets) s.terminate(); sockets.length = 0; parentPort.postMessage('closed'); return; }
  for (let i = 0; i < m.open; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, m.open - i) }, open))));
  parentPort.postMessage('open');
});`;
const worker = new Worker(clientCode, { eval: true, workerData: { url, ws: import.meta.resolve('ws').replace('file://', '') } });
const ask = (m: object) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(m);
  });

// Warm the path (the first upgrades compile code and grow pools that are not per connection).
await ask({ open: 50 });
await ask({ close: true });
await new Promise((r) => setTimeout(r, 300));
const before = await settle();
await ask({ open: clients });
await new Promise((r) => setTimeout(r, 500));
const after = await settle();
const perKb = (b: number) => (b / clients / 1024).toFixed(2);
console.log(
  JSON.stringify({
    variant,
    clients,
    heapPerConnKb: perKb(after.heap - before.heap),
    rssPerConnKb: perKb(after.rss - before.rss),
  }),
);
await ask({ close: true });
await worker.terminate();
await app.close();
