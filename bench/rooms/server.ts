// The server half of the rooms benchmark: the real platform (every domain, the room WebSocket,
// events persisted to SQLite with durable commits, or PostgreSQL) on a loopback port, in a
// process of its own. Started by run.ts; prints `READY <url>` when it listens and stops on SIGTERM
// through the graceful path.
//
// Two bench-only affordances, neither reachable in the product: a route that funds the calling
// player's wallet (the load generator cannot make deposits), and client addresses taken from an
// `x-bench-ip` header (every bot is on 127.0.0.1, which the same-IP rule would otherwise refuse).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { Type } from '@sinclair/typebox';
import { createSqliteStore, sqliteWriterThread } from '../../packages/server/src/adapters/sqlite/index.ts';
import { createPlatform } from '../../packages/server/src/app.ts';
import { loadPolicyFile } from '../../packages/server/src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../packages/server/src/config.ts';
import { implement } from '../../packages/server/src/http/routes.ts';
import { playerAccount, systemAccount } from '../../packages/server/src/ledger/index.ts';
import type { Store } from '../../packages/server/src/storage/ports.ts';
import { standInAdapters } from '../../packages/server/src/standins/index.ts';
import { standIn } from '../../packages/server/src/bindings.ts';
import { rfc3161Authority } from '../../packages/server/src/notary/index.ts';
import { startTsaSandbox } from '@fairground/timestamp';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const database = arg('db', '');
const pgSchema = arg('schema', 'bench_rooms');

// The PostgreSQL adapter (and its client) is loaded only for a PostgreSQL run, so a SQLite run's
// idle process holds what a SQLite node holds.
const store: Store = database.startsWith('postgres')
  ? await (await import('../../packages/server/src/adapters/postgres/index.ts')).createPostgresStore({
      url: database,
      schema: pgSchema,
      clock: systemClock,
    })
  : createSqliteStore({ path: database, clock: systemClock });

// --trace: every 5 s, how long units of work waited and ran (the database's share of latency).
if (args.includes('--trace')) {
  const unitOfWork = store.unitOfWork.bind(store);
  const ms: number[] = [];
  (store as { unitOfWork: typeof unitOfWork }).unitOfWork = async (body, o) => {
    const t = performance.now();
    try {
      return await unitOfWork(body, o);
    } finally {
      if (ms.length < 1_000_000) ms.push(performance.now() - t);
    }
  };
  let lagMax = 0;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    lagMax = Math.max(lagMax, now - last - 10);
    last = now;
  }, 10).unref();
  setInterval(() => {
    const sorted = ms.splice(0).sort((a, b) => a - b);
    const p = (q: number) => (sorted[Math.floor((sorted.length * q) / 100)] ?? 0).toFixed(1);
    process.stderr.write(`trace: ${sorted.length} units/5s p50 ${p(50)} ms p99 ${p(99)} ms; event-loop lag max ${lagMax.toFixed(0)} ms\n`);
    lagMax = 0;
  }, 5000).unref();
}

let platform: Awaited<ReturnType<typeof createPlatform>>;
let funded = 0;
const fundSpec = {
  method: 'POST',
  url: '/api/bench/fund',
  summary: 'Bench only: fund the caller',
  tags: ['bench'],
  auth: 'player',
  response: Type.Object({ ok: Type.Literal(true) }),
} as const;

