// The notary: third-party attestation (存证) of the rooms' hand histories through RFC 3161
// time-stamps over per-minute Merkle roots. The public surface for the composition root.
export { rfc3161Authority } from './authority.ts';
export { loadNotaryConfig, type NotaryConfig, NotaryConfigError, NotaryEnvSchema } from './config.ts';
export { notaryContract } from './contract.ts';
export { NotaryErrors } from './errors.ts';
export { notaryMigrations } from './migrations.ts';
export type { TimestampAuthority } from './ports.ts';
export { notaryRoutes } from './routes.ts';
export { type HandAttestation, lastCertificate, NotaryService, type NotaryStatus, type RootView } from './service.ts';
