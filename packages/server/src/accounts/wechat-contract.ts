// The WeChat sign-in endpoints beside the code exchange (accounts/contract.ts): what this server
// signs players in with, the start of an OAuth round trip, the JS-SDK signature and phone numbers.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { TimeMs } from '../http/schemas.ts';

export const RedirectKind = Type.Union([Type.Literal('h5'), Type.Literal('web')]);

export const wechatContract = contract({
  signInOptions: {
    method: 'GET',
    url: '/api/auth/wechat/options',
    summary: 'How players sign in here: the provider, the consent pages configured, sandbox and development shortcuts, JS-SDK and phone',
    tags: ['auth'],
    auth: 'none',
    response: Type.Object({
      provider: Type.Union([Type.Literal('sandbox'), Type.Literal('wechat')]),
      /** `h5`: the official account's OAuth page (inside WeChat); `web`: a website app's QR login (desktop). */
      redirectKinds: Type.Array(RedirectKind),
      /** The sandbox issues login codes itself (`POST /api/sandbox/wechat/codes`); never in production. */
      sandboxCodes: Type.Boolean(),
      devLogin: Type.Boolean(),
      jsSdk: Type.Boolean(),
      phone: Type.Boolean(),
    }),
  },
  oauthStart: {
    method: 'POST',
    url: '/api/auth/wechat/oauth',
    summary:
      'Start a WeChat OAuth sign-in: a state bound to this browser (cookie) and the consent page to send the player to; WeChat sends them back to /?wxlogin=<kind>&code=…&state=…',
    tags: ['auth'],
    auth: 'none',
    body: Type.Object({ kind: RedirectKind }, { additionalProperties: false }),
    response: Type.Object({ authorizeUrl: Type.String(), expiresAtMs: TimeMs() }),
  },
  jssdkConfig: {
    method: 'GET',
    url: '/api/wechat/jssdk-config',
    summary: 'The wx.config signature of the official account for a page of this site (the JS-SDK, for sharing)',
    tags: ['account'],
    auth: 'player',
    query: Type.Object({ url: Type.String({ minLength: 8, maxLength: 1024 }) }, { additionalProperties: false }),
    response: Type.Object({
      appId: Type.String(),
      timestamp: Type.Integer(),
      nonceStr: Type.String(),
      signature: Type.String(),
      jsApiList: Type.Array(Type.String()),
    }),
  },
  sharePhone: {
    method: 'POST',
    url: '/api/me/phone',
    summary: "Share the player's phone number: the mini-program's getPhoneNumber code, exchanged with WeChat",
    tags: ['account'],
    auth: 'player',
    body: Type.Object(
      { code: Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' }) },
      { additionalProperties: false },
    ),
    response: Type.Object({ countryCode: Type.String(), masked: Type.String(), verifiedAtMs: TimeMs() }),
  },
});
