// The virtual-payment orders: one row per signed purchase (our OutTradeNo), what WeChat told us
// about it (pushes counted, queries), and the room-card order that credited it.
import type { Migration } from '../storage/ports.ts';

export const vpayMigrations: Migration[] = [
  {
    id: 'vpay_001_orders',
    sql: `
CREATE TABLE vpay_orders (
  out_trade_no TEXT PRIMARY KEY,
  player_id TEXT NOT NULL REFERENCES players (id),
  app_id TEXT NOT NULL,
  openid TEXT NOT NULL,
  env INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  price_fen BIGINT NOT NULL,
  cash_fen BIGINT NOT NULL,
  status TEXT NOT NULL,
  settled_by TEXT,
  room_order_id TEXT,
  pushes INTEGER NOT NULL,
  queries INTEGER NOT NULL,
  wechat_transaction_id TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  delivered_at_ms BIGINT
);
CREATE INDEX vpay_orders_player ON vpay_orders (player_id, created_at_ms);
CREATE INDEX vpay_orders_pending ON vpay_orders (status, created_at_ms);`,
  },
  // Refunds (one whole refund per order, by an operator) and the daily bills with what they found.
  {
    id: 'vpay_002_refunds_bills',
    sql: `
ALTER TABLE vpay_orders ADD COLUMN refund_no TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_state TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_reason TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_operator_id TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_idem_key TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_hold_id TEXT;
ALTER TABLE vpay_orders ADD COLUMN refund_failure TEXT;
ALTER TABLE vpay_orders ADD COLUMN wx_refund_id TEXT;
ALTER TABLE vpay_orders ADD COLUMN refunded_at_ms BIGINT;
ALTER TABLE vpay_orders ADD COLUMN bill_date TEXT;
CREATE UNIQUE INDEX vpay_orders_refund_no ON vpay_orders (refund_no);
CREATE INDEX vpay_orders_refunding ON vpay_orders (refund_state, updated_at_ms);
CREATE INDEX vpay_orders_delivered ON vpay_orders (delivered_at_ms);
CREATE TABLE vpay_bills (
  bill_date TEXT PRIMARY KEY,
  pays INTEGER NOT NULL,
  paid_fen BIGINT NOT NULL,
  refunds INTEGER NOT NULL,
  refunded_fen BIGINT NOT NULL,
  fee_fen BIGINT NOT NULL,
  fee_booked_fen BIGINT NOT NULL,
  mismatches TEXT NOT NULL,
  mismatch_count INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  run_at_ms BIGINT NOT NULL
);`,
  },
];
