// The process: configuration → store → adapters → platform (app.ts, the composition root) → HTTP
// server and jobs. `npm start` runs this file (after building the web clients when their sources
// changed). Configuration and the stand-in rule are checked before the heavy modules load, so a
// typo or a refused stand-in fails in a blink.
import { systemClock } from '@fairground/core';
import { adapterReport, checkStandIns, StandInRefused } from './bindings.ts';
import { calendarWarningLine, loadPolicySet, PolicyError } from './compliance/index.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { missingStartSettings } from './start-flags.ts';

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

let policies: ReturnType<typeof loadPolicySet>;
try {
  policies = loadPolicySet(config.policyFile, config.policyDir);
} catch (e) {
  if (e instanceof PolicyError)
    fail(`config ${e.file === config.policyFile ? 'FAIRGROUND_POLICY_FILE' : 'FAIRGROUND_POLICY_DIR'}: ${e.message}`);
  throw e;
}
const policy = policies.default;
// A policy that demands a face check before every hand cannot run without a face-check provider.
if (policy.games?.roomFaceCheck === 'required' && config.faceCheck === 'off')
  fail(`policy ${policy.name} requires a face check before every hand, and no face-check provider is configured (FAIRGROUND_FACE_CHECK)`);
// A policy that requires real name cannot run without the real-name authority (the NPPA).
for (const p of policies.all()) {
  const needs = p.identity?.realNameRequiredFor ?? [];
  if (needs.length > 0 && config.nppa.mode === 'off')
    fail(
      `policy ${p.name} requires real name for ${needs.join(', ')}, and no real-name authority is configured: set FAIRGROUND_NPPA_APP_ID, FAIRGROUND_NPPA_BIZ_ID and FAIRGROUND_NPPA_SECRET_KEY(_FILE)`,
    );
}

const { chooseAdapters } = await import('./adapters.ts');
// WeChat Pay, or by default outside production its sandbox on a loopback port of this process.
const { setUpProvider } = await import('./payments/wechatpay/setup.ts');
const paymentProvider = await setUpProvider(config.payments, { host: config.host, dataDir: config.dataDir });
// The NPPA, or by default outside production its sandbox on a loopback port of this process.
const { setUpNppa } = await import('./nppa/setup.ts');
const nppa = await setUpNppa(config.nppa, { host: config.host, dataDir: config.dataDir, clock: systemClock });
// The time-stamping authority, or by default outside production a local TSA on a loopback port of this process.
const { setUpNotary } = await import('./notary/setup.ts');
const notary = await setUpNotary(config.notary, { host: config.host, dataDir: config.dataDir, clock: systemClock });
const { openStore } = await import('./adapters/open.ts');
const store = await openStore(config.databaseUrl, config.pgSchema ? { pgSchema: config.pgSchema } : {});
// WeChat's refusals only the operator can fix go to the platform's log once it exists (stderr before).
let operatorFault = (message: string, _fields: Record<string, unknown>): void => {
  process.stderr.write(`fairground: ${message}\n`);
};
const adapters = chooseAdapters(config, systemClock, paymentProvider, nppa, notary, {
  store,
  onWechatOperatorFault: (f) =>
    operatorFault(`WeChat refused this server's credentials for ${f.appid} (errcode ${f.errcode ?? 'none'}): ${f.message}`, { ...f }),
});
let standIns: ReturnType<typeof checkStandIns>;
try {
  standIns = checkStandIns(adapterReport(adapters), config.standIns);
} catch (e) {
  if (e instanceof StandInRefused) {
    await paymentProvider.close();
    await nppa.close();
    await notary.close();
    await store.close();
    fail(e.message);
  }
  throw e;
}

const [{ createPlatform }, { bootstrapOperators }, { createDependencyBreakers }, { inProcessLeader, postgresLeader }] = await Promise.all([
  import('./app.ts'),
  import('./admin/index.ts'),
  import('./cluster/index.ts'),
  import('./ops/leader.ts'),
]);
// Each job runs once per interval across the cluster (job_runs); the leader lock keeps two passes
// of one job from overlapping: a PostgreSQL advisory lock, or in-process on embedded SQLite. Lock
// names carry the schema, so deployments sharing one PostgreSQL database do not block each other.
const leader =
  store.dialect === 'postgres'
    ? { adapter: 'postgres advisory locks', lock: await postgresLeader(config.databaseUrl, `fairground:${config.pgSchema ?? 'public'}`) }
    : { adapter: 'this process', lock: inProcessLeader() };
