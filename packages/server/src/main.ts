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
const store = await openStore(config.databaseUrl, config.pgSchema ? { pgSchema: config.pgSchema } : {});
// WeChat Pay, or by default outside production its sandbox on a loopback port of this process.
const { setUpProvider } = await import('./payments/wechatpay/setup.ts');
const paymentProvider = await setUpProvider(config.payments, { host: config.host, dataDir: config.dataDir });
// Several processes: rooms leased through Redis, messages between nodes on its pub/sub (cluster/).
const { createDependencyBreakers } = await import('./cluster/index.ts');
const platform = await createPlatform({
  config,
  store,
  clock: systemClock,
  policy,
  nodeId: config.nodeId,
  roles: config.roles,
  breakers: createDependencyBreakers(),
  rateLimitPer10s: config.rateLimitPer10s,
  ...(config.cluster && config.redisUrl
    ? { cluster: { redisUrl: config.redisUrl, prefix: config.redisPrefix, leaseMs: config.roomLeaseMs } }
    : {}),
  payments: {
    provider: paymentProvider.provider,
    settings: config.payments.settings,
    outboxLeaseMs: config.payments.outboxLeaseMs,
    ...(config.payments.notifyUrl ? { notifyUrl: config.payments.notifyUrl } : {}),
  },
});
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
// Lock names carry the schema, so deployments sharing one PostgreSQL database do not block each other.
const leader =
  store.dialect === 'postgres' ? await postgresLeader(config.databaseUrl, `fairground:${config.pgSchema ?? 'public'}`) : inProcessLeader();
const jobs = new Jobs(log, leader);
jobs.add({ name: 'ledger.expire-pending', intervalMs: 30_000, run: () => platform.ledger.expirePending() });
// Payments: the outbox, the queries of orders and bills whose notifications have not come, and the daily reconciliation.
jobs.add({
  name: 'payments.sweep',
  intervalMs: config.payments.sweepIntervalMs,
  run: async () => {
    const r = await platform.payments.runDue();
    return r.outbox + r.deposits + r.withdrawals + r.refunds + r.reconciled.length;
  },
});
// Operating metrics: alerts opened or resolved against the seed's alert lines, and their webhook deliveries.
jobs.add({ name: 'analytics.alerts', intervalMs: config.alertIntervalMs, run: () => platform.operating.alerts.run() });
// Rooms the database says are live but nobody leases (their node died while Redis had lost its data).
const cluster = platform.cluster;
if (cluster !== null) {
  jobs.add({
    name: 'cluster.orphans',
    intervalMs: Math.max(1000, config.roomLeaseMs),
    run: () => cluster.sweepOrphans(systemClock.nowMs()),
  });
}
if (config.roles.includes('worker')) jobs.start();

const address = await platform.app.listen({ port: config.port, host: config.host });
if (platform.payments.notifyUrl === undefined) {
  const { NOTIFY_PATH } = await import('./payments/index.ts');
  platform.payments.setNotifyUrl(`${address}${NOTIFY_PATH}`);
}
if (paymentProvider.sandboxUrl !== undefined) {
  log.info(
    { sandbox: paymentProvider.sandboxUrl },
    `WeChat Pay sandbox (cashier, transfer confirmation, /sandbox/ admin) at ${paymentProvider.sandboxUrl}/`,
  );
}
log.info(
  { url: address, database: store.dialect, policy: platform.compliance.policyName, env: config.env },
  `fairground ready: player client ${address}/ · console ${address}/admin/ · API docs ${address}/docs`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  // Not ready (and no new rooms here) first; rooms are handed over in platform.close().
  platform.drain();
  if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
  await jobs.stop();
  await leader.close();
  await platform.close();
  await paymentProvider.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
