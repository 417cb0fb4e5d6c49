// What a group's savepoints cost SQLite when their sub-journal lives in a file (SQLite's default
// `temp_store`: in memory up to 64 KiB, then a temporary file written with a system call per page)
// against in memory (`temp_store = MEMORY`, what the store sets). Groups shaped like the rooms'
// hand ends: G units per transaction, each in its own savepoint, each upserting R rows at scattered
// keys of a keyed table (friendships, daily points: a leaf per row), WAL with `synchronous=FULL`.
// The two settings alternate on two database files in one process; CPU time of this thread.
//   npx node bench/storage/subjournal.ts [--groups 300] [--units 20] [--rows 12] [--keys 200000] [--pairs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1] ?? fallback) : fallback;
};
const groups = arg('groups', 300);
const unitsPerGroup = arg('units', 20);
const rowsPerUnit = arg('rows', 12);
const keys = arg('keys', 200_000);
const pairs = arg('pairs', 3);

const dir = mkdtempSync(join(tmpdir(), 'fg-subjournal-'));

function open(name: string, tempStore: 'DEFAULT' | 'MEMORY'): DatabaseSync {
  const db = new DatabaseSync(join(dir, name));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`PRAGMA temp_store = ${tempStore}`);
  db.exec('CREATE TABLE points (player_id TEXT NOT NULL, day TEXT NOT NULL, won BIGINT NOT NULL, PRIMARY KEY (player_id, day))');
  // A table that already spans many pages, so that each unit's rows land on leaves of their own.
  db.exec('BEGIN');
  const insert = db.prepare('INSERT INTO points (player_id, day, won) VALUES (?, ?, 0)');
  for (let k = 0; k < keys; k += 1) insert.run(`pl_${(k * 7919) % keys}`, '2026-12-07');
  db.exec('COMMIT');
  return db;
}

const dbs = { file: open('file.db', 'DEFAULT'), memory: open('memory.db', 'MEMORY') };
let seed = 1;
const nextKey = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return `pl_${seed % keys}`;
};

function oneRun(db: DatabaseSync): number {
  const upsert = db.prepare(
    'INSERT INTO points (player_id, day, won) VALUES (?, ?, 1) ON CONFLICT (player_id, day) DO UPDATE SET won = points.won + excluded.won',
  );
  const before = process.threadCpuUsage();
  for (let g = 0; g < groups; g += 1) {
    db.exec('BEGIN IMMEDIATE');
    for (let u = 0; u < unitsPerGroup; u += 1) {
      db.exec('SAVEPOINT fg_unit');
      for (let r = 0; r < rowsPerUnit; r += 1) upsert.run(nextKey(), '2026-12-07');
      db.exec('RELEASE SAVEPOINT fg_unit');
    }
    db.exec('COMMIT');
  }
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / (groups * unitsPerGroup);
}

console.log(`${groups} groups of ${unitsPerGroup} units × ${rowsPerUnit} scattered upserts over ${keys} keys; µs of CPU per unit`);
console.log('| pair | sub-journal in a file (default) | in memory (temp_store = MEMORY) | load avg |');
console.log('| ---: | ---: | ---: | --- |');
for (let p = 1; p <= pairs; p += 1) {
  const file = oneRun(dbs.file);
  const memory = oneRun(dbs.memory);
  console.log(`| ${p} | ${file.toFixed(1)} | ${memory.toFixed(1)} | ${(await import('node:os')).loadavg()[0]?.toFixed(2)} |`);
}
dbs.file.close();
dbs.memory.close();
rmSync(dir, { recursive: true, force: true });
