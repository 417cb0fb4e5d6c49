// The platform's outside ports and what is bound to each. The composition root's caller chooses
// every adapter (main.ts from configuration, tests explicitly) and passes them all to
// `createPlatform`; no domain picks one itself. An adapter is either real (it talks to the
// service it stands for) or a stand-in (it only imitates it: a sandbox in memory). A production
// start accepts a stand-in only when FAIRGROUND_ACCEPT_STANDINS names its port; an accepted one
// is logged as an error, reported by `/readyz` as degraded and shown on a banner in the console.
import type { IdentityProvider, LoginCodeIssuer, RealNameAuthority, WechatWeb } from './accounts/index.ts';
import type { ContentCheck } from './chat/index.ts';
import type { RealNameReporter } from './compliance/index.ts';
import type { PaymentProvider } from './payments/index.ts';
import type { TimestampAuthority } from './notary/index.ts';
import type { IdentityCheck } from './rooms/index.ts';
import type { VirtualPaymentPort } from './vpay/ports.ts';

/**
 * Ports that may be bound to a stand-in, by the names FAIRGROUND_ACCEPT_STANDINS uses. Sign-in
 * (WeChat), the real-name check and play reporting (the NPPA) and the notary (an RFC 3161
 * time-stamping authority) have their real adapters and are not among them: a production start
 * binds those, and the sign-in sandbox serves development and tests only.
 */
export const STANDIN_PORTS = ['face-check'] as const;
/** Ports that had a stand-in production could accept, and now have a real adapter production must use. */
export const FORMER_STANDIN_PORTS: Readonly<Record<string, string>> = {
  'sign-in': 'sign-in has its real adapter (FAIRGROUND_IDENTITY_PROVIDER=wechat); its sandbox never runs in production',
};
export type StandInPort = (typeof STANDIN_PORTS)[number];

export function isStandInPort(name: string): name is StandInPort {
  return (STANDIN_PORTS as readonly string[]).includes(name);
}

/** An adapter bound to a port: what it is called in reports, and whether it only stands in. */
export interface Bound<T> {
  readonly adapter: string;
  readonly standIn: boolean;
  readonly impl: T;
}

export function real<T>(adapter: string, impl: T): Bound<T> {
  return { adapter, standIn: false, impl };
}

export function standIn<T>(adapter: string, impl: T): Bound<T> {
  return { adapter, standIn: true, impl };
}

/** The adapters of every port that reaches outside the platform's own database and Redis. */
export interface PlatformAdapters {
  /**
   * WeChat sign-in: login codes exchanged for identities. `codes` is the stand-in's code issuer (its
   * sandbox route); `web` the real adapter's consent pages, JS-SDK signatures and phone numbers.
   */
  readonly signIn: Bound<IdentityProvider> & {
    readonly codes: LoginCodeIssuer | null;
    readonly web: WechatWeb | null;
    /** The mini-game's virtual payment (虚拟支付 2.0), when configured with WeChat sign-in; else absent or null. */
    readonly vpay?: VirtualPaymentPort | null;
    /** WeChat content security (msgSecCheck v2) on the mini-game app, when configured with WeChat sign-in; else absent or null (typed chat is off). */
    readonly contentCheck?: ContentCheck | null;
  };
  /** Real-name check (the NPPA identity check and query); null when none is configured (`FAIRGROUND_NPPA=off`). */
  readonly realNameCheck: Bound<RealNameAuthority> | null;
  /** Login/logout reports to the real-name authority (the NPPA); null when none is configured. */
  readonly playReporting: Bound<RealNameReporter> | null;
  /** The time-stamping authority (RFC 3161) that attests the rooms' hand histories (see notary/). */
  readonly notary: Bound<TimestampAuthority>;
  /** The face check before a hand; null when none is configured (no room may then ask for it). `tickets` is the stand-in's ticket issuer. */
  readonly faceCheck:
    | (Bound<IdentityCheck> & { readonly tickets: { issueTicket(playerId: string): { ticket: string; expiresAtMs: number } } | null })
    | null;
  /** WeChat Pay; null when payments are off. */
  readonly payments: Bound<PaymentProvider> | null;
}

/** One line of the start-up report. */
export interface PortReport {
  readonly port: string;
  readonly adapter: string;
  readonly standIn: boolean;
}

/** Which stand-ins a start accepts: any (development, tests) or only the ports named. */
export type StandInAcceptance = { readonly any: true } | { readonly any: false; readonly ports: readonly StandInPort[] };

export class StandInRefused extends Error {
  readonly port: string;
  constructor(port: string, adapter: string) {
    super(
      `port ${port} is bound to the stand-in "${adapter}", which imitates the real service; configure a real adapter, or accept it with FAIRGROUND_ACCEPT_STANDINS=${port}`,
    );
    this.name = 'StandInRefused';
    this.port = port;
  }
}

/** The outside ports of `adapters`, for the start-up report. */
export function adapterReport(adapters: PlatformAdapters): PortReport[] {
  const line = (port: string, b: Bound<unknown> | null, none: string): PortReport =>
    b === null ? { port, adapter: none, standIn: false } : { port, adapter: b.adapter, standIn: b.standIn };
  return [
    line('sign-in', adapters.signIn, ''),
    line('real-name-check', adapters.realNameCheck, 'off (real-name submissions answer KYC_PROVIDER_NOT_CONFIGURED)'),
    line('play-reporting', adapters.playReporting, 'off (no login/logout reports)'),
    line('notary', adapters.notary, ''),
    line('face-check', adapters.faceCheck, 'none (rooms cannot ask for a face check)'),
    line('payments', adapters.payments, 'off (payment routes answer PAYMENT_PROVIDER_NOT_CONFIGURED)'),
  ];
}

/** Throws StandInRefused for the first stand-in the acceptance does not name; returns the accepted stand-ins. */
export function checkStandIns(report: readonly PortReport[], acceptance: StandInAcceptance): PortReport[] {
  const standIns = report.filter((r) => r.standIn);
  if (!acceptance.any) {
    for (const r of standIns) if (!(acceptance.ports as readonly string[]).includes(r.port)) throw new StandInRefused(r.port, r.adapter);
  }
  return standIns;
}
