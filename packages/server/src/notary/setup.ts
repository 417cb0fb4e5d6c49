// Builds the time-stamping authority main.ts binds to the notary port: the operator's TSA, or —
// by default outside production — a local TSA started in this process on its own loopback port
// (a separate peer reached over HTTP, exactly as a public TSA is; never something production
// runs). The local TSA's CA and keys persist in the data folder, so tokens issued before a restart
// still verify against the same CA after it.
import { join } from 'node:path';
import type { Clock } from '@fairground/core';
import { startTsaSandbox } from '@fairground/timestamp';
import { rfc3161Authority } from './authority.ts';
import type { NotaryConfig } from './config.ts';
import type { TimestampAuthority } from './ports.ts';

export interface NotarySetup {
  readonly authority: TimestampAuthority;
  /** The local TSA's address (its /certs/ca.pem is the trust anchor), when one runs in this process. */
  readonly sandboxUrl: string | undefined;
  close(): Promise<void>;
}

export async function setUpNotary(
  c: NotaryConfig,
  o: { readonly host: string; readonly dataDir: string; readonly clock: Clock },
): Promise<NotarySetup> {
  if (c.mode === 'tsa') {
    const authority = rfc3161Authority({
      url: c.url,
      chainPem: c.chainPem,
      ...(c.policyOid !== undefined ? { policyOid: c.policyOid } : {}),
      timeoutMs: c.timeoutMs,
      clock: o.clock,
    });
    return { authority, sandboxUrl: undefined, close: async () => {} };
  }
  const host = o.host === '0.0.0.0' || o.host === '::' ? o.host : '127.0.0.1';
  const tsa = await startTsaSandbox({ host, port: c.sandboxPort, dir: join(o.dataDir, 'tsa-sandbox'), clock: o.clock });
  const authority = rfc3161Authority({ url: tsa.url, chainPem: tsa.chainPem, timeoutMs: c.timeoutMs, clock: o.clock });
  return { authority, sandboxUrl: tsa.baseUrl, close: () => tsa.close() };
}
