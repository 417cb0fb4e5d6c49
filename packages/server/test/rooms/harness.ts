// A real platform on a loopback port for room tests: real HTTP, real WebSockets, a test backend
// (SQLite file or a PostgreSQL schema) that can be reopened after a simulated restart, and room
// timers on a manual clock. Clients record every frame they receive, so tests can check all of
// them afterwards (no hidden card may ever reach the wrong seat).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '@fairground/core';
import { applyHandPatch, type HandPatchWire, type HandSectionWire } from '@fairground/rules';
import WebSocket from 'ws';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { createPlatform, type Platform, type PlatformConfig } from '../../src/app.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import type { RiskConfig } from '../../src/risk/index.ts';
import { ManualTimers, type PlatformRoomsOptions, type RoomPolicy } from '../../src/rooms/index.ts';
import { createSandboxFaceCheck, type SandboxFaceCheck } from '../../src/standins/face-check.ts';
import { type Bound, type PlatformAdapters, standIn } from '../../src/bindings.ts';
import type { TimestampAuthority } from '../../src/notary/index.ts';
import { lazyLocalTsa } from '../helpers/tsa.ts';
import type { Store } from '../../src/storage/ports.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TERMS_VERSION, testConfig } from '../helpers/platform.ts';

export type BackendName = 'sqlite' | 'postgres';

