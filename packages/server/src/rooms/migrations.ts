import type { Migration } from '../storage/ports.ts';

// The room's event log is the source of truth for live rooms (a restarted server folds it back);
// the other tables are projections written in the same unit of work as the events, for queries
// (a room by code, a player's rooms and friends, fee orders) and for audit (sealed hand histories
// chained by hash; their attestation is the notary domain's). Room fee orders and room records are kept at least 180 days
// (`retain_until_ms`).
export const roomsMigrations: Migration[] = [
  {
    id: 'rooms_001_rooms',
    sql: `
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  status TEXT NOT NULL,
  mode TEXT NOT NULL,
  seats INTEGER NOT NULL,
  rounds INTEGER NOT NULL,
  base_score INTEGER NOT NULL,
  fee_mode TEXT NOT NULL,
  fee_payer TEXT NOT NULL,
  friends_visible INTEGER NOT NULL,
  params TEXT NOT NULL,
  hands_played INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL,
  started_at_ms BIGINT,
  ended_at_ms BIGINT,
  end_reason TEXT,
  retain_until_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX rooms_live_code ON rooms (code) WHERE status IN ('waiting', 'playing');
CREATE INDEX rooms_code ON rooms (code, created_at_ms);
CREATE INDEX rooms_status ON rooms (status);
CREATE INDEX rooms_owner ON rooms (owner_id, status);

CREATE TABLE room_events (
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (room_id, seq)
);

CREATE TABLE room_members (
  room_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  role TEXT NOT NULL,
  seat INTEGER,
  status TEXT NOT NULL,
  invited_by TEXT,
  joined_at_ms BIGINT NOT NULL,
  left_at_ms BIGINT,
  PRIMARY KEY (room_id, player_id)
);
CREATE INDEX room_members_player ON room_members (player_id, status);

CREATE TABLE room_orders (
  order_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  room_id TEXT,
  player_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  cards INTEGER NOT NULL,
  points INTEGER NOT NULL,
  cash_fen BIGINT NOT NULL,
  commission_fen BIGINT NOT NULL,
  remainder_fen BIGINT NOT NULL,
  remainder_to TEXT NOT NULL,
  status TEXT NOT NULL,
  transfers TEXT NOT NULL,
  request_key TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  retain_until_ms BIGINT NOT NULL
);
CREATE INDEX room_orders_player ON room_orders (player_id, created_at_ms);
CREATE INDEX room_orders_room ON room_orders (room_id, status);
CREATE UNIQUE INDEX room_orders_request ON room_orders (player_id, request_key) WHERE request_key IS NOT NULL;

CREATE TABLE room_order_counters (
  prefix TEXT PRIMARY KEY,
  next_seq BIGINT NOT NULL
);

CREATE TABLE room_hands (
  room_id TEXT NOT NULL,
  hand_number INTEGER NOT NULL,
  sealed TEXT NOT NULL,
  record_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (room_id, hand_number)
);

CREATE TABLE room_notary_receipts (
  room_id TEXT NOT NULL,
  hand_number INTEGER NOT NULL,
  chain_hash TEXT NOT NULL,
  receipt_id TEXT NOT NULL,
  notarised_at_ms BIGINT NOT NULL,
  PRIMARY KEY (room_id, hand_number)
);

CREATE TABLE room_friends (
  player_id TEXT NOT NULL,
  friend_id TEXT NOT NULL,
  source TEXT NOT NULL,
  room_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (player_id, friend_id)
);

CREATE TABLE room_invites (
  token TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  inviter_id TEXT NOT NULL,
  invitee_id TEXT,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX room_invites_room ON room_invites (room_id);

CREATE TABLE room_reports (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  reporter_id TEXT NOT NULL,
  target_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX room_reports_once ON room_reports (room_id, reporter_id, target_key);

CREATE TABLE room_points_daily (
  player_id TEXT NOT NULL,
  day TEXT NOT NULL,
  won BIGINT NOT NULL,
  lost BIGINT NOT NULL,
  PRIMARY KEY (player_id, day)
);
`,
  },
  {
    // The in-memory notary's receipts meant nothing outside the process that issued them; the
    // notary domain's tables (time-stamp tokens over Merkle roots) replace them.
    id: 'rooms_002_drop_notary_receipts',
    sql: 'DROP TABLE room_notary_receipts;',
  },
  {
    // SQLite: the log in append order (issue #24, `adapters/sqlite/log-fence.ts`). Rows are
    // appended to `room_events_hot` (no index) and folded into `room_events` in sorted batches;
    // `room_log` reads both. The trigger is the log's fence in place of the primary key: only the
    // connection that claimed the log appends, and each room's seq only moves forward. PostgreSQL
    // keeps its partitioned `room_events` with `room_event_heads` and reads `room_events` itself
    // (`roomLogSource`): nothing changes there, and a view over the table would stand in the way
    // of the partitioning migration, which replaces it.
    id: 'rooms_003_event_log_append_order',
    postgres: 'SELECT 1;',
    sqlite: `
CREATE TABLE room_events_hot (
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE TABLE room_log_owner (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  claimed_at_ms BIGINT NOT NULL
);
CREATE VIEW room_log AS
  SELECT room_id, seq, kind, data, at_ms FROM room_events
  UNION ALL
  SELECT room_id, seq, kind, data, at_ms FROM room_events_hot;
CREATE TRIGGER room_events_hot_fence BEFORE INSERT ON room_events_hot
BEGIN
  SELECT RAISE(ABORT, 'ROOM_LOG_FENCED: another connection has claimed the room log')
   WHERE (SELECT owner FROM room_log_owner WHERE id = 1) IS NOT fg_room_log_owner();
  SELECT RAISE(ABORT, 'ROOM_LOG_SEQ_TAKEN: the room has this seq or a later one in its log')
   WHERE CASE
     WHEN fg_room_log_next(NEW.room_id, NEW.seq) = 1 THEN 0
     WHEN NEW.seq <= max(
       coalesce((SELECT max(seq) FROM room_events WHERE room_id = NEW.room_id), -1),
       coalesce((SELECT max(seq) FROM room_events_hot WHERE room_id = NEW.room_id), -1)) THEN 1
     ELSE fg_room_log_head(NEW.room_id, NEW.seq) = 0
   END;
END;
`,
  },
];
