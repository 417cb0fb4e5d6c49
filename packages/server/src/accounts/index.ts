// Accounts: players (WeChat identities, profile, terms, real-name identity), operators (password,
// TOTP, roles) and the sessions both sign in with.
import type { Clock } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Authenticator } from './actors.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { createAuthenticator } from './authenticator.ts';
import { Kyc } from './kyc.ts';
import { Operators } from './operators.ts';
import { Players, type SignInSeen } from './players.ts';
import { OAuthStates } from './oauth-states.ts';
import { Phones } from './phones.ts';
import type { IdentityProvider, RealNameAuthority, WechatWeb } from './ports.ts';
import { createSealer } from './sealing.ts';

export type { Sealer } from './sealing.ts';
import { AuthSessions } from './auth-sessions.ts';

export {
  type Actor,
  type Authenticator,
  authenticateFor,
  type OperatorActor,
  type PlayerActor,
  requireCurrentTerms,
} from './actors.ts';
export { accountsContract } from './contract.ts';
export { OAuthStates } from './oauth-states.ts';
export { Phones } from './phones.ts';
export { wechatContract } from './wechat-contract.ts';
export { JSSDK_SHARE_APIS, type WechatRouteDeps, wechatRoutes } from './wechat-routes.ts';
export { KycAttemptBody, KycStatusBody, kycContract } from './kyc-contract.ts';
export { type KycRouteDeps, kycRoutes } from './kyc-routes.ts';
export { AccountsErrors } from './errors.ts';
export { parseIdNumber, withCheckChar } from './id-number.ts';
export type { KycAttemptView, KycFacts, KycFailure, KycState, KycStatus, KycWaitingReason, VerifiedIdentity } from './kyc.ts';
export { Kyc } from './kyc.ts';
export { accountsMigrations } from './migrations.ts';
export { type CreatedOperator, type Operator, Operators, TOTP_ISSUER, USERNAME_PATTERN } from './operators.ts';
export { DEV_APP_ID, type Player, Players, type SignInContext, type SignInSeen } from './players.ts';
export type {
  IdentityDocument,
  IdentityProvider,
  JsSdkSignature,
  LoginCodeIssuer,
  LoginKind,
  RealNameAnswer,
  RealNameAuthority,
  RedirectLoginKind,
  ServerSecret,
  WechatIdentity,
  WechatWeb,
} from './ports.ts';
export { isOperatorRole, OPERATOR_ROLES, type OperatorRole } from './roles.ts';
export { type AccountsRouteDeps, accountsRoutes } from './routes.ts';
export { AuthSessions, type TokenPair } from './auth-sessions.ts';
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
  readonly wechatAppIds: { readonly miniprogram: string; readonly h5: string; readonly web?: string };
  /** The sign-in port: WeChat login codes exchanged for identities. */
  readonly identity: IdentityProvider;
  /** The real sign-in adapter's consent pages, JS-SDK and phone numbers (null on the sandbox stand-in). */
  readonly wechatWeb: WechatWeb | null;
  /** The real-name check port (the NPPA system in production); null when none is configured. */
  readonly realNameCheck: RealNameAuthority | null;
  /** WeChat apps that are mini-games, whose platform verified the real name of everyone signing in through them. */
  readonly platformVerifiedAppIds?: readonly string[];
  /** Told when a player's identity is verified. */
  readonly onRealNameVerified?: (playerId: string) => void;
  /** Told about real-name checks refused for a reason only the operator can fix (logged by the root). */
  readonly onRealNameOperatorFault?: (fault: { attemptId: string; code: string; message: string }) => void;
  readonly onPlayerCreated?: (tx: Tx, playerId: string) => Promise<void>;
  /** In the unit of every sign-in: what it saw (device, WeChat account, unionid, address), for linked accounts. */
  readonly onSignedIn?: (tx: Tx, seen: SignInSeen) => Promise<void>;
}

export interface Accounts {
  readonly sessions: AuthSessions;
  readonly players: Players;
  readonly operators: Operators;
  readonly kyc: Kyc;
  readonly authenticator: Authenticator;
  /** The states of WeChat OAuth round trips, bound to the browsers that started them. */
  readonly oauth: OAuthStates;
  readonly phones: Phones;
}

type SessionOptions = Pick<AccountsOptions, 'store' | 'clock' | 'sessionSecret' | 'dataKey' | 'accessTokenTtlS' | 'refreshTokenTtlS'>;

function createAuthSessions(o: SessionOptions): AuthSessions {
  return new AuthSessions({
    store: o.store,
    clock: o.clock,
    secret: o.sessionSecret,
    accessTokenTtlS: o.accessTokenTtlS,
    refreshTokenTtlS: o.refreshTokenTtlS,
  });
}

function createOperatorsOn(o: SessionOptions, sessions: AuthSessions): Operators {
  return new Operators({ store: o.store, sealer: createSealer(o.dataKey, 'operator-totp'), sessions, clock: o.clock });
}

/** Operators alone (the command line creates them without a running platform). */
export function createOperatorAccounts(o: SessionOptions): Operators {
  return createOperatorsOn(o, createAuthSessions(o));
}

export function createAccounts(o: AccountsOptions): Accounts {
  const sessions = createAuthSessions(o);
  const players = new Players({
    store: o.store,
    sessions,
    analytics: o.analytics,
    identity: o.identity,
    appIds: o.wechatAppIds,
    sessionKeySealer: createSealer(o.dataKey, 'wechat-session-key'),
    ...(o.onPlayerCreated ? { onPlayerCreated: o.onPlayerCreated } : {}),
    ...(o.onSignedIn ? { onSignedIn: o.onSignedIn } : {}),
  });
  const operators = createOperatorsOn(o, sessions);
  const kyc = new Kyc({
    store: o.store,
    authority: o.realNameCheck,
    sealer: createSealer(o.dataKey, 'kyc'),
    analytics: o.analytics,
    clock: o.clock,
    ...(o.platformVerifiedAppIds ? { platformVerifiedAppIds: o.platformVerifiedAppIds } : {}),
    ...(o.onRealNameOperatorFault ? { onOperatorFault: o.onRealNameOperatorFault } : {}),
    ...(o.onRealNameVerified ? { onVerified: o.onRealNameVerified } : {}),
  });
  const authenticator = createAuthenticator({ reader: o.store.reader, sessions, nowMs: () => o.clock.nowMs() });
  const oauth = new OAuthStates({ store: o.store, clock: o.clock });
  const phones = new Phones({
    store: o.store,
    sealer: createSealer(o.dataKey, 'player-phone'),
    miniprogramAppId: o.wechatAppIds.miniprogram,
    web: o.wechatWeb,
  });
  return { sessions, players, operators, kyc, authenticator, oauth, phones };
}
