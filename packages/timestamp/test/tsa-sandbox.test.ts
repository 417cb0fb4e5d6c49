// The local TSA as a program: it starts from its bin, serves its certificates, keeps its keys and a
// strictly increasing serial across restarts, takes faults over HTTP, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TimestampClient, TSA_PATHS } from '../src/index.ts';
import { SerialCounter } from '../src/tsa/identity.ts';
import { expectCode, sha256, tempDir } from './helpers.ts';

const BIN = new URL('../bin/fairground-tsa-sandbox.mjs', import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly baseUrl: string;
}

function start(dir: string, extra: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--dir', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.on('exit', (code) => reject(new Error(`TSA sandbox exited with ${code}: ${err}`)));
  });
}

function stop(r: Running): Promise<number | null> {
  return new Promise((resolve) => {
    r.child.once('exit', (code) => resolve(code));
    r.child.kill('SIGTERM');
  });
}

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.text();
}

describe('fairground-tsa-sandbox', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('bin');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('serves its certificates, keeps keys and increasing serials across a restart, and stops on SIGTERM', async () => {
    const first = await start(dir);
    let caPem: string;
    let lastSerial: bigint;
    try {
      caPem = await get(`${first.baseUrl}${TSA_PATHS.caCert}`);
      const tsaPem = await get(`${first.baseUrl}${TSA_PATHS.tsaCert}`);
      assert.equal(await get(`${first.baseUrl}${TSA_PATHS.chain}`), tsaPem + caPem);
      assert.equal(caPem, await readFile(join(dir, 'ca.pem'), 'utf8'));
      for (const key of ['ca-key.pem', 'tsa-key.pem']) assert.equal(((await stat(join(dir, key))).mode & 0o777).toString(8), '600', key);

      const client = new TimestampClient({ url: `${first.baseUrl}/`, trustAnchorsPem: caPem });
      const serials: bigint[] = [];
      for (let i = 0; i < 3; i++) serials.push(BigInt(`0x${(await client.timestamp(sha256(`first life ${i}`))).serialHex}`));
      assert.deepEqual(serials, [1n, 2n, 3n]);
      lastSerial = serials[2]!;

      const injected = await fetch(`${first.baseUrl}${TSA_PATHS.faults}`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'unavailable' }),
      });
      assert.equal(injected.status, 200);
      await expectCode(() => client.timestamp(sha256('while busy')), 'TSA_UNAVAILABLE');
    } finally {
      assert.equal(await stop(first), 0);
    }

    const second = await start(dir);
    try {
      assert.equal(await get(`${second.baseUrl}${TSA_PATHS.caCert}`), caPem, 'the same CA after a restart');
      const client = new TimestampClient({ url: `${second.baseUrl}/`, trustAnchorsPem: caPem });
      const next = BigInt(`0x${(await client.timestamp(sha256('second life'))).serialHex}`);
      assert.ok(next > lastSerial, `serial ${next} after ${lastSerial}`);
    } finally {
      await stop(second);
    }
  });

  it('explains its options and refuses bad ones', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--port <n>/);
    const bad = spawnSync(process.execPath, [BIN, '--key-algorithm', 'dsa'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--key-algorithm must be one of/);
  });

  it('hands out each serial once, even when asked concurrently and reopened', async () => {
    const counterDir = await tempDir('serial');
    try {
      const counter = await SerialCounter.open(counterDir);
      const taken = await Promise.all(Array.from({ length: 20 }, () => counter.take()));
      assert.deepEqual(
        [...taken].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.equal(await (await SerialCounter.open(counterDir)).take(), 21);
      await writeFile(join(counterDir, 'serial.json'), '{"next": -4}');
      await assert.rejects(SerialCounter.open(counterDir), /corrupt/);
    } finally {
      await rm(counterDir, { recursive: true, force: true });
    }
  });
});