/** A database that survives the platform: reopened by a restarted server. */
export class TestDatabase {
  readonly name: BackendName;
  readonly #dir: string | null;
  readonly #schema: string | null;
  constructor(name: BackendName) {
    this.name = name;
    this.#dir = name === 'sqlite' ? mkdtempSync(join(tmpdir(), 'fg-rooms-')) : null;
    this.#schema = name === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : null;
  }
  async open(clock: ManualClock): Promise<Store> {
    if (this.#dir !== null) return createSqliteStore({ path: join(this.#dir, 'rooms.db'), clock });
    return createPostgresStore({ url: TEST_PG_URL, schema: this.#schema as string, clock });
  }
  async destroy(): Promise<void> {
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    if (this.#schema !== null) await dropSchema(this.#schema);
  }
}

export const BACKENDS: readonly BackendName[] = ['sqlite', 'postgres'];

export interface ServerOptions {
  readonly policy?: RoomPolicy;
  readonly framesPerS?: number;
  readonly framesBurstMax?: number;
  readonly dataKey?: Buffer;
  readonly sessionSecret?: string;
  /** The time-stamping authority (default: a local TSA on the test clock, started on first use). */
  readonly notary?: Bound<TimestampAuthority>;
  /** null: no face-check provider bound. */
  readonly faceCheck?: SandboxFaceCheck | null;
  readonly extra?: Partial<PlatformRoomsOptions>;
  /** Risk weights and thresholds (default: the shipped ones). */
  readonly riskConfig?: RiskConfig;
  /** Configuration beside the test defaults (e.g. the WeChat app ids of a sandbox). */
  readonly config?: Partial<PlatformConfig>;
  /** The sign-in adapter (default: the stand-in); given the clock and the opened store, e.g. the real adapter against the WeChat sandbox. */
  readonly signIn?: (clock: ManualClock, store: Store) => PlatformAdapters['signIn'];
}

/** One server process's worth of platform. A test may run several in turn on one database (restarts). */
export class TestServer {
  readonly platform: Platform;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
  readonly faceCheck: SandboxFaceCheck | null;
  readonly url: string;
  readonly wsUrl: string;
  constructor(
    platform: Platform,
    store: Store,
    clock: ManualClock,
    timers: ManualTimers,
    stand: { faceCheck: SandboxFaceCheck | null },
    url: string,
  ) {
    this.platform = platform;
    this.store = store;
    this.clock = clock;
    this.timers = timers;
    this.faceCheck = stand.faceCheck;
    this.url = url;
    this.wsUrl = `${url.replace('http', 'ws')}/api/rooms/ws`;
  }

  static async start(db: TestDatabase, clock: ManualClock, o: ServerOptions = {}): Promise<TestServer> {
    const store = await db.open(clock);
    const timers = new ManualTimers(clock);
    const notary = o.notary ?? standIn('RFC 3161 client → local TSA in the test process', lazyLocalTsa(clock));
    const faceCheck = o.faceCheck === undefined ? createSandboxFaceCheck({ clock }) : o.faceCheck;
    const platform = await createPlatform({
      config: testConfig({
        ...(o.dataKey ? { dataKey: o.dataKey } : {}),
        ...(o.sessionSecret ? { sessionSecret: o.sessionSecret } : {}),
        ...(o.config ?? {}),
      }),
      store,
      clock,
      policy: loadPolicyFile(DEVELOPMENT_POLICY_FILE),
      ...(o.riskConfig ? { compliance: { riskConfig: o.riskConfig } } : {}),
      logger: false,
      adapters: { ...testAdapters(clock, { notary, faceCheck }), ...(o.signIn ? { signIn: o.signIn(clock, store) } : {}) },
      rooms: {
        timers,
        ...(o.policy ? { policy: o.policy } : {}),
        // Every test client is on 127.0.0.1; each one names the address it stands for.
        addressOf: (request) => {
          const h = request.headers['x-test-ip'];
          return typeof h === 'string' ? h : request.ip;
        },
        framesPerS: o.framesPerS ?? 10_000,
        framesBurstMax: o.framesBurstMax ?? 10_000,
        ...(o.extra ?? {}),
      },
    });
    const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    return new TestServer(platform, store, clock, timers, { faceCheck }, url);
  }

  get rooms() {
    return this.platform.rooms;
  }

  /** One pass of the notary.attest job: what queued is put in a Merkle root and time-stamped. */
  attestHands(): Promise<number> {
    return this.platform.notary.attestDue();
  }

  /** Lets every room finish what it is doing. */
  async settle(): Promise<void> {
    await this.rooms.idle();
  }

  /** Moves the room clock forward, firing timers in order and letting rooms process each. */
  async advance(ms: number): Promise<void> {
    await this.timers.advance(ms, () => this.settle());
  }

  /** SIGTERM: the graceful path. */
  async stop(): Promise<void> {
    await this.platform.close();
    await this.store.close();
  }

  /** A crash: the server stops answering at once; rooms are not drained (their events are already on disk). */
  async crash(): Promise<void> {
    await this.settle();
    this.platform.app.server.closeAllConnections();
    await this.platform.app.close();
    await this.store.close();
  }

  async http(
    method: string,
    path: string,
    o: { token?: string; body?: unknown; ip?: string } = {},
  ): Promise<{ status: number; json: Frame }> {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.ip) headers['x-test-ip'] = o.ip;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text === '' ? {} : JSON.parse(text) };
  }

  /** A signed-in player who accepted the agreement. */
  async player(handle: string, ip = '10.0.0.1'): Promise<Player> {
    const r = await this.http('POST', '/api/auth/dev/login', { body: { handle } });
    if (r.status !== 200) throw new Error(`login ${handle}: ${JSON.stringify(r.json)}`);
    const token = r.json.tokens.accessToken as string;
    const t = await this.http('POST', '/api/me/terms', { token, body: { version: TERMS_VERSION } });
    if (t.status !== 200) throw new Error(`terms: ${JSON.stringify(t.json)}`);
    return new Player(this, handle, r.json.player.id as string, token, ip);
  }

  /** Funds a player's wallet directly in the ledger (as a deposit would). */
  async fund(playerId: string, asset: 'CNY' | 'POINTS', amount: number): Promise<void> {
    await this.platform.ledger.submit({
      scope: 'test.fund',
      key: `${playerId}:${asset}:${randomBytes(4).toString('hex')}`,
      debit: systemAccount(asset === 'CNY' ? 'adjustments' : 'points_issuance', asset),
      credit: playerAccount(playerId, asset),
      asset,
      amount,
      code: asset === 'CNY' ? 'adjustment' : 'points_grant',
    });
  }

  async balance(playerId: string, asset: 'CNY' | 'POINTS' | 'ROOM_CARD'): Promise<{ posted: number; available: number }> {
    const b = await this.platform.ledger.balance(playerAccount(playerId, asset));
    return { posted: b?.postedFen ?? 0, available: b?.availableFen ?? 0 };
  }
}

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field by the tests
export type Frame = Record<string, any>;

export class Player {
  readonly server: TestServer;
  readonly handle: string;
  readonly id: string;
  readonly token: string;
  ip: string;
  constructor(server: TestServer, handle: string, id: string, token: string, ip: string) {
    this.server = server;
    this.handle = handle;
    this.id = id;
    this.token = token;
    this.ip = ip;
  }

  http(method: string, path: string, body?: unknown) {
    return this.server.http(method, path, { token: this.token, ip: this.ip, ...(body !== undefined ? { body } : {}) });
  }

  async createRoom(body: unknown = {}): Promise<{ roomId: string; code: string; invite: { token: string; path: string } }> {
    const r = await this.http('POST', '/api/rooms', body);
    if (r.status !== 201) throw new Error(`create: ${JSON.stringify(r.json)}`);
    return r.json as { roomId: string; code: string; invite: { token: string; path: string } };
  }

  async join(code: string, o: { role?: 'member' | 'observer'; invite?: string; points?: number } = {}) {
    return this.http('POST', '/api/rooms/join', { code, ...o });
  }

  /** Opens a WebSocket to the room and waits for the welcome. */
  async connect(roomId: string, server: TestServer = this.server): Promise<Client> {
    const c = new Client(this, server, roomId);
    await c.open();
    return c;
  }
}

/**
 * Every frame any client received in this test file, for the hidden-card check; with `hand`, the
 * hand section the client held after the frame (a patch applied on the view before it).
 */
export const ALL_FRAMES: { viewer: string; roomId: string; frame: Frame; hand?: Frame | null; gapHandNumber?: number }[] = [];

let requestSeq = 0;

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
}

export class Client {
  readonly player: Player;
  readonly server: TestServer;
  readonly roomId: string;
  readonly frames: Frame[] = [];
  ws!: WebSocket;
  v = 0;
  room: Frame | null = null;
  hand: Frame | null = null;
  /** The version of the hand frame, patch or welcome `hand` came from (a patch names it as its base). */
  handV = -1;
  /** Patches that did not apply on this client's hand (each asks for a resync). */
  gaps = 0;
  you: Frame | null = null;
  closeCode: number | null = null;
  closeReason = '';
  #waiters: Waiter[] = [];
  #replies = new Map<string, (f: Frame) => void>();

