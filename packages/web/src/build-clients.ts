// Builds the two browser clients (player H5 at /, console at /admin/) and the WeChat mini-game
// package (packages/minigame/dist) with Vite.
//   node packages/web/src/build-clients.ts               always build
//   node packages/web/src/build-clients.ts --if-changed  skip when the sources match the last build
// `npm start` runs the second form first, so a fresh clone serves real pages and a restart costs
// only a hash of the sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildMinigame, MINIGAME_DIR } from '../../minigame/build.ts';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const root = join(packagesDir, '..');
const clients = ['web', 'admin'] as const;
/** Inputs of the bundles besides the clients' own files: the server's API types, the shared rules and room-frame handling, and the libraries. */
const sharedInputs = [
  join(packagesDir, 'server', 'src', 'http'),
  join(packagesDir, 'rules', 'src'),
  join(root, 'node_modules', 'vite', 'package.json'),
  join(root, 'node_modules', 'preact', 'package.json'),
];
const STAMP = '.build-stamp';
const FILES_MAX = 5000;
/**
 * One build at a time: test files running side by side each ask for the clients, and two Vite
 * builds writing one dist folder delete each other's files. The lock is a directory (its creation
 * is atomic); a later caller waits for it and then finds the sources built.
 */
const LOCK_DIR = join(root, 'node_modules', '.fairground-build-lock');
const LOCK_WAIT_MS_MAX = 10 * 60_000;
/** A lock older than any build left by a killed process. */
const LOCK_STALE_MS = 5 * 60_000;
const LOCK_POLL_MS = 200;
/** Files the server sends compressed: text (images are compressed already). */
const COMPRESSIBLE = /\.(js|css|html|svg|json|ico|txt|map)$/;
/**
 * Smaller files gain nothing from compression; pages are compressed whatever their size, because
 * the static server looks for a compressed index first and does not fall back from a missing one.
 */
const COMPRESS_BYTES_MIN = 512;

/**
 * Writes `<file>.br` and `<file>.gz` beside each text file of a bundle, once at build time at the
 * strongest settings, so the server sends them as they are (`preCompressed`) instead of
 * compressing every response.
 */
function precompress(dir: string): number {
  const files: string[] = [];
  walk(dir, files);
  let written = 0;
  for (const f of files) {
    if (!COMPRESSIBLE.test(f)) continue;
    const raw = readFileSync(f);
    if (raw.length < COMPRESS_BYTES_MIN && !f.endsWith('.html')) continue;
    writeFileSync(
      `${f}.br`,
      brotliCompressSync(raw, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
    );
    writeFileSync(`${f}.gz`, gzipSync(raw, { level: zlib.Z_BEST_COMPRESSION }));
    written += 2;
  }
  return written;
}

function walk(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    out.push(path);
    return;
  }
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    walk(join(path, name), out);
    if (out.length > FILES_MAX) throw new Error(`more than ${FILES_MAX} files under ${path}`);
  }
}

function sourcesHash(): string {
  const files: string[] = [];
  for (const c of [...clients, 'minigame']) walk(join(packagesDir, c), files);
  for (const p of sharedInputs) walk(p, files);
  const hash = createHash('sha256');
  for (const f of files.sort()) hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex');
}

function acquireLock(): void {
  const waitUntilMs = Date.now() + LOCK_WAIT_MS_MAX;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const heldSinceMs = statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs;
    if (heldSinceMs !== undefined && Date.now() - heldSinceMs > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    else if (Date.now() > waitUntilMs) throw new Error(`another build has held ${LOCK_DIR} for over ${LOCK_WAIT_MS_MAX} ms`);
    else Atomics.wait(sleeper, 0, 0, LOCK_POLL_MS);
  }
}

acquireLock();
process.on('exit', () => rmSync(LOCK_DIR, { recursive: true, force: true }));
const ifChanged = process.argv.includes('--if-changed');
const hash = sourcesHash();
// The mini-game's stamp sits beside its dist, not in it: dist is the folder an operator uploads.
const stamps = [...clients.map((c) => join(packagesDir, c, 'dist', STAMP)), join(MINIGAME_DIR, STAMP)];
const upToDate = stamps.every((stamp) => existsSync(stamp) && readFileSync(stamp, 'utf8') === hash);
if (ifChanged && upToDate) {
  console.log('web clients are up to date');
} else {
  for (const c of clients) {
    const started = performance.now();
    await build({ configFile: join(packagesDir, c, 'vite.config.ts'), logLevel: 'warn' });
    precompress(join(packagesDir, c, 'dist'));
    writeFileSync(join(packagesDir, c, 'dist', STAMP), hash);
    console.log(`built packages/${c}/dist in ${Math.round(performance.now() - started)} ms`);
  }
  const started = performance.now();
  await buildMinigame();
  writeFileSync(join(MINIGAME_DIR, STAMP), hash);
  console.log(`built packages/minigame/dist in ${Math.round(performance.now() - started)} ms`);
}
