// The real adapter of the notary port: an RFC 3161 client (packages/timestamp) talking to the
// configured time-stamping authority over HTTP. The client verifies each token completely before
// it returns it; the chain from configuration is both its trust anchor (the last certificate) and
// what every export bundle carries.
import type { Clock } from '@fairground/core';
import { TimestampClient } from '@fairground/timestamp';
import type { TimestampAuthority } from './ports.ts';
import { lastCertificate } from './service.ts';

export interface Rfc3161AuthorityOptions {
  readonly url: string;
  /** PEM: the TSA's certificate (or nothing more than the root CA) first, the root CA last. */
  readonly chainPem: string;
  /** reqPolicy to ask for; tokens must then carry it. */
  readonly policyOid?: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

export function rfc3161Authority(o: Rfc3161AuthorityOptions): TimestampAuthority {
  const trustAnchorsPem = lastCertificate(o.chainPem);
  const client = new TimestampClient({
    url: o.url,
    trustAnchorsPem,
    // The rest of the chain only helps build the path from the TSA certificate to the anchor.
    untrustedPem: o.chainPem,
    ...(o.policyOid !== undefined ? { reqPolicyOid: o.policyOid } : {}),
    timeoutMs: o.timeoutMs,
    clock: o.clock,
  });
  return {
    url: o.url,
    chainPem: o.chainPem,
    trustAnchorsPem,
    timestamp: (digest) => client.timestamp(digest),
  };
}