  constructor(player: Player, server: TestServer, roomId: string) {
    this.player = player;
    this.server = server;
    this.roomId = roomId;
  }

  async open(o: { hello?: boolean } = {}): Promise<void> {
    this.ws = new WebSocket(this.server.wsUrl, { headers: { 'x-test-ip': this.player.ip } });
    this.ws.on('message', (data) => this.#onMessage(data.toString()));
    this.ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.#wake();
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    if (o.hello === false) return;
    this.raw({ t: 'hello', token: this.player.token, roomId: this.roomId });
    await this.waitFor(() => this.you !== null || this.closeCode !== null, 'welcome');
  }

  #onMessage(text: string): void {
    const f = JSON.parse(text) as Frame;
    this.frames.push(f);
    const seen: (typeof ALL_FRAMES)[number] = { viewer: this.player.id, roomId: this.roomId, frame: f };
    ALL_FRAMES.push(seen);
    if (typeof f.v === 'number' && f.v > this.v && (f.t !== 'hand_patch' || f.base === this.handV)) this.v = f.v;
    if (f.t === 'welcome') {
      this.you = f.you;
      this.room = f.room;
      this.hand = f.hand;
      this.handV = f.handV ?? f.v;
      seen.hand = this.hand;
    } else if (f.t === 'hand_patch') {
      if (this.hand !== null && f.base === this.handV) {
        this.hand = applyHandPatch(this.hand as HandSectionWire, f as HandPatchWire) as Frame;
        this.handV = f.v;
        seen.hand = this.hand;
      } else {
        this.gaps += 1;
        seen.gapHandNumber = this.hand?.handNumber ?? -1;
        this.raw({ t: 'resync' });
      }
    } else if (f.t === 'room') {
      this.room = { ...(this.room ?? {}), ...(f.patch as Frame) };
      const me = ((this.room?.members ?? []) as Frame[]).find((m) => m.playerId === this.player.id);
      if (me && this.you) this.you = { ...this.you, role: me.role, seat: me.seat };
    } else if (f.t === 'hand') {
      this.hand = f.hand;
      this.handV = f.v;
      seen.hand = this.hand;
    } else if ((f.t === 'ok' || f.t === 'error') && f.id !== undefined) {
      this.#replies.get(f.id)?.(f);
      this.#replies.delete(f.id);
    }
    // A broadcast that carries a request id answers it (the room folds the sender's `ok` into it).
    if ((f.t === 'room' || f.t === 'hand' || f.t === 'hand_patch') && f.id !== undefined) {
      this.#replies.get(f.id)?.({ t: 'ok', id: f.id, v: f.v, folded: f.t });
      this.#replies.delete(f.id);
    }
    this.#wake();
  }

