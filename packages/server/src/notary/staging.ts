// For `npm run staging`: the local TSA as a process of its own (the staging platform then talks to
// it exactly as production talks to a public TSA: the RFC 3161 client over HTTP, the chain from a
// file), and the environment that points a `fairground` process at it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(import.meta.resolve('@fairground/timestamp').replace(/index\.ts$/, 'tsa/cli.ts'));
/** How long the process may take to print its listening line. */
const START_MS_MAX = 30_000;
/** Output kept for the error message of a failed start. */
const OUTPUT_CHARS_MAX = 8_000;

export interface StagingTsaOptions {
  /** State directory: the CA, keys and serial counter survive restarts there; chain.pem is written there too. */
  readonly dir: string;
  /** Default 0: any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Where the process's output goes besides being read for its address (default: dropped). */
  readonly onOutput?: (text: string) => void;
}

export interface StagingTsa {
  /** The TSA's address: its /certs/ca.pem is the trust anchor, /admin/faults and /admin/outage inject failures. */
  readonly baseUrl: string;
  readonly pid: number;
  /** FAIRGROUND_TSA_* variables for every platform process of the staging set-up. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the local TSA as a separate process and returns the configuration that reaches it. */
export async function startStagingTsa(o: StagingTsaOptions): Promise<StagingTsa> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const args = [CLI, '--port', String(o.port ?? 0), '--host', o.host ?? '127.0.0.1', '--dir', dir];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    o.onOutput?.(text);
    if (out.length < OUTPUT_CHARS_MAX) out += text;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local TSA did not start in ${START_MS_MAX} ms:\n${out}`));
    }, START_MS_MAX);
    const onData = () => {
      const url = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (url?.[1] && out.includes('faults:')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolveUrl(url[1]);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the local TSA exited with ${code}:\n${out}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  const stop = (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  };
  // The chain comes from the TSA itself, as an operator would download a public TSA's certificates.
  let chainPem: string;
  try {
    const res = await fetch(`${baseUrl}/certs/chain.pem`, { signal: AbortSignal.timeout(START_MS_MAX) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    chainPem = await res.text();
  } catch (e) {
    await stop();
    throw new Error(`the local TSA's certificate chain could not be read: ${(e as Error).message}`);
  }
  const chainFile = join(dir, 'chain.pem');
  writeFileSync(chainFile, chainPem);
  return {
    baseUrl,
    pid: child.pid as number,
    env: { FAIRGROUND_TSA_URL: `${baseUrl}/`, FAIRGROUND_TSA_CHAIN_FILE: chainFile },
    stop,
  };
}
