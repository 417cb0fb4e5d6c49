// `npm run staging`: a launch rehearsal on this machine. The platform runs with NODE_ENV=production
// — production's configuration checks, production's routes (no sandbox, development or bench
// route), every real provider — and each provider points at a sandbox running as a process of its
// own, reached over HTTP exactly as production reaches the real service:
//
//   WeChat sign-in  → the weixin sandbox (api.weixin.qq.com and the open.weixin.qq.com pages)
//   WeChat Pay      → a WeChat Pay sandbox (merchant bound to the official account)
//   NPPA            → the NPPA sandbox (real-name checks and play reports)
//   notary          → the local RFC 3161 time-stamping authority (@fairground/timestamp)
//
// A port with no real adapter yet would run on its stand-in, accepted by name in ACCEPTED_STANDINS
// (FAIRGROUND_ACCEPT_STANDINS); today every port production binds has its real adapter, and the
// face check, the one stand-in left, is off in production unless configured.
//
// Environment: PORT (default 3000; 0 picks a free one), HOST (127.0.0.1), FAIRGROUND_DATA_DIR
// (.data/staging: the database, generated secrets and the sandboxes' keys survive restarts),
// DATABASE_URL (default SQLite in the data folder), FAIRGROUND_POLICY_FILE (default the China policy).
// It prints where everything is and how to get a test player's login code; Ctrl-C stops it all.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { startStagingTsa } from '../packages/server/src/notary/staging.ts';
import { startStagingNppa } from '../packages/server/src/nppa/staging.ts';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../packages/server/src/start-flags.ts';
import { STAGING_APPS, startStagingWechatPay, startStagingWeixin } from '../packages/server/src/wechat/staging.ts';

const root = resolve(import.meta.dirname, '..');
const MAIN = join(root, 'packages/server/src/main.ts');
/** Stand-ins the rehearsal accepts because their ports have no real adapter yet (none today). */
const ACCEPTED_STANDINS: readonly string[] = [];
/** How long the platform may take to say it is ready. */
const START_TIMEOUT_MS = 120_000;

