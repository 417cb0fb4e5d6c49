// The stand-ins tests bind to the platform's outside ports, explicitly (the platform itself binds
// none). A test that looks at a stand-in (what the notary received, what the real-name reporter
// accepted) passes its own instance.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type PlatformAdapters, real, standIn } from '../../src/bindings.ts';
import type { PaymentProvider } from '../../src/payments/index.ts';
import {
  createSandboxFaceCheck,
  createSandboxVerificationProvider,
  type SandboxFaceCheck,
  type SandboxNotary,
  SandboxRealNameReporter,
  standInAdapters,
} from '../../src/standins/index.ts';

export interface TestAdapterOptions {
  readonly appIds?: { readonly miniprogram: string; readonly h5: string };
  readonly notary?: SandboxNotary;
  readonly reporter?: SandboxRealNameReporter;
  /** null: no face-check provider. */
  readonly faceCheck?: SandboxFaceCheck | null;
  readonly payments?: PaymentProvider | null;
  /** The real-name ports (tests of the NPPA flow bind its adapters against a sandbox); the in-memory stand-ins otherwise. */
  readonly realName?: Pick<PlatformAdapters, 'realNameCheck' | 'playReporting'>;
}

export function testAdapters(clock: Clock, o: TestAdapterOptions = {}): PlatformAdapters {
  return {
    ...standInAdapters({
      clock,
      appIds: o.appIds ?? { miniprogram: 'wxtestminiprogram', h5: 'wxtestofficial' },
      signInSeed: randomBytes(16).toString('hex'),
      ...(o.notary ? { notary: o.notary } : {}),
      faceCheck: o.faceCheck === undefined ? createSandboxFaceCheck({ clock }) : o.faceCheck,
      payments: o.payments ? real('test provider', o.payments) : null,
    }),
    ...(o.realName ?? {
      realNameCheck: standIn('stand-in (accepts any well-formed identity; unit tests only)', createSandboxVerificationProvider()),
      playReporting: standIn('stand-in (reports kept in memory; unit tests only)', o.reporter ?? new SandboxRealNameReporter()),
    }),
  };
}
