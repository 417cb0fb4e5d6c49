// The standalone sandbox through its bin shim: it writes merchant.json and keys to the data
// folder, a client configured only from that file talks to it, and a restart keeps the keys.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
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

  it('writes merchant.json that a client can use, keeps its keys across restarts, and shuts down on SIGTERM', async () => {
    const first = await start(dir, ['--manual-clock']);
    let serial: string;
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
    } finally {
      await stop(first);
    }
    const second = await start(dir);
    try {
      const config = JSON.parse(await readFile(join(dir, 'merchant.json'), 'utf8'));
      assert.equal(config.serialNo, serial);
      assert.equal(config.baseUrl, second.baseUrl);
      const refused = await fetch(`${second.baseUrl}/sandbox/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 1000 }) });
      assert.equal(refused.status, 409, 'the default clock is the system clock');
    } finally {
      await stop(second);
    }
  });
});
