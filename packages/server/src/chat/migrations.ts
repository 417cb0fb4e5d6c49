import type { Migration } from '../storage/ports.ts';

// Table chat, kept with the room's hands for disputes: every message a player sent (delivered, or
// refused by the content check and delivered to no one), the reports players file about messages
// with the conversation around them, and chat restrictions after repeated refusals. `seq` orders
// messages stored in the same millisecond (a counter of the process, which holds the room).
export const chatMigrations: Migration[] = [
  {
    id: 'chat_001_messages',
    sql: `
CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  hand_number INTEGER,
  player_id TEXT NOT NULL,
  seat INTEGER,
  kind TEXT NOT NULL,
  phrase_id TEXT,
  body TEXT NOT NULL,
  body_en TEXT,
  status TEXT NOT NULL,
  check_suggest TEXT,
  check_label INTEGER,
  check_trace TEXT,
  created_at_ms BIGINT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE INDEX chat_messages_room ON chat_messages (room_id, created_at_ms, seq);
CREATE INDEX chat_messages_player ON chat_messages (player_id, status, created_at_ms);
CREATE INDEX chat_messages_age ON chat_messages (created_at_ms);
CREATE TABLE chat_reports (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  hand_number INTEGER,
  reporter_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  context TEXT NOT NULL,
  status TEXT NOT NULL,
  resolution_note TEXT,
  handled_by TEXT,
  handled_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX chat_reports_once ON chat_reports (message_id, reporter_id);
CREATE INDEX chat_reports_status ON chat_reports (status, created_at_ms);
CREATE TABLE chat_restrictions (
  player_id TEXT PRIMARY KEY,
  until_ms BIGINT NOT NULL,
  reason TEXT NOT NULL,
  case_id TEXT,
  created_at_ms BIGINT NOT NULL
);
`,
  },
];
