// Rooms load benchmark: many rooms of five bots over real WebSockets on loopback, against the
// real server (bench/rooms/server.ts) in its own process, with every room event persisted.
//
//   npx node bench/rooms/run.ts --rooms 2000 --seconds 60            (SQLite, durable commits)
//   npx node bench/rooms/run.ts --rooms 500 --seconds 30 --db postgres
//
// This process is the load generator. Bots act round the table; the player whose turn it is acts
// 400 ms after it sees its turn, so with five players each acts every 2 s. Between hands every bot
// clicks ready at once. Reported: concurrent players (connected sockets), actions per second,
// p50/p99 action-to-broadcast latency (from sending the action to receiving the hand frame that
// carries it), and CPU and memory of the server and of this generator over the measured window.
// Runs are bounded: at most 3,000 rooms and 600 seconds, loopback only.
//
// `--profile-window FILE` writes a CPU profile of the Fairground server over the measured window.
// `--target colyseus` drives the Colyseus baseline (bench/rooms/colyseus/server.ts) with the same
// bots through a thin protocol adapter (bench/rooms/colyseus/link.ts); `--json` prints one JSON
// line only (compare.ts reads it).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyHandPatch, type HandPatchWire, type HandSectionWire } from '@fairground/rules';
import WebSocket from 'ws';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../packages/server/src/start-flags.ts';
import { ColyseusLink, type Reservation, received, reserve } from './colyseus/link.ts';

const ROOMS_MAX = 3000;
const SECONDS_MAX = 600;
const SEATS = 5;
const ACT_DELAY_MS = 400;
const SETUP_CONCURRENCY = 64;

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const rooms = Math.min(Number(arg('rooms', '200')), ROOMS_MAX);
const seconds = Math.min(Number(arg('seconds', '30')), SECONDS_MAX);
const warmupS = Math.min(Number(arg('warmup', '10')), 60);
const backend = arg('db', 'sqlite');
const target = arg('target', 'fairground');
if (target !== 'fairground' && target !== 'colyseus') throw new Error('--target takes fairground or colyseus');
if (!Number.isSafeInteger(rooms) || rooms < 1 || !Number.isSafeInteger(seconds) || seconds < 1)
  throw new Error('--rooms and --seconds take positive integers');

// ------------------------------------------------------------------ the server process

