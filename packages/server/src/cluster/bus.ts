// Messages between nodes over Redis pub/sub. Every node listens on its own channel (named by its
// owner token, which is new in every process, so a restarted node never receives what was meant
// for its predecessor) and on one broadcast channel. What one node sends another during one turn
// of the event loop travels as one published message, in order: a room's frames for a player,
// the reply to that player's command, and the close of their session arrive in the order the
// owner produced them.
//
// Records, one per line (room frames are JSON text, which never contains a raw newline):
//   O<sid> <text>          a frame for the player on session <sid>
//   C<sid> <code> <reason> the owner closed the session
//   Q<json>                a request {id, from, op, a} expecting a reply
//   N<json>                a notice {from, op, a} expecting none
//   R<json>                a reply {id, ok, v} or {id, ok: false, e}
// Pub/sub keeps nothing: a message to a node that is gone is lost. Requests time out; sessions
// are closed when either side's node leaves the registry, and players reconnect.
import { AppError, assert, errorCatalogue, type ErrorDef } from '@fairground/core';
import { ClusterErrors } from './errors.ts';
import { BUS_MESSAGE_BYTES_MAX, RPC_BODY_BYTES_MAX, RPC_PENDING_MAX, RPC_TIMEOUT_MS } from './limits.ts';
import type { ClusterRedis, Keys } from './redis.ts';

export interface BusHandlers {
  /** A request from another node; the result (or the AppError thrown) is the reply. */
  request(from: string, op: string, args: unknown): Promise<unknown>;
  /** A notice from another node (no reply). */
  notice(from: string, op: string, args: unknown): void;
  /** A frame for a session this node holds for a player. */
  frame(sid: string, text: string): void;
  /** The owner closed a session this node holds. */
  closed(sid: string, code: number, reason: string): void;
}

export interface BusLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly timer: NodeJS.Timeout;
  readonly to: string;
}

interface WireError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;
}

let catalogue: Map<string, ErrorDef> | null = null;

/** The error as the node that raised it defined it: same code, status, message and details. */
export function errorFromWire(e: WireError): AppError {
  let def = catalogue?.get(e.code);
  if (def === undefined) {
    catalogue = new Map(errorCatalogue().map((d) => [d.code, d]));
    def = catalogue.get(e.code) ?? { code: e.code, domain: 'remote', status: e.status, message: e.message, retryable: e.retryable };
  }
  return new AppError(def, e.details, e.message);
}

function errorToWire(e: unknown): WireError {
  if (e instanceof AppError) {
    return {
      code: e.code,
      status: e.status,
      message: e.message,
      retryable: e.retryable,
      ...(e.details ? { details: e.details as Record<string, unknown> } : {}),
    };
  }
  return { code: 'INTERNAL', status: 500, message: 'internal error', retryable: true };
}

const SAFE_REASON = /[\n\r]/g;

export class Bus {
  readonly self: string;
  readonly #redis: ClusterRedis;
  readonly #keys: Keys;
  readonly #log: BusLogger;
  #handlers: BusHandlers | null = null;
  readonly #pending = new Map<string, Pending>();
  readonly #outbox = new Map<string, string[]>();
  readonly #outboxBytes = new Map<string, number>();
  #flushScheduled = false;
  #nextId = 0;
  #closed = false;
  /** Messages published and received, for metrics. */
  published = 0;
  received = 0;

  constructor(redis: ClusterRedis, keys: Keys, self: string, log: BusLogger) {
    this.#redis = redis;
    this.#keys = keys;
    this.self = self;
    this.#log = log;
  }

