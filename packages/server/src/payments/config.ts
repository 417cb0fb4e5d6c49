// Payments configuration from the environment. Keys, ids and secrets come only from here (or
// files named here), never from code. `FAIRGROUND_WECHATPAY=sandbox` (the default outside
// production; production defaults to `off`) runs the WeChat Pay sandbox inside the server on its own loopback port;
// `wechatpay` talks to WeChat Pay (or any server that speaks its protocol, such as a standalone
// sandbox) with the merchant's keys; `off` runs without payments.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type TSchema, Type } from '@sinclair/typebox';
import { DEFAULT_SETTINGS, type PaymentsSettings } from './context.ts';
import type { TransferReportInfo } from './ports.ts';

const fen = () => Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,11}$' }));
const ms = () => Type.Optional(Type.String({ pattern: '^[1-9][0-9]{1,8}$' }));

/** The variables payments read (spread into the server's EnvSchema). */
export const PaymentsEnvSchema: Record<string, TSchema> = {
  FAIRGROUND_WECHATPAY: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('wechatpay'), Type.Literal('off')])),
  FAIRGROUND_WECHATPAY_SANDBOX_PORT: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,4})$' })),
  FAIRGROUND_WECHATPAY_MERCHANT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_WECHATPAY_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  FAIRGROUND_WECHATPAY_MCHID: Type.Optional(Type.String({ pattern: '^[0-9]{1,32}$' })),
  FAIRGROUND_WECHATPAY_APPID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' })),
  FAIRGROUND_WECHATPAY_SERIAL_NO: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{1,64}$' })),
  FAIRGROUND_WECHATPAY_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_WECHATPAY_API_V3_KEY: Type.Optional(Type.String({ minLength: 32, maxLength: 32 })),
  FAIRGROUND_WECHATPAY_PUBLIC_KEY_ID: Type.Optional(Type.String({ pattern: '^PUB_KEY_ID_[0-9A-Za-z]{1,64}$' })),
  FAIRGROUND_WECHATPAY_PUBLIC_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_WECHATPAY_PLATFORM_CERTS: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{1,64}=[^,]+(,[0-9A-Fa-f]{1,64}=[^,]+)*$' })),
  FAIRGROUND_WECHATPAY_NOTIFY_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]+$' })),
  FAIRGROUND_WECHATPAY_TIMEOUT_MS: ms(),
  FAIRGROUND_PAYMENTS_SWEEP_MS: ms(),
  FAIRGROUND_PAYMENTS_LEASE_MS: ms(),
  FAIRGROUND_DEPOSIT_MIN_FEN: fen(),
  FAIRGROUND_DEPOSIT_MAX_FEN: fen(),
  FAIRGROUND_DEPOSIT_DAILY_MAX_FEN: fen(),
  FAIRGROUND_WITHDRAWAL_MIN_FEN: fen(),
  FAIRGROUND_WITHDRAWAL_MAX_FEN: fen(),
  FAIRGROUND_WITHDRAWAL_DAILY_MAX_FEN: fen(),
  FAIRGROUND_WITHDRAWAL_DAILY_COUNT_MAX: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  FAIRGROUND_WITHDRAWAL_REVIEW_FEN: fen(),
  FAIRGROUND_TRANSFER_SCENE_ID: Type.Optional(Type.String({ pattern: '^[0-9]{1,36}$' })),
  FAIRGROUND_TRANSFER_REPORT_INFOS: Type.Optional(Type.String({ minLength: 2, maxLength: 2000 })),
  FAIRGROUND_TRANSFER_PERCEPTION: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  FAIRGROUND_TRANSFER_REMARK: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
};

/** What the WeChat Pay client needs (see @fairground/wechatpay). */
export interface WechatPayMerchant {
  readonly baseUrl: string;
  readonly mchid: string;
  readonly appid: string;
  readonly serialNo: string;
  readonly privateKeyPem: string;
  readonly apiV3Key: string;
  /** WeChat Pay's keys by Wechatpay-Serial (a PUB_KEY_ID_… and/or platform certificate serials). */
  readonly verifier: Readonly<Record<string, string>>;
  /** The sandbox's pages, when the merchant file came from a standalone sandbox. */
  readonly pagesUrl: string | undefined;
}