// --db-dir /dev/shm puts SQLite in memory-backed files: a diagnostic that removes the disk from the picture.
const dir = mkdtempSync(join(arg('db-dir', tmpdir()), 'fg-bench-rooms-'));
const schema = `bench_${randomBytes(4).toString('hex')}`;
const database =
  backend === 'postgres' ? (process.env.FAIRGROUND_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : join(dir, 'rooms.db');
const profileDir = arg('cpu-prof', '');
// Fairground's server starts with the flags and environment of the documented start (start-flags.ts);
// `--start plain` leaves them out (before/after). `--node-flags "…"` and `--server-env K=V,…` add
// more, for experiments. The Colyseus baseline starts plain, as its documentation starts it.
const documentedStart = target === 'fairground' && arg('start', 'documented') !== 'plain';
const serverEnv: Record<string, string | undefined> = {
  ...process.env,
  ...(documentedStart ? SERVER_ENV : {}),
  ...Object.fromEntries(
    arg('server-env', '')
      .split(',')
      .filter((kv) => kv !== '')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  ),
};
const server: ChildProcess = spawn(
  process.execPath,
  [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(documentedStart ? SERVER_NODE_FLAGS : []),
    ...arg('node-flags', '')
      .split(' ')
      .filter((f) => f !== ''),
    ...(target === 'colyseus'
      ? [join(import.meta.dirname, 'colyseus', 'server.ts')]
      : [
          join(import.meta.dirname, 'server.ts'),
          '--db',
          database,
          '--schema',
          schema,
          ...(args.includes('--trace') ? ['--trace'] : []),
          ...(arg('profile-window', '') ? ['--profile-window', arg('profile-window', '')] : []),
          ...(arg('heap-dir', '') ? ['--heap-dir', arg('heap-dir', '')] : []),
          ...(arg('alloc-profile', '') ? ['--alloc-profile', arg('alloc-profile', '')] : []),
        ]),
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: serverEnv,
  },
);
/** The server's latest `STATS` line (Fairground only: its shared event writes so far). */
let serverStats: { writes: number; rows: number; writerMessages?: number | null } | null = null;
// `--node-flags "--trace-gc-nvp"`: V8 prints a line per collection on the server's stdout; they are
// summed here by isolate (the main thread's, the SQLite writer's) and kind (`s` a scavenge, `mc`
// a full mark-compact, …), so the window's collections per second and promoted bytes can be read
// beside its CPU.
type GcTally = { count: number; pauseMs: number; promotedB: number; allocatedB: number };
const gcTrace = new Map<string, GcTally>();
function tallyGc(line: string): void {
  const m = /^\[\d+:(0x[0-9a-f]+)[^\]]*\].*? pause=([\d.]+) .*?\bgc=(\S+)/.exec(line);
  if (m === null) return;
  const key = `${m[1]} ${m[3]}`;
  const t = gcTrace.get(key) ?? { count: 0, pauseMs: 0, promotedB: 0, allocatedB: 0 };
  t.count += 1;
  t.pauseMs += Number(m[2]);
  t.promotedB += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
  t.allocatedB += Number(/ allocated=(\d+)/.exec(line)?.[1] ?? 0);
  gcTrace.set(key, t);
}
const baseUrl = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /READY (\S+)/.exec(out);
    if (m) resolve(m[1] as string);
    for (const s of out.matchAll(/STATS (\{[^\n]*\})\n/g)) serverStats = JSON.parse(s[1] as string);
    const lines = out.split('\n');
    for (const line of lines.slice(0, -1)) tallyGc(line);
    out = lines.at(-1) ?? '';
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
if (!/^http:\/\/127\.0\.0\.1:/.test(baseUrl)) throw new Error('loopback only');
const wsBase = baseUrl.replace('http', 'ws');
/** The server's resident memory before any player: what a player costs is measured above it. */
const serverIdleRssKb = procRssKb(server.pid as number);
const serverIdleRssKinds = procRssKindsKb(server.pid as number);
// --heap-dir DIR: heap snapshots of the server before the first player and at the end of the window.
const heapDir = arg('heap-dir', '');
let heapSnapshots = 0;
async function heapSnapshot(): Promise<void> {
  if (!heapDir) return;
  heapSnapshots += 1;
  const file = join(heapDir, `server-${heapSnapshots}.heapsnapshot`);
  server.kill('SIGHUP');
  // Written synchronously by the server: done when the file stops growing.
  let size = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    let now = -1;
    try {
      now = statSync(file).size;
    } catch {
      // not started yet
    }
    if (now > 0 && now === size) return;
    size = now;
  }
}
await heapSnapshot();
const wsUrl = `${wsBase}/api/rooms/ws`;

// ------------------------------------------------------------------ process statistics

const CLOCK_TICKS_PER_S = 100;
function procCpuS(pid: number | string, only: 'user' | 'system' | 'both' = 'both'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return (only === 'user' ? user : only === 'system' ? system : user + system) / CLOCK_TICKS_PER_S;
}
/** Resident memory by kind (kB): anonymous (heaps, malloc), file-backed (the node binary, libraries), shared. */
function procRssKindsKb(pid: number): { anon: number; file: number; shmem: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}
function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
function procRssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}
/**
 * CPU seconds of each of the server's threads, summed by thread name: the main thread, the SQLite
 * writer (`WorkerThread`), V8's helpers (`V8Worker`: GC and compilation), libuv's pool. A thread
 * that ended during the window is not counted (none do in a run).
 */
function procThreadsCpuS(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName.set(name, (byName.get(name) ?? 0) + procCpuS(`${pid}/task/${tid}`));
      byName.set(`${name} (system)`, (byName.get(`${name} (system)`) ?? 0) + procCpuS(`${pid}/task/${tid}`, 'system'));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}
const selfCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ------------------------------------------------------------------ HTTP helpers

