// One node's part of the cluster: its rooms' leases, its place in the node registry, the bus to
// the other nodes, and the relays of players who play across nodes (relays.ts).
//
// Ownership. A room is written by exactly one node: the holder of its lease in Redis. The holder
// renews every lease a few times per lease period; when it cannot (Redis away), it stops writing
// for a room before the lease could expire (its own deadline counts from when the last renewal
// was sent, less a safety share), lets the room go from memory — every event is already on disk —
// and takes it back when Redis returns. A node that dies simply stops renewing; when its leases
// expire, other nodes claim the rooms and rebuild them from their event logs. The database is the
// last fence: a room's events are keyed by (room, seq), so two writers can never both append.
//
// Graceful stop. The node leaves placement (no new rooms), lets each room finish what it was
// doing, frees its lease and nudges the others, who claim and rebuild at once; players are told
// to reconnect and find the room on its new node.
import { randomInt } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { AppError, assert, assertionFailed } from '@fairground/core';
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { RoomState } from '../rooms/index.ts';
import { Bus } from './bus.ts';
import { Directory, type Presence, presenceOf } from './directory.ts';
import { ClusterErrors } from './errors.ts';
import {
  ADOPT_RETRY_MS,
  CLAIM_BATCH_MAX,
  LEASE_MS_DEFAULT,
  LEASE_MS_MAX,
  LEASE_MS_MIN,
  LEASE_SAFETY_DIVISOR,
  NODES_MAX,
  ORPHAN_SWEEP_PAGE,
  OWNED_ROOMS_MAX,
  RENEWALS_PER_LEASE,
  RPC_TIMEOUT_MS,
} from './limits.ts';
import type { CommandFrame, LiveRoom, RoomDirectoryPort, RoomHost, RoomTableReads } from './ports.ts';
import { ClusterRedis, Keys } from './redis.ts';
import { EdgeRelays, HostedRelays } from './relays.ts';

export interface ClusterOptions {
  readonly redisUrl: string;
  /** Prepended to every Redis key and channel (`fairground:` by default; tests use one per test). */
  readonly prefix: string;
  readonly nodeId: string;
  readonly roles: readonly string[];
  readonly leaseMs?: number;
  readonly rpcTimeoutMs?: number;
  /** Monotonic milliseconds: leases are kept by elapsed time, never by the wall clock. */
  readonly monotonicMs?: () => number;
}

export interface ClusterLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NodeInfo {
  readonly owner: string;
  readonly nodeId: string;
  readonly roles: readonly string[];
  readonly draining: boolean;
  readonly rooms: number;
}

interface Owned {
  /** This node may write for the room until then (monotonic ms). */
  validUntilMs: number;
  /** Being rebuilt from its log: not yet serving players. */
  adopting: boolean;
  /** The friends-visible members last published for it. */
  fv: readonly string[];
  /** The room header version last published (hand actions alone change nothing others see). */
  headerVersion: number;
}

