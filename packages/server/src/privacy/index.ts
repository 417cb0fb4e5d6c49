// Privacy: a player closes their own account (personal fields erased, the ledger kept under the
// account's opaque id, the sealed real-name record deleted when its retention ends) and downloads
// their own data.
export { AccountClosure, type ClosureBlocker, type ClosurePorts } from './closure.ts';
export { privacyContract } from './contract.ts';
export { PrivacyErrors } from './errors.ts';
export { type ExportPorts, exportPlayer, type PlayerExport } from './export.ts';
export { CLOSED_NICKNAME, KYC_RETENTION_MS_DEFAULT } from './limits.ts';
export { privacyMigrations } from './migrations.ts';
export { privacyRoutes } from './routes.ts';