async function http(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; ip?: string } = {},
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.ip) headers['x-bench-ip'] = o.ip;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function login(handle: string): Promise<{ token: string; id: string }> {
  const r = await http('POST', '/api/auth/dev/login', { body: { handle } });
  const token = (r.tokens as { accessToken: string }).accessToken;
  await http('POST', '/api/me/terms', { token, body: { version: '2026-01' } });
  return { token, id: (r.player as { id: string }).id };
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

// ------------------------------------------------------------------ bots

let measuring = false;
/** Bots click ready only once every room is set up, so setting up does not compete with play. */
let go = false;
let actions = 0;
let staleRetries = 0;
/** Hand patches that did not apply on a bot's hand (each asked for a resync; none are expected). */
let patchGaps = 0;
let errors = 0;
const latenciesMs: number[] = [];
const LATENCY_SAMPLES_MAX = 2_000_000;

// A small deterministic generator (xorshift32): bots need variety, not secrecy.
let rngState = 0x2545f491;
function rand(): number {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) / 4294967296;
}

// biome-ignore lint/suspicious/noExplicitAny: frames are read field by field
type Frame = Record<string, any>;

/** How a bot reaches its server: Fairground's JSON frames, or the Colyseus adapter. */
interface Link {
  open(onFrame: (f: Frame) => void): Promise<void>;
  send(f: Frame): void;
  readonly isOpen: boolean;
  close(): void;
}

class FairgroundLink implements Link {
  ws!: WebSocket;
  readonly token: string;
  readonly ip: string;
  readonly roomId: string;
  constructor(token: string, ip: string, roomId: string) {
    this.token = token;
    this.ip = ip;
    this.roomId = roomId;
  }
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
  open(onFrame: (f: Frame) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(wsUrl, { headers: { 'x-bench-ip': this.ip }, perMessageDeflate: false });
      this.ws.once('open', () => {
        this.ws.send(JSON.stringify({ t: 'hello', token: this.token, roomId: this.roomId }));
        resolve();
      });
      this.ws.once('error', reject);
      this.ws.on('message', (data: Buffer) => {
        received.frames += 1;
        received.bytes += data.length;
        onFrame(JSON.parse(data.toString()) as Frame);
      });
    });
  }
  send(f: Frame): void {
    this.ws.send(JSON.stringify(f));
  }
  close(): void {
    this.ws.terminate();
  }
}

class Bot {
  readonly link: Link;
  seat: number | null = null;
  v = 0;
  hand: Frame | null = null;
  room: Frame | null = null;
  #scheduledStep = -1;
  #sentStep = -1;
  #sentAt = 0;
  #readyFor = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #welcome!: () => void;
  /** The version of the hand frame, patch or welcome `hand` came from (a patch names it as its base). */
  #handV = -1;

  constructor(link: Link) {
    this.link = link;
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#welcome = resolve;
      this.link.open((f) => this.#onMessage(f)).catch(reject);
    });
  }

  /** The frame just applied carries the action this bot sent (its step passed): one latency sample. */
  #sawStep(): void {
    if (this.hand !== null && this.#sentStep >= 0 && this.hand.view.step > this.#sentStep) {
      if (measuring && latenciesMs.length < LATENCY_SAMPLES_MAX) latenciesMs.push(performance.now() - this.#sentAt);
      this.#sentStep = -1;
    }
  }

  #onMessage(f: Frame): void {
    if (typeof f.v === 'number' && f.v > this.v && (f.t !== 'hand_patch' || f.base === this.#handV)) this.v = f.v;
    switch (f.t) {
      case 'welcome':
        this.seat = f.you.seat;
        this.room = f.room;
        this.hand = f.hand;
        this.#handV = f.handV ?? f.v;
        this.#welcome();
        break;
      case 'room':
        this.room = { ...this.room, ...f.patch };
        break;
      case 'hand_patch':
        // Only what changed since the frame of version `base`; on another base a frame was missed.
        if (this.hand === null || f.base !== this.#handV) {
          patchGaps += 1;
          this.link.send({ t: 'resync' });
          break;
        }
        this.hand = applyHandPatch(this.hand as HandSectionWire, f as HandPatchWire) as Frame;
        this.#handV = f.v;
        this.#sawStep();
        break;
      case 'hand':
        this.hand = f.hand;
        this.#handV = typeof f.v === 'number' ? f.v : -1;
        this.#sawStep();
        break;
      case 'error':
        if (f.code === 'ROOM_STALE_VERSION') {
          // Someone else's event got in first (a look, another ready click): decide again on the latest state.
          staleRetries += 1;
          if (this.#sentStep >= 0) {
            this.#sentStep = -1;
            this.#scheduledStep = -1;
          }
          this.#readyFor = 0;
        } else {
          errors += 1;
          if (errors <= 3) process.stderr.write(`error frame: ${JSON.stringify(f)}\n`);
        }
        break;
      default:
        break;
    }
    this.#next();
  }

  /** Decides what to do after every frame: act on my turn (after the think time), or click ready between hands. */
  #next(): void {
    if (!go) return;
    const h = this.hand;
    if (h !== null && h.view.phase === 'betting') {
      if (h.view.turnSeat !== this.seat || this.#scheduledStep === h.view.step) return;
      this.#scheduledStep = h.view.step;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#act(), ACT_DELAY_MS);
      return;
    }
    const r = this.room;
    if (r === null || r.next === null || (r.status !== 'waiting' && r.status !== 'playing')) return;
    const me = (r.members as Frame[]).find((m) => m.seat === this.seat);
    if (me && !me.ready && this.#readyFor !== r.next.handNumber && (h === null || h.view.phase === 'over')) {
      this.#readyFor = r.next.handNumber;
      this.link.send({ t: 'ready', v: this.v, ready: true });
    }
  }

  start(): void {
    this.#next();
  }

  #act(): void {
    this.#timer = null;
    const h = this.hand;
    if (h === null || h.view.phase !== 'betting' || h.view.turnSeat !== this.seat || !h.legal) return;
    const legal = h.legal as Frame;
    let action: Frame;
    if (legal.compare && h.view.round >= 4 && rand() < 0.25) action = { type: 'compare', targetSeat: legal.compare.targetSeats[0] };
    else if (legal.look && rand() < 0.1) action = { type: 'look' };
    else if (legal.call) action = { type: 'call' };
    else action = { type: 'fold' };
    this.#sentStep = h.view.step;
    this.#sentAt = performance.now();
    if (measuring) actions += 1;
    this.link.send({ t: 'act', v: this.v, action });
  }
}

