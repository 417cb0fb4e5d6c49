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

/**
 * The client a request counts against: its session (the bearer token) when it has one, else its
 * network address (the proxy-aware one: behind a proxy on loopback every peer is 127.0.0.1).
 */
export function clientKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.length > 0) return `t:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}`;
  return `ip:${clientAddress(request)}`;
}

/**
 * Limits every `/api/` request except those under `exempt` (a payment provider's notifications come
 * from a few addresses and must never be turned away); the operational endpoints are not counted.
 * Refusals are 429 RATE_LIMITED with Retry-After.
 */
export function registerRateLimit(app: FastifyInstance, limiter: RateLimiter, exempt: readonly string[] = []): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || exempt.some((p) => request.url.startsWith(p))) return;
    const d = await limiter.take(clientKey(request));
    if (d.allowed) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil(d.retryAfterMs / 1000))));
    throw new AppError(HttpErrors.RATE_LIMITED, { retryAfterMs: d.retryAfterMs });
  });
}