  #wake(): void {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.check()) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  /** Waits for a condition on received frames. The real-time bound only stops a broken test from hanging. */
  waitFor(check: () => boolean, label: string, boundMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.player.handle}: no ${label} (last frames ${JSON.stringify(this.frames.slice(-3)).slice(0, 600)})`)),
        boundMs,
      );
      this.#waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  raw(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Sends a command with the latest version and waits for its answer. */
  async send(frame: Frame, o: { v?: number } = {}): Promise<Frame> {
    requestSeq += 1;
    const id = `r${requestSeq}`;
    let result: Frame | null = null;
    this.#replies.set(id, (f) => {
      result = f;
    });
    // Ping, chat and voice frames change nothing in the room and carry no version.
    const versionless = frame.t === 'ping' || frame.t === 'chat' || frame.t === 'chat_mute' || String(frame.t).startsWith('voice_');
    this.raw({ ...frame, id, ...(versionless ? {} : { v: o.v ?? this.v }) });
    await this.waitFor(() => result !== null || this.closeCode !== null, `reply to ${frame.t}`);
    if (result === null) return { t: 'closed', code: this.closeCode };
    return result;
  }

  get seat(): number | null {
    return (this.you?.seat as number | null | undefined) ?? null;
  }

  close(): void {
    this.ws.close();
  }

  async closed(): Promise<number> {
    await this.waitFor(() => this.closeCode !== null, 'close');
    return this.closeCode as number;
  }
}

/** Waits until every client has seen the room's current version. */
export async function caughtUp(server: TestServer, clients: readonly Client[], roomId: string): Promise<void> {
  await server.settle();
  const v = server.rooms.actor(roomId)?.state.version ?? 0;
  await Promise.all(
    clients.filter((c) => c.closeCode === null).map((c) => c.waitFor(() => c.v >= v || c.closeCode !== null, `version ${v}`)),
  );
}

/** A cash room of three new players (`<subnet>.1`–`.3`): the first owns and funds it, the others joined, everyone connected. */
export async function seatCashRoom(
  server: TestServer,
  tag: string,
  subnet: string,
  params: Record<string, unknown> = {},
): Promise<{ players: Player[]; room: Awaited<ReturnType<Player['createRoom']>>; clients: Client[] }> {
  const players: Player[] = [];
  for (let i = 0; i < 3; i++) players.push(await server.player(`${tag}${i}`, `${subnet}.${i + 1}`));
  const [owner] = players as [Player];
  await server.fund(owner.id, 'CNY', 10_000);
  const room = await owner.createRoom({ params, fee: { mode: 'cash' } });
  for (const p of players.slice(1)) assert.equal((await p.join(room.code)).status, 200);
  const clients: Client[] = [];
  for (const p of players) clients.push(await p.connect(room.roomId));
  return { players, room, clients };
}
