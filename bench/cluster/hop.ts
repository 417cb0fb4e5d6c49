// The extra hop on its own: a player's command from the node holding their socket to the node
// holding their room and back, over the cluster's bus (Redis pub/sub), without the room or the
// database. A child process plays the owner: for each command it sends a room-sized frame to the
// session, then the reply, as a room does. Measured: round trips per second and their latency
// (send → frame received, the part a player feels), at a fixed offered rate each.
//
//   npx node bench/cluster/hop.ts --rates 200,1000,5000 --seconds 5
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Bus } from '../../packages/server/src/cluster/bus.ts';
import { ClusterRedis, Keys } from '../../packages/server/src/cluster/redis.ts';

const RATE_MAX = 20_000;
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const url = process.env.FAIRGROUND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
if (!/^redis:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error('loopback only');
const quiet = { warn() {}, error() {} };
/** A hand frame as a seat receives it after an action (about 1.2 kB). */
const FRAME = JSON.stringify({
  t: 'hand',
  v: 42,
  serverNowMs: 0,
  hand: {
    handNumber: 3,
    view: {
      players: Array.from({ length: 5 }, (_, seat) => ({
        seat,
        status: 'active',
        seen: false,
        contributedPoints: 12,
        cards: null,
        padding: 'x'.repeat(150),
      })),
    },
  },
});

if (process.env.HOP_OWNER) {
  // The owner node: answers every command with a frame for the session, then the reply.
  const redis = new ClusterRedis({ url });
  await redis.connect();
  const bus = new Bus(redis, new Keys(process.env.HOP_OWNER), 'owner~1', quiet);
  await bus.start({
    request: async (from, _op, a) => {
      bus.frame(from, String((a as { sid: string }).sid), FRAME);
      return 7;
    },
    notice() {},
    frame() {},
    closed() {},
  });
  process.stdout.write('READY\n');
  process.on(
    'SIGTERM',
    () =>
      void bus
        .stop()
        .then(() => redis.close())
        .then(() => process.exit(0)),
  );
} else {
  const prefix = `bench_hop_${randomBytes(4).toString('hex')}:`;
  const owner = spawn(process.execPath, [import.meta.filename], {
    env: { ...process.env, HOP_OWNER: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => owner.stdout?.on('data', (d: Buffer) => d.toString().includes('READY') && resolve()));
  const redis = new ClusterRedis({ url });
  await redis.connect();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const bus = new Bus(redis, new Keys(prefix), 'edge~1', quiet);
  await bus.start({
    request: async () => null,
    notice() {},
    frame: (sid) => {
      const t = sentAt.get(sid);
      if (t !== undefined) latencies.push(performance.now() - t);
    },
    closed() {},
  });
  console.log('| offered/s | round trips/s | p50 ms | p99 ms | max ms |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  const seconds = Math.min(Number(arg('seconds', '5')), 60);
  for (const rate of arg('rates', '200,1000,5000').split(',').map(Number)) {
    if (!(rate > 0 && rate <= RATE_MAX)) throw new Error(`rates are 1–${RATE_MAX} per second`);
    latencies.length = 0;
    sentAt.clear();
    let n = 0;
    const t0 = performance.now();
    const pending: Promise<unknown>[] = [];
    // Commands leave in ticks of 10 ms, as players' commands arrive spread over time.
    while (performance.now() - t0 < seconds * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      for (; n < due; n++) {
        const sid = `ses_${n}`;
        sentAt.set(sid, performance.now());
        pending.push(bus.request('owner~1', 'cmd', { sid, f: { t: 'act', v: 41, action: { type: 'call' } } }));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(pending);
    const wallS = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0).toFixed(2);
    console.log(`| ${rate} | ${Math.round(latencies.length / wallS)} | ${p(0.5)} | ${p(0.99)} | ${(latencies.at(-1) ?? 0).toFixed(2)} |`);
  }
  owner.kill('SIGTERM');
  await bus.stop();
  await redis.close();
  process.exit(0);
}
