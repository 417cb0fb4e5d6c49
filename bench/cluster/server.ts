// The server half of the cluster benchmark: the rooms benchmark's server (the real platform with a
// bench-only funding route and per-bot client addresses, see bench/rooms/server.ts), here as a
// cluster node on PostgreSQL and Redis. bench/rooms/run.ts starts it in place of its own server
// (through hook.ts); the topology comes from the environment:
//   one    one node with every role; players connect to it
//   hop    this node serves the API only and starts a rooms node beside it: every room lives on
//          the other node, so every frame and command crosses Redis pub/sub (one extra hop)
//   two-a, two-b   one of two rooms nodes; two load generators, one per node, share PostgreSQL and Redis
// Prints `READY <url>` when it listens; SIGTERM takes the graceful path (rooms handed over).
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { systemClock } from '@fairground/core';
import { Type } from '@sinclair/typebox';
import { createPostgresStore } from '../../packages/server/src/adapters/postgres/index.ts';
import { createPlatform } from '../../packages/server/src/app.ts';
import { createDependencyBreakers } from '../../packages/server/src/cluster/index.ts';
import { loadPolicyFile } from '../../packages/server/src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../packages/server/src/config.ts';
import { implement } from '../../packages/server/src/http/routes.ts';
import { playerAccount, systemAccount } from '../../packages/server/src/ledger/index.ts';
import { standInAdapters } from '../../packages/server/src/standins/index.ts';
import { standIn } from '../../packages/server/src/bindings.ts';
import { rfc3161Authority } from '../../packages/server/src/notary/index.ts';
import { startTsaSandbox } from '@fairground/timestamp';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const need = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is required (bench/cluster/run.ts sets it)`);
  return v;
};
const database = arg('db', '');
if (!database.startsWith('postgres')) throw new Error('the cluster benchmark runs on PostgreSQL (--db postgres)');
const topology = need('BENCH_TOPOLOGY');
const child = process.env.BENCH_CHILD === '1';
const nodeId = child ? 'rooms-a' : topology === 'two-b' ? 'node-b' : topology === 'hop' ? 'api-b' : 'node-a';
const roles: ('api' | 'rooms' | 'worker')[] = child ? ['rooms', 'worker'] : topology === 'hop' ? ['api'] : ['api', 'rooms', 'worker'];

// hop: the rooms node starts first, beside this one.
let roomsNode: ChildProcess | null = null;
if (topology === 'hop' && !child) {
  roomsNode = spawn(process.execPath, [import.meta.filename, '--db', database], {
    env: { ...process.env, BENCH_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    roomsNode?.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/READY /.test(out)) resolve();
    });
    roomsNode?.once('exit', (code) => reject(new Error(`rooms node exited with ${code}`)));
  });
}

const store = await createPostgresStore({ url: database, schema: need('BENCH_SCHEMA'), clock: systemClock });
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
const platform = await createPlatform({
  config: {
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'error',
    sessionSecret: need('BENCH_SESSION_SECRET'),
    dataKey: Buffer.from(need('BENCH_DATA_KEY'), 'hex'),
    devLoginAllowed: true,
    termsVersion: '2026-01',
    accessTokenTtlS: 3600,
    refreshTokenTtlS: 7200,
    bodyLimitBytes: 16 * 1024,
    wechatAppIds: { miniprogram: 'wxbenchmp', h5: 'wxbenchh5' },
    serveClients: false,
    redisUrl: need('BENCH_REDIS_URL'),
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
  // BENCH_LOG_LEVEL=warn shows the nodes' warnings on the generator's stderr.
  logger: process.env.BENCH_LOG_LEVEL ? { level: process.env.BENCH_LOG_LEVEL, stream: process.stderr } : false,
  nodeId,
  roles,
  breakers: createDependencyBreakers(),
  cluster: { redisUrl: need('BENCH_REDIS_URL'), prefix: need('BENCH_PREFIX'), leaseMs: 10_000 },
  rooms: {
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
        key: `${nodeId}:${actor.playerId}:${funded}`,
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

const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
const pidsFile = process.env.BENCH_PIDS_FILE;
if (pidsFile) appendFileSync(pidsFile, `${process.pid} ${nodeId}\n`);
process.stdout.write(`READY ${url}\n`);

process.on('SIGTERM', () => {
  void (async () => {
    platform.drain();
    await platform.close();
    await store.close();
    if (roomsNode !== null) {
      roomsNode.kill('SIGTERM');
      await new Promise((r) => roomsNode?.once('exit', r));
    }
    process.exit(0);
  })();
});