// ------------------------------------------------------------------ run

const t0 = performance.now();
const bots: Bot[] = [];
const roomIndexes = Array.from({ length: rooms }, (_, i) => i);
let setUp = 0;
async function setUpFairgroundRoom(i: number): Promise<Bot[]> {
  const players = await Promise.all(Array.from({ length: SEATS }, (_, s) => login(`b${i}s${s}`)));
  const owner = players[0] as { token: string; id: string };
  const ipOf = (s: number) => `10.${(i >> 8) & 255}.${i & 255}.${s + 1}`;
  await http('POST', '/api/bench/fund', { token: owner.token });
  const room = (await http('POST', '/api/rooms', {
    token: owner.token,
    ip: ipOf(0),
    body: { params: { mode: 'custom', seats: SEATS, rounds: 16, bettingRoundsMax: 20 }, fee: { mode: 'cash', payer: 'owner' } },
  })) as { roomId: string; code: string };
  for (let s = 1; s < SEATS; s++)
    await http('POST', '/api/rooms/join', { token: players[s]?.token as string, ip: ipOf(s), body: { code: room.code } });
  const roomBots = players.map((p, s) => new Bot(new FairgroundLink(p.token, ipOf(s), room.roomId)));
  for (const b of roomBots) await b.connect();
  return roomBots;
}

/** A Colyseus table: the first bot creates it, the others join it by id, in seat order. */
async function setUpColyseusRoom(): Promise<Bot[]> {
  const roomBots: Bot[] = [];
  let first: Reservation | undefined;
  for (let s = 0; s < SEATS; s++) {
    const r = await reserve(baseUrl, first?.roomId);
    first ??= r;
    const b = new Bot(new ColyseusLink(wsBase, r));
    await b.connect();
    roomBots.push(b);
  }
  return roomBots;
}

await pool(roomIndexes, SETUP_CONCURRENCY, async (i) => {
  const roomBots = target === 'colyseus' ? await setUpColyseusRoom() : await setUpFairgroundRoom(i);
  bots.push(...roomBots);
  setUp += 1;
  if (setUp % 200 === 0) process.stderr.write(`set up ${setUp}/${rooms} rooms\n`);
});
const setupS = (performance.now() - t0) / 1000;
process.stderr.write(`set up ${rooms} rooms, ${bots.length} players in ${setupS.toFixed(1)} s; warming up ${warmupS} s\n`);
go = true;
// Spread the first clicks over one think time, as real tables would not all start in the same millisecond.
bots.forEach((b, i) => {
  setTimeout(() => b.start(), (i * ACT_DELAY_MS) / bots.length);
});
// Rooms start as soon as all five click ready (the bots do on welcome); let them reach steady state.
await new Promise((r) => setTimeout(r, warmupS * 1000));

