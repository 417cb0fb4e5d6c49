// What one commit writes to SQLite's WAL: the ledger (through its public API, 64 callers, so one
// group of 64 transfers a commit) against the bench's bare loop (batch 64), page by page, with
// each page named by the table or index it belongs to (`dbstat`). A commit that writes more pages
// costs more; this shows where the ledger's extra pages come from.
//
//   npx node bench/ledger/wal.ts [--groups 50] [--callers 64]
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '../../packages/server/src/adapters/sqlite/index.ts';
import { type BareRows, openBareLoop } from './bare-loop.ts';
import { Ledger, ledgerMigrations, playerAccount, systemAccount } from '../../packages/server/src/ledger/index.ts';

const args = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const GROUPS = Number(flag('--groups') ?? 50);
const CALLERS = Number(flag('--callers') ?? 64);
const PLAYERS = 2000;
const WARM_GROUPS = 20;

interface Frames {
  commits: number;
  frames: number;
  bytes: number;
  /** Frames per btree name. */
  byName: Map<string, number>;
}

/** Reads the WAL's frame headers: page numbers, and which frames end a commit. */
function walFrames(walPath: string, pageName: (page: number) => string): Frames {
  const buf = readFileSync(walPath);
  const pageSize = buf.readUInt32BE(8);
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  const out: Frames = { commits: 0, frames: 0, bytes: buf.length, byName: new Map() };
  for (let off = 32; off + 24 + pageSize <= buf.length; off += 24 + pageSize) {
    // Frames left over from before the last reset carry the old salts: not this run's.
    if (buf.readUInt32BE(off + 8) !== salt1 || buf.readUInt32BE(off + 12) !== salt2) break;
    const page = buf.readUInt32BE(off);
    out.frames += 1;
    const name = pageName(page);
    out.byName.set(name, (out.byName.get(name) ?? 0) + 1);
    if (buf.readUInt32BE(off + 4) !== 0) out.commits += 1;
  }
  return out;
}

function namer(db: DatabaseSync): (page: number) => string {
  const rows = db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[];
  const byPage = new Map<number, string>();
  for (const r of rows) byPage.set(Number(r.pageno), r.name);
  return (page) => byPage.get(page) ?? (page === 1 ? 'sqlite_schema' : 'free/other');
}

function report(label: string, f: Frames, transfers: number): void {
  console.log(
    `\n${label}: ${f.commits} commits, ${f.frames} frames, ${(f.frames / f.commits).toFixed(1)} pages a commit, ${(transfers / f.commits).toFixed(1)} transfers a commit`,
  );
  console.log('| table or index | pages a commit |');
  console.log('| --- | ---: |');
  for (const [name, n] of [...f.byName].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${(n / f.commits).toFixed(1)} |`);
}

async function ledgerRun(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-wal-'));
  const path = join(dir, 'ledger.db');
  const store = createSqliteStore({ path });
  await store.migrate(ledgerMigrations);
  const ledger = new Ledger(store, { batchTransfersMax: 64 });
  await ledger.openSystemAccounts();
  await store.unitOfWork(async (tx) => {
    for (let p = 0; p < PLAYERS; p += 1) await ledger.openAccount(tx, playerAccount(`b${p}`, 'CNY'));
  });
  for (let p = 0; p < PLAYERS; p += 50) {
    await ledger.submitBatch({
      scope: 'seed',
      key: `seed${p}`,
      transfers: Array.from({ length: 50 }, (_, i) => ({
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(`b${p + i}`, 'CNY'),
        asset: 'CNY' as const,
        amount: 100_000_000,
        code: 'deposit' as const,
      })),
    });
  }
  const run = randomBytes(4).toString('hex');
  let transfers = 0;
  const round = async (g: number) => {
    await Promise.all(
      Array.from({ length: CALLERS }, (_, c) => {
        const a = randomInt(PLAYERS);
        const b = (a + 1 + randomInt(PLAYERS - 1)) % PLAYERS;
        return ledger.submit({
          scope: 'bench',
          key: `${run}-${c}-${g}`,
          debit: playerAccount(`b${a}`, 'CNY'),
          credit: playerAccount(`b${b}`, 'CNY'),
          asset: 'CNY',
          amount: 1 + randomInt(100),
          code: 'prize',
        });
      }),
    );
    transfers += CALLERS;
  };
  for (let g = 0; g < WARM_GROUPS; g += 1) await round(g);
  // From here the WAL only grows: the writer connection no longer checkpoints, the reader empties it once.
  await store.unitOfWork(async (tx) => {
    await tx.run('PRAGMA wal_autocheckpoint = 0');
  });
  await store.reader.query('PRAGMA wal_checkpoint(TRUNCATE)');
  const before = await ledger.directStats();
  transfers = 0;
  for (let g = 0; g < GROUPS; g += 1) await round(WARM_GROUPS + g);
  const after = await ledger.directStats();
  const probe = new DatabaseSync(path);
  const f = walFrames(`${path}-wal`, namer(probe));
  probe.close();
  console.log(`ledger: ${after.groups - before.groups} direct groups, ${after.requests - before.requests} requests`);
  report(`ledger, ${CALLERS} callers`, f, transfers);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** The bench's bare loop (`bare-loop.ts`), batch = callers, with the same frame count: the ledger's rows, or the earlier passes' neighbours. */
function bareRun(rows: BareRows): void {
  const dir = mkdtempSync(join(tmpdir(), 'fg-wal-bare-'));
  const path = join(dir, 'bare.db');
  const bare = openBareLoop(path, PLAYERS, rows);
  const db = bare.db;
  for (let g = 0; g < WARM_GROUPS + 20; g += 1) bare.group(CALLERS);
  db.exec('PRAGMA wal_autocheckpoint = 0');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  for (let g = 0; g < GROUPS; g += 1) bare.group(CALLERS);
  const f = walFrames(`${path}-wal`, namer(db));
  report(`bare loop (${rows}), batch ${CALLERS}`, f, GROUPS * CALLERS);
  bare.close();
  rmSync(dir, { recursive: true, force: true });
}

bareRun('neighbours');
bareRun('ledger');
await ledgerRun();
