// The real server as a child process (packages/server/src/main.ts) for crash tests: a data folder
// and database that outlive one process, a fixed port (the provider's notify URL must stay the
// same across restarts), its output kept for the failure message, and its exit (code or signal).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = new URL('../../../../', import.meta.url).pathname;
/** How long a start may take before the test fails. */
const START_TIMEOUT_MS = 60_000;
const LOG_LINES_MAX = 300;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ServerProcess {
  readonly url: string;
  readonly logs: string[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(port: number, env: Record<string, string>): Promise<ServerProcess> {
    const child = spawn(process.execPath, [join(root, 'packages/server/src/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    const keep = (text: string) => {
      for (const line of text.split('\n')) {
        if (line === '') continue;
        server.logs.push(line);
        if (server.logs.length > LOG_LINES_MAX) server.logs.shift();
      }
    };
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${server.logs.join('\n')}`)), START_TIMEOUT_MS);
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          keep(line);
          if (line.includes('fairground ready')) {
            clearTimeout(timer);
            resolve();
          }
          nl = buffered.indexOf('\n');
        }
      });
      void server.exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`server exited during start (${e.code ?? e.signal}):\n${server.logs.join('\n')}`));
      });
    });
    return server;
  }

  /** Stops it gracefully (SIGTERM) and waits. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    await this.exited;
  }

  async call(
    method: string,
    path: string,
    o: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }
}
