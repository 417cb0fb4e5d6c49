// For `npm run staging` and the tests of production starts: the WeChat sandbox
// (@fairground/wechatpay-sandbox) as processes of their own — one standing in for WeChat's sign-in
// servers (api.weixin.qq.com and the open.weixin.qq.com pages), one for WeChat Pay — and the
// environment that points a `fairground` process at each, exactly as production points at WeChat:
// the real clients, over HTTP, with credentials from configuration.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SANDBOX_CLI = fileURLToPath(new URL('../../../wechatpay-sandbox/src/cli.ts', import.meta.url));
/** How long a sandbox process may take to say where it listens. */
const START_TIMEOUT_MS = 30_000;
/** Output lines kept for the failure message. */
const LOG_LINES_MAX = 50;

/** The sandbox's default apps (see the sandbox README): one of each kind, all bound to one Open Platform account. */
export const STAGING_APPS = {
  minigame: 'wxa000000000000001',
  officialAccount: 'wxb000000000000002',
  website: 'wxc000000000000003',
} as const;

export interface SandboxProcess {
  readonly baseUrl: string;
  readonly pagesUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the WeChat sandbox CLI on a free loopback port with its keys in `dataDir`. */
export async function spawnWechatSandbox(dataDir: string, extraArgs: readonly string[] = []): Promise<SandboxProcess> {
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [SANDBOX_CLI, '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const urls = await new Promise<{ baseUrl: string; pagesUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the WeChat sandbox did not start:\n${lines.join('\n')}`)), START_TIMEOUT_MS);
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      for (const l of chunk.toString().split('\n')) if (l !== '' && lines.push(l) > LOG_LINES_MAX) lines.shift();
      const base = /listening on (http:\/\/\S+)/.exec(text)?.[1];
      const pages = /pages: (http:\/\/\S+?)\/? /.exec(text)?.[1];
      if (base !== undefined && pages !== undefined) {
        clearTimeout(timer);
        resolve({ baseUrl: base, pagesUrl: pages });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the WeChat sandbox exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return {
    ...urls,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface StagingWeixin extends SandboxProcess {
  /** FAIRGROUND_IDENTITY_PROVIDER and FAIRGROUND_WECHAT_* for every platform process of the set-up. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * A one-time code for the test player `handle` (made on first use, in every app): `jscode` is
   * what `wx.login()` gives the mini-game, `phone` what its getPhoneNumber button gives.
   */
  code(handle: string, kind: 'jscode' | 'phone', appid?: string): Promise<string>;
}

async function call(url: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Starts the sandbox standing in for WeChat's sign-in servers and returns the configuration that
 * signs players in through it: the mini-game, the official account (H5 OAuth, JS-SDK) and the
 * website app (desktop QR login), with the secrets the sandbox derived for them.
 */
export async function startStagingWeixin(o: { readonly dataDir: string; readonly publicUrl?: string }): Promise<StagingWeixin> {
  const s = await spawnWechatSandbox(o.dataDir);
  try {
    const { apps } = (await call(`${s.baseUrl}/sandbox/weixin/apps`, 'GET')) as { apps: { appid: string; secret: string }[] };
    const secret = (appid: string) => {
      const app = apps.find((a) => a.appid === appid);
      if (app === undefined) throw new Error(`the WeChat sandbox has no app ${appid}`);
      return app.secret;
    };
    const env: Record<string, string> = {
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_API_BASE_URL: s.baseUrl,
      FAIRGROUND_WECHAT_OPEN_BASE_URL: s.pagesUrl,
      FAIRGROUND_WECHAT_MP_APPID: STAGING_APPS.minigame,
      FAIRGROUND_WECHAT_MP_SECRET: secret(STAGING_APPS.minigame),
      FAIRGROUND_WECHAT_H5_APPID: STAGING_APPS.officialAccount,
      FAIRGROUND_WECHAT_H5_SECRET: secret(STAGING_APPS.officialAccount),
      FAIRGROUND_WECHAT_WEB_APPID: STAGING_APPS.website,
      FAIRGROUND_WECHAT_WEB_SECRET: secret(STAGING_APPS.website),
      FAIRGROUND_WECHAT_PHONE: '1',
      ...(o.publicUrl ? { FAIRGROUND_PUBLIC_URL: o.publicUrl } : {}),
    };
    return {
      ...s,
      env,
      async code(handle, kind, appid = STAGING_APPS.minigame) {
        await call(`${s.baseUrl}/sandbox/weixin/players`, 'POST', {
          handle,
          phone: '+86 13800138000',
          apps: Object.values(STAGING_APPS),
        });
        const issued = await call(`${s.baseUrl}/sandbox/weixin/players/${encodeURIComponent(handle)}/codes`, 'POST', { appid, kind });
        return String(issued.code);
      },
    };
  } catch (e) {
    await s.stop();
    throw e;
  }
}

export interface StagingWechatPay extends SandboxProcess {
  /** FAIRGROUND_WECHATPAY* for every platform process of the set-up. */
  readonly env: Readonly<Record<string, string>>;
}

/** Starts a second sandbox process standing in for WeChat Pay, its merchant bound to the official account `appid`. */
export async function startStagingWechatPay(o: { readonly dataDir: string; readonly appid: string }): Promise<StagingWechatPay> {
  const s = await spawnWechatSandbox(o.dataDir, ['--appid', o.appid]);
  return {
    ...s,
    env: { FAIRGROUND_WECHATPAY: 'wechatpay', FAIRGROUND_WECHATPAY_MERCHANT_FILE: join(o.dataDir, 'merchant.json') },
  };
}
