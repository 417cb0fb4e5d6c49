// Stand-ins for the outside ports: face check (which has no real adapter yet), sign-in (which
// has: WeChat; its sandbox serves development and tests, and production refuses it), and the
// real-name check and play reporting (which have: the NPPA; their stand-ins serve unit tests only,
// and no start binds them). Each imitates its service in this process's memory. A development
// start runs on the first two; a production start accepts the face check only when
// FAIRGROUND_ACCEPT_STANDINS names its port (see bindings.ts). The notary has no stand-in: its
// real adapter, the RFC 3161 client, talks to a local TSA in development and tests.
import type { Clock } from '@fairground/core';
import type { PaymentProvider } from '../payments/index.ts';
import type { SandboxFaceCheck } from './face-check.ts';
import { createSandboxIdentityProvider, type SandboxIdentityProvider } from './sign-in.ts';

export { createSandboxFaceCheck, type SandboxFaceCheck } from './face-check.ts';
export { SandboxRealNameReporter } from './play-reporting.ts';
export { createSandboxVerificationProvider } from './real-name-check.ts';
export { createSandboxIdentityProvider, type SandboxIdentityProvider } from './sign-in.ts';

export interface StandInOptions {
  readonly clock: Clock;
  readonly appIds: { readonly miniprogram: string; readonly h5: string; readonly web?: string };
  /** Makes the sign-in stand-in's openids the same across restarts and on every node. */
  readonly signInSeed: string;
  /** null: no face-check provider. */
  readonly faceCheck: SandboxFaceCheck | null;
  readonly payments: Binding<PaymentProvider> | null;
}

/**
 * An adapter bound to a port, in the shape of the composition root's `Bound` (bindings.ts), which
 * this folder does not import: the root depends on the stand-ins, never the other way round.
 */
export interface Binding<T> {
  readonly adapter: string;
  readonly standIn: boolean;
  readonly impl: T;
}

/** The ports whose stand-ins a start may bind (the real-name ports and the notary are bound to their real adapters by the caller). */
export interface StandInBound {
  readonly signIn: Binding<SandboxIdentityProvider> & { readonly codes: SandboxIdentityProvider; readonly web: null };
  readonly faceCheck: (Binding<SandboxFaceCheck> & { readonly tickets: SandboxFaceCheck }) | null;
  readonly payments: Binding<PaymentProvider> | null;
}

function standIn<T>(adapter: string, impl: T): Binding<T> {
  return { adapter, standIn: true, impl };
}

/** Every stand-in a start may bind, bound to its port. */
export function standInAdapters(o: StandInOptions): StandInBound {
  const signIn = createSandboxIdentityProvider({ clock: o.clock, appIds: o.appIds, seed: o.signInSeed });
  return {
    signIn: { ...standIn('sandbox (in-process, anyone signs in as anyone)', signIn), codes: signIn, web: null },
    faceCheck:
      o.faceCheck === null
        ? null
        : { ...standIn('sandbox (tickets from /api/sandbox/face-check/tickets)', o.faceCheck), tickets: o.faceCheck },
    payments: o.payments,
  };
}
