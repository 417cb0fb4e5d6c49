// A WeChat Pay API v3 simulator: signed requests and responses, orders, refunds, transfer bills,
// profit sharing, bills, login and JS-SDK tickets, notifications with retries on a clock tests
// drive, the pages a person uses, and fault injection. See README.md.
import { createHmac } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { merchantConfig } from './admin.ts';
import { RUN_DUE_STEPS_MAX, SandboxCore } from './core.ts';
import { generateKeyMaterial, type KeyMaterial, loadKeys, type StoredKeys, storeKeys } from './keys.ts';
import { userCancelPayment, userPay } from './payments.ts';
import { createSandboxServer } from './server.ts';
import { userConfirmTransfer, userDeclineTransfer } from './transfers.ts';
import type { Sandbox, SandboxOptions, SandboxUser } from './types.ts';
import { issueLoginCode } from './weixin.ts';
import type { WeixinAppInput } from './weixin-model.ts';

export { WEIXIN_APP_KINDS } from './weixin-model.ts';
export { SUBSCRIBE_LANGS, SUBSCRIBE_STATES, SUBSCRIBE_VALUE_CHARS_MAX } from './weixin-subscribe.ts';
export { judgeText, SEC_CHECK_WORDS, type SecCheckVerdict, type SecCheckWord } from './weixin-seccheck.ts';
export {
  CODE2SESSION_PER_USER_PER_MINUTE,
  FORCED_REFRESHES_PER_DAY,
  FORCED_REFRESH_GAP_MS,
  LOGIN_CODE_TTL_MS,
  STABLE_HANDOVER_MS,
  type SubscribeSendRecord,
  TOKEN_TTL_S,
  USER_ACTIVE_WINDOW_MS,
  WEBSITE_CODE_TTL_MS,
} from './weixin-world.ts';

export type { ActiveFault, Fault, FaultKind } from './faults.ts';
export { FAULT_KINDS } from './faults.ts';
export { RETRY_SCHEDULE_MS } from './notifier.ts';
export { SandboxErrors } from './errors.ts';
export {
  VPAY_DELIVER_EVENT,
  type VpayAppConfig,
  type VpayBillRow,
  type VpayOrder,
  type VpayRefund,
  type VpayPayInput,
  type VpayPushRecord,
  type VpaySheetAnswer,
} from './vpay.ts';
export type * from './types.ts';
export type { FaultControllerApi as FaultController } from './types.ts';

export const DEFAULT_MCHID = '1900000001';
export const DEFAULT_APPID = 'wx8888888888888888';
/** The default apps besides the pay appid (a mini-program): a mini-game, an official account and a website app. */
export const SANDBOX_MINIGAME_APPID = 'wxa000000000000001';
export const SANDBOX_OFFICIAL_ACCOUNT_APPID = 'wxb000000000000002';
export const SANDBOX_WEBSITE_APPID = 'wxc000000000000003';

function defaultWeixinApps(payAppid: string): WeixinAppInput[] {
  return [
    { appid: SANDBOX_WEBSITE_APPID, kind: 'website', name: '沙盒网站' },
    { appid: SANDBOX_OFFICIAL_ACCOUNT_APPID, kind: 'officialAccount', name: '沙盒公众号' },
    { appid: SANDBOX_MINIGAME_APPID, kind: 'minigame', name: '沙盒小游戏' },
    { appid: payAppid, kind: 'miniprogram', name: '沙盒小程序 (pay appid)' },
  ];
}
const KEYS_FILE = 'sandbox-keys.json';
const MERCHANT_FILE = 'merchant.json';

async function obtainKeys(options: SandboxOptions, nowMs: number): Promise<KeyMaterial> {
  const mchid = options.mchid ?? DEFAULT_MCHID;
  const appid = options.appid ?? DEFAULT_APPID;
  if (options.dataDir !== undefined) {
    const stored = await readFile(join(options.dataDir, KEYS_FILE), 'utf8').catch(() => null);
    if (stored !== null) {
      const keys = loadKeys(JSON.parse(stored) as StoredKeys);
      const sameMerchant =
        (options.mchid === undefined || options.mchid === keys.mchid) && (options.appid === undefined || options.appid === keys.appid);
      if (sameMerchant) return keys;
    }
  }
  return generateKeyMaterial({ mchid, appid, nowMs });
}

