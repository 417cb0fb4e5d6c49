// Standalone sandbox: `fairground-wechatpay-sandbox --port 8787 --data-dir ./sandbox-data`.
// Writes its keys and merchant config (merchant.json) to the data folder, reuses them on restart,
// and serves until interrupted.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ManualClock } from '@fairground/core';
import { startSandbox } from './index.ts';
import type { KeyMode, WeixinAppInput } from './types.ts';

const USAGE = `Usage: fairground-wechatpay-sandbox [options]

  --port <n>            port to listen on (default 8787)
  --host <addr>         address to bind (default 127.0.0.1)
  --data-dir <dir>      where keys and merchant.json are written (default ./.data/wechatpay-sandbox)
  --key-mode <mode>     publicKey (default) or platformCertificate
  --mchid <id>          merchant id (default 1900000001)
  --appid <id>          app id (default wx8888888888888888)
  --manual-clock        run on a manual clock moved by POST /sandbox/clock/advance (for end-to-end tests)
  --auto-run-ms <n>     deliver due notifications every n ms (default 1000; 0 with --manual-clock)
  --weixin-apps <file>  JSON list of extra or changed api.weixin.qq.com apps:
                        [{"appid":"wx…","kind":"minigame|miniprogram|officialAccount|website",
                          "secret"?:"…","name"?:"…","openPlatformId"?:"…"|null,"redirectDomains"?:["…"]}]
  --help                show this text
`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function intArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer`);
  return Number(value);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'key-mode': { type: 'string' },
        mchid: { type: 'string' },
        appid: { type: 'string' },
        'manual-clock': { type: 'boolean' },
        'auto-run-ms': { type: 'string' },
        'weixin-apps': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
})();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const keyMode = (values['key-mode'] ?? 'publicKey') as KeyMode;
if (keyMode !== 'publicKey' && keyMode !== 'platformCertificate') fail('--key-mode must be publicKey or platformCertificate');
const manual = values['manual-clock'] === true;
const dataDir = values['data-dir'] ?? './.data/wechatpay-sandbox';

let weixinApps: WeixinAppInput[] | undefined;
if (values['weixin-apps'] !== undefined) {
  try {
    const parsed: unknown = JSON.parse(await readFile(values['weixin-apps'], 'utf8'));
    if (!Array.isArray(parsed)) fail('--weixin-apps must name a JSON file holding a list of apps');
    weixinApps = parsed as WeixinAppInput[];
  } catch (e) {
    fail(`--weixin-apps: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const sandbox = await startSandbox({
  port: intArg(values.port, 'port', 8787),
  host: values.host ?? '127.0.0.1',
  dataDir,
  keyMode,
  ...(values.mchid === undefined ? {} : { mchid: values.mchid }),
  ...(values.appid === undefined ? {} : { appid: values.appid }),
  ...(manual ? { clock: new ManualClock(Date.now()) } : {}),
  autoRunIntervalMs: intArg(values['auto-run-ms'], 'auto-run-ms', manual ? 0 : 1000),
  ...(weixinApps === undefined ? {} : { weixinApps }),
});

console.log(`WeChat Pay sandbox listening on ${sandbox.baseUrl}
  merchant ${sandbox.merchant.mchid}, app ${sandbox.merchant.appid}, key mode ${keyMode}${manual ? ', manual clock' : ''}
  merchant config and keys: ${dataDir}/merchant.json
  pages: ${sandbox.pagesUrl}/  (cashier, transfer confirmation, OAuth consent, QR login, /players)
  api.weixin.qq.com and open.weixin.qq.com: ${sandbox.baseUrl} (apps: ${sandbox.weixin
    .apps()
    .map((a) => `${a.appid} ${a.kind}`)
    .join(', ')})
  admin: ${sandbox.baseUrl}/sandbox/faults, /sandbox/clock/advance, /sandbox/run-due, /sandbox/weixin/players, /sandbox/weixin/apps`);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing the sandbox`);
  sandbox.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
