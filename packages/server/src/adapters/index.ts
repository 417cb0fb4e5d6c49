// The storage backends, each in its own folder with the same surface: embedded SQLite and
// PostgreSQL. `openStore` picks one from a database URL; a domain never names a backend itself.
export { type OpenStoreOptions, openStore } from './open.ts';
export { createPostgresStore } from './postgres/index.ts';
export { createSqliteStore } from './sqlite/index.ts';
