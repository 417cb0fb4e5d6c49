// Accounts: players (WeChat identities, profile, terms, real-name identity), operators (password,
// TOTP, roles) and the sessions both sign in with.
import type { Clock } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Authenticator } from '../http/actors.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { createAuthenticator } from './authenticator.ts';
import { createSandboxIdentityProvider, type SandboxIdentityProvider } from './identity-sandbox.ts';
import { Kyc } from './kyc.ts';
import { createSandboxVerificationProvider } from './kyc-sandbox.ts';
import { Operators } from './operators.ts';
import { Players } from './players.ts';
import type { IdentityProvider, VerificationProvider } from './ports.ts';
import { createSealer } from './sealing.ts';
import { Sessions } from './sessions.ts';

export { accountsContract } from './contract.ts';
export { AccountsErrors } from './errors.ts';
export { parseIdNumber, withCheckChar } from './id-number.ts';
export type { SandboxIdentityProvider } from './identity-sandbox.ts';
export type { KycStatus, VerifiedIdentity } from './kyc.ts';
export { Kyc } from './kyc.ts';
export { accountsMigrations } from './migrations.ts';
export { type CreatedOperator, type Operator, Operators, TOTP_ISSUER, USERNAME_PATTERN } from './operators.ts';
export { DEV_APP_ID, type Player, Players } from './players.ts';
export type { IdentityDocument, IdentityProvider, LoginKind, VerificationProvider, VerificationResult, WechatIdentity } from './ports.ts';
export { isOperatorRole, OPERATOR_ROLES, type OperatorRole } from './roles.ts';
export { type AccountsRouteDeps, accountsRoutes } from './routes.ts';
export { Sessions, type TokenPair } from './sessions.ts';
export { termsDocument } from './terms.ts';
export { base32Decode, base32Encode, otpauthUrl, totp, verifyTotp } from './totp.ts';

export interface AccountsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly analytics: Analytics;
  readonly sessionSecret: string;
  readonly dataKey: Uint8Array;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
  readonly wechatAppIds: { readonly miniprogram: string; readonly h5: string };
  /** Defaults to the in-process sandbox. */
  readonly identity?: IdentityProvider;
  /** Defaults to the sandbox verifier. */
  readonly verification?: VerificationProvider;
  readonly onPlayerCreated?: (tx: Tx, playerId: string) => Promise<void>;
  /** Puts a guard (a circuit breaker with timeouts) in front of the identity provider, the sandbox included. */
  readonly guardIdentity?: (p: IdentityProvider) => IdentityProvider;
  /** The same for the real-name verification provider. */
  readonly guardVerification?: (p: VerificationProvider) => VerificationProvider;
}

export interface Accounts {
  readonly sessions: Sessions;
  readonly players: Players;
  readonly operators: Operators;
  readonly kyc: Kyc;
  readonly authenticator: Authenticator;
  /** The sandbox identity provider when it is the one in use (it can issue codes), else null. */
  readonly sandbox: SandboxIdentityProvider | null;
}

export function createAccounts(o: AccountsOptions): Accounts {
  const sessions = new Sessions({
    store: o.store,
    clock: o.clock,
    secret: o.sessionSecret,
    accessTokenTtlS: o.accessTokenTtlS,
    refreshTokenTtlS: o.refreshTokenTtlS,
  });
  const sandbox = o.identity
    ? null
    : createSandboxIdentityProvider({ clock: o.clock, appIds: o.wechatAppIds, seed: `sandbox-openids:${o.sessionSecret}` });
  const unguarded = o.identity ?? sandbox!;
  const identity = o.guardIdentity ? o.guardIdentity(unguarded) : unguarded;
  const players = new Players({
    store: o.store,
    sessions,
    analytics: o.analytics,
    identity,
    appIds: o.wechatAppIds,
    ...(o.onPlayerCreated ? { onPlayerCreated: o.onPlayerCreated } : {}),
  });
  const operators = new Operators({ store: o.store, sealer: createSealer(o.dataKey, 'operator-totp'), sessions, clock: o.clock });
  const kyc = new Kyc({
    store: o.store,
    provider: (o.guardVerification ?? ((p: VerificationProvider) => p))(o.verification ?? createSandboxVerificationProvider()),
    sealer: createSealer(o.dataKey, 'kyc'),
    analytics: o.analytics,
    clock: o.clock,
  });
  const authenticator = createAuthenticator({ reader: o.store.reader, sessions, nowMs: () => o.clock.nowMs() });
  return { sessions, players, operators, kyc, authenticator, sandbox };
}
