// Tokens from the local TSA, checked by openssl (an implementation we did not write) and by our own
// verifier, with ECDSA P-256 and RSA-2048 keys; and openssl's own queries answered by our TSA.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import {
  buildRequest,
  parseResponse,
  PKI_STATUS,
  SANDBOX_POLICY_OID,
  startTsaSandbox,
  TimestampClient,
  type TsaSandbox,
  verifyToken,
} from '../src/index.ts';
import { hex, openssl, opensslOk, sha256, tempDir, writeFiles } from './helpers.ts';

// Certificates are made on this clock and openssl checks them against the real time, so the
// manual clock starts at the real time; genTime then comes from the manual clock alone.
const clock = new ManualClock(Date.now());

for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
  describe(`local TSA (${keyAlgorithm})`, () => {
    let tsa: TsaSandbox;
    let dir: string;
    let client: TimestampClient;

    before(async () => {
      tsa = await startTsaSandbox({ clock, keyAlgorithm });
      dir = await tempDir(keyAlgorithm);
      await writeFiles(dir, { 'ca.pem': tsa.caCertPem, 'tsa.pem': tsa.tsaCertPem });
      client = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock });
    });
    after(async () => {
      await tsa.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('issues a token that openssl ts -verify and our verifier both accept for the digest', async () => {
      clock.advanceMs(1234);
      const digest = sha256('room 42, hands 0..99');
      const result = await client.timestamp(digest);
      assert.equal(result.genTimeMs, clock.nowMs());
      assert.equal(result.policyOid, SANDBOX_POLICY_OID);
      assert.equal(result.tsaName, 'CN=Fairground Sandbox TSA,O=Fairground TSA Sandbox,C=CN');
      assert.match(result.serialHex, /^[0-9a-f]+$/);

      await writeFiles(dir, { 'token.der': result.tokenDer });
      const verified = opensslOk(
        ['ts', '-verify', '-digest', hex(digest), '-token_in', '-in', 'token.der', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'],
        dir,
      );
      assert.match(verified.stdout, /Verification: OK/);

      const again = verifyToken(result.tokenDer, digest, tsa.caCertPem);
      assert.equal(again.genTimeMs, result.genTimeMs);
      assert.equal(again.serialHex, result.serialHex);

      // openssl reads the same time and serial out of the token.
      const text = opensslOk(['ts', '-reply', '-token_in', '-in', 'token.der', '-token_out', '-text'], dir).stdout;
      assert.match(text, new RegExp(`Serial number: 0x0*${result.serialHex.replace(/^0+/, '').toUpperCase()}\n`));
      const stamped = new Date(result.genTimeMs).toUTCString().split(' ');
      assert.match(text, new RegExp(`Time stamp: ${stamped[2]} +${Number(stamped[1])} ${stamped[4]}(\\.\\d+)? ${stamped[3]} GMT`));
    });

    it('refuses the token for any other digest, in openssl and in our verifier', async () => {
      const digest = sha256('the real root');
      const result = await client.timestamp(digest);
      await writeFiles(dir, { 'other.der': result.tokenDer });
      const other = sha256('another root');
      const r = openssl(['ts', '-verify', '-digest', hex(other), '-token_in', '-in', 'other.der', '-CAfile', 'ca.pem'], dir);
      assert.notEqual(r.status, 0);
      assert.throws(() => verifyToken(result.tokenDer, other, tsa.caCertPem), { code: 'TSA_IMPRINT_MISMATCH' });
    });

    it('answers with increasing serial numbers', async () => {
      const serials: bigint[] = [];
      for (let i = 0; i < 3; i++) serials.push(BigInt(`0x${(await client.timestamp(sha256(`batch ${i}`))).serialHex}`));
      assert.ok(serials[0]! < serials[1]! && serials[1]! < serials[2]!, serials.join(', '));
    });

    it('answers a query and response pair that openssl checks with -queryfile (nonce, imprint, certReq)', async () => {
      const digest = sha256('query file check');
      const request = buildRequest({ digest, nonce: Uint8Array.of(0x9f, 1, 2, 3, 4, 5, 6, 7), certReq: true });
      const res = await fetch(tsa.url, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: request });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/timestamp-reply');
      const response = new Uint8Array(await res.arrayBuffer());
      assert.equal(parseResponse(response).status, PKI_STATUS.granted);
      await writeFiles(dir, { 'ours.tsq': request, 'ours.tsr': response });
      assert.match(
        opensslOk(['ts', '-verify', '-queryfile', 'ours.tsq', '-in', 'ours.tsr', '-CAfile', 'ca.pem'], dir).stdout,
        /Verification: OK/,
      );
    });

    it("answers openssl's own query, and openssl accepts the answer", async () => {
      const digest = sha256('openssl asks');
      opensslOk(['ts', '-query', '-digest', hex(digest), '-sha256', '-cert', '-out', 'openssl.tsq'], dir);
      const query = await readFile(join(dir, 'openssl.tsq'));
      const res = await fetch(tsa.url, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: query });
      await writeFiles(dir, { 'openssl.tsr': new Uint8Array(await res.arrayBuffer()) });
      assert.match(
        opensslOk(['ts', '-verify', '-queryfile', 'openssl.tsq', '-in', 'openssl.tsr', '-CAfile', 'ca.pem'], dir).stdout,
        /Verification: OK/,
      );
    });
  });
}
