// The standalone sandbox through its bin shim: it writes merchant.json and keys to the data
// folder, a client configured only from that file talks to it, and a restart keeps the keys.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wechatpay } from 'wechatpay-axios-plugin';

const BIN = new URL('../bin/fairground-wechatpay-sandbox.mjs', import.meta.url).pathname;

interface Running {
  child: ChildProcess;
  baseUrl: string;
}

function start(dataDir: string, extra: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data-dir', dataDir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve({ child, baseUrl: m[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${err}`)));
  });
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.child.once('exit', () => resolve());
    r.child.kill('SIGTERM');
  });
}

describe('standalone sandbox', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wechatpay-sandbox-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes merchant.json that a client can use, serves the sign-in side too, keeps its keys across restarts, and shuts down on SIGTERM', async () => {
    const appsFile = join(dir, 'weixin-apps.json');
    await writeFile(appsFile, JSON.stringify([{ appid: 'wx7777777777777777', kind: 'officialAccount', openPlatformId: null }]));
    const first = await start(dir, ['--manual-clock', '--weixin-apps', appsFile]);
    let serial: string;
    let weixinSecret: string;
    try {
      const config = JSON.parse(await readFile(join(dir, 'merchant.json'), 'utf8'));
      assert.equal(config.baseUrl, first.baseUrl);
      assert.equal(config.mchid, '1900000001');
      assert.equal(config.keyMode, 'publicKey');
      assert.ok(config.verifier[config.platform.publicKeyId]);
      assert.equal(((await stat(join(dir, 'merchant.json'))).mode & 0o777).toString(8), '600');
      for (const f of ['apiclient_key.pem', 'apiclient_cert.pem', 'pub_key.pem', 'sandbox-keys.json'])
        assert.ok((await stat(join(dir, f))).isFile(), f);
      serial = config.serialNo;

      const wxpay = new Wechatpay({
        mchid: config.mchid,
        serial: config.serialNo,
        privateKey: config.privateKeyPem,
        certs: config.verifier,
        baseURL: `${config.baseUrl}/`,
      } as never);
      const client = wxpay.client as unknown as {
        request(p: string, m: string, d?: unknown, c?: unknown): Promise<{ status: number; data: { prepay_id: string } }>;
      };
      // The manual clock starts at the real time, so the plugin's own clock agrees with it.
      const res = await client.request('v3/pay/transactions/jsapi', 'post', {
        appid: config.appid,
        mchid: config.mchid,
        description: 'standalone',
        out_trade_no: 'standalone0001',
        notify_url: 'https://merchant.example/notify',
        amount: { total: 1 },
        payer: { openid: 'oStandalone' },
      });
      assert.equal(res.status, 200);
      const advanced = await fetch(`${first.baseUrl}/sandbox/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 1000 }) });
      assert.equal(advanced.status, 200);

      // The sign-in side is served by the same process: a player, a wx.login code, jscode2session.
      const game = config.weixinApps.find((a: { kind: string }) => a.kind === 'minigame');
      const extra = config.weixinApps.find((a: { appid: string }) => a.appid === 'wx7777777777777777');
      assert.equal(extra?.openPlatformId, null, '--weixin-apps was read');
      weixinSecret = game.secret;
      const post = (path: string, body: unknown) =>
        fetch(`${first.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
          (r) => r.json() as Promise<Record<string, string>>,
        );
      await post('/sandbox/weixin/players', { handle: 'standalone' });
      const { code } = await post('/sandbox/weixin/players/standalone/codes', { appid: game.appid, kind: 'jscode' });
      const q = new URLSearchParams({ appid: game.appid, secret: game.secret, js_code: code ?? '', grant_type: 'authorization_code' });
      const session = (await (await fetch(`${first.baseUrl}/sns/jscode2session?${q}`)).json()) as Record<string, string>;
      assert.match(session.openid ?? '', /^o/);
      const token = await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: game.appid, secret: game.secret });
      assert.equal(token.expires_in, 7200);
    } finally {
      await stop(first);
    }
    const second = await start(dir);
    try {
      const config = JSON.parse(await readFile(join(dir, 'merchant.json'), 'utf8'));
      assert.equal(config.serialNo, serial);
      assert.equal(
        config.weixinApps.find((a: { kind: string }) => a.kind === 'minigame').secret,
        weixinSecret,
        'app secrets survive a restart',
      );
      assert.equal(config.baseUrl, second.baseUrl);
      const refused = await fetch(`${second.baseUrl}/sandbox/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 1000 }) });
      assert.equal(refused.status, 409, 'the default clock is the system clock');
    } finally {
      await stop(second);
    }
  });
});