export interface PaymentsConfig {
  readonly mode: 'sandbox' | 'wechatpay' | 'off';
  /** The app payments are made under; players' openids must belong to it. */
  readonly appid: string;
  readonly sandboxPort: number;
  readonly merchant: WechatPayMerchant | undefined;
  /** Where WeChat Pay posts notifications; by default the server's own address once it listens. */
  readonly notifyUrl: string | undefined;
  readonly timeoutMs: number;
  readonly sweepIntervalMs: number;
  readonly outboxLeaseMs: number;
  readonly settings: PaymentsSettings;
}

export class PaymentsConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

function int(env: Record<string, string | undefined>, key: string, fallback: number): number {
  const v = env[key];
  return v === undefined ? fallback : Number(v);
}

function readFile(key: string, path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    throw new PaymentsConfigError(key, `cannot read ${path}: ${(e as Error).message}`);
  }
}

function reportInfos(text: string | undefined): readonly TransferReportInfo[] {
  if (text === undefined) return DEFAULT_SETTINGS.transfer.reportInfos;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PaymentsConfigError('FAIRGROUND_TRANSFER_REPORT_INFOS', 'must be JSON: [{"infoType":"活动名称","infoContent":"…"}, …]');
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length >= 1 &&
    parsed.length <= 10 &&
    parsed.every(
      (i) =>
        typeof i === 'object' &&
        i !== null &&
        typeof (i as TransferReportInfo).infoType === 'string' &&
        typeof (i as TransferReportInfo).infoContent === 'string' &&
        (i as TransferReportInfo).infoType.length >= 1 &&
        (i as TransferReportInfo).infoType.length <= 15 &&
        (i as TransferReportInfo).infoContent.length >= 1 &&
        (i as TransferReportInfo).infoContent.length <= 32,
    );
  if (!ok)
    throw new PaymentsConfigError(
      'FAIRGROUND_TRANSFER_REPORT_INFOS',
      'needs 1–10 items of {infoType (1–15 chars), infoContent (1–32 chars)}',
    );
  return (parsed as TransferReportInfo[]).map((i) => ({ infoType: i.infoType, infoContent: i.infoContent }));
}

function merchantFromFile(path: string, cwd: string): WechatPayMerchant {
  const key = 'FAIRGROUND_WECHATPAY_MERCHANT_FILE';
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFile(key, path, cwd)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof PaymentsConfigError) throw e;
    throw new PaymentsConfigError(key, 'is not JSON');
  }
  const str = (name: string) => {
    const v = m[name];
    if (typeof v !== 'string' || v === '') throw new PaymentsConfigError(key, `has no ${name}`);
    return v;
  };
  const verifier = m.verifier;
  if (typeof verifier !== 'object' || verifier === null) throw new PaymentsConfigError(key, 'has no verifier map');
  return {
    baseUrl: str('baseUrl'),
    mchid: str('mchid'),
    appid: str('appid'),
    serialNo: str('serialNo'),
    privateKeyPem: str('privateKeyPem'),
    apiV3Key: str('apiV3Key'),
    verifier: verifier as Record<string, string>,
    pagesUrl: typeof m.pagesUrl === 'string' ? m.pagesUrl : undefined,
  };
}

