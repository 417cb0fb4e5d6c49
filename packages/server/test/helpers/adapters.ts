// The stand-ins tests bind to the platform's outside ports, explicitly (the platform itself binds
// none). A test that looks at a stand-in (what the real-name reporter accepted) passes its own
// instance. The notary's adapter is the real RFC 3161 client, against a local TSA (helpers/tsa.ts).
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type Bound, type PlatformAdapters, real, standIn } from '../../src/bindings.ts';
import type { TimestampAuthority } from '../../src/notary/index.ts';
import type { PaymentProvider } from '../../src/payments/index.ts';
import type { VirtualPaymentPort } from '../../src/vpay/ports.ts';
import { lazyLocalTsa } from './tsa.ts';
import {
  createSandboxFaceCheck,
  createSandboxVerificationProvider,
  type SandboxFaceCheck,
  SandboxRealNameReporter,
  standInAdapters,
} from '../../src/standins/index.ts';

export interface TestAdapterOptions {
  readonly appIds?: { readonly miniprogram: string; readonly h5: string };
  /** The time-stamping authority (default: a local TSA on the test's clock, started on first use). */
  readonly notary?: Bound<TimestampAuthority>;
  readonly reporter?: SandboxRealNameReporter;
  /** null: no face-check provider. */
  readonly faceCheck?: SandboxFaceCheck | null;
  readonly payments?: PaymentProvider | null;
  /** The real-name ports (tests of the NPPA flow bind its adapters against a sandbox); the in-memory stand-ins otherwise. */
  readonly realName?: Pick<PlatformAdapters, 'realNameCheck' | 'playReporting'>;
  /** Virtual payment beside the stand-in sign-in (a test's own port; none by default). */
  readonly vpay?: VirtualPaymentPort;
}

export function testAdapters(clock: Clock, o: TestAdapterOptions = {}): PlatformAdapters {
  const standIns = standInAdapters({
    clock,
    appIds: o.appIds ?? { miniprogram: 'wxtestminiprogram', h5: 'wxtestofficial' },
    signInSeed: randomBytes(16).toString('hex'),
    faceCheck: o.faceCheck === undefined ? createSandboxFaceCheck({ clock }) : o.faceCheck,
    payments: o.payments ? real('test provider', o.payments) : null,
  });
  return {
    ...standIns,
    ...(o.vpay ? { signIn: { ...standIns.signIn, vpay: o.vpay } } : {}),
    notary: o.notary ?? standIn('RFC 3161 client → local TSA in the test process', lazyLocalTsa(clock)),
    ...(o.realName ?? {
      realNameCheck: standIn('stand-in (accepts any well-formed identity; unit tests only)', createSandboxVerificationProvider()),
      playReporting: standIn('stand-in (reports kept in memory; unit tests only)', o.reporter ?? new SandboxRealNameReporter()),
    }),
  };
}