/** Rooms rebuilt at once by one node during a claim pass. */
const ADOPT_CONCURRENCY = 8;
/** Rooms let go at once during a graceful stop. */
const RELEASE_CONCURRENCY = 16;

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export class Cluster {
  /** This process's name in the registry and on the bus: the node id plus a per-process suffix. */
  readonly owner: string;
  readonly nodeId: string;
  readonly roles: readonly string[];
  readonly leaseMs: number;
  readonly redis: ClusterRedis;
  readonly keys: Keys;
  readonly bus: Bus;
  readonly #noticeHandlers = new Map<string, Array<(from: string, args: unknown) => void>>();
  readonly directory: Directory;
  readonly edge: EdgeRelays;
  readonly hosted: HostedRelays;
  /** What the rooms service calls (see ports.ts). */
  readonly port: RoomDirectoryPort;
  readonly #rooms: RoomTableReads;
  readonly #log: ClusterLogger;
  readonly #mono: () => number;
  readonly #rpcTimeoutMs: number;
  #host: RoomHost | null = null;
  readonly #owned = new Map<string, Owned>();
  /** Rooms let go because Redis was away: claimed back first when it returns. */
  readonly #paused = new Set<string>();
  readonly #announcing = new Map<string, Promise<void>>();
  readonly #dirty = new Map<string, RoomState>();
  #dirtyScheduled = false;
  #republishAll = false;
  #nodes = new Map<string, NodeInfo>();
  #draining = false;
  #stopped = false;
  #started = false;
  #redisWarned = false;
  #renewTimer: NodeJS.Timeout | null = null;
  #claimTimer: NodeJS.Timeout | null = null;
  #renewing = false;
  #claiming = false;
  #orphanCursor = '';
  readonly stats = { claims: 0, pauses: 0, lost: 0, handedOver: 0, adoptFailures: 0 };

  constructor(o: ClusterOptions, deps: { rooms: RoomTableReads; log: ClusterLogger }) {
    const leaseMs = o.leaseMs ?? LEASE_MS_DEFAULT;
    assert(
      Number.isSafeInteger(leaseMs) && leaseMs >= LEASE_MS_MIN && leaseMs <= LEASE_MS_MAX,
      `lease ${leaseMs} ms within ${LEASE_MS_MIN}–${LEASE_MS_MAX}`,
    );
    this.leaseMs = leaseMs;
    this.nodeId = o.nodeId;
    this.roles = o.roles;
    this.owner = `${o.nodeId}~${randomBytes(6).toString('hex')}`;
    this.#rooms = deps.rooms;
    this.#log = deps.log;
    this.#mono = o.monotonicMs ?? (() => performance.now());
    this.#rpcTimeoutMs = o.rpcTimeoutMs ?? RPC_TIMEOUT_MS;
    this.keys = new Keys(o.prefix);
    this.redis = new ClusterRedis({
      url: o.redisUrl,
      callTimeoutMs: Math.max(200, Math.min(2_000, Math.floor(leaseMs / RENEWALS_PER_LEASE))),
      onStateChange: (s) => this.#log.warn({ dependency: 'redis', state: s }, `redis breaker ${s}`),
    });
    this.bus = new Bus(this.redis, this.keys, this.owner, deps.log);
    this.directory = new Directory(this.redis, this.keys, { owner: this.owner, nodeId: o.nodeId, leaseMs });
    this.edge = new EdgeRelays(this.bus);
    this.hosted = new HostedRelays(this.bus);
    this.port = {
      opened: (s) => this.#opened(s),
      changed: (s) => {
        if (this.#owned.get(s.id)?.headerVersion !== s.headerVersion) this.#markDirty(s);
      },
      closed: (s) => this.#closed(s),
      assertOwner: (roomId) => {
        const o = this.#owned.get(roomId);
        if (o === undefined || o.validUntilMs <= this.#mono()) throw new AppError(ClusterErrors.CLUSTER_ROOM_MOVING);
      },
    };
  }

  /** The rooms service of this node (set once, before start). */
  attach(host: RoomHost): void {
    this.#host = host;
  }

  get #hostOrThrow(): RoomHost {
    assert(this.#host !== null, 'the cluster has its room host');
    return this.#host;
  }

  get ownsRooms(): boolean {
    return this.roles.includes('rooms');
  }

  get draining(): boolean {
    return this.#draining;
  }

  get liveNodes(): readonly NodeInfo[] {
    return [...this.#nodes.values()];
  }

  #renewIntervalMs(): number {
    return Math.max(50, Math.floor(this.leaseMs / RENEWALS_PER_LEASE));
  }

  #claimIntervalMs(): number {
    return Math.max(50, Math.min(1_000, Math.floor(this.leaseMs / 8)));
  }

  /** A lease taken (or renewed) by a call sent at `sentAtMs` lets this node write until this time. */
  #validUntil(sentAtMs: number): number {
    return sentAtMs + this.leaseMs - Math.floor(this.leaseMs / LEASE_SAFETY_DIVISOR);
  }

  // ------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    await this.redis.connect();
    await this.bus.start({
      request: (from, op, a) => this.#serve(from, op, a as Record<string, unknown>),
      notice: (from, op, a) => this.#notice(from, op, a as Record<string, unknown>),
      frame: (sid, text) => this.edge.frame(sid, text),
      closed: (sid, code, reason) => this.edge.closed(sid, code, reason),
    });
    this.redis.onDown(() => this.#redisDown());
    this.redis.onReady(() => {
      if (!this.#started || this.#stopped) return;
      this.#log.warn({ node: this.nodeId }, 'redis is back: renewing leases and taking paused rooms back');
      void this.#renewTick();
    });
    await this.#heartbeat();
    this.#started = true;
    this.#renewTimer = setInterval(() => void this.#renewTick(), this.#renewIntervalMs());
    this.#renewTimer.unref();
    this.#claimTimer = setInterval(() => void this.#claimTick(), this.#claimIntervalMs());
    this.#claimTimer.unref();
  }

  /** Stops taking rooms: placement skips this node from its next heartbeat on. */
  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#heartbeat().catch(() => undefined);
  }

  /** SIGTERM: every room finishes what it was doing, then its lease is freed for another node to claim at once. */
  async handOver(): Promise<void> {
    this.drain();
    if (this.#claimTimer) clearInterval(this.#claimTimer);
    this.#claimTimer = null;
    for (let i = 0; i < 100 && this.#claiming; i++) await new Promise((r) => setTimeout(r, 10));
    const host = this.#hostOrThrow;
    const ids = [...this.#owned.keys()];
    await pool(ids, RELEASE_CONCURRENCY, async (id) => {
      try {
        await host.release(id);
      } catch (e) {
        this.#log.error({ err: e, roomId: id }, 'room could not be let go cleanly; its log is on disk');
      }
      this.#owned.delete(id);
      await this.directory.release(id).catch(() => undefined);
      this.stats.handedOver += 1;
    });
    this.bus.broadcast('nudge', {});
    await this.bus.flush();
    if (ids.length > 0) this.#log.info({ rooms: ids.length }, 'rooms handed over');
  }

  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#renewTimer) clearInterval(this.#renewTimer);
    if (this.#claimTimer) clearInterval(this.#claimTimer);
    this.hosted.drop(null);
    this.bus.broadcast('leaving', {});
    await this.bus.stop();
    await this.redis.script('fgLeave', [this.keys.nodes, this.keys.node(this.owner)], [this.owner]).catch(() => undefined);
    await this.redis.close();
  }

  // ------------------------------------------------------------ rooms service callbacks

  #opened(s: RoomState): void {
    let o = this.#owned.get(s.id);
    if (o === undefined) {
      // Created on this node: its lease is taken now (a fresh id, so nobody else can hold it).
      o = { validUntilMs: this.#validUntil(this.#mono()), adopting: false, fv: [], headerVersion: -1 };
      this.#owned.set(s.id, o);
      this.#announcing.set(s.id, this.#announce(s.id));
    }
    this.#markDirty(s);
  }

  async #announce(roomId: string): Promise<void> {
    const sentAt = this.#mono();
    try {
      const r = await this.directory.claim(roomId);
      const o = this.#owned.get(roomId);
      if (r === 0) {
        this.#log.error({ roomId }, 'a new room was already leased by another node; letting it go');
        this.#owned.delete(roomId);
        await this.#hostOrThrow.release(roomId);
        return;
      }
      if (o !== undefined) o.validUntilMs = this.#validUntil(sentAt);
    } catch (e) {
      // Redis is away: the room plays on until its lease would lapse, then pauses and comes back with Redis.
      this.#log.warn({ err: e, roomId }, 'new room not yet in the directory');
    }
  }

  /** Resolves once a room created here is in the directory (players on other nodes can find it). */
  async announced(roomId: string): Promise<void> {
    const p = this.#announcing.get(roomId);
    if (p === undefined) return;
    await p;
    this.#announcing.delete(roomId);
  }

  #closed(s: RoomState): void {
    const o = this.#owned.get(s.id);
    if (o === undefined) return;
    this.#owned.delete(s.id);
    this.#dirty.delete(s.id);
    this.directory.forget(s.id, o.fv).catch((e: unknown) => this.#log.warn({ err: e, roomId: s.id }, 'ended room left in the directory'));
  }

  #markDirty(s: RoomState): void {
    if (!this.#owned.has(s.id)) return;
    this.#dirty.set(s.id, s);
    if (this.#dirtyScheduled) return;
    this.#dirtyScheduled = true;
    setImmediate(() => void this.#publishDirty());
  }

  async #publishDirty(): Promise<void> {
    this.#dirtyScheduled = false;
    const items: { presence: Presence; before: readonly string[] }[] = [];
    for (const [id, s] of this.#dirty) {
      const o = this.#owned.get(id);
      if (o === undefined) continue;
      const presence = presenceOf(s);
      items.push({ presence, before: o.fv });
      o.fv = presence.fvMembers;
      o.headerVersion = s.headerVersion;
    }
    this.#dirty.clear();
    try {
      await this.directory.publish(items);
    } catch {
      // Presence is repaired in full once Redis answers again.
      this.#republishAll = true;
    }
  }

  #republish(): void {
    const host = this.#hostOrThrow;
    for (const id of this.#owned.keys()) {
      const s = host.actor(id)?.state;
      if (s !== undefined) this.#markDirty(s);
    }
  }

  // ------------------------------------------------------------ leases

  async #renewTick(): Promise<void> {
    if (this.#renewing || this.#stopped) return;
    this.#renewing = true;
    try {
      const now = this.#mono();
      for (const [id, o] of this.#owned) if (!o.adopting && o.validUntilMs <= now) this.#pause(id);
      try {
        await this.#heartbeat();
      } catch (e) {
        if (!this.#redisWarned) this.#log.warn({ err: e }, 'redis unreachable: rooms pause when their leases would lapse');
        this.#redisWarned = true;
        return;
      }
      this.#redisWarned = false;
      const ids = [...this.#owned.keys()];
      const sentAt = this.#mono();
      const result = await this.directory.renew(ids);
      for (const [id, r] of result) {
        const o = this.#owned.get(id);
        if (o === undefined) continue;
        if (r === 0) {
          this.#lose(id);
          continue;
        }
        o.validUntilMs = this.#validUntil(sentAt);
        if (r === 2) {
          // Redis lost its data: the room's presence and friends-visible entries are written again in full.
          o.fv = [];
          const s = this.#host?.actor(id)?.state;
          if (s !== undefined) this.#markDirty(s);
        }
      }
      if (this.#republishAll) {
        this.#republishAll = false;
        this.#republish();
      }
      if (this.#paused.size > 0) void this.#claimTick();
    } catch (e) {
      this.#log.warn({ err: e }, 'lease renewal failed');
    } finally {
      this.#renewing = false;
    }
  }

  /** This node can no longer be sure it owns the room: it stops serving it (everything is on disk) until it can claim it again. */
  #pause(roomId: string): void {
    this.#owned.delete(roomId);
    this.#paused.add(roomId);
    this.stats.pauses += 1;
    this.#log.warn({ roomId }, 'room paused: its lease could not be renewed');
    this.#hostOrThrow.release(roomId).catch((e: unknown) => this.#log.error({ err: e, roomId }, 'pausing a room failed'));
  }

  /** Another node holds the room's lease: this node lets it go at once. */
  #lose(roomId: string): void {
    this.#owned.delete(roomId);
    this.stats.lost += 1;
    this.#log.warn({ roomId }, 'room lease held by another node; letting the room go');
    this.#hostOrThrow.release(roomId).catch((e: unknown) => this.#log.error({ err: e, roomId }, 'letting a room go failed'));
  }

  #canOwn(): boolean {
    return this.ownsRooms && !this.#draining && !this.#stopped && this.#owned.size < OWNED_ROOMS_MAX;
  }

  async #claimTick(): Promise<void> {
    if (this.#claiming || !this.#canOwn() || !this.redis.up) return;
    this.#claiming = true;
    try {
      // Rooms paused here go first: nobody else held them while Redis was away. They stay listed as
      // paused until a claim has been answered, so a pass that fails (Redis just back, its breaker
      // still half-open) leaves them for the next pass instead of for the orphan sweep.
      const paused = [...this.#paused].slice(0, CLAIM_BATCH_MAX);
      let due: string[] = [];
      try {
        due = (await this.directory.due(CLAIM_BATCH_MAX)).filter((id) => !this.#owned.has(id) && !paused.includes(id));
      } catch (e) {
        this.#log.warn({ err: e }, 'could not read the rooms due for claiming; claiming paused rooms only');
      }
      // A fair share per node, so one fast node does not take every room of a dead one.
      const roomNodes = Math.max(1, this.liveNodes.filter((n) => n.roles.includes('rooms') && !n.draining).length);
      const share = Math.max(1, Math.ceil(due.length / roomNodes));
      for (let i = due.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [due[i], due[j]] = [due[j] as string, due[i] as string];
      }
      const picked = [...paused, ...due.slice(0, share)];
      const room = OWNED_ROOMS_MAX - this.#owned.size;
      await pool(picked.slice(0, room), ADOPT_CONCURRENCY, async (id) => {
        try {
          await this.#claimAndAdopt(id);
          this.#paused.delete(id);
        } catch (e) {
          this.#log.warn({ err: e, roomId: id }, 'claim failed; trying again at the next pass');
        }
      });
    } catch (e) {
      this.#log.warn({ err: e }, 'claim pass failed');
    } finally {
      this.#claiming = false;
    }
  }

  async #claimAndAdopt(roomId: string): Promise<void> {
    if (this.#owned.has(roomId) || !this.#canOwn()) return;
    const sentAt = this.#mono();
    const r = await this.directory.claim(roomId);
    if (r === 0) return;
    const o: Owned = { validUntilMs: this.#validUntil(sentAt), adopting: true, fv: [], headerVersion: -1 };
    this.#owned.set(roomId, o);
    try {
      o.fv = await this.directory.publishedMembers(roomId);
      const result = await this.#hostOrThrow.adopt(roomId);
      if (result === 'ended') {
        this.#log.info({ roomId }, 'claimed room had ended; removed from the directory');
        this.#owned.delete(roomId);
        await this.directory.forget(roomId, o.fv);
        return;
      }
      o.adopting = false;
      this.stats.claims += 1;
      const s = this.#host?.actor(roomId)?.state;
      if (s !== undefined) this.#markDirty(s);
      this.#log.info({ roomId, version: s?.version }, 'room claimed and rebuilt from its log');
    } catch (e) {
      this.stats.adoptFailures += 1;
      this.#owned.delete(roomId);
      this.#log.error({ err: e, roomId }, 'room could not be rebuilt here; offered again later');
      await this.directory.release(roomId, ADOPT_RETRY_MS).catch(() => undefined);
    }
  }

  /**
   * The safety net for rooms the database says are live but that hold no lease and are not listed
   * (their owner died while Redis had lost its data): one page per pass, offered for claiming after
   * a lease period. Returns how many were offered.
   */
  async sweepOrphans(nowMs: number): Promise<number> {
    const rows = await this.#rooms.liveAfter(this.#orphanCursor, ORPHAN_SWEEP_PAGE);
    this.#orphanCursor = rows.length < ORPHAN_SWEEP_PAGE ? '' : (rows[rows.length - 1]?.id ?? '');
    // Rooms created moments ago are taking their first lease right now.
    const old = rows.filter((r) => r.createdAtMs < nowMs - 2 * this.leaseMs).map((r) => r.id);
    return this.directory.offerOrphans(old, this.leaseMs);
  }

  // ------------------------------------------------------------ the node registry

  async #heartbeat(): Promise<void> {
    const r = (await this.redis.script(
      'fgHeartbeat',
      [this.keys.nodes, this.keys.node(this.owner)],
      [
        this.owner,
        this.leaseMs,
        this.nodeId,
        this.roles.join(','),
        this.#draining ? 1 : 0,
        this.#owned.size,
        this.keys.node(''),
        NODES_MAX,
      ],
    )) as string[];
    const nodes = new Map<string, NodeInfo>();
    for (let i = 0; i + 4 < r.length; i += 5) {
      const owner = r[i] as string;
      nodes.set(owner, {
        owner,
        nodeId: r[i + 1] as string,
        roles: (r[i + 2] as string).split(',').filter((x) => x !== ''),
        draining: r[i + 3] === '1',
        rooms: Number(r[i + 4]),
      });
    }
    const before = this.#nodes;
    this.#nodes = nodes;
    for (const owner of before.keys()) if (!nodes.has(owner)) this.#peerGone(owner);
  }

  #peerGone(owner: string): void {
    if (owner === this.owner) return;
    const edge = this.edge.drop(owner, ClusterErrors.CLUSTER_NODE_UNREACHABLE.code);
    const hosted = this.hosted.drop(owner);
    this.bus.failPendingTo(owner);
    this.#log.warn({ peer: owner, edgeSessions: edge, hostedSessions: hosted }, 'node left the cluster');
  }

  #redisDown(): void {
    // Frames between nodes cannot flow: players connected across nodes reconnect (and wait for Redis).
    const edge = this.edge.drop(null, ClusterErrors.CLUSTER_UNAVAILABLE.code);
    const hosted = this.hosted.drop(null);
    this.bus.failPendingTo(null);
    this.#log.warn({ edgeSessions: edge, hostedSessions: hosted }, 'redis connection lost');
  }

  /** A rooms node to place a new room on: the least loaded one that is live and not draining. */
  pickRoomNode(): NodeInfo | null {
    let best: NodeInfo[] = [];
    for (const n of this.#nodes.values()) {
      if (n.owner === this.owner || !n.roles.includes('rooms') || n.draining) continue;
      if (best.length === 0 || n.rooms < (best[0] as NodeInfo).rooms) best = [n];
      else if (n.rooms === (best[0] as NodeInfo).rooms) best.push(n);
    }
    return best.length === 0 ? null : (best[randomInt(best.length)] as NodeInfo);
  }

  /** Whether this node takes a new room itself. */
  get createsLocally(): boolean {
    return this.#canOwn();
  }

  // ------------------------------------------------------------ finding rooms

  /** Redis through the breaker, with its failures turned into the player-facing CLUSTER_UNAVAILABLE. */
  async #redisCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AppError && e.status < 500) throw e;
      throw new AppError(ClusterErrors.CLUSTER_UNAVAILABLE);
    }
  }

  #liveInDb(where: 'id' | 'code', value: string): Promise<boolean> {
    return this.#rooms.isLive(where, value);
  }

  #servesLocally(roomId: string): boolean {
    const o = this.#owned.get(roomId);
    return o !== undefined && !o.adopting && this.#host?.actor(roomId) !== undefined;
  }

  /** Where a room lives: here, on another node, or nowhere live (throws CLUSTER_ROOM_MOVING while it changes hands). */
  async locate(roomId: string): Promise<{ kind: 'local' } | { kind: 'remote'; owner: string } | { kind: 'none' }> {
    if (this.#servesLocally(roomId)) return { kind: 'local' };
    const owner = await this.#redisCall(() => this.directory.ownerOf(roomId));
    return this.#where(owner, () => this.#liveInDb('id', roomId));
  }

  /** The same by six-digit code. */
  async locateCode(
    code: string,
  ): Promise<{ kind: 'local'; roomId: string } | { kind: 'remote'; owner: string; roomId: string } | { kind: 'none' }> {
    const found = await this.#redisCall(() => this.directory.lookupCode(code));
    if (found === null) {
      if (await this.#liveInDb('code', code)) throw new AppError(ClusterErrors.CLUSTER_ROOM_MOVING);
      return { kind: 'none' };
    }
    if (this.#servesLocally(found.roomId)) return { kind: 'local', roomId: found.roomId };
    const w = await this.#where(found.owner === '' ? null : found.owner, () => this.#liveInDb('id', found.roomId));
    return w.kind === 'remote' ? { ...w, roomId: found.roomId } : { kind: 'none' };
  }

  async #where(owner: string | null, liveInDb: () => Promise<boolean>): Promise<{ kind: 'remote'; owner: string } | { kind: 'none' }> {
    if (owner === null) {
      if (await liveInDb()) throw new AppError(ClusterErrors.CLUSTER_ROOM_MOVING);
      return { kind: 'none' };
    }
    // Ours but not serving yet (being rebuilt), or held by a node that stopped heartbeating: it moves soon.
    if (owner === this.owner || !this.#nodes.has(owner)) throw new AppError(ClusterErrors.CLUSTER_ROOM_MOVING);
    return { kind: 'remote', owner };
  }

  /** For the WebSocket gateway: a proxy of a room another node owns (undefined when no live room has this id). */
  async remoteRoom(roomId: string): Promise<LiveRoom | undefined> {
    const w = await this.locate(roomId);
    if (w.kind === 'local') return this.#host?.actor(roomId);
    if (w.kind === 'none') return undefined;
    return this.edge.room(roomId, w.owner);
  }

  /** A request to the node that owns a room (or the one chosen for a new one). */
  /** The risk domain's policy dissolves a room wherever it lives: here, or through its owner. Throws when the owner does not answer. */
  async dissolveForFairPlay(roomId: string): Promise<'dissolved' | 'not_live'> {
    const w = await this.locate(roomId);
    if (w.kind === 'remote') return (await this.call(w.owner, 'dissolve', { roomId })) as 'dissolved' | 'not_live';
    return this.#hostOrThrow.dissolveForFairPlay(roomId);
  }

  call(owner: string, op: 'create' | 'join' | 'preview' | 'invite' | 'dissolve', args: Record<string, unknown>): Promise<unknown> {
    return this.bus.request(owner, op, args, this.#rpcTimeoutMs);
  }

  // ------------------------------------------------------------ serving other nodes

  async #serve(from: string, op: string, a: Record<string, unknown>): Promise<unknown> {
    const host = this.#hostOrThrow;
    switch (op) {
      case 'attach': {
        const roomId = String(a.roomId);
        const room = this.#servesLocally(roomId) ? host.actor(roomId) : undefined;
        if (room === undefined) throw new AppError(ClusterErrors.CLUSTER_ROOM_MOVING);
        await this.hosted.attach(from, { sid: String(a.sid), playerId: String(a.playerId), ip: String(a.ip) }, room);
        return null;
      }
      case 'cmd':
        return this.hosted.command(String(a.sid), a.f as CommandFrame);
      case 'create': {
        if (!this.#canOwn()) throw new AppError(ClusterErrors.CLUSTER_NO_ROOM_NODE);
        const r = await host.create(String(a.playerId), a.input as Parameters<RoomHost['create']>[1], String(a.ip));
        await this.announced(r.roomId);
        return r;
      }
      case 'join':
        return host.join(String(a.playerId), a.input as Parameters<RoomHost['join']>[1], String(a.ip));
      case 'preview':
        return host.preview(String(a.code));
      case 'invite':
        return host.invite(String(a.playerId), String(a.roomId), a.inviteeId === null ? undefined : (a.inviteeId as string | undefined));
      case 'dissolve':
        return host.dissolveForFairPlay(String(a.roomId));
      default:
        assertionFailed(`known cluster request ${op.slice(0, 32)}`);
    }
  }

  /** Another domain's notices on the broadcast channel (the settings' change notices), by op. */
  onNotice(op: string, handler: (from: string, args: unknown) => void): void {
    assert(!['detach', 'nudge', 'leaving'].includes(op), `notice op ${op} is the cluster's own`);
    const list = this.#noticeHandlers.get(op) ?? [];
    list.push(handler);
    this.#noticeHandlers.set(op, list);
  }

  /** A notice to every node, this one included. */
  broadcast(op: string, args: unknown): void {
    this.bus.broadcast(op, args);
  }

  #notice(from: string, op: string, a: Record<string, unknown>): void {
    switch (op) {
      case 'detach':
        this.hosted.detach(String(a.sid));
        return;
      case 'nudge':
        if (from !== this.owner) void this.#claimTick();
        return;
      case 'leaving':
        if (from !== this.owner) {
          this.#nodes.delete(from);
          this.#peerGone(from);
        }
        return;
      default:
        for (const h of this.#noticeHandlers.get(op) ?? []) h(from, a);
        return;
    }
  }

  // ------------------------------------------------------------ metrics

  registerMetrics(metrics: MetricsRegistry): void {
    metrics.gauge('fg_cluster_rooms_owned', 'rooms whose lease this node holds', () => this.#owned.size);
    metrics.gauge('fg_cluster_rooms_paused', 'rooms let go for lack of Redis, waiting to be claimed back', () => this.#paused.size);
    metrics.gauge('fg_cluster_nodes_live', 'nodes in the registry as this node last saw it', () => this.#nodes.size);
    metrics.gauge('fg_cluster_edge_sessions', 'players connected here to rooms owned by other nodes', () => this.edge.size);
    metrics.gauge('fg_cluster_hosted_sessions', 'players connected to other nodes in rooms owned here', () => this.hosted.size);
    metrics.gauge('fg_cluster_rpc_pending', 'requests to other nodes waiting for a reply', () => this.bus.pendingRequests);
    metrics.gauge('fg_cluster_redis_up', '1 while the Redis connection is up', () => (this.redis.up ? 1 : 0));
    const claims = metrics.gauge('fg_cluster_claims', 'rooms this node claimed and rebuilt since start');
    const pauses = metrics.gauge('fg_cluster_pauses', 'rooms this node let go because their lease could not be renewed');
    const lost = metrics.gauge('fg_cluster_leases_lost', 'rooms this node found leased by another node');
    const handed = metrics.gauge('fg_cluster_handed_over', 'rooms handed over on a graceful stop');
    const bus = metrics.gauge('fg_cluster_bus_messages', 'messages published and received on the node bus');
    metrics.onCollect(async () => {
      claims.set(this.stats.claims);
      pauses.set(this.stats.pauses);
      lost.set(this.stats.lost);
      handed.set(this.stats.handedOver);
      bus.set(this.bus.published, { direction: 'out' });
      bus.set(this.bus.received, { direction: 'in' });
    });
  }
}
