// One process of the concurrency test: many concurrent callers moving money between a few hot,
// low-balance accounts. Prints one JSON line with what it saw. `url` is a PostgreSQL URL or
// `sqlite:<path>` (the processes then share one database file).
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { isAppError } from '@fairground/core';
import { randomInt } from 'node:crypto';

const [url, schema, workerName, callersText, opsText, playersText, shardsText] = process.argv.slice(2);
const callers = Number(callersText);
const opsPerCaller = Number(opsText);
const players = Number(playersText);
const store = url!.startsWith('sqlite:')
  ? createSqliteStore({ path: url!.slice('sqlite:'.length), groupUnitsMax: 4 })
  : await createPostgresStore({ url: url!, schema: schema!, writers: callers, groupUnitsMax: 4 });
const ledger = new Ledger(store, { chainShards: Number(shardsText) });
const revenue = systemAccount('revenue', 'CNY');

let succeeded = 0;
let movedFen = 0;
const errors: Record<string, number> = {};
async function caller(c: number): Promise<void> {
  for (let i = 0; i < opsPerCaller; i += 1) {
    const from = randomInt(players);
    let to = randomInt(players + 1);
    if (to === from) to = players;
    const amount = 1 + randomInt(120);
    try {
      await ledger.submit({
        scope: 'conc',
        key: `${workerName}-${c}-${i}`,
        debit: playerAccount(`hot${from}`, 'CNY'),
        credit: to === players ? revenue : playerAccount(`hot${to}`, 'CNY'),
        asset: 'CNY',
        amount,
        code: 'room_fee',
      });
      succeeded += 1;
      movedFen += amount;
    } catch (e) {
      const code = isAppError(e) ? e.code : `UNEXPECTED:${(e as Error).message}`;
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }
}
await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
await store.close();
console.log(JSON.stringify({ worker: workerName, succeeded, movedFen, errors }));
