// Shared test helpers: running openssl, temporary folders, digests, and asserting error codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '@fairground/core';

/** The openssl the README tells people to use; 3.0 or newer. */
export const OPENSSL = process.env.FAIRGROUND_OPENSSL ?? '/usr/bin/openssl';

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function openssl(args: readonly string[], cwd?: string): Run {
  const r = spawnSync(OPENSSL, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs openssl and fails the test, with its output, unless it exits 0. */
export function opensslOk(args: readonly string[], cwd?: string): Run {
  const r = openssl(args, cwd);
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `fairground-timestamp-${prefix}-`));
}

export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}

export function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest());
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Asserts that `fn` throws (or rejects with) an AppError with `code`, and returns it. */
export async function expectCode(fn: () => unknown, code: string): Promise<Error & { code: string; retryable: boolean }> {
  try {
    await fn();
  } catch (e) {
    assert.ok(isAppError(e), `expected AppError ${code}, got ${String(e)}\n${(e as Error)?.stack ?? ''}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but nothing was thrown`);
}