interface Peer {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

const env = process.env;
const host = env.HOST ?? '127.0.0.1';
const dataDir = resolve(env.FAIRGROUND_DATA_DIR ?? join(root, '.data', 'staging'));
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, host, () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address !== null ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** A secret file made once and kept (mode 0600): sessions and sealed records survive a restart. */
function secretFile(name: string, make: () => string): string {
  const path = join(dataDir, 'secrets', name);
  if (!existsSync(path)) {
    mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(path, make(), { mode: 0o600 });
  }
  return path;
}

// The platform's address is known before it starts: WeChat's pages send players back to it.
const port = env.PORT === undefined ? 3000 : env.PORT === '0' ? await freePort() : Number(env.PORT);
if (!Number.isSafeInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be 0..65535 (got ${env.PORT})`);
const publicUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

const peers: Peer[] = [];
async function stopPeers(): Promise<void> {
  for (const p of peers.reverse()) await p.stop().catch(() => undefined);
}

let platform: ChildProcess | null = null;
let stopping = false;
/** Stops the platform, then the peers, then exits; the first caller wins (a signal, or the platform exiting by itself). */
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (platform !== null && platform.exitCode === null && platform.signalCode === null) {
    const exited = new Promise((r) => platform?.once('exit', r));
    platform.kill('SIGTERM');
    await exited;
  }
  await stopPeers();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  const weixin = await startStagingWeixin({ dataDir: join(dataDir, 'weixin-sandbox'), publicUrl });
  peers.push({ name: 'WeChat sign-in (weixin sandbox)', url: weixin.pagesUrl, stop: () => weixin.stop() });
  const pay = await startStagingWechatPay({ dataDir: join(dataDir, 'wechatpay-sandbox'), appid: STAGING_APPS.officialAccount });
  peers.push({ name: 'WeChat Pay sandbox', url: pay.pagesUrl, stop: () => pay.stop() });
  const nppa = await startStagingNppa();
  peers.push({ name: 'NPPA sandbox', url: nppa.baseUrl, stop: () => nppa.stop() });
  const tsa = await startStagingTsa({ dir: join(dataDir, 'tsa') });
  peers.push({ name: 'time-stamping authority (local TSA)', url: tsa.baseUrl, stop: () => tsa.stop() });

  const metricsTokenFile = secretFile('metrics_token', () => randomBytes(32).toString('base64url'));
  const platformEnv: Record<string, string> = {
    PATH: env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: host,
    PORT: String(port),
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    FAIRGROUND_DATA_DIR: dataDir,
    DATABASE_URL: env.DATABASE_URL ?? `sqlite:${join(dataDir, 'fairground.db')}`,
    FAIRGROUND_POLICY_FILE: env.FAIRGROUND_POLICY_FILE ?? join(root, 'packages/server/src/compliance/policies/cn-mainland.json'),
    FAIRGROUND_SESSION_SECRET_FILE: secretFile('session_secret', () => randomBytes(48).toString('base64url')),
    FAIRGROUND_KYC_KEY_FILE: secretFile('kyc_key', () => randomBytes(32).toString('hex')),
    FAIRGROUND_METRICS_TOKEN_FILE: metricsTokenFile,
    ...(ACCEPTED_STANDINS.length > 0 ? { FAIRGROUND_ACCEPT_STANDINS: ACCEPTED_STANDINS.join(',') } : {}),
    FAIRGROUND_WECHATPAY_NOTIFY_URL: `${publicUrl}/api/payments/wechatpay/notify`,
    ...weixin.env,
    ...pay.env,
    ...nppa.env,
    ...tsa.env,
    ...(env.FAIRGROUND_ADMIN_USERNAME ? { FAIRGROUND_ADMIN_USERNAME: env.FAIRGROUND_ADMIN_USERNAME } : {}),
    ...(env.FAIRGROUND_ADMIN_PASSWORD ? { FAIRGROUND_ADMIN_PASSWORD: env.FAIRGROUND_ADMIN_PASSWORD } : {}),
  };
  // Started as production starts it: the same Node.js flags and environment (start-flags.ts).
  platform = spawn(process.execPath, [...SERVER_NODE_FLAGS, MAIN], {
    cwd: root,
    env: { ...platformEnv, ...SERVER_ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = platform;
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error('the platform did not become ready in time')), START_TIMEOUT_MS);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      if (/"msg":"fairground ready/.test(buffered)) {
        clearTimeout(timer);
        buffered = '';
        ready();
      }
      if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the platform exited with ${code}`));
    });
  });
  child.once('exit', (code) => void stopAll(code ?? 1));

  const S = weixin.baseUrl;
  process.stdout.write(`
fairground staging — NODE_ENV=production against local sandboxes, one process each
  player client   ${publicUrl}/            (in a desktop browser: "continue in WeChat" and website QR login)
  console         ${publicUrl}/admin/      (create an operator: npx node packages/server/src/cli.ts create-operator …)
  metrics         curl -H "Authorization: Bearer $(cat ${metricsTokenFile})" ${publicUrl}/metrics
${peers.map((p) => `  ${p.name.padEnd(38)}${p.url}/`).join('\n')}
  accepted stand-ins: ${ACCEPTED_STANDINS.length > 0 ? ACCEPTED_STANDINS.join(', ') : 'none (every port on its real adapter)'}

A test player's login code (what wx.login() gives the mini-game ${STAGING_APPS.minigame}), and the sign-in:
  CODE=$(curl -s -XPOST ${S}/sandbox/weixin/players/alice/codes -H 'content-type: application/json' \\
    -d '{"appid":"${STAGING_APPS.minigame}","kind":"jscode"}' | jq -r .code)
  curl -s -XPOST ${publicUrl}/api/auth/wechat/login -H 'content-type: application/json' -d "{\\"kind\\":\\"miniprogram\\",\\"code\\":\\"$CODE\\"}"
(create alice first: curl -s -XPOST ${S}/sandbox/weixin/players -H 'content-type: application/json' \\
    -d '{"handle":"alice","apps":["${STAGING_APPS.minigame}","${STAGING_APPS.officialAccount}","${STAGING_APPS.website}"]}'
 or use the page ${weixin.pagesUrl}/players; the NPPA's identities that verify are on ${nppa.baseUrl}/)
`);
} catch (e) {
  process.stderr.write(`staging: ${e instanceof Error ? e.message : String(e)}\n`);
  await stopAll(1);
}
