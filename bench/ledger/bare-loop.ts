// The bench's SQLite ceiling: the ledger's schema and durability (WAL, `synchronous=FULL`), written
// by a bare loop — per transfer one transfer row, one idempotency record and two balance updates,
// with row contents of the same size as the ledger's (ids, 64-hex hashes, a stored result), so it
// measures the database's cost for the same bytes without the ledger's JavaScript. `run.ts` times
// it; `wal.ts` counts the pages its commits write.
import { randomBytes, randomInt } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { ledgerMigrations } from '../../packages/server/src/ledger/index.ts';

/**
 * `ledger`: two random accounts per transfer and one idempotency key sequence per caller, as the
 * bench's callers make them. `neighbours`: the loop of the first two passes (the credit account
 * next to the debit one, one global key sequence), which touches fewer pages per commit.
 */
export type BareRows = 'ledger' | 'neighbours';

export interface BareLoop {
  readonly db: DatabaseSync;
  /** Writes one group of `batch` transfers in one transaction; returns the transfers written. */
  group(batch: number): number;
  /**
   * Writes transfers of the same shape, without timing them, until the database holds `transfers`
   * of them, then checkpoints the WAL: a bare loop measured on a database as large as the ledger's
   * (its CPU per group grows with the database: `bench/README.md`, the seventh pass).
   */
  fill(transfers: number): void;
  close(): void;
}

export function openBareLoop(path: string, players: number, rows: BareRows): BareLoop {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec('CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
  db.exec(ledgerMigrations[0]?.sql as string);
  const insAcct = db.prepare(
    'INSERT INTO ledger_accounts (id, owner_kind, owner_id, asset, flags, created_at_ms) VALUES (?, ?, ?, ?, 0, 0)',
  );
  for (let p = 0; p < players; p += 1) insAcct.run(`player:b${p}:CNY`, 'player', `b${p}`, 'CNY');
  const insT = db.prepare(
    'INSERT INTO ledger_transfers (seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 0, NULL, NULL, NULL, ?, ?, ?)',
  );
  const insR = db.prepare('INSERT INTO ledger_requests (scope, idem_key, content_hash, result, created_at_ms) VALUES (?, ?, ?, ?, ?)');
  const upd = db.prepare('UPDATE ledger_accounts SET debits_posted = debits_posted + ?, credits_posted = credits_posted + ? WHERE id = ?');
  const hashA = 'a'.repeat(64);
  const hashB = 'b'.repeat(64);
  const result = JSON.stringify([
    {
      id: `tr_${'0'.repeat(24)}`,
      seq: 1,
      debit: 'player:b1:CNY',
      credit: 'player:b2:CNY',
      asset: 'CNY',
      amount: 5,
      code: 'prize',
      flags: 0,
      pendingId: null,
      timeoutAtMs: null,
      createdAtMs: 1,
      metadata: null,
    },
  ]);
  const run = randomBytes(4).toString('hex');
  let seq = 0;
  let round = 0;
  return {
    db,
    group(batch) {
      db.exec('BEGIN IMMEDIATE');
      round += 1;
      for (let i = 0; i < batch; i += 1) {
        seq += 1;
        const a = randomInt(players);
        const b = rows === 'ledger' ? (a + 1 + randomInt(players - 1)) % players : (a + 1) % players;
        const key = rows === 'ledger' ? `${run}-${i}-${round}` : `k${seq}`;
        insT.run(
          seq,
          `tr_${String(seq).padStart(24, '0')}`,
          'bench',
          key,
          `player:b${a}:CNY`,
          `player:b${b}:CNY`,
          'CNY',
          5,
          'prize',
          0,
          hashA,
          hashB,
        );
        insR.run('bench', key, hashA, result, 0);
        upd.run(5, 0, `player:b${a}:CNY`);
        upd.run(0, 5, `player:b${b}:CNY`);
      }
      db.exec('COMMIT');
      return batch;
    },
    fill(transfers) {
      while (seq < transfers) {
        const n = Math.min(1000, transfers - seq);
        this.group(n);
      }
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },
    close() {
      db.close();
    },
  };
}
