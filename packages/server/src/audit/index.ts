// The audit log: every operator action, written in the unit of work of the action itself. A
// domain of its own below every domain that records into it (accounts, analytics, payments, risk,
// …) and the console that reads it (admin).
export { AUDIT_PAGE_MAX, type AuditEntry, type AuditEntryInput, type AuditLog, type AuditQuery, createAuditLog } from './log.ts';
export { auditMigrations } from './migrations.ts';
