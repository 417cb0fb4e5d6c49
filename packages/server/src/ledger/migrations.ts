import type { Migration } from '../storage/ports.ts';

// Balances are a cache the ledger maintains beside the transfers, in the same transaction; the
// invariant check recomputes them from the transfers. Nothing else writes these tables.
export const ledgerMigrations: Migration[] = [
  {
    id: 'ledger_001_init',
    sql: `
CREATE TABLE ledger_accounts (
  id TEXT PRIMARY KEY,
  owner_kind TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  flags INTEGER NOT NULL,
  debits_pending BIGINT NOT NULL DEFAULT 0,
  debits_posted BIGINT NOT NULL DEFAULT 0,
  credits_pending BIGINT NOT NULL DEFAULT 0,
  credits_posted BIGINT NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner_kind, owner_id);

CREATE TABLE ledger_chain (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO ledger_chain (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE ledger_requests (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);

CREATE TABLE ledger_transfers (
  seq BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  batch_index INTEGER NOT NULL,
  debit_account TEXT NOT NULL REFERENCES ledger_accounts (id),
  credit_account TEXT NOT NULL REFERENCES ledger_accounts (id),
  asset TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  code TEXT NOT NULL,
  flags INTEGER NOT NULL,
  pending_id TEXT,
  timeout_at_ms BIGINT,
  metadata TEXT,
  created_at_ms BIGINT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, seq);
CREATE UNIQUE INDEX ledger_transfers_closes_pending ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_timeouts ON ledger_transfers (timeout_at_ms) WHERE timeout_at_ms IS NOT NULL;
`,
  },
  {
    // Chain shards: shard k's head is ledger_chain row k + 1 (so one shard is the original single
    // head). A transfer's shard and its place in that shard's chain follow from its debit account
    // and its seq, so transfers need no new columns. Roots seal every shard head periodically.
    id: 'ledger_002_roots',
    sql: `
CREATE TABLE ledger_roots (
  seq BIGINT PRIMARY KEY,
  heads TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
`,
  },
];
