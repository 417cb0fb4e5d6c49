import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, HmacSha256, hexToBytes, hmacSha256, sha256, utf8Bytes } from '../index.ts';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const nodeHmac = (k: Uint8Array, m: Uint8Array) => createHmac('sha256', k).update(m).digest('hex');

describe('SHA-256 in plain TypeScript', () => {
  it('matches the FIPS 180-4 examples', () => {
    assert.equal(bytesToHex(sha256(utf8Bytes(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(bytesToHex(sha256(utf8Bytes('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      bytesToHex(sha256(utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto on every length around the block boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      assert.equal(bytesToHex(sha256(b)), nodeSha(b), `length ${n}`);
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        assert.equal(bytesToHex(sha256(b)), nodeSha(b));
      }),
      { seed: 1234, numRuns: 500 },
    );
  });
});

describe('HMAC-SHA256 in plain TypeScript', () => {
  it('matches RFC 4231 test case 2', () => {
    assert.equal(
      bytesToHex(hmacSha256(utf8Bytes('Jefe'), utf8Bytes('what do ya want for nothing?'))),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('matches node:crypto on random keys (short, block-sized and longer than a block) and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (k, m) => {
        assert.equal(bytesToHex(hmacSha256(k, m)), nodeHmac(k, m));
      }),
      { seed: 4321, numRuns: 500 },
    );
  });

  it('gives the same digest when one keyed instance is reused', () => {
    const key = hexToBytes('00112233445566778899aabbccddeeff')!;
    const h = new HmacSha256(key);
    for (const msg of ['a', 'b:1:0', 'x'.repeat(100), '']) {
      assert.equal(bytesToHex(h.digest(utf8Bytes(msg))), nodeHmac(key, utf8Bytes(msg)));
    }
  });
});

describe('hex', () => {
  it('round-trips and refuses non-hex', () => {
    assert.equal(bytesToHex(hexToBytes('00ff10Ab')!), '00ff10ab');
    assert.equal(hexToBytes('abc'), null);
    assert.equal(hexToBytes('zz'), null);
  });
});
