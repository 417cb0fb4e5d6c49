// A coturn `turnserver` of the test's own, on loopback and a free port, with the TURN REST scheme
// (`use-auth-secret`) and loopback peers allowed (coturn refuses to relay to 127.0.0.0/8 unless told
// to): the browser voice test relays its audio through it. Ready when it answers a STUN binding request.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER_PATH = process.env.FAIRGROUND_TEST_TURNSERVER ?? '/usr/bin/turnserver';
/** How long coturn may take to answer its first binding request (a loaded machine needed more than 15 s). */
const START_TIMEOUT_MS = 60_000;
const LOG_LINES_MAX = 200;

export interface RunningTurn {
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

/** A UDP port nothing holds right now. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** True when a STUN binding request to the port gets a binding success response. */
async function answersStun(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      s.on('message', (m) => {
        clearTimeout(timer);
        resolve(m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(request.subarray(8, 20)));
      });
      s.send(request, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

export async function startTurn(): Promise<RunningTurn> {
  try {
    accessSync(TURNSERVER_PATH, constants.X_OK);
  } catch {
    throw new Error(`coturn is not installed (no turnserver at ${TURNSERVER_PATH}); set it up with: npm run setup`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fg-turn-'));
  const port = await freeUdpPort();
  const secret = randomBytes(24).toString('hex');
  const child: ChildProcess = spawn(
    TURNSERVER_PATH,
    [
      '-n',
      '--no-cli',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--allow-loopback-peers',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=fairground.test',
      '--no-tls',
      '--no-dtls',
      '--fingerprint',
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      '--simple-log',
      // Sessions and their requests in the log: the voice test reads the allocations from it.
      '--verbose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(line);
    while (logs.length > LOG_LINES_MAX) logs.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersStun(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer on 127.0.0.1:${port}:\n${logs.join('\n')}`);
    }
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, port, secret, logs, stop };
}