const tsa = await startTsaSandbox({ clock: systemClock, unref: true });
platform = await createPlatform({
  config: {
    logLevel: 'error',
    sessionSecret: randomBytes(32).toString('base64url'),
    dataKey: randomBytes(32),
    devLoginAllowed: true,
    termsVersion: '2026-01',
    accessTokenTtlS: 3600,
    refreshTokenTtlS: 7200,
    bodyLimitBytes: 16 * 1024,
    wechatAppIds: { miniprogram: 'wxbenchmp', h5: 'wxbenchh5' },
    serveClients: false,
    redisUrl: undefined,
  },
  store,
  clock: systemClock,
  policy: loadPolicyFile(DEVELOPMENT_POLICY_FILE),
  adapters: {
    // No real-name check or play reports: the benchmarks run under the development policy.
    realNameCheck: null,
    playReporting: null,
    // Hands are time-stamped by a local TSA in this process, as in development.
    notary: standIn(
      'RFC 3161 client → local TSA in the bench process',
      rfc3161Authority({ url: tsa.url, chainPem: tsa.chainPem, timeoutMs: 10_000, clock: systemClock }),
    ),
    ...standInAdapters({
      clock: systemClock,
      appIds: { miniprogram: 'wxbenchmp', h5: 'wxbenchh5' },
      signInSeed: 'bench',
      faceCheck: null,
      payments: null,
    }),
  },
  logger: false,
  rooms: {
    // Bench-only: how the shared event writes are spaced (batcher.ts), to measure the trade.
    eventWrites: {
      ...(process.env.FAIRGROUND_BENCH_EVENT_GAP_MS ? { gapMs: Number(process.env.FAIRGROUND_BENCH_EVENT_GAP_MS) } : {}),
      ...(process.env.FAIRGROUND_BENCH_EVENT_IN_FLIGHT ? { inFlightMax: Number(process.env.FAIRGROUND_BENCH_EVENT_IN_FLIGHT) } : {}),
    },
    addressOf: (request) => {
      const h = request.headers['x-bench-ip'];
      return typeof h === 'string' ? h : request.ip;
    },
  },
  extraRoutes: {
    benchFund: implement(fundSpec, async ({ actor }) => {
      funded += 1;
      await platform.ledger.submit({
        scope: 'bench.fund',
        key: `${actor.playerId}:${funded}`,
        debit: systemAccount('adjustments', 'CNY'),
        credit: playerAccount(actor.playerId, 'CNY'),
        asset: 'CNY',
        amount: 100_000,
        code: 'adjustment',
      });
      return { ok: true as const };
    }),
  },
});

const url = await platform.app.listen({ host: '127.0.0.1', port: Number(arg('port', '0')) });
process.stdout.write(`READY ${url}\n`);

// --profile-window FILE: a CPU profile of the measured window only (run.ts sends SIGUSR2 when it
// starts measuring; the profile is written at SIGTERM), so set-up (sign-ins, room creation) is left out.
const profileFile = arg('profile-window', '');
// --alloc-profile FILE: where the measured window allocates (V8's sampling heap profiler, every
// allocation counted whether or not it is collected later), written at SIGTERM like the CPU profile.
// With `BENCH_ALLOC_SURVIVORS=1` in its environment (`run.ts --server-env BENCH_ALLOC_SURVIVORS=1`)
// the samples of objects a scavenge collected are dropped: what is left is what survived the young
// generation (promoted, most of it later collected by a full collection) or is still young at the end.
const allocFile = arg('alloc-profile', '');
const allocSurvivorsOnly = process.env.BENCH_ALLOC_SURVIVORS === '1';
let profiler: import('node:inspector/promises').Session | null = null;
if (profileFile || allocFile) {
  process.on('SIGUSR2', () => {
    void (async () => {
      const { Session } = await import('node:inspector/promises');
      profiler = new Session();
      profiler.connect();
      if (profileFile) {
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      if (allocFile) {
        await profiler.post('HeapProfiler.enable');
        await profiler.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: !allocSurvivorsOnly,
        });
      }
    })();
  });
}

process.on('SIGTERM', () => {
  void (async () => {
    if (profiler !== null) {
      const { writeFileSync } = await import('node:fs');
      if (profileFile) writeFileSync(profileFile, JSON.stringify((await profiler.post('Profiler.stop')).profile));
      if (allocFile) writeFileSync(allocFile, JSON.stringify((await profiler.post('HeapProfiler.stopSampling')).profile));
    }
    await platform.close();
    await store.close();
    process.stdout.write(`STOPPED rooms=${platform.rooms.liveRooms}\n`);
    process.exit(0);
  })();
});

// SIGWINCH: the shared event writes so far on stdout (`STATS {"writes":…,"rows":…,"writerMessages":…}`);
// run.ts asks at the start and the end of its window for the rows each commit carried and the
// messages the main thread sent the SQLite writer thread (null when it has none).
process.on('SIGWINCH', () => {
  const writerMessages = sqliteWriterThread(store)?.messagesSent ?? null;
  process.stdout.write(`STATS ${JSON.stringify({ ...platform.rooms.eventWrites, writerMessages })}\n`);
});

// --heap-dir DIR: on SIGHUP, the process's memory by kind on stderr and a heap snapshot in DIR
// (run.ts sends one before the first player and one at the end of the measured window).
const heapDir = arg('heap-dir', '');
let heapSnapshots = 0;
if (heapDir) {
  process.on('SIGHUP', () => {
    void (async () => {
      const { writeHeapSnapshot } = await import('node:v8');
      const m = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 1024 / 1024);
      process.stderr.write(
        `memory: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)} MB)\n`,
      );
      heapSnapshots += 1;
      const file = writeHeapSnapshot(join(heapDir, `server-${heapSnapshots}.heapsnapshot`));
      process.stderr.write(`HEAP ${file}\n`);
    })();
  });
}
