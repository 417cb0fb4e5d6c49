import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base32Decode, base32Encode, hotp, newTotpSecret, totp, verifyTotp } from './totp.ts';

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's length.
const seeds = {
  SHA1: Buffer.from('12345678901234567890'),
  SHA256: Buffer.from('12345678901234567890123456789012'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

const vectors: ReadonlyArray<readonly [number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP', () => {
  it('matches every RFC 6238 test vector for SHA1, SHA256 and SHA512', () => {
    for (const [timeS, sha1, sha256, sha512] of vectors) {
      assert.equal(totp(seeds.SHA1, timeS * 1000, { digits: 8, algorithm: 'SHA1' }), sha1, `SHA1 at ${timeS}`);
      assert.equal(totp(seeds.SHA256, timeS * 1000, { digits: 8, algorithm: 'SHA256' }), sha256, `SHA256 at ${timeS}`);
      assert.equal(totp(seeds.SHA512, timeS * 1000, { digits: 8, algorithm: 'SHA512' }), sha512, `SHA512 at ${timeS}`);
    }
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => {
      assert.equal(hotp(seeds.SHA1, counter), code);
    });
  });

  it('accepts one step of drift either way and reports the matching step', () => {
    const secret = base32Decode(newTotpSecret());
    const nowMs = 1_700_000_000_000;
    const previous = totp(secret, nowMs - 30_000);
    assert.equal(verifyTotp(secret, previous, nowMs, 1), Math.floor(nowMs / 30_000) - 1);
    assert.equal(verifyTotp(secret, totp(secret, nowMs - 90_000), nowMs, 1), null);
    assert.equal(verifyTotp(secret, '12345', nowMs, 1), null);
    assert.equal(verifyTotp(secret, 'abcdef', nowMs, 1), null);
  });

  it('round-trips base32 (RFC 4648 test strings)', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of cases) {
      assert.equal(base32Encode(Buffer.from(plain)), encoded);
      assert.equal(base32Decode(encoded).toString(), plain);
    }
  });
});
