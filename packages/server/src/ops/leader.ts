// Leader election for jobs that must run in one process at a time (sweeps, reconcilers, bill
// downloads). Three implementations behind one interface:
// - in-process (the embedded default: one process, it always leads);
// - PostgreSQL session advisory locks on a connection of their own: if the process dies, its
//   connection closes and the lock is free at once;
// - Redis `SET key owner NX PX ttl`, renewed while the job runs and released with a compare-and-
//   delete, so a paused process whose lease expired cannot release someone else's.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRequire } from 'node:module';

// PostgreSQL's client is loaded when a PostgreSQL leader is made, not at start: a SQLite node never
// loads it (bench/README.md, "The idle process and memory per player").
const require = createRequire(import.meta.url);

export interface LeaderLock {
  /** Tries to become the leader for `name`; true when this process now holds it. */
  acquire(name: string): Promise<boolean>;
  release(name: string): Promise<void>;
  close(): Promise<void>;
}

export function inProcessLeader(): LeaderLock {
  const held = new Set<string>();
  return {
    async acquire(name) {
      if (held.has(name)) return false;
      held.add(name);
      return true;
    },
    async release(name) {
      held.delete(name);
    },
    async close() {},
  };
}

export async function postgresLeader(url: string, namespace = 'fairground'): Promise<LeaderLock> {
  const client = new (require('pg') as typeof import('pg')).Client({ connectionString: url });
  await client.connect();
  client.on('error', () => {
    // The connection is gone, and with it every lock it held; the next acquire fails loudly.
  });
  const key = (name: string) => [`${namespace}:${name}`];
  return {
    async acquire(name) {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', key(name));
      return r.rows[0]?.ok === true;
    },
    async release(name) {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', key(name));
    },
    async close() {
      await client.end();
    },
  };
}

const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export function redisLeader(redis: Redis, options: { prefix?: string; leaseMs?: number } = {}): LeaderLock {
  const owner = randomBytes(12).toString('hex');
  const prefix = options.prefix ?? 'fg:leader:';
  const leaseMs = options.leaseMs ?? 30_000;
  const renewals = new Map<string, NodeJS.Timeout>();
  return {
    async acquire(name) {
      const ok = await redis.set(prefix + name, owner, 'PX', leaseMs, 'NX');
      if (ok !== 'OK') return false;
      const timer = setInterval(
        () => {
          void redis.eval(RENEW_SCRIPT, 1, prefix + name, owner, String(leaseMs)).catch(() => {});
        },
        Math.floor(leaseMs / 3),
      );
      timer.unref();
      renewals.set(name, timer);
      return true;
    },
    async release(name) {
      clearInterval(renewals.get(name));
      renewals.delete(name);
      await redis.eval(RELEASE_SCRIPT, 1, prefix + name, owner);
    },
    async close() {
      for (const t of renewals.values()) clearInterval(t);
      renewals.clear();
    },
  };
}
