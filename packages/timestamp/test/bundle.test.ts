// Export bundles and verify-bundle.mjs, the script a player or a court runs: it passes on a good
// bundle and fails on a tampered record, proof, root, token or CA; and our own verifyBundle agrees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import {
  createBundle,
  MerkleTree,
  startTsaSandbox,
  type TimestampBundle,
  TimestampClient,
  type TsaSandbox,
  verifyBundle,
} from '../src/index.ts';
import { expectCode, OPENSSL, tempDir } from './helpers.ts';

const SCRIPT = new URL('../verify-bundle.mjs', import.meta.url).pathname;
const clock = new ManualClock(Date.now());

// The script promises to run on Node.js 18+; besides the repository's Node.js 24, run it on the
// machine's own older Node.js when there is one.
const NODES = [
  process.execPath,
  ...['/usr/bin/node', '/usr/local/bin/node'].filter((p) => existsSync(p) && p !== process.execPath).slice(0, 1),
];

const hands = Array.from({ length: 11 }, (_, i) =>
  JSON.stringify({
    room: 'r-42',
    hand: i,
    seats: ['p1', 'p2', 'p3'],
    cards: [
      [i, 13],
      [i + 1, 14],
      [i + 2, 15],
    ],
    potFen: 1000 * i,
  }),
);

