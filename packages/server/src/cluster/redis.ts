// The cluster's connections to Redis: one for commands and publishing, one for subscriptions.
// Commands are never queued while Redis is away (a queued lease renewal that lands late would be
// worse than a failed one): they fail at once, through a circuit breaker with a timeout, and the
// connection keeps reconnecting in the background. Scripts run through ioredis' EVALSHA with EVAL
// fallback, so a restarted Redis that lost its script cache is no problem.
import { type BreakerState, CircuitBreaker } from '../ops/breaker.ts';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { REDIS_CALL_TIMEOUT_MS, REDIS_RECONNECT_MS_MAX } from './limits.ts';
import { SCRIPTS, type ScriptName } from './scripts.ts';

// Loaded when the first connection is made, not at start: a node configured without Redis never
// loads the client (about 2 MB of V8 heap; bench/README.md, "The idle process and memory per player").
const require = createRequire(import.meta.url);

export interface ClusterRedisOptions {
  readonly url: string;
  readonly callTimeoutMs?: number;
  readonly onStateChange?: (state: BreakerState) => void;
  readonly onError?: (e: Error) => void;
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

export class ClusterRedis {
  readonly client: Redis;
  readonly sub: Redis;
  readonly breaker: CircuitBreaker;
  readonly #scripts: Record<ScriptName, ScriptFn>;
  readonly #readyHandlers: (() => void)[] = [];
  readonly #downHandlers: (() => void)[] = [];
  #up = false;

  constructor(o: ClusterRedisOptions) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times: number) => Math.min(100 * times, REDIS_RECONNECT_MS_MAX),
    };
    const Client = (require('ioredis') as typeof import('ioredis')).Redis;
    this.client = new Client(o.url, options);
    // The subscriber must queue its SUBSCRIBE until connected; it sends nothing else.
    this.sub = new Client(o.url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    const onError = o.onError ?? (() => {});
    this.client.on('error', onError);
    this.sub.on('error', onError);
    this.breaker = new CircuitBreaker({
      name: 'redis',
      failuresMax: 3,
      windowMs: 5_000,
      // Short: Redis comes back in seconds, and the trial call is cheap.
      openMs: 1_000,
      callTimeoutMs: o.callTimeoutMs ?? REDIS_CALL_TIMEOUT_MS,
      ...(o.onStateChange ? { onStateChange: (_: string, s: BreakerState) => o.onStateChange?.(s) } : {}),
    });
    for (const [name, s] of Object.entries(SCRIPTS)) this.client.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
    this.#scripts = this.client as unknown as Record<ScriptName, ScriptFn>;
    this.client.on('ready', () => {
      // A connection that just became ready is proof Redis is back: calls go through at once
      // instead of waiting for the breaker's open period to pass.
      this.breaker.reset();
      this.#up = true;
      for (const h of this.#readyHandlers) h();
    });
    this.client.on('close', () => {
      if (!this.#up) return;
      this.#up = false;
      for (const h of this.#downHandlers) h();
    });
  }

  /** Connects both connections; fails when Redis does not answer (a node does not start without it). */
  async connect(): Promise<void> {
    await Promise.all([this.client.connect(), this.sub.connect()]);
  }

  /** Whether the command connection is up right now. */
  get up(): boolean {
    return this.#up;
  }

  onReady(h: () => void): void {
    this.#readyHandlers.push(h);
  }

  onDown(h: () => void): void {
    this.#downHandlers.push(h);
  }

  /** A Redis call through the breaker, with its timeout. */
  call<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    return this.breaker.call(() => fn(this.client));
  }

  /** Runs a script (KEYS first, then ARGV) through the breaker. */
  script(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const fn = this.#scripts[name];
    return this.breaker.call(() => fn.call(this.client, ...keys, ...args));
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Every key and channel the cluster uses, under one prefix (tests use a unique one per file). */
export class Keys {
  readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }
  /** Room id → the owner token holding the room's lease (expires unless renewed). */
  lease(roomId: string): string {
    return `${this.prefix}lease:${roomId}`;
  }
  /** Sorted set of room ids by lease expiry (Redis time, ms): claimers read the expired end by score. */
  get leases(): string {
    return `${this.prefix}leases`;
  }
  /** Room id → presence hash: owner, node, code, status, seats, seated, observers, mode, fv, fvm, epoch. */
  room(roomId: string): string {
    return `${this.prefix}room:${roomId}`;
  }
  /** Six-digit code → room id, for the live room with that code. */
  code(code: string): string {
    return `${this.prefix}code:${code}`;
  }
  /** Player id → the friends-visible live rooms that player is in (the friends list reads it by key). */
  friendsVisible(playerId: string): string {
    return `${this.prefix}fv:${playerId}`;
  }
  /** Owner token → node hash: nodeId, roles, draining, rooms. Expires unless the node heartbeats. */
  node(owner: string): string {
    return `${this.prefix}node:${owner}`;
  }
  /** Sorted set of owner tokens by heartbeat expiry. */
  get nodes(): string {
    return `${this.prefix}nodes`;
  }
  /** One node's channel: requests, replies and frames for sessions it holds. */
  channel(owner: string): string {
    return `${this.prefix}ch:${owner}`;
  }
  /** Every node listens here (claim nudges). */
  get broadcast(): string {
    return `${this.prefix}ch:*all`;
  }
  /** Rate-limit counter of one client in one window. */
  rate(key: string, window: number): string {
    return `${this.prefix}rl:${key}:${window}`;
  }
}
