// Administrative commands that run against the configured database without the HTTP server.
//
//   npx node packages/server/src/cli.ts create-operator --username alice --roles finance,admin [--password <pw>]
//   npx node packages/server/src/cli.ts backup --to <file>          (npm run backup -- --to <file>)
//   npx node packages/server/src/cli.ts restore --from <file> [--force]
//
// backup and restore act on the configured DATABASE_URL (and FAIRGROUND_PG_SCHEMA); see ops/backup.ts.
//
// Without --password the password is read from standard input (so it stays out of the process
// list and shell history): `printf '%s' "$PW" | npx node packages/server/src/cli.ts create-operator …`.
// Prints the operator's TOTP secret and otpauth:// URL once; enrol it in an authenticator app.
import { parseArgs } from 'node:util';
import { systemClock } from '@fairground/core';
import { createOperatorAccounts, isOperatorRole, type OperatorRole, USERNAME_PATTERN } from './accounts/index.ts';
import { createAuditLog, createOperatorAudited } from './admin/index.ts';
import { prepareStore } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openStore } from './adapters/open.ts';

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(
    'usage: cli.ts create-operator --username <name> --roles <finance,risk,support,admin> [--password <pw>]\n' +
      '       cli.ts backup --to <file>\n' +
      '       cli.ts restore --from <file> [--force]\n',
  );
  process.exit(2);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'backup' || command === 'restore') {
  await backupCommand(command, rest);
  process.exit(process.exitCode ?? 0);
}
if (command !== 'create-operator') usage(command ? `unknown command ${command}` : undefined);
const { values } = parseArgs({
  args: rest,
  options: { username: { type: 'string' }, roles: { type: 'string' }, password: { type: 'string' } },
  strict: true,
});
if (!values.username || !USERNAME_PATTERN.test(values.username)) usage('--username must be 3–32 of a-z 0-9 _ . -');
const roles = (values.roles ?? '').split(',').filter((r) => r !== '');
if (roles.length === 0 || !roles.every(isOperatorRole)) usage('--roles must list one or more of finance, risk, support, admin');
const password = values.password ?? (await readStdin());
if (password.length < 12) usage('the password must be at least 12 characters');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) usage(e.message);
  throw e;
}
const store = await openStore(config.databaseUrl);
try {
  await prepareStore(store, systemClock);
  const operators = createOperatorAccounts({
    store,
    clock: systemClock,
    sessionSecret: config.sessionSecret,
    dataKey: config.dataKey,
    accessTokenTtlS: config.accessTokenTtlS,
    refreshTokenTtlS: config.refreshTokenTtlS,
  });
  const created = await createOperatorAudited(
    { accounts: { operators }, audit: createAuditLog(store.reader) },
    { username: values.username, password, roles: roles as OperatorRole[] },
    'cli',
  );
  process.stdout.write(
    `${JSON.stringify({ id: created.id, username: created.username, roles: created.roles, totpSecret: created.totpSecret, otpauthUrl: created.otpauthUrl }, null, 2)}\n`,
  );
} catch (e) {
  process.stderr.write(`create-operator failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}

async function backupCommand(command: 'backup' | 'restore', args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { to: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
  });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) usage(e.message);
    throw e;
  }
  const { BackupError, backupDatabase, restoreDatabase } = await import('./ops/backup.ts');
  const schema = config.pgSchema ? { pgSchema: config.pgSchema } : {};
  try {
    if (command === 'backup') {
      if (!values.to) usage('backup needs --to <file>');
      const r = await backupDatabase(config.databaseUrl, values.to, schema);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } else {
      if (!values.from) usage('restore needs --from <file>');
      await restoreDatabase(config.databaseUrl, values.from, { ...schema, force: values.force === true });
      process.stdout.write(`${JSON.stringify({ restored: values.from })}\n`);
    }
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    process.stderr.write(`${command} failed: ${e.message}\n`);
    process.exitCode = 1;
  }
}