function merchantFromEnv(env: Record<string, string | undefined>, cwd: string, appid: string): WechatPayMerchant {
  const need = (key: string) => {
    const v = env[key];
    if (v === undefined)
      throw new PaymentsConfigError(key, 'required with FAIRGROUND_WECHATPAY=wechatpay (or give FAIRGROUND_WECHATPAY_MERCHANT_FILE)');
    return v;
  };
  const verifier: Record<string, string> = {};
  if (env.FAIRGROUND_WECHATPAY_PUBLIC_KEY_ID !== undefined || env.FAIRGROUND_WECHATPAY_PUBLIC_KEY_FILE !== undefined) {
    verifier[need('FAIRGROUND_WECHATPAY_PUBLIC_KEY_ID')] = readFile(
      'FAIRGROUND_WECHATPAY_PUBLIC_KEY_FILE',
      need('FAIRGROUND_WECHATPAY_PUBLIC_KEY_FILE'),
      cwd,
    );
  }
  for (const pair of env.FAIRGROUND_WECHATPAY_PLATFORM_CERTS?.split(',') ?? []) {
    const [serial, file] = pair.split('=') as [string, string];
    verifier[serial] = readFile('FAIRGROUND_WECHATPAY_PLATFORM_CERTS', file, cwd);
  }
  if (Object.keys(verifier).length === 0) {
    throw new PaymentsConfigError(
      'FAIRGROUND_WECHATPAY_PUBLIC_KEY_ID',
      'give the WeChat Pay public key (id and file) or platform certificates to verify answers with',
    );
  }
  return {
    baseUrl: env.FAIRGROUND_WECHATPAY_BASE_URL ?? 'https://api.mch.weixin.qq.com',
    mchid: need('FAIRGROUND_WECHATPAY_MCHID'),
    appid,
    serialNo: need('FAIRGROUND_WECHATPAY_SERIAL_NO'),
    privateKeyPem: readFile('FAIRGROUND_WECHATPAY_PRIVATE_KEY_FILE', need('FAIRGROUND_WECHATPAY_PRIVATE_KEY_FILE'), cwd),
    apiV3Key: need('FAIRGROUND_WECHATPAY_API_V3_KEY'),
    verifier,
    pagesUrl: undefined,
  };
}

/**
 * A peer on this machine's loopback interface: a staging rehearsal (`npm run staging`) runs the
 * production code against sandboxes there, where plain http cannot be intercepted off the machine.
 */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

export function loadPaymentsConfig(
  env: Record<string, string | undefined>,
  o: { readonly production: boolean; readonly cwd: string; readonly h5AppId: string },
): PaymentsConfig {
  // Production never falls back to the sandbox: without FAIRGROUND_WECHATPAY=wechatpay it takes no payments.
  const mode = (env.FAIRGROUND_WECHATPAY ?? (o.production ? 'off' : 'sandbox')) as PaymentsConfig['mode'];
  if (o.production && mode === 'sandbox')
    throw new PaymentsConfigError('FAIRGROUND_WECHATPAY', 'the sandbox cannot take real money: use "wechatpay" or "off" in production');
  let appid = env.FAIRGROUND_WECHATPAY_APPID ?? o.h5AppId;
  let merchant: WechatPayMerchant | undefined;
  if (mode === 'wechatpay') {
    merchant =
      env.FAIRGROUND_WECHATPAY_MERCHANT_FILE !== undefined
        ? merchantFromFile(env.FAIRGROUND_WECHATPAY_MERCHANT_FILE, o.cwd)
        : merchantFromEnv(env, o.cwd, appid);
    appid = merchant.appid;
    if (o.production && !merchant.baseUrl.startsWith('https://') && !isLoopbackUrl(merchant.baseUrl))
      throw new PaymentsConfigError('FAIRGROUND_WECHATPAY_BASE_URL', 'must be https in production');
  }
  const notifyUrl = env.FAIRGROUND_WECHATPAY_NOTIFY_URL;
  if (
    o.production &&
    mode === 'wechatpay' &&
    (notifyUrl === undefined || !(notifyUrl.startsWith('https://') || isLoopbackUrl(notifyUrl)))
  ) {
    throw new PaymentsConfigError(
      'FAIRGROUND_WECHATPAY_NOTIFY_URL',
      'required in production: the public https URL of /api/payments/wechatpay/notify',
    );
  }
  const settings = settingsOf(env);
  const timeoutMs = int(env, 'FAIRGROUND_WECHATPAY_TIMEOUT_MS', 10_000);
  const outboxLeaseMs = int(env, 'FAIRGROUND_PAYMENTS_LEASE_MS', 60_000);
  if (outboxLeaseMs <= timeoutMs)
    throw new PaymentsConfigError('FAIRGROUND_PAYMENTS_LEASE_MS', 'must be longer than FAIRGROUND_WECHATPAY_TIMEOUT_MS');
  return {
    mode,
    appid,
    sandboxPort: int(env, 'FAIRGROUND_WECHATPAY_SANDBOX_PORT', 0),
    merchant,
    notifyUrl,
    timeoutMs,
    sweepIntervalMs: int(env, 'FAIRGROUND_PAYMENTS_SWEEP_MS', 15_000),
    outboxLeaseMs,
    settings,
  };
}

