// Skill-game speed on one core, with the ceilings of the same machine beside it.
//
//   npx node bench/skill/run.ts                  (everything; about a minute)
//   npx node bench/skill/run.ts --seconds 1      (shorter runs)
//
// 1. Replay verification: typical 60-move sessions (random legal play at a person's pace)
//    re-run from seed and log, as the verifier does, in sessions per second; the rules alone
//    and the full check (commitment, SHA-256 log digest, replay, score and state hash).
// 2. Commands applied per second: the rules' `apply` alone, and the whole server path
//    (`SkillGames.submit`: live game, command rows and session row in a durable SQLite unit).
// 3. Leaderboards on Redis: updates (ZADD GT through the leaderboard backend) and rank queries
//    (ZREVRANK + ZSCORE) per second, against `redis-benchmark` doing raw ZADD and ZREVRANK on the
//    same server with the same number of clients.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@fairground/core';
import {
  DEFAULT_PUZZLE_CONFIG,
  newPuzzle,
  type PuzzleCommand,
  type PuzzleConfig,
  PuzzleGame,
  Prng,
  playOut,
  RefillWindow,
  randomMove,
  replayPuzzle,
  serverSeedCommitment,
} from '@fairground/rules';
import { Redis } from 'ioredis';
import { createSqliteStore } from '../../packages/server/src/adapters/sqlite/index.ts';
import {
  createRedisLeaderboards,
  createMemoryLeaderboards,
  Leaderboards,
  leaderboardsMigrations,
} from '../../packages/server/src/leaderboards/index.ts';
import { Ledger } from '../../packages/server/src/ledger/index.ts';
import { matchmakingMigrations, createMemoryLinkedAccounts } from '../../packages/server/src/matchmaking/index.ts';
import { Notifications, notificationsMigrations, createMemoryBus } from '../../packages/server/src/notifications/index.ts';
import { logDigest, MATCH3, SkillCatalogue, SkillGames, skillMigrations, verifySession } from '../../packages/server/src/skill/index.ts';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] || 3);
const REDIS_URL = process.env.FAIRGROUND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const SESSIONS = 400;
const CONFIG: PuzzleConfig = { ...DEFAULT_PUZZLE_CONFIG, movesMax: 60, durationMs: 600_000 };
const REDIS_CLIENTS = 50;
const LEADERBOARD_PLAYERS = 100_000;

interface Result {
  readonly measure: string;
  readonly perS: number;
  /** Per second of this process's CPU time (CPU-bound measures only). */
  readonly perCpuS?: number;
}
const results: Result[] = [];

/**
 * Best of three timed runs of `seconds / 3` each after a warm-up; `work` returns how many units it
 * did. Also the rate per second of this process's CPU time, which is what "per core" means when
 * other work shares the machine.
 */
function bestRate(work: () => number): { wall: number; cpu: number } {
  const t0 = performance.now();
  while (performance.now() - t0 < 300) work();
  let wall = 0;
  let cpu = 0;
  for (let run = 0; run < 3; run++) {
    let n = 0;
    const start = performance.now();
    const c0 = process.cpuUsage();
    while (performance.now() - start < (seconds * 1000) / 3) n += work();
    const c = process.cpuUsage(c0);
    wall = Math.max(wall, n / ((performance.now() - start) / 1000));
    cpu = Math.max(cpu, n / ((c.user + c.system) / 1e6));
  }
  return { wall: Math.round(wall), cpu: Math.round(cpu) };
}

async function bestRateAsync(work: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < 300) await work();
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < (seconds * 1000) / 3) n += await work();
    best = Math.max(best, n / ((performance.now() - start) / 1000));
  }
  return Math.round(best);
}

function seed(n: number): Uint8Array {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, n + 1);
  s[31] = 0x5a;
  return s;
}

// --------------------------------------------------------------------- sessions to replay
const sessions: { seed: Uint8Array; log: PuzzleCommand[]; score: number; hash: string }[] = [];
let totalMoves = 0;
for (let n = 0; n < SESSIONS; n++) {
  const { game, refills } = newPuzzle(seed(n), CONFIG);
  const prng = Prng.fromSeed(seed(n), 'bench-player');
  const log = playOut(game, refills, (g) => randomMove(g, prng), { stepMs: 900, jitterMs: 2200, prng });
  sessions.push({ seed: seed(n), log, score: game.score, hash: game.stateHash() });
  totalMoves += log.length;
}
const movesPerSession = totalMoves / SESSIONS;

