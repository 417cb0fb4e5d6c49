// The client's network address for the same-IP rules. Behind a reverse proxy on the same host
// (nginx on loopback, the usual single-machine setup) every connection comes from 127.0.0.1, so
// the proxy's X-Forwarded-For is believed, but only from a loopback peer: nobody else can claim
// to be a proxy. Behind a proxy on another host, configure Fastify's trustProxy and the request's
// own address is already the client's.
import type { FastifyRequest } from 'fastify';

const ADDRESS_PATTERN = /^[0-9A-Fa-f.:]{2,45}$/;

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function clientAddress(request: FastifyRequest): string {
  const peer = request.socket?.remoteAddress ?? '';
  const forwarded = request.headers['x-forwarded-for'];
  if (isLoopback(peer) && typeof forwarded === 'string') {
    const first = forwarded.split(',')[0]?.trim() ?? '';
    if (ADDRESS_PATTERN.test(first)) return first;
  }
  return request.ip;
}
