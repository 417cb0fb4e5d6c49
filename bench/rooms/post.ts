// What one round trip to a worker thread costs the main thread, as the SQLite store's requests
// make it (`adapters/sqlite/index.ts`, `ThreadConnection`): post a request, wait for the one-value
// reply, post the next. Three requests: a bare statement (`RELEASE SAVEPOINT`), a hosted event
// write of 24 rows as structured arrays (≈ 3.6 KB cloned), and the same rows as one JSON string.
// Reports the wall time of `postMessage` itself and the main thread's CPU per round trip (the
// reply's delivery included), so the wake-up and the copy can be told apart.
//
//   npx node bench/rooms/post.ts [roundTrips=20000]
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';

const ROUND_TRIPS = Number(process.argv[2] ?? 20_000);
if (!Number.isSafeInteger(ROUND_TRIPS) || ROUND_TRIPS < 1 || ROUND_TRIPS > 10_000_000)
  throw new Error('usage: post.ts [roundTrips, 1 to 10,000,000]');

const worker = new Worker(
  "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => parentPort.postMessage(0));",
  { eval: true },
);
const rows = Array.from({ length: 24 }, (_, i) => [
  'r_abcdefghijklmnopqrstuvwx',
  1000 + i,
  1_796_660_630_120 + i,
  'hand_action',
  JSON.stringify({ type: 'call', seat: i % 5, costPoints: 2, note: 'y'.repeat(40) }),
]);
const requests: Record<string, unknown[]> = {
  statement: [1, 'run', 'RELEASE SAVEPOINT fg_unit', []],
  'rows as arrays': [1, 'call', 'file:///rooms/event-writes.ts', [{ rows }, 1_796_660_630_120]],
  'rows as one string': [1, 'call', 'file:///rooms/event-writes.ts', JSON.stringify([{ rows }, 1_796_660_630_120])],
};

let answered: (() => void) | null = null;
worker.on('message', () => {
  const a = answered;
  answered = null;
  a?.();
});

async function measure(name: string, request: unknown[]): Promise<void> {
  let postNs = 0n;
  const cpu0 = process.threadCpuUsage();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const replied = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const t0 = process.hrtime.bigint();
    worker.postMessage(request);
    postNs += process.hrtime.bigint() - t0;
    await replied;
  }
  const cpu = process.threadCpuUsage(cpu0);
  console.log(
    `| ${name} | ${serialize(request).length} | ${(Number(postNs) / ROUND_TRIPS / 1000).toFixed(1)} | ${((cpu.user + cpu.system) / ROUND_TRIPS).toFixed(1)} | ${(cpu.system / ROUND_TRIPS).toFixed(1)} |`,
  );
}

console.log('| request | bytes cloned | postMessage µs (wall) | main thread CPU µs per round trip | of it system |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (let round = 0; round < 2; round++) for (const [name, request] of Object.entries(requests)) await measure(name, request);
await worker.terminate();
