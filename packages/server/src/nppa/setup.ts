// Builds the NPPA client main.ts binds to the real-name ports: over the operator's credentials, or
// — by default in development — against an NPPA sandbox started in this process on its own
// loopback port (a separate peer reached over HTTP, exactly as the NPPA is; never something
// production runs). The sandbox's credentials persist in the data folder, so a player's `pi`
// stays the same across restarts; its registered identities and pending checks live in its memory.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@fairground/core';
import { NppaClient } from '@fairground/nppa';
import { newAppId, newBizId, newSecretKey, startNppaSandbox } from '@fairground/nppa/sandbox';
import { assert } from '@fairground/core';
import type { NppaConfig } from './config.ts';

export interface NppaSetup {
  readonly client: NppaClient | null;
  /** The in-process sandbox's address (its admin page lists the test identities), when one runs. */
  readonly sandboxUrl: string | undefined;
  close(): Promise<void>;
}

interface SandboxCredentials {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
}

function sandboxCredentials(dir: string): SandboxCredentials {
  const file = join(dir, 'credentials.json');
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxCredentials>;
    if (typeof c.appId === 'string' && typeof c.bizId === 'string' && typeof c.secretKey === 'string')
      return { appId: c.appId, bizId: c.bizId, secretKey: c.secretKey };
    throw new Error(`${file} is damaged; delete it to make new NPPA sandbox credentials`);
  }
  mkdirSync(dir, { recursive: true });
  const c = { appId: newAppId(), bizId: newBizId(), secretKey: newSecretKey() };
  writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return c;
}

export async function setUpNppa(
  c: NppaConfig,
  o: { readonly host: string; readonly dataDir: string; readonly clock: Clock },
): Promise<NppaSetup> {
  if (c.mode === 'off') return { client: null, sandboxUrl: undefined, close: async () => {} };
  if (c.mode === 'nppa') {
    const cred = c.credentials;
    assert(cred !== undefined, 'nppa mode without credentials');
    const client = new NppaClient({ ...cred, baseUrls: c.baseUrls, timeoutMs: c.timeoutMs, clock: o.clock });
    return { client, sandboxUrl: undefined, close: async () => {} };
  }
  const host = o.host === '0.0.0.0' || o.host === '::' ? o.host : '127.0.0.1';
  const cred = sandboxCredentials(join(o.dataDir, 'nppa-sandbox'));
  // Seeded with NPPA's preset people and one adult and one minor, listed on its admin page.
  const sandbox = await startNppaSandbox({ ...cred, host, port: c.sandboxPort, clock: o.clock, seed: true });
  const client = new NppaClient({ ...cred, baseUrl: sandbox.baseUrl, timeoutMs: c.timeoutMs, clock: o.clock });
  return { client, sandboxUrl: sandbox.baseUrl, close: () => sandbox.close() };
}
