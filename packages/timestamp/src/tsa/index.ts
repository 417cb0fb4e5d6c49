// The local time-stamping authority: real RFC 3161 tokens from a sandbox CA, for development, tests
// and demonstrations. See README.md ("The local TSA").
import type { AddressInfo } from 'node:net';
import { AppError, type Clock, systemClock } from '@fairground/core';
import { TimestampErrors } from '../errors.ts';
import { SANDBOX_POLICY_OID } from '../asn1/oids.ts';
import type { KeyAlgorithm } from './certificates.ts';
import { type ActiveTsaFault, TSA_FAULT_MS_MAX, type TsaFault, TsaFaults } from './faults.ts';
import { generateIdentity, identityPem, loadOrCreateIdentity, SerialCounter, type TsaIdentity } from './identity.ts';
import { createTsaServer, TSA_PATHS } from './server.ts';

export { KEY_ALGORITHMS, type KeyAlgorithm } from './certificates.ts';
export { TSA_FAULT_KINDS, type ActiveTsaFault, type TsaFault, type TsaFaultKind } from './faults.ts';
export { generateIdentity, type GenerateIdentityOptions, type TsaIdentity } from './identity.ts';
export { TSA_PATHS } from './server.ts';

export interface TsaSandboxOptions {
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: an ephemeral port). */
  readonly port?: number;
  /** State directory: keys, certificates and the serial counter survive restarts there. In memory when absent. */
  readonly dir?: string;
  /** Source of genTime (default the system clock). */
  readonly clock?: Clock;
  /** Key type of a newly generated CA and TSA (default ECDSA P-256). */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Sign with this identity instead of generating or loading one (tests use it for broken certificates). */
  readonly identity?: TsaIdentity;
  /** Policy OID of every token (default SANDBOX_POLICY_OID). */
  readonly policyOid?: string;
  /** Lets the process exit while the TSA listens (a TSA started on demand inside a test process). */
  readonly unref?: boolean;
}

export interface TsaSandbox {
  /** Where to POST time-stamp queries. */
  readonly url: string;
  readonly baseUrl: string;
  readonly policyOid: string;
  readonly caCertPem: string;
  readonly tsaCertPem: string;
  /** The TSA certificate then the CA certificate. */
  readonly chainPem: string;
  readonly identity: TsaIdentity;
  readonly faults: {
    inject(fault: TsaFault): number;
    clear(): void;
    list(): ActiveTsaFault[];
  };
  /**
   * Stops listening for `ms` real milliseconds (at most 120 s), dropping open connections, so
   * clients see "connection refused"; then listens on the same port again. Resolves once closed.
   */
  outage(ms: number): Promise<void>;
  /** Stops listening and drops open connections (a pending 'slow' answer ends at once). */
  close(): Promise<void>;
}

export async function startTsaSandbox(options: TsaSandboxOptions = {}): Promise<TsaSandbox> {
  const clock = options.clock ?? systemClock;
  const generate = { nowMs: clock.nowMs(), keyAlgorithm: options.keyAlgorithm ?? 'ecdsa-p256' } as const;
  const identity =
    options.identity ?? (options.dir === undefined ? await generateIdentity(generate) : await loadOrCreateIdentity(options.dir, generate));
  const serials = options.dir === undefined ? SerialCounter.inMemory() : await SerialCounter.open(options.dir);
  const faults = new TsaFaults();
  const pem = identityPem(identity);
  const policyOid = options.policyOid ?? SANDBOX_POLICY_OID;
  const sleeps = new Set<() => void>();
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  let closed = false;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        if (options.unref) server.unref();
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Keep-alive connections would let a client in through the back door: drop them too.
      server.closeAllConnections();
    });
  const outage = async (ms: number): Promise<void> => {
    if (!Number.isSafeInteger(ms) || ms < 1 || ms > TSA_FAULT_MS_MAX) {
      throw new AppError(TimestampErrors.TSA_SANDBOX_REQUEST_INVALID, { why: `ms must be 1..${TSA_FAULT_MS_MAX}` });
    }
    if (closed) return;
    if (reopenTimer !== undefined) clearTimeout(reopenTimer);
    await stopListening();
    reopenTimer = setTimeout(() => {
      reopenTimer = undefined;
      if (!closed) listen().catch((e: unknown) => console.error('tsa-sandbox: could not listen again after the outage', e));
    }, ms);
  };

  const server = createTsaServer({ identity, serials, clock, policyOid, faults, pem, sleeps, outage });
  await listen();
  port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${urlHost}:${port}`;
  return {
    url: `${baseUrl}${TSA_PATHS.query}`,
    baseUrl,
    policyOid,
    ...pem,
    identity,
    faults: {
      inject: (fault) => faults.inject(fault),
      clear: () => faults.clear(),
      list: () => faults.list(),
    },
    outage,
    close: async () => {
      closed = true;
      if (reopenTimer !== undefined) clearTimeout(reopenTimer);
      for (const wake of [...sleeps]) wake();
      await stopListening();
    },
  };
}
