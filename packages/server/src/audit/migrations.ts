import type { Migration } from '../storage/ports.ts';

// The audit log is append-only at the database level (UPDATE and DELETE raise), like the
// analytics event log. Its table and migration id keep the `admin_` prefix they were created
// with: stored databases know them by these names.
export const auditMigrations: Migration[] = [
  {
    id: 'admin_001_audit',
    sqlite: `
CREATE TABLE admin_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  operator_id TEXT,
  operator_username TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT,
  target_id TEXT,
  reason TEXT,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT,
  ip TEXT,
  at_ms BIGINT NOT NULL
);
CREATE INDEX admin_audit_operator ON admin_audit (operator_id, seq);
CREATE INDEX admin_audit_target ON admin_audit (target_id, seq);
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
`,
    postgres: `
CREATE TABLE admin_audit (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  operator_id TEXT,
  operator_username TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT,
  target_id TEXT,
  reason TEXT,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT,
  ip TEXT,
  at_ms BIGINT NOT NULL
);
CREATE INDEX admin_audit_operator ON admin_audit (operator_id, seq);
CREATE INDEX admin_audit_target ON admin_audit (target_id, seq);
CREATE OR REPLACE FUNCTION fairground_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$fn$;
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
  FOR EACH ROW EXECUTE FUNCTION fairground_append_only();
`,
  },
];
