import type { Migration } from '../storage/ports.ts';

// Answers operators give to a player's feedback or report. The question stays where it was filed
// (the analytics event of the feedback, the complaint row); the answer names it by kind and id.
export const supportMigrations: Migration[] = [
  {
    id: 'support_001_answers',
    sql: `
CREATE TABLE support_answers (
  id TEXT PRIMARY KEY,
  thread_kind TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  operator_username TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX support_answers_thread ON support_answers (thread_kind, thread_id, created_at_ms);
`,
  },
];