// The generator's own event-loop lag: its bots timestamp what they receive, so a stalled generator
// would inflate the latency it reports; this tells the two apart.
const lagsMs: number[] = [];
let lastTickMs = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  if (measuring) lagsMs.push(Math.max(0, now - lastTickMs - 10));
  lastTickMs = now;
}, 10);

const serverPid = server.pid as number;
// The server's resident memory sampled every second of the window: one reading at the end depends
// on where the old generation is in its collection cycle; the mean and the peak do much less.
const rssSamplesKb: number[] = [];
const rssTimer = setInterval(() => {
  if (measuring) rssSamplesKb.push(procRssKb(serverPid));
}, 1000);
/** Fairground's shared event writes so far (null for Colyseus): asked for by signal, answered on stdout. */
async function eventWrites(): Promise<{ writes: number; rows: number; writerMessages?: number | null } | null> {
  if (target !== 'fairground') return null;
  serverStats = null;
  server.kill('SIGWINCH');
  for (let i = 0; i < 50 && serverStats === null; i++) await new Promise((r) => setTimeout(r, 20));
  return serverStats;
}
const writes0 = await eventWrites();
const cpu0 = { server: procCpuS(serverPid), self: selfCpuS(), threads: procThreadsCpuS(serverPid) };
const gc0 = new Map([...gcTrace].map(([k, t]) => [k, { ...t }]));
const w0 = performance.now();
const received0 = { ...received };
measuring = true;
if (arg('profile-window', '') || arg('alloc-profile', '')) server.kill('SIGUSR2');
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const wallS = (performance.now() - w0) / 1000;
const writes1 = await eventWrites();
const cpu1 = { server: procCpuS(serverPid), self: selfCpuS(), threads: procThreadsCpuS(serverPid) };
const gc1 = new Map([...gcTrace].map(([k, t]) => [k, { ...t }]));
const connected = bots.filter((b) => b.link.isOpen).length;
clearInterval(lagTimer);
clearInterval(rssTimer);
lagsMs.sort((a, b) => a - b);

latenciesMs.sort((a, b) => a - b);
const pct = (p: number) =>
  latenciesMs.length === 0 ? 0 : (latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((latenciesMs.length * p) / 100))] as number);
