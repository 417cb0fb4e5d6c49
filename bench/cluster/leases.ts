// The Redis side of the room directory on its own: how many room leases one Redis renews per
// second (the scripts the nodes run, in batches of 500 rooms), and how many code lookups and
// presence writes it answers, with Redis's own CPU over each phase. Loopback only; its own key prefix.
//
//   npx node bench/cluster/leases.ts --rooms 20000 --seconds 5
import { randomBytes } from 'node:crypto';
import { Directory } from '../../packages/server/src/cluster/directory.ts';
import { ClusterRedis, Keys } from '../../packages/server/src/cluster/redis.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const ROOMS_MAX = 200_000;
const rooms = Math.min(Number(arg('rooms', '20000')), ROOMS_MAX);
const seconds = Math.min(Number(arg('seconds', '5')), 60);
const url = process.env.FAIRGROUND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
if (!/^redis:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error('loopback only');

const redis = new ClusterRedis({ url, callTimeoutMs: 10_000 });
await redis.connect();
const keys = new Keys(`bench_leases_${randomBytes(4).toString('hex')}:`);
const dir = new Directory(redis, keys, { owner: 'bench~1', nodeId: 'bench', leaseMs: 30_000 });
const ids = Array.from({ length: rooms }, (_, i) => `room_${i}`);

async function redisCpuS(): Promise<number> {
  const info = await redis.client.info('cpu');
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  return sys + user;
}

async function phase(name: string, unitsPerCall: number, call: (i: number) => Promise<unknown>, concurrency = 8): Promise<void> {
  const cpu0 = await redisCpuS();
  const t0 = performance.now();
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - t0 < seconds * 1000) await call(calls++);
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (await redisCpuS()) - cpu0;
  const perS = (calls * unitsPerCall) / wallS;
  console.log(
    `| ${name} | ${Math.round(perS).toLocaleString('en')} | ${Math.round((cpuS / wallS) * 100)} % | ${((cpuS / (calls * unitsPerCall)) * 1e6).toFixed(2)} |`,
  );
}

for (let i = 0; i < rooms; i += 500) await Promise.all(ids.slice(i, i + 500).map((id) => dir.claim(id)));
const presence = (i: number) => ({
  presence: {
    roomId: `room_${i % rooms}`,
    code: String(100_000 + (i % rooms)),
    status: 'playing',
    mode: 'classic',
    seats: 3,
    seated: 3,
    observers: 0,
    friendsVisible: true,
    fvMembers: [`p${i % rooms}a`, `p${i % rooms}b`, `p${i % rooms}c`],
  },
  before: [`p${i % rooms}a`, `p${i % rooms}b`, `p${i % rooms}c`],
});
console.log(`${rooms} rooms leased; Redis ${url}\n`);
console.log('| operation | per second | Redis CPU | Redis CPU µs each |');
console.log('| --- | ---: | ---: | ---: |');
await phase('lease renewals (500 rooms per script call)', 500, (i) => dir.renew(ids.slice((i * 500) % rooms, ((i * 500) % rooms) + 500)));
await phase('presence writes (one room per pipeline)', 1, (i) => dir.publish([presence(i)]), 64);
await phase('code lookups', 1, (i) => dir.lookupCode(String(100_000 + (i % rooms))), 64);
await phase('claims of held rooms (refused)', 1, (i) => dir.claim(`room_${i % rooms}`), 64);

// Bench cleanup only: the product reads Redis by key and never scans it.
let cursor = '0';
do {
  const [next, found] = await redis.client.scan(cursor, 'MATCH', `${keys.prefix}*`, 'COUNT', 5000);
  cursor = next;
  if (found.length > 0) await redis.client.del(...found);
} while (cursor !== '0');
await redis.close();
process.exit(0);
