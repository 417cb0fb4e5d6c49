// The players' account endpoints: sign-in (WeChat code, sandbox, development), tokens, profile and
// the user agreement. Real-name verification has its own (kyc-contract.ts).
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Ok, TimeMs } from '../http/schemas.ts';
import { AVATAR_URL_LENGTH_MAX, NICKNAME_LENGTH_MAX } from './limits.ts';

/** Operator roles are part of the wire: the console's forms and other domains' contracts list them. */
export { isOperatorRole, OPERATOR_ROLES, type OperatorRole } from './roles.ts';

export const Tokens = Type.Object({
  accessToken: Type.String(),
  accessExpiresAtMs: TimeMs(),
  refreshToken: Type.String(),
  refreshExpiresAtMs: TimeMs(),
});

export { KycStatusBody } from './kyc-contract.ts';

export const PlayerSelf = Type.Object({
  id: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  termsVersion: Type.Union([Type.String(), Type.Null()]),
  termsAcceptedAtMs: Type.Union([TimeMs(), Type.Null()]),
  /** True when the accepted version is the one in force: play and payment are open. */
  termsCurrent: Type.Boolean(),
  createdAtMs: TimeMs(),
});

const LoginResponse = Type.Object({ player: PlayerSelf, created: Type.Boolean(), tokens: Tokens });
const LoginKind = Type.Union([Type.Literal('miniprogram'), Type.Literal('h5'), Type.Literal('web')]);
const SandboxUser = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'a sandbox WeChat user handle' });
/** The client's device fingerprint (a random id it keeps, or the platform's device id): linked-account evidence only. */
const DeviceFingerprint = Type.String({
  pattern: '^[A-Za-z0-9_-]{8,64}$',
  description:
    'a device fingerprint the client keeps (8–64 of [A-Za-z0-9_-]); accounts signing in from one device are linked and never matched',
});

export const accountsContract = contract({
  wechatLogin: {
    method: 'POST',
    url: '/api/auth/wechat/login',
    summary:
      'Sign in with a WeChat login code (mini-program wx.login code; H5 OAuth or website QR-login code with the state of POST /api/auth/wechat/oauth, from this browser)',
    tags: ['auth'],
    auth: 'none',
    body: Type.Object(
      {
        kind: LoginKind,
        code: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
        state: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[0-9A-Za-z]+$' })),
        device: Type.Optional(DeviceFingerprint),
      },
      { additionalProperties: false },
    ),
    response: LoginResponse,
  },
  sandboxCode: {
    method: 'POST',
    url: '/api/sandbox/wechat/codes',
    summary: 'Sandbox only: issue a one-time WeChat login code for a sandbox user (stands in for wx.login / OAuth consent)',
    tags: ['sandbox'],
    auth: 'none',
    body: Type.Object({ kind: LoginKind, user: Type.Optional(SandboxUser) }, { additionalProperties: false }),
    response: Type.Object({ code: Type.String(), user: SandboxUser }),
    status: 201,
  },
  devLogin: {
    method: 'POST',
    url: '/api/auth/dev/login',
    summary: 'Development only: sign in as a named test player without WeChat',
    tags: ['auth'],
    auth: 'none',
    body: Type.Object(
      { handle: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), device: Type.Optional(DeviceFingerprint) },
      { additionalProperties: false },
    ),
    response: LoginResponse,
  },
  refresh: {
    method: 'POST',
    url: '/api/auth/refresh',
    summary: 'Exchange a refresh token for new tokens (the old refresh token stops working; using it again signs the session out)',
    tags: ['auth'],
    auth: 'none',
    body: Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
    response: Tokens,
  },
  logout: {
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Sign this session out (its access and refresh tokens stop working)',
    tags: ['auth'],
    auth: 'player',
    response: Ok,
  },
  terms: {
    method: 'GET',
    url: '/api/terms',
    summary: 'The user agreement in force, and the privacy policy published with it',
    tags: ['account'],
    auth: 'none',
    response: Type.Object({
      version: Type.String(),
      title: Type.Object({ zh: Type.String(), en: Type.String() }),
      body: Type.Object({ zh: Type.String(), en: Type.String() }),
      privacy: Type.Optional(
        Type.Object({
          title: Type.Object({ zh: Type.String(), en: Type.String() }),
          body: Type.Object({ zh: Type.String(), en: Type.String() }),
        }),
      ),
    }),
  },
  me: {
    method: 'GET',
    url: '/api/me',
    summary: 'The signed-in player',
    tags: ['account'],
    auth: 'player',
    response: PlayerSelf,
  },
  updateMe: {
    method: 'PATCH',
    url: '/api/me',
    summary: 'Change nickname or avatar',
    tags: ['account'],
    auth: 'player',
    body: Type.Object(
      {
        nickname: Type.Optional(Type.String({ minLength: 1, maxLength: NICKNAME_LENGTH_MAX })),
        avatarUrl: Type.Optional(Type.Union([Type.String({ pattern: '^https://', maxLength: AVATAR_URL_LENGTH_MAX }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    response: PlayerSelf,
  },
  acceptTerms: {
    method: 'POST',
    url: '/api/me/terms',
    summary: 'Accept the user agreement in force (required before play or payment)',
    tags: ['account'],
    auth: 'player',
    body: Type.Object({ version: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
    response: PlayerSelf,
  },
});
