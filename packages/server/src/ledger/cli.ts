// The auditor's invariant check from the command line:
//   npm run ledger:check                               (the embedded SQLite database)
//   DATABASE_URL=postgres://… npm run ledger:check
// Prints the report as JSON and exits 1 when any invariant is broken.
import { openStore } from '../adapters/index.ts';
import { Ledger } from './ledger.ts';

const store = await openStore(process.env.DATABASE_URL, { defaultSqlitePath: process.env.FAIRGROUND_SQLITE_PATH ?? '.data/fairground.db' });
try {
  await store.migrate(Ledger.migrations);
  const report = await new Ledger(store).checkInvariants();
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await store.close();
}