{
  let i = 0;
  const rate = bestRate(() => {
    const s = sessions[i++ % SESSIONS]!;
    const r = replayPuzzle(s.seed, CONFIG, s.log);
    if (r.view.score !== s.score || r.stateHash !== s.hash) throw new Error('replay disagrees');
    return 1;
  });
  results.push({
    measure: `sessions verified/s by replay (rules: seed → board, ${movesPerSession.toFixed(1)} moves, score and state hash)`,
    perS: rate.wall,
    perCpuS: rate.cpu,
  });
}
{
  // The verifier as the server runs it: also the seed commitment and the SHA-256 digest of the log.
  const rows = sessions.map((s, n) => {
    const seedHex = Buffer.from(s.seed).toString('hex');
    const commands = s.log.map((c) => ({ ...c, receivedAtMs: c.atMs }));
    return {
      row: {
        id: `ss_${n}`,
        playerId: 'p',
        game: 'match3',
        mode: 'practice' as const,
        matchId: null,
        tournamentId: null,
        seedHex,
        commitment: '',
        config: CONFIG,
        status: 'finished' as const,
        endReason: 'moves' as const,
        startedAtMs: 0,
        deadlineAtMs: 0,
        endedAtMs: 0,
        score: s.score,
        moves: s.log.length,
        nextSeq: s.log.length + 1,
        lastAtMs: 0,
        refillIndex: 0,
        stateHash: s.hash,
        logDigest: logDigest(s.log),
        claimedScore: null,
        flagged: false,
        signals: null,
      },
      commands,
    };
  });
  for (const r of rows) (r.row as { commitment: string }).commitment = serverSeedCommitment(Buffer.from(r.row.seedHex, 'hex'));
  let i = 0;
  const rate = bestRate(() => {
    const r = rows[i++ % rows.length]!;
    if (!verifySession(r.row, r.commands).ok) throw new Error('verification failed');
    return 1;
  });
  results.push({
    measure: 'sessions verified/s by the full verifier (+ commitment, SHA-256 log digest)',
    perS: rate.wall,
    perCpuS: rate.cpu,
  });
}
{
  // Commands applied by the rules alone: the same logs, one apply per command, no setup counted.
  let i = 0;
  const rate = bestRate(() => {
    const s = sessions[i++ % SESSIONS]!;
    const { game, refills } = newPuzzle(s.seed, CONFIG);
    for (const c of s.log) game.apply(c, refills);
    return s.log.length;
  });
  results.push({ measure: 'commands applied/s by the rules (including each session’s setup)', perS: rate.wall, perCpuS: rate.cpu });
}

