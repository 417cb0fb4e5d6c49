// The operations console's API: operator sign-in, player lookup, operators, audit and event logs.
export { type AuditEntry, type AuditEntryInput, type AuditLog, createAuditLog } from './audit.ts';
export { adminContract } from './contract.ts';
export { adminMigrations } from './migrations.ts';
export { type AdminRouteDeps, adminRoutes } from './routes.ts';
export { bootstrapOperators, createOperatorAudited, DEMO_OPERATOR } from './bootstrap.ts';
