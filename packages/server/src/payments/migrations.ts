import type { Migration } from '../storage/ports.ts';

// Deposits, withdrawals and refunds are state machines persisted here; the outbox holds every
// provider call we decided to make, written in the same unit of work as the decision. Our ids
// double as the provider's numbers (out_trade_no, out_bill_no, out_refund_no), so a retried call
// can only ever name the same order, bill or refund.
export const paymentsMigrations: Migration[] = [
  {
    id: 'payments_001_state_machines',
    sql: `
CREATE TABLE payment_deposits (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  channel TEXT NOT NULL,
  app_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  payer_openid TEXT,
  client_ip TEXT NOT NULL,
  description TEXT NOT NULL,
  state TEXT NOT NULL,
  client_params TEXT,
  transaction_id TEXT,
  credit_transfer_id TEXT,
  provider_state TEXT,
  failure_code TEXT,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  expires_at_ms BIGINT NOT NULL,
  paid_at_ms BIGINT,
  credited_at_ms BIGINT,
  closed_at_ms BIGINT,
  next_check_at_ms BIGINT,
  checks INTEGER NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_deposits_idem ON payment_deposits (player_id, idem_key);
CREATE UNIQUE INDEX payment_deposits_txn ON payment_deposits (transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX payment_deposits_check ON payment_deposits (next_check_at_ms) WHERE next_check_at_ms IS NOT NULL;
CREATE INDEX payment_deposits_player ON payment_deposits (player_id, created_at_ms);
CREATE INDEX payment_deposits_paid ON payment_deposits (paid_at_ms) WHERE paid_at_ms IS NOT NULL;

CREATE TABLE payment_withdrawals (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  app_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  openid TEXT NOT NULL,
  state TEXT NOT NULL,
  review_reasons TEXT,
  reviewed_by TEXT,
  review_note TEXT,
  reviewed_at_ms BIGINT,
  hold_transfer_id TEXT NOT NULL,
  settle_transfer_id TEXT,
  scene_id TEXT NOT NULL,
  report_infos TEXT NOT NULL,
  user_recv_perception TEXT,
  remark TEXT NOT NULL,
  provider_bill_no TEXT,
  provider_state TEXT,
  package_info TEXT,
  fail_reason TEXT,
  failure_code TEXT,
  provider_created_at_ms BIGINT,
  provider_finished_at_ms BIGINT,
  submit_deadline_ms BIGINT,
  finished_at_ms BIGINT,
  next_check_at_ms BIGINT,
  checks INTEGER NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_withdrawals_idem ON payment_withdrawals (player_id, idem_key);
CREATE INDEX payment_withdrawals_check ON payment_withdrawals (next_check_at_ms) WHERE next_check_at_ms IS NOT NULL;
CREATE INDEX payment_withdrawals_player ON payment_withdrawals (player_id, created_at_ms);
CREATE INDEX payment_withdrawals_state ON payment_withdrawals (state, created_at_ms);

CREATE TABLE payment_refunds (
  id TEXT PRIMARY KEY,
  deposit_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  hold_transfer_id TEXT NOT NULL,
  settle_transfer_id TEXT,
  provider_refund_id TEXT,
  provider_state TEXT,
  failure_code TEXT,
  provider_created_at_ms BIGINT,
  succeeded_at_ms BIGINT,
  finished_at_ms BIGINT,
  next_check_at_ms BIGINT,
  checks INTEGER NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_refunds_idem ON payment_refunds (deposit_id, idem_key);
CREATE INDEX payment_refunds_deposit ON payment_refunds (deposit_id);
CREATE INDEX payment_refunds_check ON payment_refunds (next_check_at_ms) WHERE next_check_at_ms IS NOT NULL;
CREATE INDEX payment_refunds_created ON payment_refunds (created_at_ms);

CREATE TABLE payment_outbox (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT NOT NULL,
  lease_until_ms BIGINT,
  last_error TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_outbox_subject ON payment_outbox (kind, subject_id);
CREATE INDEX payment_outbox_due ON payment_outbox (next_attempt_at_ms) WHERE state = 'pending';

CREATE TABLE payment_events (
  id TEXT PRIMARY KEY,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT,
  at_ms BIGINT NOT NULL
);
CREATE INDEX payment_events_subject ON payment_events (subject_id, at_ms);
CREATE INDEX payment_events_at ON payment_events (at_ms);

CREATE TABLE payment_reconciliations (
  bill_date TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  summary TEXT NOT NULL,
  mismatches INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  run_at_ms BIGINT NOT NULL
);

CREATE TABLE payment_reconciliation_items (
  id TEXT PRIMARY KEY,
  bill_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  expected_fen BIGINT,
  actual_fen BIGINT,
  detail TEXT
);
CREATE INDEX payment_reconciliation_items_date ON payment_reconciliation_items (bill_date);
`,
  },
  {
    // Money that arrives over a player's deposit limit is refunded at once: the deposit names the
    // limit and the refund, and a refund says whether an operator or the limit caused it.
    id: 'payments_002_over_limit_refunds',
    sql: `
ALTER TABLE payment_deposits ADD COLUMN limit_code TEXT;
ALTER TABLE payment_deposits ADD COLUMN limit_refund_id TEXT;
ALTER TABLE payment_refunds ADD COLUMN cause TEXT NOT NULL DEFAULT 'operator';
CREATE INDEX payment_deposits_credited ON payment_deposits (player_id, credited_at_ms) WHERE credited_at_ms IS NOT NULL;
`,
  },
];