async function writeDataDir(dir: string, core: SandboxCore): Promise<void> {
  await mkdir(dir, { recursive: true });
  const k = core.keys;
  const secret = async (name: string, text: string) => {
    await writeFile(join(dir, name), text, { mode: 0o600 });
    await chmod(join(dir, name), 0o600);
  };
  await secret(KEYS_FILE, `${JSON.stringify(storeKeys(k), null, 2)}\n`);
  await secret(MERCHANT_FILE, `${JSON.stringify(merchantConfig(core), null, 2)}\n`);
  await secret('apiclient_key.pem', k.merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writeFile(join(dir, 'apiclient_cert.pem'), k.merchant.certificatePem);
  await writeFile(join(dir, 'pub_key.pem'), k.publicKey.publicKeyPem);
  for (const c of k.platformCertificates) await writeFile(join(dir, `platform_cert_${c.id}.pem`), c.certificatePem);
}

/** Starts a sandbox on `host:port` (default 127.0.0.1 and an ephemeral port). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const keys = await obtainKeys(options, clock.nowMs());
  const core = new SandboxCore(clock, keys, {
    keyMode: options.keyMode ?? 'publicKey',
    allowHttpNotifyUrl: options.allowHttpNotifyUrl ?? true,
    transferScenes: options.transferScenes ?? ['1000', '1005'],
    transferAmountMaxFen: options.transferAmountMaxFen ?? 2_000_000,
    refundIntervalMs: options.refundIntervalMs ?? 60_000,
    basicBalanceFen: options.basicBalanceFen ?? 1_000_000_000,
    operationBalanceFen: options.operationBalanceFen ?? 100_000_000,
  });

  // The pay app comes last, so it keeps its kind should its appid equal one of the other defaults.
  for (const app of defaultWeixinApps(keys.appid)) core.weixin.upsertApp(app);
  for (const app of options.weixinApps ?? []) core.weixin.upsertApp(app);

  const due = dueRunner(core);
  const runDue = due.runDue;

  const autoRunIntervalMs = options.autoRunIntervalMs ?? (options.clock === undefined ? 1000 : 0);
  const kick = () => {
    if (autoRunIntervalMs > 0) setImmediate(() => runDue().catch((e: unknown) => console.error('wechatpay-sandbox: runDue failed', e)));
  };

  const user = userHandle(core, kick);

  const server = createSandboxServer({ core, runDue, user });
  core.baseUrl = await listen(server, options);
  if (options.dataDir !== undefined) await writeDataDir(options.dataDir, core);

  const timer =
    autoRunIntervalMs > 0
      ? setInterval(() => runDue().catch((e: unknown) => console.error('wechatpay-sandbox: runDue failed', e)), autoRunIntervalMs)
      : undefined;
  timer?.unref();

  return {
    baseUrl: core.baseUrl,
    pagesUrl: core.pagesUrl,
    merchant: merchantView(keys),
    platform: platformView(keys),
    clock,
    faults: {
      inject: (fault) => core.faults.inject(fault),
      clear: () => core.faults.clear(),
      list: () => core.faults.list(),
    },
    runDue,
    user,
    weixin: weixinHandle(core, keys),
    vpay: vpayHandle(core, kick),
    notifications: () => core.notifier.history(),
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      await due.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The merchant's credentials the sandbox made, as the server's WeChat Pay configuration takes them. */
function merchantView(keys: KeyMaterial): Sandbox['merchant'] {
  return {
    mchid: keys.mchid,
    appid: keys.appid,
    serialNo: keys.merchant.id,
    privateKeyPem: keys.merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: keys.merchant.certificatePem,
    apiV3Key: keys.apiV3Key,
    appSecret: keys.appSecret,
  };
}

/** The platform's public key and certificates that verify the sandbox's answers and notifications. */
function platformView(keys: KeyMaterial): Sandbox['platform'] {
  return {
    publicKeyId: keys.publicKey.id,
    publicKeyPem: keys.publicKey.publicKeyPem,
    certificates: keys.platformCertificates.map((c) => ({
      serialNo: c.id,
      certificatePem: c.certificatePem,
      publicKeyPem: c.publicKeyPem,
    })),
  };
}

/** The test handle on the sandbox's WeChat side: apps, players, login codes, tokens, calls, subscribe sends and voice signatures. */
function weixinHandle(core: SandboxCore, keys: KeyMaterial): Sandbox['weixin'] {
  return {
    apps: () => [...core.weixin.apps.values()].map((a) => core.weixin.appView(a)),
    app: (appid) => core.weixin.appView(core.weixin.app(appid ?? keys.appid)),
    upsertApp: (input) => core.weixin.appView(core.weixin.upsertApp(input)),
    upsertPlayer: (input) => core.weixin.playerView(core.weixin.upsertPlayer(input)),
    player: (handle) => {
      const p = core.weixin.players.get(handle);
      return p === undefined ? undefined : core.weixin.playerView(p);
    },
    players: () => [...core.weixin.players.values()].map((p) => core.weixin.playerView(p)),
    issueCode: (input) => core.weixin.issueCode(input),
    endTokens: (appid, how) => core.weixin.endAppTokens(appid, how),
    calls: () => core.weixin.calls(),
    resetCalls: () => core.weixin.resetCalls(),
    subscribeSends: () => [...core.weixin.subscribeSends],
    voipSigner: (input) => {
      const text = [input.appid, input.groupId, input.nonceStr, String(input.timeStamp)].sort().join('');
      for (const [key, sessionKey] of core.vpay.sessionKeys) {
        if (!key.startsWith(`${input.appid}:`)) continue;
        if (createHmac('sha256', sessionKey).update(text).digest('hex') === input.signature) return key.slice(input.appid.length + 1);
      }
      return null;
    },
  };
}

/** The test handle on virtual payments: configure, pay (then deliver what is due), orders, pushes, refunds, bill lines. */
function vpayHandle(core: SandboxCore, kick: () => void): Sandbox['vpay'] {
  return {
    configure: (input) => core.vpay.configure(input),
    pay: (input) => {
      const answer = core.vpay.pay(input);
      kick();
      return answer;
    },
    order: (outTradeNo) => core.vpay.orders.get(outTradeNo),
    pushes: (outTradeNo) => core.vpay.pushes(outTradeNo),
    refunds: () => [...core.vpay.refunds.values()],
    billLines: (appid, day) => core.vpay.billLines(appid, day),
  };
}

/**
 * Delivers what is due (virtual-payment pushes, then notifications) until nothing is, one run at a
 * time; `idle()` settles when the run in progress has.
 */
function dueRunner(core: SandboxCore): { runDue: () => Promise<void>; idle: () => Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  const runDueOnce = async (): Promise<void> => {
    for (let i = 0; i < RUN_DUE_STEPS_MAX; i++) {
      core.runDueTimers(true);
      const nowMs = core.nowMs();
      if (core.vpay.peekDue(nowMs)) {
        await core.vpay.deliverOne(nowMs);
        continue;
      }
      if (core.notifier.peekDue(nowMs) === null) return;
      await core.notifier.deliverOne(nowMs);
    }
    throw new Error('runDue did not settle');
  };
  // One run at a time: a timer-driven run and a test's run must not deliver the same attempt twice.
  return {
    runDue: () => {
      const run = chain.then(runDueOnce);
      chain = run.catch(() => undefined);
      return run;
    },
    idle: () => chain,
  };
}

/** What the paying user does on their phone: pay, cancel, confirm or decline a transfer, log in. */
function userHandle(core: SandboxCore, kick: () => void): SandboxUser {
  return {
    pay: async (outTradeNo, openid) => {
      userPay(core, outTradeNo, openid);
      kick();
    },
    cancelPayment: async (outTradeNo) => userCancelPayment(core, outTradeNo),
    confirmTransfer: async (outBillNo) => {
      userConfirmTransfer(core, outBillNo);
      kick();
    },
    declineTransfer: async (outBillNo) => {
      userDeclineTransfer(core, outBillNo);
      kick();
    },
    loginCode: (openid, kind) => issueLoginCode(core, openid, kind),
  };
}

/** Listens on the configured host and port (0: any free one); the sandbox's base URL. */
async function listen(server: Server, options: SandboxOptions): Promise<string> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${urlHost}:${port}`;
}
