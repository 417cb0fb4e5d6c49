// WeChat sign-in configuration from the environment: which identity provider signs players in,
// and the WeChat apps it signs them in through (appid and AppSecret of each, from the WeChat
// consoles; see docs/wechat-setup.md).
//
// `FAIRGROUND_IDENTITY_PROVIDER=wechat` (the default in production) exchanges codes with WeChat's
// servers, or with any server that speaks their protocol, such as the weixin sandbox of
// @fairground/wechatpay-sandbox at FAIRGROUND_WECHAT_API_BASE_URL. `sandbox` (the default outside
// production) is the in-process stand-in that lets anyone sign in as anyone; production refuses it.
import { type TSchema, Type } from '@sinclair/typebox';
import { isLoopbackUrl } from '../payments/index.ts';

const APPID = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' });
const SECRET = Type.String({ pattern: '^[\\x21-\\x7e]{16,128}$' });
const url = () => Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]{1,500}$' }));

/** The variables WeChat sign-in reads (spread into the server's EnvSchema). */
export const WechatEnvSchema: Record<string, TSchema> = {
  FAIRGROUND_IDENTITY_PROVIDER: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('wechat')])),
  /** The mini-game or mini-program (wx.login → code2session). */
  FAIRGROUND_WECHAT_MP_APPID: Type.Optional(APPID),
  FAIRGROUND_WECHAT_MP_SECRET: Type.Optional(SECRET),
  /** The official account whose OAuth page signs H5 players in inside WeChat (and whose JS-SDK shares). */
  FAIRGROUND_WECHAT_H5_APPID: Type.Optional(APPID),
  FAIRGROUND_WECHAT_H5_SECRET: Type.Optional(SECRET),
  /** An Open Platform website app: QR login (snsapi_login) for desktop browsers. Optional. */
  FAIRGROUND_WECHAT_WEB_APPID: Type.Optional(APPID),
  FAIRGROUND_WECHAT_WEB_SECRET: Type.Optional(SECRET),
  /** snsapi_base (silent, openid only; default) or snsapi_userinfo (asks consent; nickname, avatar and unionid). */
  FAIRGROUND_WECHAT_H5_SCOPE: Type.Optional(Type.Union([Type.Literal('snsapi_base'), Type.Literal('snsapi_userinfo')])),
  /** 1: players of the mini-program may share their phone number (getPhoneNumber). Default 0. */
  FAIRGROUND_WECHAT_PHONE: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  /** Stands in for https://api.weixin.qq.com (a sandbox's address in staging and tests). */
  FAIRGROUND_WECHAT_API_BASE_URL: url(),
  /** Stands in for https://open.weixin.qq.com, where the OAuth and QR-login pages are. */
  FAIRGROUND_WECHAT_OPEN_BASE_URL: url(),
  /** Deadline of one call to WeChat (default 5000). */
  FAIRGROUND_WECHAT_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{2,4}$' })),
  /**
   * The address players open (`https://game.example`): the OAuth pages send players back here and
   * the JS-SDK signs only pages under it. Default: the address each request came to.
   */
  FAIRGROUND_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[A-Za-z0-9.:\\[\\]-]{1,255}$' })),
  /**
   * 虚拟支付 2.0: the mini-game sells room cards through WeChat's virtual payment. The OfferID and
   * AppKey come from the MP console (虚拟支付 → 基本配置); the AppKey signs every payment and
   * verifies every delivery push. ENV 0 is production, 1 WeChat's sandbox environment (and its
   * sandbox AppKey).
   */
  FAIRGROUND_WECHAT_VPAY_OFFER_ID: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$' })),
  FAIRGROUND_WECHAT_VPAY_APP_KEY: Type.Optional(SECRET),
  FAIRGROUND_WECHAT_VPAY_ENV: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  /** The item (道具) id of one room card, as configured in the MP console. Default `room_card`. */
  FAIRGROUND_WECHAT_VPAY_PRODUCT_ID: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$' })),
};