  /** Subscribes to this node's channel and the broadcast channel. */
  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
    const mine = this.#keys.channel(this.self);
    const all = this.#keys.broadcast;
    this.#redis.sub.on('message', (channel: string, message: string) => {
      if (channel !== mine && channel !== all) return;
      this.received += 1;
      this.#receive(message);
    });
    await this.#redis.sub.subscribe(mine, all);
  }

  get pendingRequests(): number {
    return this.#pending.size;
  }

  /** Sends a request and waits for its reply (or rejects with the remote AppError, or CLUSTER_NODE_UNREACHABLE after the timeout). */
  request(to: string, op: string, args: unknown, timeoutMs = RPC_TIMEOUT_MS): Promise<unknown> {
    if (this.#pending.size >= RPC_PENDING_MAX) return Promise.reject(new AppError(ClusterErrors.CLUSTER_BUSY));
    const id = String(this.#nextId++);
    const body = JSON.stringify({ id, from: this.self, op, a: args });
    return new Promise((resolve, reject) => {
      // Thrown in the executor, so the caller sees a rejected promise as with every other failure.
      assert(body.length <= RPC_BODY_BYTES_MAX, `request ${op} within ${RPC_BODY_BYTES_MAX} bytes`);
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError(ClusterErrors.CLUSTER_NODE_UNREACHABLE, { op }));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer, to });
      this.#enqueue(to, `Q${body}`);
    });
  }

  /** Fails every request waiting on a node that left, or on every node (null) when Redis went away: no answer will come. */
  failPendingTo(to: string | null): void {
    for (const [id, p] of this.#pending) {
      if (to !== null && p.to !== to) continue;
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(new AppError(ClusterErrors.CLUSTER_NODE_UNREACHABLE));
    }
  }

  notice(to: string, op: string, args: unknown): void {
    this.#enqueue(to, `N${JSON.stringify({ from: this.self, op, a: args })}`);
  }

  /** A notice to every node (this one included). */
  broadcast(op: string, args: unknown): void {
    this.#enqueue('*all', `N${JSON.stringify({ from: this.self, op, a: args })}`);
  }

  frame(to: string, sid: string, text: string): void {
    assert(!text.includes('\n'), 'a room frame is one line of JSON');
    this.#enqueue(to, `O${sid} ${text}`);
  }

  close(to: string, sid: string, code: number, reason: string): void {
    this.#enqueue(to, `C${sid} ${code} ${reason.replace(SAFE_REASON, ' ').slice(0, 120)}`);
  }

  /** Sends everything queued now (shutdown). */
  async flush(): Promise<void> {
    await this.#flush();
  }

  async stop(): Promise<void> {
    await this.#flush();
    this.#closed = true;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(new AppError(ClusterErrors.CLUSTER_UNAVAILABLE));
    }
  }

  // ------------------------------------------------------------ sending

  #enqueue(to: string, record: string): void {
    if (this.#closed) return;
    let list = this.#outbox.get(to);
    if (list === undefined) {
      list = [];
      this.#outbox.set(to, list);
    }
    list.push(record);
    const bytes = (this.#outboxBytes.get(to) ?? 0) + record.length + 1;
    this.#outboxBytes.set(to, bytes);
    // A large burst goes out at once instead of growing the batch past one message.
    if (bytes >= BUS_MESSAGE_BYTES_MAX) {
      void this.#publish(to, list.splice(0));
      this.#outboxBytes.set(to, 0);
      return;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => void this.#flush());
    }
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const sends: Promise<void>[] = [];
    for (const [to, list] of this.#outbox) {
      if (list.length > 0) sends.push(this.#publish(to, list.splice(0)));
    }
    this.#outbox.clear();
    this.#outboxBytes.clear();
    await Promise.all(sends);
  }

  async #publish(to: string, records: string[]): Promise<void> {
    const channel = to === '*all' ? this.#keys.broadcast : this.#keys.channel(to);
    this.published += 1;
    // Not through the breaker: a publish only fails when the connection is down (commands are
    // never queued), and then every cross-node session is closed anyway (see Cluster); a breaker
    // tripped by a slow moment would drop frames of sessions that are otherwise fine.
    try {
      await this.#redis.client.publish(channel, records.join('\n'));
    } catch {
      // Redis is away: frames are lost (players re-sync on reconnect) and requests will time out.
    }
  }

  // ------------------------------------------------------------ receiving

  #receive(message: string): void {
    let start = 0;
    while (start < message.length) {
      let end = message.indexOf('\n', start);
      if (end < 0) end = message.length;
      const record = message.slice(start, end);
      start = end + 1;
      try {
        this.#record(record);
      } catch (e) {
        this.#log.error({ err: e, kind: record.slice(0, 1) }, 'cluster message could not be handled');
      }
    }
  }

  #record(record: string): void {
    const h = this.#handlers;
    if (h === null) return;
    const kind = record.charCodeAt(0);
    if (kind === 79 /* O */) {
      const space = record.indexOf(' ');
      h.frame(record.slice(1, space), record.slice(space + 1));
      return;
    }
    if (kind === 67 /* C */) {
      const [sid, code, ...reason] = record.slice(1).split(' ');
      h.closed(sid ?? '', Number(code), reason.join(' '));
      return;
    }
    const body = JSON.parse(record.slice(1)) as Record<string, unknown>;
    if (kind === 82 /* R */) {
      const p = this.#pending.get(String(body.id));
      if (p === undefined) return;
      this.#pending.delete(String(body.id));
      clearTimeout(p.timer);
      if (body.ok === true) p.resolve(body.v);
      else p.reject(errorFromWire(body.e as WireError));
      return;
    }
    const from = String(body.from);
    const op = String(body.op);
    if (kind === 78 /* N */) {
      h.notice(from, op, body.a);
      return;
    }
    if (kind === 81 /* Q */) {
      const id = String(body.id);
      h.request(from, op, body.a).then(
        (v) => this.#enqueue(from, `R${JSON.stringify({ id, ok: true, v: v ?? null })}`),
        (e: unknown) => {
          if (!(e instanceof AppError)) this.#log.error({ err: e, op }, 'cluster request failed');
          this.#enqueue(from, `R${JSON.stringify({ id, ok: false, e: errorToWire(e) })}`);
        },
      );
    }
  }
}
