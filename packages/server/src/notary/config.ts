// The notary's configuration: which time-stamping authority signs the hands' Merkle roots, the
// certificate chain its tokens must verify against, and the lag past which the console alerts.
// Without FAIRGROUND_TSA_URL, development and tests run a local TSA in the process (setup.ts);
// production must name a TSA.
import { Type } from '@sinclair/typebox';
import { trustConfig } from '@fairground/timestamp';
import { LAG_ALERT_MS_DEFAULT, TSA_TIMEOUT_MS_DEFAULT } from './limits.ts';

export const NotaryEnvSchema = {
  /** The RFC 3161 time-stamping authority's URL (required in production; default: a local TSA in this process). */
  FAIRGROUND_TSA_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]{1,2000}$' })),
  /** The TSA's certificate chain as PEM, its certificate first and the root CA last (also as FAIRGROUND_TSA_CHAIN_FILE). */
  FAIRGROUND_TSA_CHAIN: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
  /** The policy OID to ask the TSA for (default: none, the TSA's own). */
  FAIRGROUND_TSA_POLICY: Type.Optional(Type.String({ pattern: '^[0-2](\\.(0|[1-9][0-9]{0,38})){1,31}$' })),
  /** Deadline of one time-stamp request (default 10000). */
  FAIRGROUND_TSA_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{2,5}$' })),
  /** Port of the local TSA in development (default 0: any free port). */
  FAIRGROUND_TSA_SANDBOX_PORT: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,4})$' })),
  /** Attestation lag past which the console shows an alert (default 600000, ten minutes). */
  FAIRGROUND_NOTARY_LAG_ALERT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{4,8}$' })),
};

export type NotaryConfig =
  | {
      readonly mode: 'tsa';
      readonly url: string;
      readonly chainPem: string;
      readonly policyOid: string | undefined;
      readonly timeoutMs: number;
      readonly lagAlertMs: number;
    }
  | {
      readonly mode: 'local';
      readonly sandboxPort: number;
      readonly timeoutMs: number;
      readonly lagAlertMs: number;
    };

export class NotaryConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const TIMEOUT_MS_MAX = 120_000;

export function loadNotaryConfig(env: Record<string, string | undefined>, o: { readonly production: boolean }): NotaryConfig {
  const timeoutMs = Number(env.FAIRGROUND_TSA_TIMEOUT_MS ?? TSA_TIMEOUT_MS_DEFAULT);
  if (timeoutMs > TIMEOUT_MS_MAX) throw new NotaryConfigError('FAIRGROUND_TSA_TIMEOUT_MS', `must be at most ${TIMEOUT_MS_MAX}`);
  const lagAlertMs = Number(env.FAIRGROUND_NOTARY_LAG_ALERT_MS ?? LAG_ALERT_MS_DEFAULT);
  if (lagAlertMs < 120_000)
    throw new NotaryConfigError('FAIRGROUND_NOTARY_LAG_ALERT_MS', 'must be at least 120000 (the notary stamps once a minute)');
  const url = env.FAIRGROUND_TSA_URL;
  if (url === undefined) {
    if (o.production)
      throw new NotaryConfigError(
        'FAIRGROUND_TSA_URL',
        'required in production: the RFC 3161 time-stamping authority that attests the hand histories (with FAIRGROUND_TSA_CHAIN_FILE)',
      );
    if (env.FAIRGROUND_TSA_CHAIN !== undefined) throw new NotaryConfigError('FAIRGROUND_TSA_CHAIN', 'only applies with FAIRGROUND_TSA_URL');
    const sandboxPort = Number(env.FAIRGROUND_TSA_SANDBOX_PORT ?? '0');
    if (sandboxPort > 65_535) throw new NotaryConfigError('FAIRGROUND_TSA_SANDBOX_PORT', 'must be at most 65535');
    return { mode: 'local', sandboxPort, timeoutMs, lagAlertMs };
  }
  const chain = env.FAIRGROUND_TSA_CHAIN;
  if (chain === undefined)
    throw new NotaryConfigError(
      'FAIRGROUND_TSA_CHAIN',
      'required with FAIRGROUND_TSA_URL: the TSA certificate chain (PEM, root CA last) its tokens must verify against',
    );
  const certificates = chain.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) throw new NotaryConfigError('FAIRGROUND_TSA_CHAIN', 'holds no PEM certificate');
  try {
    trustConfig(certificates[certificates.length - 1] as string, certificates);
  } catch (e) {
    throw new NotaryConfigError('FAIRGROUND_TSA_CHAIN', `a certificate does not parse (${(e as Error).message})`);
  }
  if (env.FAIRGROUND_TSA_SANDBOX_PORT !== undefined)
    throw new NotaryConfigError('FAIRGROUND_TSA_SANDBOX_PORT', 'only applies without FAIRGROUND_TSA_URL (the local TSA)');
  return {
    mode: 'tsa',
    url,
    chainPem: `${certificates.join('\n')}\n`,
    policyOid: env.FAIRGROUND_TSA_POLICY,
    timeoutMs,
    lagAlertMs,
  };
}
