// Retention: the growth tables' old rows move to verified, compressed archives; money records never
// leave the database.
export { type ArchiveManifest, type ArchiveResult, Archiver, archivedAtMs } from './archiver.ts';
export { RetentionErrors } from './errors.ts';
export { PartitionKeeper } from './keeper.ts';
export { retentionMigrations } from './migrations.ts';
export { GROUPS_PER_ARCHIVE_MAX, NEVER_ARCHIVED, ONLINE_DAYS_DEFAULT, RETENTION_RULES } from './rules.ts';
export { type ArchiveReport, verifyArchives } from './verify.ts';
export { retentionContract } from './contract.ts';
export { retentionRoutes } from './routes.ts';