/** WeChat app secrets may come from files (`FAIRGROUND_WECHAT_MP_SECRET_FILE`, …). */
export const WECHAT_SECRET_KEYS = [
  'FAIRGROUND_WECHAT_MP_SECRET',
  'FAIRGROUND_WECHAT_H5_SECRET',
  'FAIRGROUND_WECHAT_WEB_SECRET',
  'FAIRGROUND_WECHAT_VPAY_APP_KEY',
] as const;

/** The mini-game's virtual payment (虚拟支付 2.0). */
export interface VpayConfig {
  readonly offerId: string;
  readonly appKey: string;
  readonly env: 0 | 1;
  readonly productId: string;
}

export interface WechatApp {
  readonly appid: string;
  readonly secret: string;
}

export type H5Scope = 'snsapi_base' | 'snsapi_userinfo';

export interface WechatConfig {
  readonly provider: 'sandbox' | 'wechat';
  /** For `wechat`: the apps configured (at least one of the mini-program and the official account). */
  readonly apps: { readonly miniprogram: WechatApp | null; readonly h5: WechatApp | null; readonly web: WechatApp | null };
  readonly h5Scope: H5Scope;
  readonly phone: boolean;
  readonly apiBaseUrl: string | undefined;
  readonly openBaseUrl: string | undefined;
  readonly timeoutMs: number;
  readonly publicUrl: string | undefined;
  /** Virtual payment in the mini-game; absent or null: the mini-game sells nothing. */
  readonly vpay?: VpayConfig | null;
}

export class WechatConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

const WECHAT_TIMEOUT_MS_MAX = 30_000;

