// Request rate limits per client: one counter per client per window, shared by every node through
// Redis (a client spreading requests over nodes gets no more), or in this process's memory on an
// embedded server. If Redis stops answering, each node falls back to its own memory limiter: a
// client then gets at most the limit per node, which is looser but never unlimited.
import { createHash } from 'node:crypto';
import { AppError } from '@fairground/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpErrors } from '../http/errors.ts';
import { clientAddress } from '../rooms/index.ts';
import { RATE_LIMIT_KEYS_MAX, RATE_WINDOW_MS } from './limits.ts';

/** Longer Authorization headers are not even verified: they count against the address. */
const AUTHORIZATION_LENGTH_MAX = 4096;
import type { ClusterRedis, Keys } from './redis.ts';

export interface RateDecision {
  readonly allowed: boolean;
  /** When the client may try again (0 when allowed). */
  readonly retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
}

export interface RateLimitOptions {
  /** Requests one client may make per window. */
  readonly limit: number;
  readonly windowMs?: number;
  readonly nowMs: () => number;
}

export function memoryRateLimiter(o: RateLimitOptions): RateLimiter {
  const windowMs = o.windowMs ?? RATE_WINDOW_MS;
  const counts = new Map<string, number>();
  let window = -1;
  return {
    async take(key) {
      const now = o.nowMs();
      const w = Math.floor(now / windowMs);
      if (w !== window) {
        window = w;
        counts.clear();
      }
      // A flood of distinct keys cannot grow memory: past the bound, new keys share one counter.
      const k = counts.has(key) || counts.size < RATE_LIMIT_KEYS_MAX ? key : '*overflow';
      const n = (counts.get(k) ?? 0) + 1;
      counts.set(k, n);
      return n <= o.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: (w + 1) * windowMs - now };
    },
  };
}

export function redisRateLimiter(redis: ClusterRedis, keys: Keys, o: RateLimitOptions): RateLimiter {
  const windowMs = o.windowMs ?? RATE_WINDOW_MS;
  const fallback = memoryRateLimiter(o);
  return {
    async take(key) {
      const w = Math.floor(o.nowMs() / windowMs);
      try {
        const [n, ttl] = (await redis.script('fgRate', [keys.rate(key, w)], [windowMs])) as [number, number];
        return Number(n) <= o.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(0, Number(ttl)) };
      } catch {
        return fallback.take(key);
      }
    },
  };
}

/** The session a bearer header proves (signature and expiry checked, no database read), or null. */
export type SessionOf = (authorization: string) => Promise<string | null>;

/**
 * The client a request counts against: the session its token proves when the token verifies, else
 * its network address (through trusted proxies only). A junk or forged token counts against the
 * address, so inventing a new one per request gains nothing.
 */
export async function clientKey(request: FastifyRequest, sessionOf: SessionOf): Promise<string> {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.length > 0 && auth.length <= AUTHORIZATION_LENGTH_MAX) {
    const sessionId = await sessionOf(auth);
    if (sessionId !== null) return `s:${createHash('sha256').update(sessionId).digest('base64url').slice(0, 22)}`;
  }
  return `ip:${clientAddress(request)}`;
}

/**
 * Limits every `/api/` request except those under `exempt` (a payment provider's notifications come
 * from a few addresses and must never be turned away); the operational endpoints are not counted.
 * Refusals are 429 RATE_LIMITED with Retry-After.
 */
export function registerRateLimit(app: FastifyInstance, limiter: RateLimiter, sessionOf: SessionOf, exempt: readonly string[] = []): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || exempt.some((p) => request.url.startsWith(p))) return;
    const d = await limiter.take(await clientKey(request, sessionOf));
    if (d.allowed) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil(d.retryAfterMs / 1000))));
    throw new AppError(HttpErrors.RATE_LIMITED, { retryAfterMs: d.retryAfterMs });
  });
}