/** The operator's payment limits and transfer details, checked against each other and WeChat Pay's own bounds. */
function settingsOf(env: Record<string, string | undefined>): PaymentsSettings {
  const d = DEFAULT_SETTINGS;
  const settings: PaymentsSettings = {
    depositMinFen: int(env, 'FAIRGROUND_DEPOSIT_MIN_FEN', d.depositMinFen),
    depositMaxFen: int(env, 'FAIRGROUND_DEPOSIT_MAX_FEN', d.depositMaxFen),
    depositDailyMaxFen: int(env, 'FAIRGROUND_DEPOSIT_DAILY_MAX_FEN', d.depositDailyMaxFen),
    withdrawalMinFen: int(env, 'FAIRGROUND_WITHDRAWAL_MIN_FEN', d.withdrawalMinFen),
    withdrawalMaxFen: int(env, 'FAIRGROUND_WITHDRAWAL_MAX_FEN', d.withdrawalMaxFen),
    withdrawalDailyMaxFen: int(env, 'FAIRGROUND_WITHDRAWAL_DAILY_MAX_FEN', d.withdrawalDailyMaxFen),
    withdrawalDailyCountMax: int(env, 'FAIRGROUND_WITHDRAWAL_DAILY_COUNT_MAX', d.withdrawalDailyCountMax),
    withdrawalReviewFromFen: int(env, 'FAIRGROUND_WITHDRAWAL_REVIEW_FEN', d.withdrawalReviewFromFen),
    depositDescription: d.depositDescription,
    transfer: {
      sceneId: env.FAIRGROUND_TRANSFER_SCENE_ID ?? d.transfer.sceneId,
      reportInfos: reportInfos(env.FAIRGROUND_TRANSFER_REPORT_INFOS),
      userRecvPerception: env.FAIRGROUND_TRANSFER_PERCEPTION ?? d.transfer.userRecvPerception,
      remark: env.FAIRGROUND_TRANSFER_REMARK ?? d.transfer.remark,
    },
  };
  if (settings.depositMinFen > settings.depositMaxFen)
    throw new PaymentsConfigError('FAIRGROUND_DEPOSIT_MIN_FEN', 'must not exceed FAIRGROUND_DEPOSIT_MAX_FEN');
  if (settings.withdrawalMinFen > settings.withdrawalMaxFen) {
    throw new PaymentsConfigError('FAIRGROUND_WITHDRAWAL_MIN_FEN', 'must not exceed FAIRGROUND_WITHDRAWAL_MAX_FEN');
  }
  // WeChat Pay's own floor for a transfer is 0.1 yuan, and from 2,000 yuan it needs the payee's real name (not sent by us).
  if (settings.withdrawalMinFen < 10)
    throw new PaymentsConfigError('FAIRGROUND_WITHDRAWAL_MIN_FEN', 'must be at least 10 fen (WeChat Pay’s minimum transfer)');
  if (settings.withdrawalMaxFen >= 200_000) {
    throw new PaymentsConfigError(
      'FAIRGROUND_WITHDRAWAL_MAX_FEN',
      'must be below 200000 fen (2,000 yuan; larger transfers need the payee’s real name)',
    );
  }
  return settings;
}