export function loadWechatConfig(env: Record<string, string | undefined>, o: { readonly production: boolean }): WechatConfig {
  const provider = (env.FAIRGROUND_IDENTITY_PROVIDER as WechatConfig['provider'] | undefined) ?? (o.production ? 'wechat' : 'sandbox');
  if (o.production && provider === 'sandbox')
    throw new WechatConfigError(
      'FAIRGROUND_IDENTITY_PROVIDER',
      'the sign-in sandbox lets anyone sign in as anyone and cannot run in production: use "wechat" with FAIRGROUND_WECHAT_MP_APPID/_SECRET or FAIRGROUND_WECHAT_H5_APPID/_SECRET (a rehearsal points FAIRGROUND_WECHAT_API_BASE_URL at a sandbox: npm run staging)',
    );
  const app = (name: 'MP' | 'H5' | 'WEB'): WechatApp | null => {
    const appid = env[`FAIRGROUND_WECHAT_${name}_APPID`];
    const secret = env[`FAIRGROUND_WECHAT_${name}_SECRET`];
    if (provider !== 'wechat') {
      // The sandbox reads only the appids (its openids differ per app); a secret would be ignored.
      if (secret !== undefined)
        throw new WechatConfigError(`FAIRGROUND_WECHAT_${name}_SECRET`, 'is only used with FAIRGROUND_IDENTITY_PROVIDER=wechat');
      return null;
    }
    if (appid === undefined && secret === undefined) return null;
    if (appid === undefined)
      throw new WechatConfigError(`FAIRGROUND_WECHAT_${name}_APPID`, `required with FAIRGROUND_WECHAT_${name}_SECRET`);
    if (secret === undefined)
      throw new WechatConfigError(`FAIRGROUND_WECHAT_${name}_SECRET`, `required with FAIRGROUND_WECHAT_${name}_APPID (or …_SECRET_FILE)`);
    return { appid, secret };
  };
  const apps = { miniprogram: app('MP'), h5: app('H5'), web: app('WEB') };
  if (provider === 'wechat' && apps.miniprogram === null && apps.h5 === null)
    throw new WechatConfigError(
      'FAIRGROUND_WECHAT_MP_APPID',
      'WeChat sign-in needs the mini-program (FAIRGROUND_WECHAT_MP_APPID and _SECRET) or the official account (FAIRGROUND_WECHAT_H5_APPID and _SECRET), or both',
    );
  if (env.FAIRGROUND_WECHAT_PHONE === '1' && provider === 'wechat' && apps.miniprogram === null)
    throw new WechatConfigError('FAIRGROUND_WECHAT_PHONE', 'phone numbers come from the mini-program: set FAIRGROUND_WECHAT_MP_APPID');
  const timeoutMs = Number(env.FAIRGROUND_WECHAT_TIMEOUT_MS ?? '5000');
  if (timeoutMs > WECHAT_TIMEOUT_MS_MAX)
    throw new WechatConfigError('FAIRGROUND_WECHAT_TIMEOUT_MS', `must be at most ${WECHAT_TIMEOUT_MS_MAX}`);
  const publicUrl = env.FAIRGROUND_PUBLIC_URL;
  if (publicUrl !== undefined && o.production && !publicUrl.startsWith('https://') && !isLoopbackUrl(publicUrl))
    throw new WechatConfigError(
      'FAIRGROUND_PUBLIC_URL',
      'must be https:// in production (WeChat opens only https pages for OAuth and the JS-SDK)',
    );
  for (const key of ['FAIRGROUND_WECHAT_API_BASE_URL', 'FAIRGROUND_WECHAT_OPEN_BASE_URL']) {
    const u = env[key];
    // App secrets and tokens travel in these URLs' query strings: only https leaves the machine.
    if (u !== undefined && o.production && !u.startsWith('https://') && !isLoopbackUrl(u))
      throw new WechatConfigError(key, 'must be https:// in production (or a loopback address for a staging rehearsal)');
  }
  const vpay = vpayConfigOf(env, provider === 'wechat' && apps.miniprogram !== null);
  return {
    vpay,
    provider,
    apps,
    h5Scope: (env.FAIRGROUND_WECHAT_H5_SCOPE as H5Scope | undefined) ?? 'snsapi_base',
    phone: env.FAIRGROUND_WECHAT_PHONE === '1',
    apiBaseUrl: env.FAIRGROUND_WECHAT_API_BASE_URL,
    openBaseUrl: env.FAIRGROUND_WECHAT_OPEN_BASE_URL,
    timeoutMs,
    publicUrl,
  };
}

/** Virtual payment for room cards: the offer id and app key together, only with WeChat sign-in of the mini-game; null when neither is set. */
function vpayConfigOf(env: Record<string, string | undefined>, miniGameSignIn: boolean): VpayConfig | null {
  const offerId = env.FAIRGROUND_WECHAT_VPAY_OFFER_ID;
  const appKey = env.FAIRGROUND_WECHAT_VPAY_APP_KEY;
  if (offerId === undefined && appKey === undefined) return null;
  if (offerId === undefined) throw new WechatConfigError('FAIRGROUND_WECHAT_VPAY_OFFER_ID', 'required with FAIRGROUND_WECHAT_VPAY_APP_KEY');
  if (appKey === undefined)
    throw new WechatConfigError('FAIRGROUND_WECHAT_VPAY_APP_KEY', 'required with FAIRGROUND_WECHAT_VPAY_OFFER_ID (or …_APP_KEY_FILE)');
  // The user-state signature needs the session_key of a real code2session.
  if (!miniGameSignIn)
    throw new WechatConfigError(
      'FAIRGROUND_WECHAT_VPAY_OFFER_ID',
      'virtual payment needs WeChat sign-in of the mini-game (FAIRGROUND_IDENTITY_PROVIDER=wechat and FAIRGROUND_WECHAT_MP_APPID)',
    );
  return {
    offerId,
    appKey,
    env: env.FAIRGROUND_WECHAT_VPAY_ENV === '1' ? 1 : 0,
    productId: env.FAIRGROUND_WECHAT_VPAY_PRODUCT_ID ?? 'room_card',
  };
}
