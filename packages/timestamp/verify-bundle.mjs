#!/usr/bin/env node
// Checks a Fairground time-stamp bundle without trusting Fairground: plain JavaScript for
// Node.js 18 or newer, no dependencies, and openssl for the RFC 3161 part.
//
//   node verify-bundle.mjs bundle.json [--ca ca.pem] [--attime SECONDS] [--openssl /usr/bin/openssl] [--keep DIR]
//
// 1. The record is leaf `leafIndex` of a Merkle tree of `treeSize` leaves whose root is `root`
//    (RFC 9162: leaf = SHA-256(0x00 || record), node = SHA-256(0x01 || left || right)).
// 2. `openssl ts -verify` checks that the token time-stamps exactly that root and is signed by a
//    time-stamping certificate that chains to the CA.
// Pass --ca with a CA certificate you obtained yourself (from the TSA, not from the bundle);
// without it the last certificate of the bundle's own chain is used, and its fingerprint printed
// so you can compare it with the one the TSA publishes. openssl checks certificates at the current
// time; after the TSA certificate expired, pass --attime with the stamp's time (seconds since 1970).
//
// Exit status: 0 verified, 1 not verified, 2 usage or environment error.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FORMAT = 'fairground-timestamp-bundle/1';
const PROOF_HASHES_MAX = 24;
const TREE_SIZE_MAX = 2 ** 24;

function usage(message) {
  console.error(`${message}\n\nusage: node verify-bundle.mjs bundle.json [--ca ca.pem] [--attime SECONDS] [--openssl PATH] [--keep DIR]`);
  process.exit(2);
}

function notVerified(message) {
  console.error(`NOT VERIFIED: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
let bundlePath;
let caPath;
let opensslPath = 'openssl';
let keepDir;
let attime;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--ca') caPath = args[++i];
  else if (arg === '--openssl') opensslPath = args[++i];
  else if (arg === '--keep') keepDir = args[++i];
  else if (arg === '--attime') attime = args[++i];
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else if (bundlePath === undefined) bundlePath = arg;
  else usage('only one bundle at a time');
}
if (bundlePath === undefined) usage('no bundle given');
if (caPath === '' || opensslPath === '' || keepDir === '') usage('an option is missing its value');
if (attime !== undefined && !/^\d{1,12}$/.test(attime)) usage('--attime takes seconds since 1970');

let bundle;
try {
  bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
} catch (e) {
  usage(`cannot read ${bundlePath}: ${e.message}`);
}

// --- 1. The bundle's shape ------------------------------------------------------------------

const HEX32 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
if (bundle === null || typeof bundle !== 'object') notVerified('the bundle is not a JSON object');
if (bundle.format !== FORMAT) notVerified(`format is not ${FORMAT}`);
if (typeof bundle.record !== 'string') notVerified('record is not a string');
if (bundle.recordEncoding !== 'utf8' && bundle.recordEncoding !== 'base64') notVerified('recordEncoding is neither utf8 nor base64');
if (bundle.recordEncoding === 'base64' && !BASE64.test(bundle.record)) notVerified('record is not base64');
const { leafIndex, treeSize } = bundle;
if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > TREE_SIZE_MAX) notVerified('treeSize is out of range');
if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) notVerified('leafIndex is out of range');
if (
  !Array.isArray(bundle.proof) ||
  bundle.proof.length > PROOF_HASHES_MAX ||
  !bundle.proof.every((h) => typeof h === 'string' && HEX32.test(h))
) {
  notVerified('proof is not a list of SHA-256 hashes in hex');
}
if (typeof bundle.root !== 'string' || !HEX32.test(bundle.root)) notVerified('root is not a SHA-256 hash in hex');
if (typeof bundle.token !== 'string' || !BASE64.test(bundle.token)) notVerified('token is not base64');
const certificates =
  typeof bundle.tsaChain === 'string' ? bundle.tsaChain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) : null;
if (certificates === null) notVerified('tsaChain holds no PEM certificate');

// --- 2. The inclusion proof (RFC 9162 section 2.1.3.2) --------------------------------------

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
};
const record = Buffer.from(bundle.record, bundle.recordEncoding === 'utf8' ? 'utf8' : 'base64');
let fn = leafIndex;
let sn = treeSize - 1;
let r = sha256(Buffer.of(0), record);
for (const hex of bundle.proof) {
  const p = Buffer.from(hex, 'hex');
  if (sn === 0) notVerified('the inclusion proof is longer than the tree is deep');
  if (fn % 2 === 1 || fn === sn) {
    r = sha256(Buffer.of(1), p, r);
    while (fn % 2 === 0 && fn !== 0) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
  } else {
    r = sha256(Buffer.of(1), r, p);
  }
  fn = Math.floor(fn / 2);
  sn = Math.floor(sn / 2);
}
if (sn !== 0) notVerified('the inclusion proof is shorter than the tree is deep');
if (r.toString('hex') !== bundle.root)
  notVerified(`the record is not in the tree: the proof leads to ${r.toString('hex')}, not to root ${bundle.root}`);
console.log(`Inclusion: OK (record ${leafIndex} of ${treeSize}, root ${bundle.root})`);

// --- 3. The time-stamp token, by openssl ----------------------------------------------------

const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'fairground-verify-'));
// process.exit skips finally blocks, so the scratch folder goes on exit, whatever the outcome.
if (keepDir === undefined) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const tsaPem = `${certificates[0]}\n`;
const untrustedPem = `${certificates.slice(0, Math.max(1, certificates.length - 1)).join('\n')}\n`;
const caPem = caPath === undefined ? `${certificates[certificates.length - 1]}\n` : readFileSync(caPath, 'utf8');
writeFileSync(join(dir, 'token.der'), Buffer.from(bundle.token, 'base64'));
writeFileSync(join(dir, 'tsa.pem'), tsaPem);
writeFileSync(join(dir, 'untrusted.pem'), untrustedPem);
writeFileSync(join(dir, 'ca.pem'), caPem);
let fingerprint;
try {
  fingerprint = new X509Certificate(caPem).fingerprint256;
} catch (e) {
  notVerified(`the CA certificate cannot be read: ${e.message}`);
}
if (caPath === undefined) {
  console.log(`Trusting the CA certificate inside the bundle (SHA-256 fingerprint ${fingerprint}).`);
  console.log('Compare it with the fingerprint the time-stamping authority publishes, or pass --ca with its certificate.');
} else {
  console.log(`Trusting ${caPath} (SHA-256 fingerprint ${fingerprint}).`);
}
const run = (argv) => {
  try {
    return { ok: true, out: execFileSync(opensslPath, argv, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    if (e.code === 'ENOENT') usage(`cannot run ${opensslPath}: install openssl or pass --openssl`);
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};
const verifyArgs = [
  'ts',
  '-verify',
  '-digest',
  bundle.root,
  '-token_in',
  '-in',
  'token.der',
  '-CAfile',
  'ca.pem',
  '-untrusted',
  'untrusted.pem',
];
if (attime !== undefined) verifyArgs.push('-attime', attime);
console.log(`$ openssl ${verifyArgs.join(' ')}`);
const verified = run(verifyArgs);
process.stdout.write(verified.out);
if (!verified.ok) notVerified('openssl did not verify the time-stamp token');
const text = run(['ts', '-reply', '-token_in', '-in', 'token.der', '-token_out', '-text']);
const time = /^Time stamp: (.*)$/m.exec(text.out);
console.log(
  `VERIFIED: the record existed at ${time ? time[1] : 'the time in the token'} (time-stamp by ${/^TSA: (.*)$/m.exec(text.out)?.[1] ?? 'the TSA'}).`,
);
