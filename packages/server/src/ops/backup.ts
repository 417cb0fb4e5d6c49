// Backups for the simple cases, behind `fairground backup` / `fairground restore` (cli.ts):
// - the embedded SQLite database with `VACUUM INTO`, which writes a consistent snapshot (one read
//   transaction) while the server keeps writing (WAL mode: readers never block the writer). The
//   online backup API would restart its copy at every write and never finish under load;
// - PostgreSQL through `pg_dump` in its custom format (one consistent snapshot, taken without
//   stopping anyone) and `pg_restore`. Large installations use a base backup with WAL archiving
//   instead (docs/deployment.md); this is for small ones and for drills.
// A restore never overwrites a database that already holds the platform's tables unless asked to.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

export interface BackupResult {
  readonly kind: 'sqlite' | 'postgres';
  readonly file: string;
  readonly bytes: number;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function sqlitePath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === '' || path === ':memory:') throw new BackupError('an in-memory SQLite database cannot be backed up');
  return path;
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 8_000) stderr += d.toString();
    });
    child.on('error', (e) => reject(new BackupError(`${command} could not start: ${e.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${command} exited ${code}: ${stderr.trim().slice(0, 2_000)}`)),
    );
  });
}

/** Writes a consistent copy of the database at `databaseUrl` to `file` while the platform keeps running. */
export async function backupDatabase(databaseUrl: string, file: string, o: { pgSchema?: string } = {}): Promise<BackupResult> {
  if (existsSync(file)) throw new BackupError(`${file} exists; a backup never overwrites a file`);
  const path = sqlitePath(databaseUrl);
  if (path !== null) {
    if (!existsSync(path)) throw new BackupError(`no SQLite database at ${path}`);
    const source = new DatabaseSync(path, { readOnly: true });
    try {
      source.prepare('VACUUM INTO ?').run(`${file}.partial`);
    } finally {
      source.close();
    }
    renameSync(`${file}.partial`, file);
    return { kind: 'sqlite', file, bytes: statSync(file).size };
  }
  await run('pg_dump', [
    '--format=custom',
    '--no-owner',
    '--no-privileges',
    ...(o.pgSchema ? [`--schema=${o.pgSchema}`] : []),
    `--file=${file}.partial`,
    `--dbname=${databaseUrl}`,
  ]);
  renameSync(`${file}.partial`, file);
  return { kind: 'postgres', file, bytes: statSync(file).size };
}

/** Restores `file` into the database at `databaseUrl`, which must not hold the platform yet unless `force`. */
export async function restoreDatabase(databaseUrl: string, file: string, o: { pgSchema?: string; force?: boolean } = {}): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  const path = sqlitePath(databaseUrl);
  if (path !== null) {
    if (existsSync(path) && !o.force) throw new BackupError(`${path} exists; stop the server and pass --force to replace it`);
    // The copy is checked before it replaces anything: a damaged file stops here.
    const check = new DatabaseSync(file, { readOnly: true });
    try {
      const ok = check.prepare('PRAGMA integrity_check').get() as { integrity_check: string } | undefined;
      if (ok?.integrity_check !== 'ok') throw new BackupError(`${file} fails SQLite's integrity check`);
    } finally {
      check.close();
    }
    copyFileSync(file, `${path}.restoring`);
    for (const side of ['-wal', '-shm']) rmSync(`${path}${side}`, { force: true });
    renameSync(`${path}.restoring`, path);
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const schema = o.pgSchema ?? 'public';
    const held = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'ledger_transfers'", [
      schema,
    ]);
    if (held.rowCount !== 0 && !o.force) throw new BackupError(`schema ${schema} already holds a platform; pass --force to replace it`);
    if (held.rowCount !== 0) await client.query(`DROP SCHEMA ${schema.replace(/[^a-z0-9_]/g, '')} CASCADE`);
    // pg_dump of the public schema does not recreate it; a named schema is created by the dump itself.
    if (schema === 'public') await client.query('CREATE SCHEMA IF NOT EXISTS public');
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${databaseUrl}`, file]);
}
