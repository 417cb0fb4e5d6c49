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
];
