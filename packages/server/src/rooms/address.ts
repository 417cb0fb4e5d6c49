// The client's network address, for the same-IP rules, geo policy, rate limits and audit. The HTTP
// server (http/server.ts) works it out once per request from the connection and the
// X-Forwarded-For hops of trusted proxies only (FAIRGROUND_TRUSTED_PROXIES, default loopback):
// nobody else can claim to be a proxy, and behind a load balancer every player keeps their own.
import type { FastifyRequest } from 'fastify';

export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}