const serverCpuS = cpu1.server - cpu0.server;
const serverRssKb = procRssKb(serverPid);
const serverRssKinds = procRssKindsKb(serverPid);
const row = {
  target,
  backend: target === 'colyseus' ? 'memory' : backend,
  rooms,
  players: connected,
  actionsPerS: Math.round(actions / wallS),
  p50Ms: Number(pct(50).toFixed(1)),
  p99Ms: Number(pct(99).toFixed(1)),
  maxMs: Number((latenciesMs.at(-1) ?? 0).toFixed(1)),
  serverCpuPct: Math.round((serverCpuS / wallS) * 100),
  /** User + system time of the server process (every thread) per action, in µs. */
  cpuPerActionUs: actions === 0 ? 0 : Math.round((serverCpuS * 1e6) / actions),
  serverRssMb: Math.round(serverRssKb / 1024),
  rssPerPlayerKb: connected === 0 ? 0 : Math.round(serverRssKb / connected),
  /** Above the idle server's resident memory: what each connected player adds. */
  rssAddedPerPlayerKb: connected === 0 ? 0 : Math.round((serverRssKb - serverIdleRssKb) / connected),
  serverIdleRssMb: Math.round(serverIdleRssKb / 1024),
  /** Resident memory per player averaged over the window (sampled every second), and its peak; above idle. */
  rssMeanPerPlayerKb: connected === 0 ? 0 : Math.round(mean(rssSamplesKb) / connected),
  rssMeanAddedPerPlayerKb: connected === 0 ? 0 : Math.round((mean(rssSamplesKb) - serverIdleRssKb) / connected),
  rssPeakAddedPerPlayerKb: connected === 0 ? 0 : Math.round((Math.max(serverRssKb, ...rssSamplesKb) - serverIdleRssKb) / connected),
  /** Resident memory by kind, idle → end of the window, in MB (anonymous: heaps and malloc; file: the binary and libraries). */
  serverRssKindsMb: Object.fromEntries(
    (['anon', 'file', 'shmem'] as const).map((k) => [
      k,
      `${Math.round(serverIdleRssKinds[k] / 1024)} → ${Math.round(serverRssKinds[k] / 1024)}`,
    ]),
  ),
  /** The same, by thread name (MainThread, WorkerThread = the SQLite writer, V8Worker = GC and compilers, …), and the kernel's part of each. */
  threadsCpuPerActionUs: Object.fromEntries(
    [...cpu1.threads]
      .map(([name, s]) => [name, actions === 0 ? 0 : Math.round(((s - (cpu0.threads.get(name) ?? 0)) * 1e6) / actions)] as const)
      .filter(([, us]) => us > 0)
      .sort((a, b) => b[1] - a[1]),
  ),
  /** Fairground's shared event writes (one transaction each) in the window, and the rows each carried. */
  eventWritesPerS: writes0 === null || writes1 === null ? null : Math.round((writes1.writes - writes0.writes) / wallS),
  rowsPerEventWrite:
    writes0 === null || writes1 === null || writes1.writes === writes0.writes
      ? null
      : Number(((writes1.rows - writes0.rows) / (writes1.writes - writes0.writes)).toFixed(1)),
  /** Messages the server's main thread sent its SQLite writer thread per action (null without one). */
  writerMessagesPerAction:
    actions === 0 || typeof writes0?.writerMessages !== 'number' || typeof writes1?.writerMessages !== 'number'
      ? null
      : Number(((writes1.writerMessages - writes0.writerMessages) / actions).toFixed(2)),
  /** Frames and bytes the bots received per action (every recipient's frames, welcomes aside). */
  framesPerAction: actions === 0 ? 0 : Number(((received.frames - received0.frames) / actions).toFixed(2)),
  bytesPerAction: actions === 0 ? 0 : Math.round((received.bytes - received0.bytes) / actions),
  generatorCpuPerActionUs: actions === 0 ? 0 : Math.round(((cpu1.self - cpu0.self) * 1e6) / actions),
  generatorCpuPct: Math.round(((cpu1.self - cpu0.self) / wallS) * 100),
  generatorRssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  generatorLagP99Ms: Number((lagsMs[Math.floor(lagsMs.length * 0.99)] ?? 0).toFixed(1)),
  /** With `--trace-gc-nvp`: the window's collections by isolate and kind, per second, and their pauses and promoted bytes per action. */
  gcInWindow: Object.fromEntries(
    [...gc1].flatMap(([key, t]) => {
      const t0 = gc0.get(key) ?? { count: 0, pauseMs: 0, promotedB: 0, allocatedB: 0 };
      if (t.count === t0.count) return [];
      return [
        [
          key,
          {
            perS: Number(((t.count - t0.count) / wallS).toFixed(1)),
            pauseUsPerAction: actions === 0 ? 0 : Math.round(((t.pauseMs - t0.pauseMs) * 1000) / actions),
            promotedBPerAction: actions === 0 ? 0 : Math.round((t.promotedB - t0.promotedB) / actions),
            allocatedBPerAction: actions === 0 ? 0 : Math.round((t.allocatedB - t0.allocatedB) / actions),
          },
        ],
      ];
    }),
  ),
  staleRetries,
  patchGaps,
  errors,
};
console.log(JSON.stringify(row));
if (!args.includes('--json'))
  console.log(
    `| ${row.backend} | ${row.rooms} | ${row.players} | ${row.actionsPerS} | ${row.p50Ms} | ${row.p99Ms} | ${row.serverCpuPct} % | ${row.serverRssMb} MB | ${row.generatorCpuPct} % | ${row.generatorRssMb} MB |`,
  );

await heapSnapshot();
for (const b of bots) b.link.close();
server.kill('SIGTERM');
const killTimer = setTimeout(() => server.kill('SIGKILL'), 10_000);
await new Promise((r) => server.once('exit', r));
clearTimeout(killTimer);
rmSync(dir, { recursive: true, force: true });
if (backend === 'postgres') {
  const { dropSchema } = await import('../../packages/server/src/adapters/testing.ts');
  await dropSchema(schema);
}
process.exit(0);
