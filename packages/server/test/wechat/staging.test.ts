// `npm run staging` as an operator runs it (scripts/staging.ts, real processes on loopback): the
// platform in production mode with every provider on its sandbox peer; the sandbox and
// development routes answer 404, /metrics is closed without the token and open with it, a
// mini-game player signs in with a login code from the weixin sandbox as the start-up text shows,
// and stopping the rehearsal stops every process it started.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = new URL('../../../../', import.meta.url).pathname;
/** Four sandboxes and the platform start one after another on a shared machine. */
const START_MS_MAX = 180_000;

describe('npm run staging', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-staging-'));
  let child: ReturnType<typeof spawn>;
  let out = '';
  let url = '';
  let weixin = '';
  let peers: string[] = [];
  let tokenFile = '';

  before(async () => {
    child = spawn(process.execPath, [join(root, 'scripts/staging.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: '0', FAIRGROUND_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no staging banner:\n${out.slice(-4000)}`)), START_MS_MAX);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (/how to|login code/.test(out) && /jq -r \.code/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`staging exited with ${code}:\n${out.slice(-4000)}`)));
    });
    url = /player client {3}(http:\/\/\S+?)\//.exec(out)?.[1] ?? '';
    weixin = /WeChat sign-in \(weixin sandbox\) +(http:\/\/\S+?)\//.exec(out)?.[1] ?? '';
    tokenFile = /cat (\S+metrics_token)/.exec(out)?.[1] ?? '';
    peers = [...out.matchAll(/^ {2}(?:WeChat|NPPA|time-stamping)[^\n]*?(http:\/\/127\.0\.0\.1:\d+)\//gm)].map((m) => m[1] as string);
    assert.ok(url && weixin && tokenFile, out);
  });
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs production mode with every port on a real adapter, each sandbox a process of its own', async () => {
    assert.deepEqual(peers.length, 4, `weixin, WeChat Pay, NPPA and TSA peers:\n${out}`);
    assert.equal(new Set(peers).size, 4);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { status: string; degraded: string[] };
    assert.equal(ready.status, 'ok', JSON.stringify(ready));
    assert.deepEqual(ready.degraded, []);
  });

  it('answers 404 to the sandbox and development routes and closes /metrics without its token', async () => {
    for (const [path, body] of [
      ['/api/sandbox/wechat/codes', { kind: 'h5' }],
      ['/api/auth/dev/login', { handle: 'x' }],
      ['/api/sandbox/face-check/tickets', {}],
    ] as const) {
      const r = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 404, path);
    }
    const closed = await fetch(`${url}/metrics`);
    assert.equal(closed.status, 401);
    assert.equal(((await closed.json()) as { code: string }).code, 'METRICS_TOKEN_REQUIRED');
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    assert.equal(wrong.status, 401);
    const open = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8')}` } });
    assert.equal(open.status, 200);
    assert.match(await open.text(), /fg_http_requests_total/);
  });

  it('signs a mini-game player in with a login code from the weixin sandbox, as the start-up text shows', async () => {
    const post = (u: string, body: unknown) =>
      fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const apps = /"apps":\[([^\]]+)\]/.exec(out)?.[1] as string;
    assert.ok((await post(`${weixin}/sandbox/weixin/players`, { handle: 'alice', apps: JSON.parse(`[${apps}]`) })).ok);
    const minigame = /"appid":"(wx[0-9a-f]+)","kind":"jscode"/.exec(out)?.[1] as string;
    const { code } = (await (await post(`${weixin}/sandbox/weixin/players/alice/codes`, { appid: minigame, kind: 'jscode' })).json()) as {
      code: string;
    };
    const login = await post(`${url}/api/auth/wechat/login`, { kind: 'miniprogram', code });
    assert.equal(login.status, 200, await login.clone().text());
    const body = (await login.json()) as { created: boolean; tokens: { accessToken: string } };
    assert.equal(body.created, true);
    assert.ok(body.tokens.accessToken);
  });

  it('stops every process it started on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const peer of [url, ...peers]) {
      await assert.rejects(fetch(`${peer}/`, { signal: AbortSignal.timeout(5000) }), `${peer} still answers`);
    }
  });
});
