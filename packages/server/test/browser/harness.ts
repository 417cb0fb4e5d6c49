// Browser test harness: the real platform (main.ts as a child process on a free port, a fresh
// SQLite file, built web clients) and Debian's Chromium driven by playwright-core.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const root = new URL('../../../../', import.meta.url).pathname;
export const RESULTS_DIR = join(root, 'test-results');
/** The phone every player journey uses (a mid-size handset, Chinese UI) and the operator's desk. */
export const PHONE_CONTEXT = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};
export const DESK_CONTEXT = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' };

export const CHROMIUM_PATH = process.env.FAIRGROUND_TEST_CHROMIUM ?? '/usr/bin/chromium';
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
/** How long the platform may take to print its ready line. */
const START_TIMEOUT_MS = 120_000;
/** Lines of the platform's output kept for the failure message. */
const LOG_LINES_MAX = 200;

export interface RunningPlatform {
  readonly url: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

/** Builds the web clients if their sources changed since the last build (what `npm start` does first). */
export function buildClients(): void {
  const r = spawnSync(process.execPath, [join(root, 'packages/web/src/build-clients.ts'), '--if-changed'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the web clients failed:\n${r.stdout}\n${r.stderr}`);
}

/** Starts `packages/server/src/main.ts` on a free port with its own data directory. */
export async function startPlatform(env: Record<string, string> = {}): Promise<RunningPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-browser-'));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'packages/server/src/main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      FAIRGROUND_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${join(dataDir, 'fairground.db')}`,
      FAIRGROUND_DEMO_OPERATOR: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const keep = (line: string) => {
    logs.push(line);
    if (logs.length > LOG_LINES_MAX) logs.shift();
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A platform that never became ready must not outlive the test file and hold its runner open.
      child.kill('SIGKILL');
      reject(new Error(`platform did not start in ${START_TIMEOUT_MS} ms:\n${logs.join('\n')}`));
    }, START_TIMEOUT_MS);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        keep(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg?.startsWith('fairground ready') && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a JSON log line
        }
        nl = buffered.indexOf('\n');
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    logs,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `extraArgs`: switches beside the harness's own (the voice test's fake microphone). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/** Saves a full-page screenshot under test-results/ (kept out of git) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
