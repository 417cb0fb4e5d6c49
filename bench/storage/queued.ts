// Queued against awaited statements (`Tx.write` against `await tx.run`) on the SQLite store with its
// writer thread: CPU per unit of work on the main thread and on the writer thread, and messages
// per unit, for units shaped like a hand's end (one awaited insert, then N statements whose
// outcome nobody reads), C units at a time so that they share groups as the rooms' units do.
// The two ways alternate in one process, so the machine's load falls on both alike.
//   npx node bench/storage/queued.ts [--units 20000] [--statements 12] [--concurrent 20] [--pairs 3]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { createSqliteStore, sqliteWriterThread } from '../../packages/server/src/adapters/sqlite/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1] ?? fallback) : fallback;
};
const unitsPerRun = arg('units', 20_000);
const statementsPerUnit = arg('statements', 12);
const concurrent = arg('concurrent', 20);
const pairs = arg('pairs', 3);

/** CPU seconds of this process's threads named `name` (user + system), from /proc. */
function threadCpuS(name: string): number {
  const tick = 100;
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== name) continue;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}
const mainCpuS = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1e6;
};

const dir = mkdtempSync(join(tmpdir(), 'fg-queued-'));
const store = createSqliteStore({ path: join(dir, 'bench.db'), clock: systemClock });
await store.migrate([
  {
    id: 'bench_queued_001',
    sql: 'CREATE TABLE bench_events (id INTEGER PRIMARY KEY, data TEXT NOT NULL); CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, unit INTEGER NOT NULL, data TEXT NOT NULL)',
  },
]);
const thread = sqliteWriterThread(store);
if (thread === undefined) throw new Error('the store has no writer thread');

let nextId = 1;
async function oneRun(queued: boolean): Promise<{ mainUs: number; writerUs: number; messages: number }> {
  const main0 = mainCpuS();
  const writer0 = threadCpuS('WorkerThread');
  const messages0 = thread!.messagesSent;
  for (let done = 0; done < unitsPerRun; done += concurrent) {
    await Promise.all(
      Array.from({ length: concurrent }, () => {
        const unit = nextId++;
        return store.unitOfWork(async (tx) => {
          await tx.run('INSERT INTO bench_events (id, data) VALUES (?, ?)', [unit, 'a hand ended']);
          for (let i = 0; i < statementsPerUnit; i++) {
            const params = [unit * 100 + i, unit, 'a projection row of some forty bytes of text'];
            if (queued) tx.write('INSERT INTO bench_rows (id, unit, data) VALUES (?, ?, ?)', params);
            else await tx.run('INSERT INTO bench_rows (id, unit, data) VALUES (?, ?, ?)', params);
          }
        });
      }),
    );
  }
  return {
    mainUs: ((mainCpuS() - main0) * 1e6) / unitsPerRun,
    writerUs: ((threadCpuS('WorkerThread') - writer0) * 1e6) / unitsPerRun,
    messages: (thread!.messagesSent - messages0) / unitsPerRun,
  };
}

// A warm-up of each, not reported.
await oneRun(false);
await oneRun(true);
console.log(
  `| pair | awaited: main µs/unit | writer µs/unit | messages/unit | queued: main µs/unit | writer µs/unit | messages/unit | load avg |`,
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (let p = 1; p <= pairs; p++) {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 1).join('');
  const a = await oneRun(false);
  const q = await oneRun(true);
  const f = (n: number) => n.toFixed(0);
  console.log(
    `| ${p} | ${f(a.mainUs)} | ${f(a.writerUs)} | ${a.messages.toFixed(2)} | ${f(q.mainUs)} | ${f(q.writerUs)} | ${q.messages.toFixed(2)} | ${load} |`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
