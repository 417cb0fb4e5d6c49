// The operations console's API: operator sign-in, player lookup, operators, audit and event logs.
// The console reads the audit log; it lives in audit/ so that the domains below the console can write it.
export { type AuditEntry, type AuditEntryInput, type AuditLog, createAuditLog } from '../audit/index.ts';
export { adminContract } from './contract.ts';
export { type AdminRouteDeps, adminRoutes } from './routes.ts';
export { bootstrapOperators, createOperatorAudited, DEMO_OPERATOR } from './bootstrap.ts';
