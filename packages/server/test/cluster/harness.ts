// Several real `fairground` processes (packages/server/src/main.ts, spawned with this Node.js) on
// loopback, sharing one PostgreSQL schema of their own and one Redis under a key prefix of their
// own; bots that play over real WebSockets and reconnect by themselves to whichever node is up
// (as a load balancer would send them), recording every frame for the hidden-card check.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { applyHandPatch, type HandPatchWire, type HandSectionWire } from '@fairground/rules';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { prepareStore } from '../../src/app.ts';
import { type Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';

export const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
/** Short leases so failover happens within a couple of seconds. */
export const LEASE_MS = 1500;
/** Bounds of real waiting: they only stop a broken test from hanging. */
const NODE_START_MS_MAX = 120_000;
const WAIT_MS_MAX = 30_000;
const LOG_BYTES_MAX = 2 * 1024 * 1024;

// biome-ignore lint/suspicious/noExplicitAny: frames are read field by field
export type Frame = Record<string, any>;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function until(check: () => boolean | Promise<boolean>, label: string, boundMs = WAIT_MS_MAX): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A redis-server of the test's own (for stopping and starting it without touching the shared one). */
export class OwnRedis {
  readonly port: number;
  #proc: ChildProcess | null = null;
  constructor(port: number) {
    this.port = port;
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }
  async start(): Promise<void> {
    if (this.#proc !== null) return;
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.#proc = proc;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    await until(async () => {
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    }, `redis-server on ${this.port}`);
    probe.disconnect();
  }
  async stop(): Promise<void> {
    const p = this.#proc;
    if (p === null) return;
    this.#proc = null;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}

export interface NodeOptions {
  readonly roles?: string;
  readonly env?: Record<string, string>;
}

export class Node {
  readonly name: string;
  readonly proc: ChildProcess;
  url = '';
  logs = '';
  exitCode: number | null | undefined = undefined;
  readonly exited: Promise<number | null>;

  constructor(name: string, proc: ChildProcess) {
    this.name = name;
    this.proc = proc;
    // The newest lines are the ones a test looks for: past the bound, the oldest half goes.
    const keep = (d: Buffer) => {
      this.logs += d.toString();
      if (this.logs.length > LOG_BYTES_MAX) this.logs = this.logs.slice(this.logs.indexOf('\n', this.logs.length - LOG_BYTES_MAX / 2) + 1);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  get wsUrl(): string {
    return `${this.url.replace('http', 'ws')}/api/rooms/ws`;
  }

  async ready(): Promise<void> {
    await until(
      () => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*fairground ready/.exec(this.logs);
        if (m) this.url = m[1] as string;
        if (!this.alive) throw new Error(`node ${this.name} exited with ${this.exitCode}:\n${this.logs.slice(-3000)}`);
        return this.url !== '';
      },
      `node ${this.name} to start`,
      NODE_START_MS_MAX,
    );
  }

  /** A crash: no handover, no flush; the process is gone at once. */
  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  async sigterm(): Promise<number | null> {
    this.proc.kill('SIGTERM');
    return this.exited;
  }

  /** An HTTP request from `from` (a loopback address of its own per player: the rooms' same-address rules see different players). */
  http(method: string, path: string, o: { token?: string; body?: unknown; from?: string } = {}): Promise<{ status: number; json: Frame }> {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${this.url}${path}`, { method, headers, localAddress: o.from ?? '127.0.0.1' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: text === '' || !text.startsWith('{') ? { text } : (JSON.parse(text) as Frame) });
          } catch (e) {
            reject(e);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async metric(name: string): Promise<number> {
    const r = await this.http('GET', '/metrics');
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(String(r.json.text));
    return m ? Number(m[1]) : Number.NaN;
  }
}

export interface TestPlayer {
  readonly handle: string;
  readonly id: string;
  readonly token: string;
  /** The loopback address this player connects from. */
  readonly ip: string;
}

let nextAddress = 10;

/** One test's cluster: its own schema and key prefix, the nodes it started, and the bots it made. */
export class ClusterEnv {
  readonly schema = `t_${randomBytes(6).toString('hex')}`;
  readonly prefix = `t_${randomBytes(6).toString('hex')}:`;
  readonly redisUrl: string;
  readonly nodes = new Map<string, Node>();
  readonly bots: Bot[] = [];
  readonly #dir = mkdtempSync(join(tmpdir(), 'fg-cluster-'));
  readonly #secret = randomBytes(32).toString('base64url');
  readonly #kycKey = randomBytes(32).toString('hex');
  store!: Store;
  ledger!: Ledger;
  redis!: Redis;

  constructor(redisUrl = REDIS_URL) {
    this.redisUrl = redisUrl;
  }

  /** Migrates the schema from the test process, so the nodes start on it without racing. */
  async open(): Promise<void> {
    this.store = await createPostgresStore({ url: TEST_PG_URL, schema: this.schema, clock: systemClock });
    this.ledger = await prepareStore(this.store, systemClock);
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => {});
    await this.redis.connect();
  }

  async start(name: string, o: NodeOptions = {}): Promise<Node> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: TEST_PG_URL,
      FAIRGROUND_PG_SCHEMA: this.schema,
      REDIS_URL: this.redisUrl,
      FAIRGROUND_REDIS_PREFIX: this.prefix,
      FAIRGROUND_SESSION_SECRET: this.#secret,
      FAIRGROUND_KYC_KEY: this.#kycKey,
      FAIRGROUND_DATA_DIR: join(this.#dir, name),
      FAIRGROUND_DEV_LOGIN: '1',
      FAIRGROUND_DEMO_OPERATOR: '0',
      FAIRGROUND_WECHATPAY: 'off',
      FAIRGROUND_SERVE_CLIENTS: '0',
      FAIRGROUND_NODE_ID: name,
      FAIRGROUND_ROLES: o.roles ?? 'api,rooms,worker',
      FAIRGROUND_ROOM_LEASE_MS: String(LEASE_MS),
      FAIRGROUND_RATE_LIMIT_PER_10S: '100000',
      ...(o.env ?? {}),
    };
    const proc = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new Node(name, proc);
    this.nodes.set(name, node);
    await node.ready();
    return node;
  }

  node(name: string): Node {
    const n = this.nodes.get(name);
    assert.ok(n, `node ${name}`);
    return n;
  }

  /** The nodes a reconnecting client may reach (the load balancer's view: live ones). */
  liveUrls(): string[] {
    return [...this.nodes.values()].filter((n) => n.alive && n.url !== '').map((n) => n.wsUrl);
  }

  /** The node id holding a room's lease. */
  async ownerOf(roomId: string): Promise<string | null> {
    const owner = await this.redis.get(`${this.prefix}lease:${roomId}`);
    return owner === null ? null : (owner.split('~')[0] as string);
  }

  async player(via: Node, handle: string): Promise<TestPlayer> {
    nextAddress += 1;
    const ip = `127.0.${Math.floor(nextAddress / 250)}.${(nextAddress % 250) + 2}`;
    const r = await via.http('POST', '/api/auth/dev/login', { body: { handle }, from: ip });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const token = r.json.tokens.accessToken as string;
    const t = await via.http('POST', '/api/me/terms', { token, body: { version: '2026-01' }, from: ip });
    assert.equal(t.status, 200, JSON.stringify(t.json));
    return { handle, id: r.json.player.id as string, token, ip };
  }

  async fund(playerId: string, amountFen: number): Promise<void> {
    await this.ledger.submit({
      scope: 'test.fund',
      key: `${playerId}:${randomBytes(4).toString('hex')}`,
      debit: systemAccount('adjustments', 'CNY'),
      credit: playerAccount(playerId, 'CNY'),
      asset: 'CNY',
      amount: amountFen,
      code: 'adjustment',
    });
  }

  bot(player: TestPlayer, roomId: string, first: Node): Bot {
    const b = new Bot(player, roomId, () => this.liveUrls(), first.wsUrl);
    this.bots.push(b);
    return b;
  }

  async destroy(): Promise<void> {
    for (const b of this.bots) b.stop();
    // CLUSTER_TEST_LOGS=<dir> keeps every node's log for a look after a failure.
    const keep = process.env.CLUSTER_TEST_LOGS;
    if (keep) for (const n of this.nodes.values()) writeFileSync(join(keep, `${this.schema}-${n.name}.log`), n.logs);
    await Promise.all(
      [...this.nodes.values()].map(async (n) => {
        if (n.alive) await n.kill9();
      }),
    );
    await this.store?.close();
    await dropSchema(this.schema);
    if (this.redis) {
      // Test cleanup only: the product reads Redis by key and never scans it.
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await this.redis.del(...keys);
      } while (cursor !== '0');
      this.redis.disconnect();
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Room parameters that keep hands short: two betting rounds, then the players still in are compared. */
export const QUICK_ROOM = {
  params: { mode: 'custom', seats: 3, rounds: 8, bettingRoundsMax: 2, sameIpAllowed: true, friendsVisible: true, trusteeship: 'call' },
  fee: { mode: 'cash', payer: 'owner' },
};

/** Close codes after which a client does not come back (authentication, not found, kicked, left). */
const FINAL_CLOSE_CODES = new Set([4001, 4004, 4005, 4006]);
const FRAMES_KEPT_MAX = 50_000;

/**
 * A player's client: plays from its own view only (its legal actions, the room header), says ready
 * between hands, and on any drop reconnects by itself, trying the live nodes in turn.
 */
export class Bot {
  readonly player: TestPlayer;
  readonly roomId: string;
  /** Frames received, each patch with the hand it made (absent: it did not apply). */
  readonly frames: { text: string; frame: Frame; hand?: Frame | null }[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  readonly errors: string[] = [];
  /** Plays when true; the test stops play to catch a hand in the middle. */
  auto = true;
  /** A pause before each decision (0: at once). */
  thinkMs = 0;
  /** Play stops (nobody acts) at the first hand state this is true of. */
  hold: ((hand: Frame) => boolean) | null = null;
  ws: WebSocket | null = null;
  url: string;
  v = 0;
  you: Frame | null = null;
  room: Frame | null = null;
  hand: Frame | null = null;
  welcomes = 0;
  /** Patches that did not apply on this bot's hand (each asked for a resync). */
  gaps = 0;
  /** The version of the hand frame, patch or welcome the bot's hand came from. */
  #handV = -1;
  #urls: () => string[];
  #stopped = false;
  #nextId = 1;
  #acted = '';
  #readyFor = -1;
  #startedAt = -1;
  #attempt = 0;
  #pending = new Map<string, Frame>();

  constructor(player: TestPlayer, roomId: string, urls: () => string[], first: string) {
    this.player = player;
    this.roomId = roomId;
    this.#urls = urls;
    this.url = first;
  }

  get seat(): number | null {
    return (this.you?.seat as number | null | undefined) ?? null;
  }

  get connected(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.you !== null;
  }

  /** Opens the socket and waits for the welcome. */
  async connect(): Promise<void> {
    this.#open();
    await until(() => this.connected, `${this.player.handle} welcome`);
  }

  #open(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(this.url, { localAddress: this.player.ip });
    this.ws = ws;
    this.you = null;
    ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token: this.player.token, roomId: this.roomId })));
    ws.on('message', (data) => this.#onFrame(data.toString()));
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.you = null;
      this.#pending.clear();
      this.closes.push({ code, reason: reason.toString() });
      if (this.#stopped || FINAL_CLOSE_CODES.has(code)) return;
      // Reconnect through the "load balancer": the next live node, after a short, growing pause.
      this.#attempt += 1;
      const urls = this.#urls();
      const i = urls.indexOf(this.url);
      this.url = urls[(i + 1) % Math.max(1, urls.length)] ?? this.url;
      setTimeout(() => this.#open(), Math.min(50 * this.#attempt, 500));
    });
  }

  #onFrame(text: string): void {
    const f = JSON.parse(text) as Frame;
    const kept: { text: string; frame: Frame; hand?: Frame | null } = { text, frame: f };
    if (this.frames.length < FRAMES_KEPT_MAX) this.frames.push(kept);
    if (typeof f.v === 'number' && f.v > this.v && (f.t !== 'hand_patch' || f.base === this.#handV)) this.v = f.v;
    switch (f.t) {
      case 'welcome':
        this.welcomes += 1;
        this.#attempt = 0;
        this.you = f.you;
        this.room = f.room;
        this.hand = f.hand;
        this.#handV = f.handV ?? f.v;
        this.v = f.v;
        this.#acted = '';
        break;
      case 'hand_patch':
        // Applied on the hand it was made on; otherwise a frame was missed and the whole view is asked for.
        if (this.hand !== null && f.base === this.#handV) {
          this.hand = applyHandPatch(this.hand as HandSectionWire, f as HandPatchWire) as Frame;
          this.#handV = f.v;
          kept.hand = this.hand;
        } else {
          this.gaps += 1;
          this.ws?.send('{"t":"resync"}');
        }
        break;
      case 'room': {
        // A room frame carries the parts of the view that changed.
        this.room = { ...(this.room ?? {}), ...((f.patch ?? f.room) as Frame) };
        const me = ((this.room?.members ?? []) as Frame[]).find((m) => m.playerId === this.player.id);
        if (me && this.you) this.you = { ...this.you, role: me.role, seat: me.seat };
        break;
      }
      case 'hand':
        this.hand = f.hand;
        this.#handV = f.v;
        break;
      case 'error': {
        this.errors.push(String(f.code));
        const asked = typeof f.id === 'string' ? this.#pending.get(f.id) : undefined;
        if (asked?.t === 'act') this.#acted = '';
        if (asked?.t === 'ready') this.#readyFor = -1;
        if (asked?.t === 'start') this.#startedAt = -1;
        break;
      }
      default:
        break;
    }
    if (typeof f.id === 'string') this.#pending.delete(f.id);
    if (this.thinkMs > 0) setTimeout(() => this.#decide(), this.thinkMs);
    else setImmediate(() => this.#decide());
  }

  #send(frame: Frame): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    const id = `b${this.#nextId++}`;
    this.#pending.set(id, frame);
    ws.send(JSON.stringify({ ...frame, id, v: this.v }));
  }

  /** Decides from this client's own view what to do next. */
  #decide(): void {
    if (!this.auto || this.#stopped || !this.connected) return;
    const h = this.hand;
    if (h !== null && this.hold?.(h)) return;
    if (h !== null && h.view.phase === 'betting') {
      if (h.view.turnSeat !== this.seat || !h.legal) return;
      const key = `${h.handNumber}:${h.view.step}`;
      if (this.#acted === key) return;
      this.#acted = key;
      const legal = h.legal as Frame;
      const me = (h.view.players as Frame[]).find((p) => p.seat === this.seat);
      let action: Frame;
      if (legal.look && me && !me.seen && h.view.round === 1) action = { type: 'look' };
      else if (legal.compare && h.view.round >= 2) action = { type: 'compare', targetSeat: legal.compare.targetSeats[0] };
      else if (legal.call) action = { type: 'call' };
      else action = { type: 'fold' };
      this.#send({ t: 'act', action });
      return;
    }
    const r = this.room;
    if (r === null || (r.status !== 'waiting' && r.status !== 'playing') || r.next === null) return;
    const seated = (r.members as Frame[]).filter((m) => m.seat !== null);
    const me = seated.find((m) => m.playerId === this.player.id);
    if (me && !me.ready && this.#readyFor !== r.next.handNumber) {
      this.#readyFor = r.next.handNumber;
      this.#send({ t: 'ready', ready: true });
      return;
    }
    if (r.status === 'waiting' && r.ownerId === this.player.id && seated.length === r.params.seats && seated.every((m) => m.ready)) {
      if (this.#startedAt === this.v) return;
      this.#startedAt = this.v;
      this.#send({ t: 'start' });
    }
  }

  /** Lets play go on after the test held it. */
  resume(): void {
    this.auto = true;
    setImmediate(() => this.#decide());
  }

  stop(): void {
    this.#stopped = true;
    this.ws?.terminate();
  }

  /** Every hand section this client received, with the frame text it came in. */
  handFrames(): { text: string; hand: Frame }[] {
    return this.frames
      .filter((x) => ((x.frame.t === 'hand' || x.frame.t === 'welcome') && x.frame.hand) || (x.frame.t === 'hand_patch' && x.hand))
      .map((x) => ({ text: x.text, hand: x.frame.t === 'hand_patch' ? x.hand : x.frame.hand }));
  }
}

/**
 * No client ever received a card it was not entitled to see: in every frame, another seat's cards
 * appear only when shown to all or shown to this seat by a comparison, and — against the true deal
 * from the hand records — no hidden card's text appears anywhere in the frame.
 */
export function checkNoHiddenCards(bots: readonly Bot[], records: ReadonlyMap<number, Frame>): number {
  let checked = 0;
  for (const b of bots) {
    for (const { text, hand } of b.handFrames()) {
      const record = records.get(hand.handNumber);
      const mySeat = record?.players.find((p: Frame) => p.playerId === b.player.id)?.seat ?? null;
      const visible = new Set<number>();
      for (const p of hand.view.players as Frame[]) {
        const own = p.seat === mySeat;
        // Flags at their usual value are left out of views: not shown to all, seen by nobody.
        const shownToAll = p.shownToAll === true;
        const visibleTo = (p.visibleTo ?? []) as number[];
        const may = own
          ? p.seen || p.status !== 'active' || hand.view.phase === 'over'
          : shownToAll || (mySeat !== null && visibleTo.includes(mySeat));
        if (p.cards !== null)
          assert.ok(may, `${b.player.handle} got seat ${p.seat}'s cards in hand ${hand.handNumber} step ${hand.view.step}`);
        if (may) visible.add(p.seat);
      }
      if (record === undefined) continue;
      for (const p of record.players as Frame[]) {
        if (visible.has(p.seat)) continue;
        for (const card of p.cards as string[]) {
          assert.ok(
            !text.includes(`"${card}"`),
            `${b.player.handle} received hidden card ${card} of seat ${p.seat} in hand ${hand.handNumber}`,
          );
        }
        checked += 1;
      }
    }
  }
  return checked;
}

/** The room's hand histories as a member reads them. */
export async function handRecords(via: Node, player: TestPlayer, roomId: string): Promise<Map<number, Frame>> {
  const out = new Map<number, Frame>();
  let after = 0;
  for (let page = 0; page < 20; page++) {
    const r = await via.http('GET', `/api/rooms/${roomId}/hands?after=${after}`, { token: player.token });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const hands = r.json.hands as Frame[];
    if (hands.length === 0) break;
    for (const h of hands) out.set(h.handNumber, h);
    after = (hands[hands.length - 1] as Frame).handNumber;
  }
  return out;
}
