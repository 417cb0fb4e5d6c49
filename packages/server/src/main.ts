// Composition root: configuration → store → migrations → platform → HTTP server.
// `npm start` runs this file (after building the web clients when their sources changed).
// Configuration is checked before the heavy modules load, so a typo fails in a blink.
import { systemClock } from '@fairground/core';
import { loadPolicyFile, PolicyError } from './compliance/index.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';

function fail(message: string): never {
  process.stderr.write(`fairground: ${message}\n`);
  process.exit(2);
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}

let policy: ReturnType<typeof loadPolicyFile>;
try {
  policy = loadPolicyFile(config.policyFile);
} catch (e) {
  if (e instanceof PolicyError) fail(`config FAIRGROUND_POLICY_FILE: ${e.message}`);
  throw e;
}

const [{ createPlatform }, { bootstrapOperators }, { openStore }] = await Promise.all([
  import('./app.ts'),
  import('./admin/index.ts'),
  import('./storage/open.ts'),
]);
const store = await openStore(config.databaseUrl);
const platform = await createPlatform({ config, store, clock: systemClock, policy, nodeId: config.nodeId, roles: config.roles });
const log = platform.app.log;
if (config.unknownKeys.length > 0)
  log.warn({ keys: config.unknownKeys }, 'ignoring FAIRGROUND_* variables this server does not read (typos?)');
await bootstrapOperators(platform, { bootstrapAdmin: config.bootstrapAdmin, seedDemoOperator: config.seedDemoOperator }, log);

// Sweeps: the ledger voids holds whose own timeout has passed (holds that wait on an outside
// party are made without one, so this never voids a hold that can still be paid).
// With several processes, each job runs in one of them at a time: the leader lock is a
// PostgreSQL advisory lock when the database is PostgreSQL, and in-process on embedded SQLite.
const { Jobs } = await import('./jobs/index.ts');
const { inProcessLeader, postgresLeader } = await import('./ops/leader.ts');
const leader = store.dialect === 'postgres' ? await postgresLeader(config.databaseUrl) : inProcessLeader();
const jobs = new Jobs(log, leader);
jobs.add({ name: 'ledger.expire-pending', intervalMs: 30_000, run: () => platform.ledger.expirePending() });
if (config.roles.includes('worker')) jobs.start();

const address = await platform.app.listen({ port: config.port, host: config.host });
log.info(
  { url: address, database: store.dialect, policy: platform.compliance.policyName, env: config.env },
  `fairground ready: player client ${address}/ · console ${address}/admin/ · API docs ${address}/docs`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  platform.drain();
  await jobs.stop();
  await leader.close();
  await platform.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
