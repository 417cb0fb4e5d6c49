// The stand-ins tests bind to the platform's outside ports, explicitly (the platform itself binds
// none). A test that looks at a stand-in (what the notary received, what the real-name reporter
// accepted) passes its own instance.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type PlatformAdapters, real } from '../../src/bindings.ts';
import type { PaymentProvider } from '../../src/payments/index.ts';
import {
  createSandboxFaceCheck,
  type SandboxFaceCheck,
  type SandboxNotary,
  type SandboxRealNameReporter,
  standInAdapters,
} from '../../src/standins/index.ts';

export interface TestAdapterOptions {
  readonly appIds?: { readonly miniprogram: string; readonly h5: string };
  readonly notary?: SandboxNotary;
  readonly reporter?: SandboxRealNameReporter;
  /** null: no face-check provider. */
  readonly faceCheck?: SandboxFaceCheck | null;
  readonly payments?: PaymentProvider | null;
}

export function testAdapters(clock: Clock, o: TestAdapterOptions = {}): PlatformAdapters {
  return standInAdapters({
    clock,
    appIds: o.appIds ?? { miniprogram: 'wxtestminiprogram', h5: 'wxtestofficial' },
    signInSeed: randomBytes(16).toString('hex'),
    ...(o.notary ? { notary: o.notary } : {}),
    ...(o.reporter ? { reporter: o.reporter } : {}),
    faceCheck: o.faceCheck === undefined ? createSandboxFaceCheck({ clock }) : o.faceCheck,
    payments: o.payments ? real('test provider', o.payments) : null,
  });
}