const platform = await createPlatform({
  retention: { dir: config.archiveDir },
  config,
  store,
  clock: systemClock,
  policy,
  adapters,
  nodeId: config.nodeId,
  roles: config.roles,
  leader,
  breakers: createDependencyBreakers(),
  rateLimitPer10s: config.rateLimitPer10s,
  ...(config.cluster && config.redisUrl
    ? { cluster: { redisUrl: config.redisUrl, prefix: config.redisPrefix, leaseMs: config.roomLeaseMs } }
    : {}),
  payments: {
    settings: config.payments.settings,
    outboxLeaseMs: config.payments.outboxLeaseMs,
    ...(config.payments.notifyUrl ? { notifyUrl: config.payments.notifyUrl } : {}),
  },
});
const log = platform.app.log;
operatorFault = (message, fields) => log.error(fields, message);
if (config.unknownKeys.length > 0)
  log.warn({ keys: config.unknownKeys }, 'ignoring FAIRGROUND_* variables this server does not read (typos?)');
// Started some other way than the documented commands (start-flags.ts): it works, with more memory.
const missingStart = missingStartSettings(process.execArgv, process.env);
if (missingStart.length > 0)
  log.warn(
    { missing: missingStart },
    `started without ${missingStart.join(' ')}: more resident memory per connected player (npm start sets them)`,
  );

// The start-up report: every port with its adapter. A stand-in is an error in production (it was
// accepted by name) and a warning elsewhere.
for (const p of platform.ports) {
  if (!p.standIn) log.info({ port: p.port, adapter: p.adapter }, `port ${p.port}: ${p.adapter}`);
  else if (config.standIns.any) log.warn({ port: p.port, adapter: p.adapter, standIn: true }, `port ${p.port}: stand-in ${p.adapter}`);
  else log.error({ port: p.port, adapter: p.adapter, standIn: true }, `port ${p.port}: ACCEPTED STAND-IN ${p.adapter}`);
}
if (standIns.length > 0) log.warn({ standIns: standIns.map((s) => s.port) }, 'running degraded: stand-ins imitate these services');
await bootstrapOperators(platform, { bootstrapAdmin: config.bootstrapAdmin, seedDemoOperator: config.seedDemoOperator }, log);

if (config.roles.includes('worker')) {
  platform.jobs.start();
  log.info({ jobs: platform.jobs.names }, 'jobs started (each once per interval across the cluster)');
}

const address = await platform.app.listen({ port: config.port, host: config.host });
if (platform.payments.notifyUrl === undefined) {
  const { NOTIFY_PATH } = await import('./payments/index.ts');
  platform.payments.setNotifyUrl(`${address}${NOTIFY_PATH}`);
}
if (nppa.sandboxUrl !== undefined) {
  log.info(
    { sandbox: nppa.sandboxUrl },
    `NPPA sandbox (real-name checks and play reports; its page lists the test identities that verify) at ${nppa.sandboxUrl}/`,
  );
}
if (notary.sandboxUrl !== undefined) {
  log.info(
    { sandbox: notary.sandboxUrl },
    `local TSA (RFC 3161 time-stamps of the hand histories; its CA at ${notary.sandboxUrl}/certs/ca.pem) at ${notary.sandboxUrl}/`,
  );
}
if (paymentProvider.sandboxUrl !== undefined) {
  log.info(
    { sandbox: paymentProvider.sandboxUrl },
    `WeChat Pay sandbox (cashier, transfer confirmation, /sandbox/ admin) at ${paymentProvider.sandboxUrl}/`,
  );
}
// Every start says what the minors' calendars need: a year in use that no operator has checked
// against its notice, a calendar that runs out within 60 days, a year without a table.
for (const w of await platform.calendars.warnings()) log.warn({ calendar: w }, calendarWarningLine(w));
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
  await platform.close();
  await leader.lock.close();
  await paymentProvider.close();
  await nppa.close();
  await notary.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
