// Everything that must make a token, or a request for one, fail — each with its own code:
// tampered bytes, another digest, another nonce, an untrusted chain, a certificate that is not a
// time-stamping certificate, and a TSA that is down, slow, busy, rejecting or talking nonsense.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { buildRequest, generateIdentity, startTsaSandbox, TimestampClient, type TsaSandbox, verifyToken } from '../src/index.ts';
import { expectCode, hex, openssl, sha256, tempDir, writeFiles } from './helpers.ts';

const clock = new ManualClock(Date.now());

describe('a token that was tampered with', () => {
  let tsa: TsaSandbox;
  let token: Uint8Array;
  const digest = sha256('tamper target');

  before(async () => {
    tsa = await startTsaSandbox({ clock });
    token = (await new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock }).timestamp(digest)).tokenDer;
  });
  after(() => tsa.close());

  it('fails with TSA_SIGNATURE_INVALID when a byte of the time is changed', async () => {
    // genTime is the only GeneralizedTime (tag 0x18) in the token; change its last second digit.
    const at = token.findIndex((b, i) => b === 0x18 && token[i + 1]! >= 15 && token[i + 1]! <= 19);
    assert.ok(at > 0);
    const tampered = token.slice();
    tampered[at + 2 + 13]! ^= 0x01;
    await expectCode(() => verifyToken(tampered, digest, tsa.caCertPem), 'TSA_SIGNATURE_INVALID');
  });

  it('fails, never passes and never crashes, whichever single byte is changed', () => {
    const codes = new Map<string, number>();
    for (let i = 0; i < token.length; i++) {
      const tampered = token.slice();
      tampered[i]! ^= 0x01;
      try {
        verifyToken(tampered, digest, tsa.caCertPem);
        assert.fail(`flipping byte ${i} of ${token.length} still verified`);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        assert.ok(typeof code === 'string' && code.startsWith('TSA_'), `byte ${i}: ${String(e)}`);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    // Most flips break the structure, the rest the signature, the certificate or its chain.
    assert.ok(codes.has('TSA_TOKEN_MALFORMED') && codes.has('TSA_SIGNATURE_INVALID'), JSON.stringify([...codes]));
  });

  it('fails with a TSA_ code, never another exception, under random multi-byte damage', () => {
    // A fixed linear congruential generator: the same damage on every run.
    let seed = 20261206;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const tampered = token.slice();
      for (let k = 1 + next(4); k > 0; k--) tampered[next(tampered.length)] = next(256);
      const input = round % 10 === 0 ? tampered.subarray(0, next(tampered.length)) : tampered;
      if (input.length === token.length && input.every((b, i) => b === token[i])) continue;
      try {
        verifyToken(input, digest, tsa.caCertPem);
        assert.fail(`round ${round} still verified`);
      } catch (e) {
        assert.match(String((e as { code?: unknown }).code), /^TSA_/, `round ${round}: ${String(e)}`);
      }
    }
  });

  it('fails with TSA_TOKEN_MALFORMED when truncated or padded', async () => {
    await expectCode(() => verifyToken(token.subarray(0, token.length - 1), digest, tsa.caCertPem), 'TSA_TOKEN_MALFORMED');
    await expectCode(() => verifyToken(Uint8Array.of(...token, 0), digest, tsa.caCertPem), 'TSA_TOKEN_MALFORMED');
    await expectCode(() => verifyToken(new Uint8Array(0), digest, tsa.caCertPem), 'TSA_TOKEN_MALFORMED');
  });

  it('fails with TSA_IMPRINT_MISMATCH for another digest', async () => {
    await expectCode(() => verifyToken(token, sha256('something else'), tsa.caCertPem), 'TSA_IMPRINT_MISMATCH');
  });

  it('fails with TSA_CERT_UNTRUSTED against another CA, even one with the same name', async () => {
    const other = await startTsaSandbox({ clock });
    try {
      await expectCode(() => verifyToken(token, digest, other.caCertPem), 'TSA_CERT_UNTRUSTED');
    } finally {
      await other.close();
    }
  });

  it('fails with TSA_CERT_UNTRUSTED when checked at a time the certificates were not valid', async () => {
    await expectCode(
      () => verifyToken(token, digest, tsa.caCertPem, { atMs: clock.nowMs() + 30 * 365 * 86_400_000 }),
      'TSA_CERT_UNTRUSTED',
    );
  });

  it('fails with TSA_POLICY_MISMATCH when another policy is required', async () => {
    await expectCode(() => verifyToken(token, digest, tsa.caCertPem, { policyOids: ['1.2.3.4.1'] }), 'TSA_POLICY_MISMATCH');
  });
});

