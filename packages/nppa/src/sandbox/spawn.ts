// The sandbox as a separate process, for a staging set-up (`npm run staging`) or any test that
// wants the NPPA's stand-in out of its own process: spawns src/sandbox/cli.ts on this Node.js with
// the given (or freshly generated) credentials, waits for it to listen, and hands back what a
// client needs. The platform then reaches it like the NPPA itself, through
// FAIRGROUND_NPPA_BASE_URL and the credentials.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
/** How long the process may take to print its listening lines. */
const START_MS_MAX = 30_000;
/** Output kept for the error message of a failed start. */
const OUTPUT_CHARS_MAX = 8_000;

export interface SpawnedNppaSandbox {
  readonly baseUrl: string;
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  /** The eight interface-test codes, testcase01 first. */
  readonly testCodes: readonly string[];
  readonly pid: number;
  /** Stops the process (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface SpawnNppaSandboxOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  readonly host?: string;
  readonly appId?: string;
  readonly bizId?: string;
  readonly secretKey?: string;
  readonly testCodes?: readonly string[];
  readonly pendingMs?: number;
  /** Register the preset people and one adult and one minor (default true, as the command does). */
  readonly seed?: boolean;
  /** Where the process's output goes besides being read for its address (default: dropped). */
  readonly onOutput?: (text: string) => void;
}

export async function spawnNppaSandbox(o: SpawnNppaSandboxOptions = {}): Promise<SpawnedNppaSandbox> {
  const appId = o.appId ?? randomBytes(16).toString('hex');
  const bizId = o.bizId ?? `11${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
  const secretKey = o.secretKey ?? randomBytes(16).toString('hex');
  const args = [
    CLI,
    '--port',
    String(o.port ?? 0),
    '--host',
    o.host ?? '127.0.0.1',
    '--app-id',
    appId,
    '--biz-id',
    bizId,
    '--secret-key',
    secretKey,
  ];
  if (o.testCodes !== undefined) args.push('--test-codes', o.testCodes.join(','));
  if (o.pendingMs !== undefined) args.push('--pending-ms', String(o.pendingMs));
  if (o.seed === false) args.push('--no-seed');
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    o.onOutput?.(text);
    if (out.length < OUTPUT_CHARS_MAX) out += text;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const started = await new Promise<{ baseUrl: string; testCodes: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the NPPA sandbox did not start in ${START_MS_MAX} ms:\n${out}`));
    }, START_MS_MAX);
    const onData = () => {
      const url = /listening on (http:\/\/[^\s]+)/.exec(out);
      const codes = /test codes ([0-9A-Za-z,]+)/.exec(out);
      if (url?.[1] && codes?.[1] && out.includes('official tests:')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve({ baseUrl: url[1], testCodes: codes[1].split(',') });
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the NPPA sandbox exited with ${code}:\n${out}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  return {
    ...started,
    appId,
    bizId,
    secretKey,
    pid: child.pid as number,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
