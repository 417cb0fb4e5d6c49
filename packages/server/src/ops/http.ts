// Operational endpoints of every node: liveness, readiness and Prometheus metrics, plus the
// request metrics themselves. They sit outside the public API contract (hidden from OpenAPI).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../storage/ports.ts';
import { AppError } from '@fairground/core';
import { OpsErrors } from './breaker.ts';
import { LATENCY_BUCKETS_S, type MetricsRegistry } from './metrics.ts';

export interface OpsOptions {
  readonly registry: MetricsRegistry;
  readonly store: Store;
  readonly nodeId: string;
  readonly roles: readonly string[];
  /** Extra readiness checks (Redis ping, …); each throws when its dependency is down. */
  readonly readinessChecks?: Record<string, () => Promise<void>>;
  /** True once the node has been asked to stop: it then reports not ready, so load balancers drain it. */
  readonly isDraining: () => boolean;
  /** Ports bound to stand-ins: the node is ready, but degraded, and says which. */
  readonly degraded: readonly string[];
  /**
   * Things an operator must act on that do not make the node unready (a minors' calendar not yet
   * verified or about to run out): listed by /readyz, one line each.
   */
  readonly warnings?: () => Promise<readonly string[]>;
  /** What each of those stand-ins is (its adapter in the start-up report), so a probe says what runs instead. */
  readonly standIns?: Readonly<Record<string, string>>;
  /**
   * Who may read /metrics: anyone (development), the holder of a bearer token, or nobody — the
   * route is then not served at all (production without FAIRGROUND_METRICS_TOKEN). Metrics name
   * routes, nodes and volumes, which are not for the public internet.
   */
  readonly metrics?: 'open' | 'closed' | { readonly token: string };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerOps(app: FastifyInstance, o: OpsOptions): void {
  const requests = o.registry.counter('fg_http_requests_total', 'HTTP requests by route, method and status');
  const latency = o.registry.histogram('fg_http_request_seconds', 'HTTP request latency by route', LATENCY_BUCKETS_S);
  o.registry.gauge('fg_process_resident_bytes', 'resident memory of this process', () => process.memoryUsage().rss);
  o.registry.gauge('fg_process_uptime_seconds', 'seconds since this process started', () => Math.round(process.uptime()));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics' || route === '/livez' || route === '/readyz') return;
    const labels = { route, method: request.method, status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(reply.elapsedTime / 1000, { route });
  });

  app.get('/livez', { schema: { hide: true } }, async () => ({ ok: true, nodeId: o.nodeId }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ready = !o.isDraining();
    if (!ready) checks.node = 'draining';
    try {
      await o.store.reader.query('SELECT 1');
      checks.database = 'ok';
    } catch (e) {
      ready = false;
      checks.database = (e as Error).message.slice(0, 200);
    }
    for (const [name, check] of Object.entries(o.readinessChecks ?? {})) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (e) {
        ready = false;
        checks[name] = (e as Error).message.slice(0, 200);
      }
    }
    let warnings: readonly string[] = [];
    if (ready && o.warnings) {
      try {
        warnings = await o.warnings();
      } catch (e) {
        warnings = [`warnings unavailable: ${(e as Error).message.slice(0, 200)}`];
      }
    }
    reply.code(ready ? 200 : 503);
    const status = !ready ? 'not_ready' : o.degraded.length > 0 ? 'degraded' : 'ok';
    return { ready, status, degraded: o.degraded, standIns: o.standIns ?? {}, nodeId: o.nodeId, roles: o.roles, checks, warnings };
  });

  const access = o.metrics ?? 'open';
  if (access === 'closed') return;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (access !== 'open' && !bearerMatches(request.headers.authorization, access.token)) {
      reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('application/json');
      return JSON.stringify(new AppError(OpsErrors.METRICS_TOKEN_REQUIRED).toJSON());
    }
    reply.type('text/plain; version=0.0.4');
    return o.registry.collectAndRender();
  });
}