// --------------------------------------------------------------------- the server path
{
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-skill-'));
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  const store = createSqliteStore({ path: join(dir, 'bench.db'), clock });
  await store.migrate([
    ...Ledger.migrations,
    ...notificationsMigrations,
    ...leaderboardsMigrations,
    ...matchmakingMigrations,
    ...skillMigrations,
  ]);
  const ledger = new Ledger(store, { clock });
  await ledger.openSystemAccounts();
  const skill = new SkillGames({
    store,
    ledger,
    clock,
    notifier: new Notifications({ store, bus: createMemoryBus() }),
    leaderboards: new Leaderboards({ backend: createMemoryLeaderboards(), clock }),
    catalogue: new SkillCatalogue([{ ...MATCH3, puzzle: CONFIG }]),
    linked: createMemoryLinkedAccounts(),
  });
  for (const batch of [1, 8]) {
    // Concurrent players, each streaming its own session in batches; the clock moves with them.
    const players = 32;
    const rate = await bestRateAsync(async () => {
      let applied = 0;
      await Promise.all(
        Array.from({ length: players }, async (_, k) => {
          const playerId = `bp${k}`;
          const s = await skill.startPractice(playerId, 'match3');
          // The server never sends the seed: play on its board with the refills it sends, like a client.
          let g = PuzzleGame.fromView(s.view);
          const w = new RefillWindow(CONFIG.kinds, s.refills);
          let atMs = 0;
          while (!g.ended && g.movesMade < 60) {
            const cmds: PuzzleCommand[] = [];
            let resync = false;
            while (cmds.length < batch && !g.ended) {
              const [from, to] = g.legalMoves()[0]!;
              atMs += 1000;
              const c = { seq: g.nextSeq, atMs, move: { from, to } };
              const r = g.apply(c, w);
              cmds.push(c);
              if (!r.ok) {
                resync = true;
                break;
              }
            }
            clock.setMs(Math.max(clock.nowMs(), s.startedAtMs + atMs));
            const ack = await skill.submit(playerId, s.sessionId, cmds);
            applied += ack.accepted;
            w.add(ack.refills);
            if (resync) g = PuzzleGame.fromView(ack.view);
          }
          await skill.finish(playerId, s.sessionId, null);
        }),
      );
      return applied;
    });
    results.push({
      measure: `commands applied/s through the server (SkillGames.submit, batches of ${batch}, 32 players, durable SQLite)`,
      perS: rate,
    });
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

// --------------------------------------------------------------------- leaderboards on Redis
{
  const prefix = `bench:lb:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  const backend = createRedisLeaderboards({ redis, keyPrefix: prefix });
  const board = 'match3:score:all:all';
  // Fill the board first so ranks are taken on a realistic set.
  for (let i = 0; i < LEADERBOARD_PLAYERS; i += 1000) {
    const p = redis.pipeline();
    for (let k = i; k < i + 1000; k++) p.zadd(`${prefix}lb:${board}`, (k * 7919) % 50_000, `p_${k}`);
    await p.exec();
  }
  let x = 1;
  const nextPlayer = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return `p_${x % LEADERBOARD_PLAYERS}`;
  };
  const updates = await bestRateAsync(async () => {
    await Promise.all(
      Array.from({ length: REDIS_CLIENTS }, () =>
        backend.submit([{ board, playerId: nextPlayer(), value: (x >>> 8) % 60_000, mode: 'best', expireAtMs: null }]),
      ),
    );
    return REDIS_CLIENTS;
  });
  results.push({ measure: `leaderboard updates/s (backend.submit → ZADD GT, ${REDIS_CLIENTS} in flight)`, perS: updates });
  const lbs = new Leaderboards({ backend, clock: new ManualClock(Date.now()) });
  const scores = await bestRateAsync(async () => {
    await Promise.all(Array.from({ length: REDIS_CLIENTS }, () => lbs.recordScore('benchgame', nextPlayer(), (x >>> 8) % 60_000)));
    return REDIS_CLIENTS;
  });
  results.push({
    measure: `finished-session score records/s (Leaderboards.recordScore: daily, weekly, all-time boards = 3 ZADD GT, expiry set once per board, ${REDIS_CLIENTS} in flight)`,
    perS: scores,
  });
  const ranks = await bestRateAsync(async () => {
    await Promise.all(Array.from({ length: REDIS_CLIENTS }, () => backend.entry(board, nextPlayer())));
    return REDIS_CLIENTS;
  });
  results.push({ measure: `rank queries/s (backend.entry → ZREVRANK + ZSCORE, ${REDIS_CLIENTS} in flight)`, perS: ranks });

  // The raw ceiling: redis-benchmark with the same number of clients, one command per request.
  const raw = (cmd: string[]) => {
    const out = execFileSync(
      'redis-benchmark',
      ['-h', '127.0.0.1', '-p', '6379', '-c', String(REDIS_CLIENTS), '-n', '200000', '-r', String(LEADERBOARD_PLAYERS), '-q', ...cmd],
      { encoding: 'utf8' },
    );
    const m = /([0-9.]+) requests per second/.exec(out);
    return m ? Math.round(Number(m[1])) : 0;
  };
  const rawKey = `${prefix}lb:${board}`;
  results.push({
    measure: `redis-benchmark ZADD (raw, ${REDIS_CLIENTS} clients)`,
    perS: raw(['ZADD', rawKey, '__rand_int__', 'p___rand_int__']),
  });
  results.push({ measure: `redis-benchmark ZREVRANK (raw, ${REDIS_CLIENTS} clients)`, perS: raw(['ZREVRANK', rawKey, 'p___rand_int__']) });

  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

const width = Math.max(...results.map((r) => r.measure.length));
console.log(
  `Node ${process.version}, ${seconds} s per measure (best of three), ${SESSIONS} recorded sessions of ${movesPerSession.toFixed(1)} moves`,
);
console.log('');
console.log(`| ${'measure'.padEnd(width)} | per second | per CPU-second |`);
console.log(`| ${'-'.repeat(width)} | ---------: | -------------: |`);
for (const r of results) {
  const cpu = r.perCpuS === undefined ? '' : r.perCpuS.toLocaleString('en-US');
  console.log(`| ${r.measure.padEnd(width)} | ${r.perS.toLocaleString('en-US').padStart(10)} | ${cpu.padStart(14)} |`);
}
console.log('');
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (2 cores)`,
);
