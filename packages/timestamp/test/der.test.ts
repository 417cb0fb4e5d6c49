// The DER codec accepts exactly DER: what it writes reads back, openssl reads what it writes, and
// the BER liberties an attacker could use to make two encodings of one value are refused.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Der, DerError, namedBits, oid, sequence, setOf, smallInteger, TAG, unsignedInteger } from '../src/asn1/der.ts';
import { generalizedTime, readCertificateTime, readGeneralizedTime } from '../src/asn1/time.ts';
import { buildRequest, parseResponse } from '../src/index.ts';
import { buildResponse, parseRequest, PKI_FAILURE } from '../src/protocol.ts';
import { hex, opensslOk, sha256, tempDir, writeFiles } from './helpers.ts';

const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('DER reader', () => {
  it('reads back OBJECT IDENTIFIERs, including arcs beyond 64 bits', () => {
    for (const dotted of [
      '1.2.840.113549.1.9.16.1.4',
      '2.16.840.1.101.3.4.2.1',
      '2.25.60665481788620068905810057065455353276',
      '0.0',
      '2.999.1',
    ]) {
      assert.equal(Der.parse(oid(dotted)).oid('oid'), dotted);
    }
    assert.equal(hex(oid('1.2.840.113549')), '06062a864886f70d');
  });

  it('writes minimal INTEGERs and reads their magnitude back', () => {
    assert.equal(hex(smallInteger(0)), '020100');
    assert.equal(hex(smallInteger(127)), '02017f');
    assert.equal(hex(smallInteger(128)), '02020080');
    assert.equal(hex(unsignedInteger(bytes('0000ff'))), '020200ff');
    assert.equal(hex(Der.parse(bytes('020200ff')).unsignedBytes('n')), 'ff');
  });

  it('refuses what BER allows but DER does not', () => {
    const refused: [string, string][] = [
      ['indefinite length', '3080020100 0000'],
      ['non-minimal length', '308103020100'],
      ['length with a leading zero', '30820003020100'],
      ['non-minimal integer', '02020001'],
      ['BOOLEAN other than 00/ff', '010101'],
      ['trailing bytes', '020100 00'],
      ['element past its container', '3003 020200'],
      ['high tag number', '1f2200'],
      ['non-minimal OID arc', '0603 2a8001'],
      ['truncated OID', '0602 2a86'],
    ];
    for (const [what, h] of refused) {
      assert.throws(
        () => {
          const d = Der.parse(bytes(h));
          if (d.tag === TAG.SEQUENCE) d.children();
          if (d.tag === TAG.INTEGER) d.unsignedBytes('n');
          if (d.tag === TAG.BOOLEAN) d.boolean('b');
          if (d.tag === TAG.OID) d.oid('o');
        },
        DerError,
        what,
      );
    }
  });

  it('sorts SET OF by encoding and writes named bits without trailing zero bits', () => {
    assert.equal(hex(setOf(smallInteger(2), smallInteger(1))), '3106020101020102');
    assert.equal(hex(namedBits([5, 6])), '03020106');
    assert.equal(hex(namedBits([PKI_FAILURE.badAlg])), '03020780');
  });
});

describe('ASN.1 times', () => {
  it('writes genTime as RFC 3161 wants: UTC, milliseconds without trailing zeros', () => {
    const at = Date.UTC(2026, 11, 6, 6, 35, 26, 110);
    assert.equal(Buffer.from(Der.parse(generalizedTime(at)).content).toString(), '20261206063526.11Z');
    assert.equal(Buffer.from(Der.parse(generalizedTime(at - 110)).content).toString(), '20261206063526Z');
    assert.equal(readGeneralizedTime(Der.parse(generalizedTime(at)), 't').ms, at);
  });

  it('refuses local times, trailing zeros and impossible dates', () => {
    for (const text of ['20261206063526', '20261206063526.10Z', '20260230000000Z', '20261206063526.Z']) {
      const der = Uint8Array.of(TAG.GENERALIZED_TIME, text.length, ...Buffer.from(text));
      assert.throws(() => readGeneralizedTime(Der.parse(der), 't'), DerError, text);
    }
  });

  it('reads certificate UTCTime in the 1950–2049 window', () => {
    const utc = (text: string) => Der.parse(Uint8Array.of(TAG.UTC_TIME, text.length, ...Buffer.from(text)));
    assert.equal(readCertificateTime(utc('491231235959Z'), 't'), Date.UTC(2049, 11, 31, 23, 59, 59));
    assert.equal(readCertificateTime(utc('500101000000Z'), 't'), Date.UTC(1950, 0, 1));
  });
});

describe('RFC 3161 messages', () => {
  it('writes a TimeStampReq that openssl reads as we meant it', async () => {
    const digest = sha256('request');
    const request = buildRequest({ digest, nonce: bytes('ff00000000000001'), reqPolicyOid: '1.2.3.4.7', certReq: true });
    const dir = await tempDir('der');
    let text: string;
    try {
      await writeFiles(dir, { 'q.tsq': request });
      text = opensslOk(['ts', '-query', '-in', 'q.tsq', '-text'], dir).stdout;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.match(text, /Hash Algorithm: sha256/);
    assert.match(text, /Policy OID: 1\.2\.3\.4\.7/);
    assert.match(text, /Nonce: 0xFF00000000000001/);
    assert.match(text, /Certificate required: yes/);
    const parsed = parseRequest(request);
    assert.equal(hex(parsed.messageImprint.hashedMessage), hex(digest));
    assert.equal(hex(parsed.nonce!), 'ff00000000000001');
  });

  it('reads the status, text and failure names of a rejection', () => {
    const response = buildResponse({ status: 2, statusString: 'no', failureBits: [PKI_FAILURE.badAlg, PKI_FAILURE.unacceptedPolicy] });
    assert.deepEqual(parseResponse(response), {
      status: 2,
      statusStrings: ['no'],
      failures: ['badAlg', 'unacceptedPolicy'],
      token: undefined,
    });
    assert.throws(() => parseResponse(sequence(sequence(smallInteger(9)))), DerError);
  });
});
