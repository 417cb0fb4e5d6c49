import type { Migration } from '../storage/ports.ts';

// The attestation queue and what the TSA signed. A finished hand enters `notary_queue` in the same
// unit of work that stores it (so no hand is stored without its place in the queue). Each job pass
// moves up to LEAVES_PER_ROOT_MAX queued hands into a Merkle tree: the root is written to
// `notary_roots` (state `waiting`) and each hand, with its inclusion proof, to `notary_leaves`, in
// one unit of work, before the TSA is asked. The token is stored beside the root when it comes
// (state `attested`); a process killed in between finds the root still waiting and asks again, so
// a root is never lost and never rebuilt differently. TSA certificate chains are kept once each.
export const notaryMigrations: Migration[] = [
  {
    id: 'notary_001_queue',
    sql: `
CREATE TABLE notary_queue (
  chain_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  leaf_hash TEXT NOT NULL,
  queued_at_ms BIGINT NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
CREATE INDEX notary_queue_age ON notary_queue (queued_at_ms);

CREATE TABLE notary_roots (
  id BIGINT PRIMARY KEY,
  root_hash TEXT NOT NULL,
  tree_size INTEGER NOT NULL,
  first_queued_at_ms BIGINT NOT NULL,
  built_at_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_attempt_at_ms BIGINT,
  last_error TEXT,
  token TEXT,
  gen_time_ms BIGINT,
  tsa_name TEXT,
  serial_hex TEXT,
  policy_oid TEXT,
  tsa_url TEXT,
  chain_id TEXT,
  attested_at_ms BIGINT
);
CREATE INDEX notary_roots_waiting ON notary_roots (id) WHERE state = 'waiting';

CREATE TABLE notary_leaves (
  chain_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  leaf_hash TEXT NOT NULL,
  queued_at_ms BIGINT NOT NULL,
  root_id BIGINT NOT NULL,
  leaf_index INTEGER NOT NULL,
  proof TEXT NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
CREATE UNIQUE INDEX notary_leaves_position ON notary_leaves (root_id, leaf_index);

CREATE TABLE notary_chains (
  id TEXT PRIMARY KEY,
  pem TEXT NOT NULL
);
`,
  },
];