describe('export bundles and verify-bundle.mjs', () => {
  let tsa: TsaSandbox;
  let dir: string;
  let tree: MerkleTree;
  let good: TimestampBundle;

  before(async () => {
    tsa = await startTsaSandbox({ clock });
    dir = await tempDir('bundle');
    tree = MerkleTree.fromLeaves(hands.map((h) => new TextEncoder().encode(h)));
    const client = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock });
    const { tokenDer } = await client.timestamp(tree.root);
    good = createBundle({ record: hands[6]!, tree, leafIndex: 6, tokenDer, tsaChainPem: tsa.chainPem });
    await writeFile(join(dir, 'ca.pem'), tsa.caCertPem);
  });
  after(async () => {
    await tsa.close();
    await rm(dir, { recursive: true, force: true });
  });

  let runs = 0;
  async function runScript(bundle: unknown, extra: string[] = [], node = process.execPath) {
    const file = join(dir, `bundle-${runs++}.json`);
    await writeFile(file, JSON.stringify(bundle, null, 2));
    const r = spawnSync(node, [SCRIPT, file, '--openssl', OPENSSL, ...extra], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it('holds the record as text, its position, proof, root, token and chain', () => {
    assert.equal(good.format, 'fairground-timestamp-bundle/1');
    assert.equal(good.record, hands[6]);
    assert.equal(good.recordEncoding, 'utf8');
    assert.equal(good.leafIndex, 6);
    assert.equal(good.treeSize, 11);
    assert.equal(good.proof.length, 4);
    assert.match(good.root, /^[0-9a-f]{64}$/);
    assert.equal(good.tsaChain, tsa.chainPem);
  });

  it('passes the script on every available Node.js, with the bundled CA and with one given by --ca', async () => {
    for (const node of NODES) {
      const r = await runScript(good, [], node);
      assert.equal(r.status, 0, `${node}: ${r.out}`);
      assert.match(r.out, /Inclusion: OK \(record 6 of 11/);
      assert.match(r.out, /Verification: OK/);
      assert.match(r.out, /VERIFIED: the record existed at /);
    }
    const r = await runScript(good, ['--ca', join(dir, 'ca.pem')]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Trusting .*ca\.pem/);
  });

  it('checks the certificates at another time with --attime: at the stamp it passes, after they expire it fails', async () => {
    const stampSeconds = String(Math.floor(clock.nowMs() / 1000));
    assert.equal((await runScript(good, ['--attime', stampSeconds])).status, 0);
    const later = String(Math.floor(clock.nowMs() / 1000) + 25 * 365 * 86_400);
    const r = await runScript(good, ['--attime', later]);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /expired/);
  });

  it('passes our own verifyBundle, which reports the time and the record', () => {
    const v = verifyBundle(JSON.parse(JSON.stringify(good)), tsa.caCertPem);
    assert.equal(new TextDecoder().decode(v.recordBytes), hands[6]);
    assert.equal(v.genTimeMs, clock.nowMs());
    assert.equal(v.rootHex, good.root);
  });

  it('also works with a binary record stored as base64', async () => {
    const leaves = [Uint8Array.of(0, 1, 2), Uint8Array.of(255, 254), Uint8Array.of(7)];
    const small = MerkleTree.fromLeaves(leaves);
    const { tokenDer } = await new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock }).timestamp(small.root);
    const bundle = createBundle({ record: leaves[1]!, tree: small, leafIndex: 1, tokenDer, tsaChainPem: tsa.chainPem });
    assert.equal(bundle.recordEncoding, 'base64');
    assert.equal((await runScript(bundle)).status, 0);
    assert.ok(verifyBundle(bundle, tsa.caCertPem));
  });

  it('fails on a tampered record', async () => {
    const bundle = { ...good, record: good.record.replace('"potFen":6000', '"potFen":60000') };
    const r = await runScript(bundle);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /NOT VERIFIED: the record is not in the tree/);
    await expectCode(() => verifyBundle(bundle, tsa.caCertPem), 'TSA_INCLUSION_PROOF_INVALID');
  });

  it('fails on a tampered, shortened or lengthened proof, and on another leaf index', async () => {
    const flipped = [...good.proof];
    flipped[1] = `${flipped[1]!.slice(0, 10)}${flipped[1]![10] === '0' ? '1' : '0'}${flipped[1]!.slice(11)}`;
    for (const bundle of [
      { ...good, proof: flipped },
      { ...good, proof: good.proof.slice(0, -1) },
      { ...good, proof: [...good.proof, good.root] },
      { ...good, leafIndex: 7 },
    ]) {
      const r = await runScript(bundle);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /NOT VERIFIED/);
      await expectCode(() => verifyBundle(bundle, tsa.caCertPem), 'TSA_INCLUSION_PROOF_INVALID');
    }
  });

  it('fails on a tampered root', async () => {
    const root = `${good.root.slice(0, -1)}${good.root.endsWith('0') ? '1' : '0'}`;
    const r = await runScript({ ...good, root });
    assert.equal(r.status, 1, r.out);
    await expectCode(() => verifyBundle({ ...good, root }, tsa.caCertPem), 'TSA_INCLUSION_PROOF_INVALID');
  });

  it('fails, through openssl, on a forged tree whose proof is consistent but whose root was never time-stamped', async () => {
    const forgedHands = [...hands];
    forgedHands[6] = hands[6]!.replace('"potFen":6000', '"potFen":1');
    const forged = MerkleTree.fromLeaves(forgedHands.map((h) => new TextEncoder().encode(h)));
    const bundle = {
      ...good,
      record: forgedHands[6]!,
      proof: forged.proof(6).map((p) => Buffer.from(p).toString('hex')),
      root: Buffer.from(forged.root).toString('hex'),
    };
    const r = await runScript(bundle);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /Inclusion: OK/);
    assert.match(r.out, /NOT VERIFIED: openssl did not verify/);
    await expectCode(() => verifyBundle(bundle, tsa.caCertPem), 'TSA_IMPRINT_MISMATCH');
  });

  it('fails on a tampered token and under a CA that did not issue the TSA certificate', async () => {
    const token = Buffer.from(good.token, 'base64');
    token[token.length - 5]! ^= 0x01;
    const r = await runScript({ ...good, token: token.toString('base64') });
    assert.equal(r.status, 1, r.out);

    const other = await startTsaSandbox({ clock });
    try {
      await writeFile(join(dir, 'other-ca.pem'), other.caCertPem);
      const r2 = await runScript(good, ['--ca', join(dir, 'other-ca.pem')]);
      assert.equal(r2.status, 1, r2.out);
      await expectCode(() => verifyBundle(good, other.caCertPem), 'TSA_CERT_UNTRUSTED');
    } finally {
      await other.close();
    }
  });

  it('refuses malformed bundles with TSA_BUNDLE_INVALID, and the script says why', async () => {
    for (const bad of [
      null,
      [],
      { ...good, format: 'v0' },
      { ...good, root: 'xyz' },
      { ...good, leafIndex: 11 },
      { ...good, token: '!!' },
      { ...good, tsaChain: '-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n' },
    ]) {
      await expectCode(() => verifyBundle(bad, tsa.caCertPem), 'TSA_BUNDLE_INVALID');
      const r = await runScript(bad);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /NOT VERIFIED: /);
    }
  });
});
