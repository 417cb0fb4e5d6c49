// Tokens from `openssl ts -reply` (a TSA we did not write), with certificates made by openssl,
// fetched by our client through an injected fetch and verified by our verifier: ESSCertIDv2 and
// ESSCertID v1, RSA and ECDSA keys, a chain through an intermediate CA, the certificate chain
// inside the token, request policies, and an anchor that does not match.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TimestampClient, type TimestampClientOptions, verifyToken } from '../src/index.ts';
import { expectCode, opensslOk, sha256, tempDir, writeFiles } from './helpers.ts';

const TSA_EXTENSIONS = `
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function tsConfig(options: { essCertIdAlg: 'sha1' | 'sha256'; chain: boolean; certs: string }): string {
  return `
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = .
serial = ./tsaserial
crypto_device = builtin
signer_cert = ./tsa.pem
certs = ${options.certs}
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 3
ordering = yes
tsa_name = yes
ess_cert_id_chain = ${options.chain ? 'yes' : 'no'}
ess_cert_id_alg = ${options.essCertIdAlg}
`;
}

type KeySpec = 'rsa' | 'ec';
const newKey = (spec: KeySpec) => (spec === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);

/** A root CA, optionally an intermediate, and a TSA certificate, all made by openssl in `dir`. */
function makePki(dir: string, spec: KeySpec, intermediate: boolean): void {
  opensslOk(
    [
      'req',
      '-x509',
      ...newKey(spec),
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/O=OpenSSL Test/CN=Test Root CA',
    ],
    dir,
  );
  opensslOk(
    ['req', '-new', ...newKey(spec), '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/O=OpenSSL Test/CN=Test TSA'],
    dir,
  );
  let issuer = ['-CA', 'ca.pem', '-CAkey', 'ca.key'];
  if (intermediate) {
    opensslOk(
      ['req', '-new', ...newKey(spec), '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=OpenSSL Test/CN=Test Intermediate'],
      dir,
    );
    opensslOk(
      [
        'x509',
        '-req',
        '-in',
        'int.csr',
        ...issuer,
        '-set_serial',
        '2',
        '-days',
        '1000',
        '-out',
        'int.pem',
        '-extfile',
        'ext.cnf',
        '-extensions',
        'intermediate_ext',
      ],
      dir,
    );
    issuer = ['-CA', 'int.pem', '-CAkey', 'int.key'];
  }
  opensslOk(
    [
      'x509',
      '-req',
      '-in',
      'tsa.csr',
      ...issuer,
      '-set_serial',
      '3',
      '-days',
      '365',
      '-out',
      'tsa.pem',
      '-extfile',
      'ext.cnf',
      '-extensions',
      'tsa_ext',
    ],
    dir,
  );
}

/** A fetch that answers with `openssl ts -reply` instead of going to the network. */
function opensslFetch(dir: string): TimestampClientOptions['fetch'] {
  return async (_url, init) => {
    await writeFiles(dir, { 'query.tsq': new Uint8Array(init.body as Uint8Array) });
    opensslOk(['ts', '-reply', '-queryfile', 'query.tsq', '-config', 'ts.cnf', '-out', 'reply.tsr'], dir);
    return new Response(await readFile(join(dir, 'reply.tsr')), {
      status: 200,
      headers: { 'Content-Type': 'application/timestamp-reply' },
    });
  };
}

const cases = [
  { name: 'RSA, ESSCertIDv2 (RFC 5816)', spec: 'rsa', essCertIdAlg: 'sha256', chain: false, intermediate: false },
  { name: 'RSA, ESSCertID v1 (SHA-1 certificate hash)', spec: 'rsa', essCertIdAlg: 'sha1', chain: false, intermediate: false },
  { name: 'ECDSA P-256, ESSCertIDv2', spec: 'ec', essCertIdAlg: 'sha256', chain: false, intermediate: false },
  { name: 'RSA through an intermediate CA carried in the token', spec: 'rsa', essCertIdAlg: 'sha256', chain: true, intermediate: true },
] as const;

for (const c of cases) {
  describe(`openssl ts -reply as the TSA: ${c.name}`, () => {
    let dir: string;
    let caPem: string;

    before(async () => {
      dir = await tempDir('openssl-tsa');
      await writeFiles(dir, {
        'ext.cnf': TSA_EXTENSIONS,
        'ts.cnf': tsConfig({ essCertIdAlg: c.essCertIdAlg, chain: c.chain, certs: c.intermediate ? './int.pem' : './ca.pem' }),
        tsaserial: '01\n',
      });
      makePki(dir, c.spec, c.intermediate);
      caPem = await readFile(join(dir, 'ca.pem'), 'utf8');
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("gives tokens our client accepts, with openssl's policy, name, serial and accuracy", async () => {
      const client = new TimestampClient({ url: 'http://openssl.invalid/', trustAnchorsPem: caPem, fetch: opensslFetch(dir) });
      const digest = sha256(`openssl ${c.name}`);
      const first = await client.timestamp(digest);
      const second = await client.timestamp(digest);
      assert.equal(first.policyOid, '1.2.3.4.1');
      assert.equal(first.tsaName, 'CN=Test TSA,O=OpenSSL Test');
      assert.equal(first.accuracyMs, 1501);
      assert.ok(BigInt(`0x${second.serialHex}`) > BigInt(`0x${first.serialHex}`));
      assert.ok(Math.abs(first.genTimeMs - Date.now()) < 60_000);
      assert.equal(verifyToken(first.tokenDer, digest, caPem).serialHex, first.serialHex);
    });

    it('gives the requested policy when the client asks for one', async () => {
      const client = new TimestampClient({
        url: 'http://openssl.invalid/',
        trustAnchorsPem: caPem,
        reqPolicyOid: '1.2.3.4.5.6',
        fetch: opensslFetch(dir),
      });
      assert.equal((await client.timestamp(sha256('policy'))).policyOid, '1.2.3.4.5.6');
    });

    it('refuses those tokens under a trust anchor that did not issue them', async () => {
      const client = new TimestampClient({ url: 'http://openssl.invalid/', trustAnchorsPem: caPem, fetch: opensslFetch(dir) });
      const digest = sha256('untrusted');
      const { tokenDer } = await client.timestamp(digest);
      const stranger = await tempDir('stranger');
      try {
        opensslOk(
          ['req', '-x509', ...newKey('ec'), '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=Test Root CA'],
          stranger,
        );
        const strangerPem = await readFile(join(stranger, 'c.pem'), 'utf8');
        await expectCode(() => verifyToken(tokenDer, digest, strangerPem), 'TSA_CERT_UNTRUSTED');
      } finally {
        await rm(stranger, { recursive: true, force: true });
      }
    });
  });
}
