// The same games on three JavaScript engines: Node's V8, Chromium's V8 (through a Vite bundle, as
// a browser client receives the rules) and QuickJS (compiled to WebAssembly; a third,
// unrelated implementation of the language). Every final state must be identical, byte for byte.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { getQuickJS } from 'quickjs-emscripten';
import { build } from 'vite';
import { bytesToHex } from '../fair/bytes.ts';
import { DEFAULT_PUZZLE_CONFIG, type PuzzleConfig } from './config.ts';
import { type ConformanceResult, conformanceRun } from './conformance.ts';

const CHROMIUM = process.env.FAIRGROUND_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Fixed seeds keep failures reproducible; a few fresh ones each run widen the net over time.
const SEEDS = [
  ...Array.from({ length: 24 }, (_, n) => bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => (n * 37 + i * 11 + 3) & 0xff))),
  ...Array.from({ length: 6 }, () => randomBytes(32).toString('hex')),
];
const CONFIGS: PuzzleConfig[] = [
  { ...DEFAULT_PUZZLE_CONFIG, movesMax: 60, durationMs: 600_000 },
  { rulesVersion: 1, width: 6, height: 9, kinds: 4, movesMax: 40, durationMs: 600_000 },
];

describe('puzzle on Node, Chromium and QuickJS', () => {
  let dir: string;
  let bundle: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-puzzle-bundle-'));
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: dir,
        emptyOutDir: true,
        minify: false,
        target: 'es2020',
        lib: {
          entry: fileURLToPath(new URL('./conformance.ts', import.meta.url)),
          formats: ['iife'],
          name: 'PuzzleConformance',
          fileName: () => 'puzzle.js',
        },
      },
    });
    bundle = readFileSync(join(dir, 'puzzle.js'), 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const expected = CONFIGS.map((c) => conformanceRun(SEEDS, c));

  it('plays and replays identically in Node (the reference)', () => {
    for (const results of expected) {
      for (const r of results) {
        assert.equal(r.replayHash, r.stateHash);
        assert.ok(r.commands > 0);
      }
    }
  });

  it('gives the same final states in Chromium', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.addScriptTag({ content: bundle });
      for (const [i, config] of CONFIGS.entries()) {
        const got = await page.evaluate(
          ([seeds, c]) =>
            (globalThis as unknown as { PuzzleConformance: { conformanceRun: typeof conformanceRun } }).PuzzleConformance.conformanceRun(
              seeds,
              c,
            ),
          [SEEDS, config] as const,
        );
        assert.deepEqual(got, expected[i]);
      }
    } finally {
      await browser.close();
    }
  });

  it('gives the same final states in QuickJS', async () => {
    const QuickJS = await getQuickJS();
    const vm = QuickJS.newContext();
    try {
      // QuickJS has no TextEncoder; the rules only encode ASCII labels, so a minimal UTF-8 one suffices.
      const prelude = `globalThis.TextEncoder = class { encode(s) { const u = unescape(encodeURIComponent(s)); const b = new Uint8Array(u.length); for (let i = 0; i < u.length; i++) b[i] = u.charCodeAt(i); return b; } };`;
      vm.unwrapResult(vm.evalCode(prelude)).dispose();
      vm.unwrapResult(vm.evalCode(bundle)).dispose();
      for (const [i, config] of CONFIGS.entries()) {
        const code = `JSON.stringify(PuzzleConformance.conformanceRun(${JSON.stringify(SEEDS)}, ${JSON.stringify(config)}))`;
        const handle = vm.unwrapResult(vm.evalCode(code));
        const got = JSON.parse(vm.getString(handle)) as ConformanceResult[];
        handle.dispose();
        assert.deepEqual(got, expected[i]);
      }
    } finally {
      vm.dispose();
    }
  });
});