describe('a TSA whose certificate is not a time-stamping certificate', () => {
  it('is refused with TSA_CERT_USAGE_INVALID when extendedKeyUsage is not critical, by our client and by openssl', async () => {
    const identity = await generateIdentity({ nowMs: clock.nowMs(), tsaProfile: { ekuCritical: false } });
    const tsa = await startTsaSandbox({ clock, identity });
    const dir = await tempDir('eku');
    try {
      const digest = sha256('non-critical EKU');
      const client = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock });
      await expectCode(() => client.timestamp(digest), 'TSA_CERT_USAGE_INVALID');

      const res = await fetch(tsa.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/timestamp-query' },
        body: buildRequest({ digest, nonce: Uint8Array.of(1), certReq: true }),
      });
      await writeFiles(dir, { 'r.tsr': new Uint8Array(await res.arrayBuffer()), 'ca.pem': tsa.caCertPem });
      const r = openssl(['ts', '-verify', '-digest', hex(digest), '-in', 'r.tsr', '-CAfile', 'ca.pem'], dir);
      assert.notEqual(r.status, 0, 'openssl must refuse it too');
    } finally {
      await tsa.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a TSA that misbehaves', () => {
  let tsa: TsaSandbox;
  let client: TimestampClient;
  const digest = sha256('faults');

  before(async () => {
    tsa = await startTsaSandbox({ clock });
    client = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock });
  });
  after(() => tsa.close());

  it('that signs another nonce is refused with TSA_NONCE_MISMATCH', async () => {
    tsa.faults.inject({ kind: 'wrong-nonce' });
    await expectCode(() => client.timestamp(digest), 'TSA_NONCE_MISMATCH');
  });

  it('that signs another digest is refused with TSA_IMPRINT_MISMATCH', async () => {
    tsa.faults.inject({ kind: 'wrong-imprint' });
    await expectCode(() => client.timestamp(digest), 'TSA_IMPRINT_MISMATCH');
  });

  it('whose signature is broken is refused with TSA_SIGNATURE_INVALID', async () => {
    tsa.faults.inject({ kind: 'bad-signature' });
    await expectCode(() => client.timestamp(digest), 'TSA_SIGNATURE_INVALID');
  });

  it('that answers garbage gives a retryable TSA_BAD_RESPONSE', async () => {
    tsa.faults.inject({ kind: 'garbage' });
    const e = await expectCode(() => client.timestamp(digest), 'TSA_BAD_RESPONSE');
    assert.equal(e.retryable, true);
  });

  it('that refuses gives TSA_REJECTED, not retryable', async () => {
    tsa.faults.inject({ kind: 'reject' });
    const e = await expectCode(() => client.timestamp(digest), 'TSA_REJECTED');
    assert.equal(e.retryable, false);
    assert.match(e.message, /badRequest/);
  });

  it('that is busy (503) or drops the connection gives a retryable TSA_UNAVAILABLE, and the next call succeeds', async () => {
    tsa.faults.inject({ kind: 'unavailable' });
    assert.equal((await expectCode(() => client.timestamp(digest), 'TSA_UNAVAILABLE')).retryable, true);
    tsa.faults.inject({ kind: 'down' });
    assert.equal((await expectCode(() => client.timestamp(digest), 'TSA_UNAVAILABLE')).retryable, true);
    assert.equal(tsa.faults.list().length, 0);
    assert.ok((await client.timestamp(digest)).serialHex);
  });

  it('that is too slow gives a retryable TSA_UNAVAILABLE when the deadline passes', async () => {
    tsa.faults.inject({ kind: 'slow', ms: 60_000 });
    const e = await expectCode(() => client.timestamp(digest, { timeoutMs: 50 }), 'TSA_UNAVAILABLE');
    assert.match(e.message, /deadline passed/);
    tsa.faults.clear();
  });

  it('whose clock is far from ours is refused with TSA_CLOCK_SKEW', async () => {
    const late = new ManualClock(clock.nowMs() + 10 * 60_000);
    const skewed = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock: late });
    await expectCode(() => skewed.timestamp(digest), 'TSA_CLOCK_SKEW');
  });

  it('that does not issue under the policy we ask for refuses with TSA_REJECTED (unacceptedPolicy)', async () => {
    const strict = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock, reqPolicyOid: '1.2.3.4.1' });
    const e = await expectCode(() => strict.timestamp(digest), 'TSA_REJECTED');
    assert.match(e.message, /unacceptedPolicy/);
  });

  it('whose answer is larger than allowed gives TSA_BAD_RESPONSE', async () => {
    const small = new TimestampClient({ url: tsa.url, trustAnchorsPem: tsa.caCertPem, clock, responseBytesMax: 100 });
    await expectCode(() => small.timestamp(digest), 'TSA_BAD_RESPONSE');
  });

  it('that is not running gives a retryable TSA_UNAVAILABLE (connection refused)', async () => {
    const gone = await startTsaSandbox({ clock });
    const url = gone.url;
    await gone.close();
    const e = await expectCode(
      () => new TimestampClient({ url, trustAnchorsPem: gone.caCertPem, clock }).timestamp(digest),
      'TSA_UNAVAILABLE',
    );
    assert.equal(e.retryable, true);
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('that is in an outage refuses connections (retryable TSA_UNAVAILABLE), and comes back on the same port', async () => {
    const flaky = await startTsaSandbox({ clock });
    try {
      const flakyClient = new TimestampClient({ url: flaky.url, trustAnchorsPem: flaky.caCertPem, clock });
      assert.ok((await flakyClient.timestamp(digest)).serialHex);
      const res = await fetch(`${flaky.baseUrl}/admin/outage`, { method: 'POST', body: JSON.stringify({ ms: 300 }) });
      assert.equal(res.status, 200);
      await res.text();
      // The listener closes once the answer is out; wait for that, not for the outage.
      for (let i = 0; i < 50; i++) {
        const refused = await fetch(`${flaky.baseUrl}/healthz`).then(
          () => false,
          () => true,
        );
        if (refused) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const e = await expectCode(() => flakyClient.timestamp(digest), 'TSA_UNAVAILABLE');
      assert.match(e.message, /ECONNREFUSED/);
      assert.equal(e.retryable, true);
      let back = false;
      for (let i = 0; i < 100 && !back; i++) {
        await new Promise((r) => setTimeout(r, 20));
        back = await fetch(`${flaky.baseUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      }
      assert.ok(back, 'the TSA listens again after the outage');
      assert.ok((await flakyClient.timestamp(digest)).serialHex);
      // An outage longer than the test ends when the TSA is closed.
      await flaky.outage(60_000);
      await expectCode(() => flakyClient.timestamp(digest), 'TSA_UNAVAILABLE');
    } finally {
      await flaky.close();
    }
  });

  it('refuses an unknown fault kind on its admin endpoint', async () => {
    const res = await fetch(`${tsa.baseUrl}/admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'meteor' }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'TSA_SANDBOX_REQUEST_INVALID');
  });
});
