// Standalone sandbox: `fairground-nppa-sandbox --port 8788`. Prints the credentials and the eight
// test codes, serves until interrupted. Without --secret-key it generates one and prints it.
import { parseArgs } from 'node:util';
import { ManualClock } from '@fairground/core';
import { DEFAULT_PENDING_MS, startNppaSandbox } from './index.ts';

const USAGE = `Usage: fairground-nppa-sandbox [options]

  --port <n>             port to listen on (default 8788)
  --host <addr>          address to bind (default 127.0.0.1; the admin API is unauthenticated)
  --app-id <id>          appId the sandbox accepts (default: generated)
  --biz-id <id>          bizId the sandbox accepts (default: generated)
  --secret-key <hex>     32-hex-character secret key (default: generated and printed)
  --test-codes <list>    the eight interface-test codes, comma-separated (default: generated)
  --pending-ms <n>       how long in-progress checks take to settle (default ${DEFAULT_PENDING_MS})
  --no-seed              do not register the preset and demo identities
  --manual-clock         run on a manual clock moved by POST /sandbox/clock/advance
  --help                 show this text
`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function intArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) fail(`--${name} must be a non-negative integer`);
  return Number(value);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'app-id': { type: 'string' },
        'biz-id': { type: 'string' },
        'secret-key': { type: 'string' },
        'test-codes': { type: 'string' },
        'pending-ms': { type: 'string' },
        'no-seed': { type: 'boolean' },
        'manual-clock': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const manual = values['manual-clock'] === true;
let sandbox: Awaited<ReturnType<typeof startNppaSandbox>>;
try {
  sandbox = await startNppaSandbox({
    port: intArg(values.port, 'port', 8788),
    host: values.host ?? '127.0.0.1',
    ...(values['app-id'] === undefined ? {} : { appId: values['app-id'] }),
    ...(values['biz-id'] === undefined ? {} : { bizId: values['biz-id'] }),
    ...(values['secret-key'] === undefined ? {} : { secretKey: values['secret-key'] }),
    ...(values['test-codes'] === undefined ? {} : { testCodes: values['test-codes'].split(',').map((c) => c.trim()) }),
    pendingMs: intArg(values['pending-ms'], 'pending-ms', DEFAULT_PENDING_MS),
    seed: values['no-seed'] !== true,
    ...(manual ? { clock: new ManualClock(Date.now()) } : {}),
  });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

console.log(`NPPA sandbox listening on ${sandbox.baseUrl}${manual ? ' (manual clock)' : ''}
  appId      ${sandbox.appId}
  bizId      ${sandbox.bizId}
  secretKey  ${sandbox.secretKey}${values['secret-key'] === undefined ? '  (generated)' : ''}
  test codes ${sandbox.testCodes().join(',')}
  admin page ${sandbox.baseUrl}/
  admin API  ${sandbox.baseUrl}/sandbox/{config,identities,records,reports,faults,scenarios,requests,clock}
  official tests: npx node packages/nppa/src/cli.ts official-tests --base-url ${sandbox.baseUrl} --app-id ${sandbox.appId} --biz-id ${sandbox.bizId} --secret-key ${sandbox.secretKey} --codes ${sandbox.testCodes().join(',')}`);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing the sandbox`);
  sandbox.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
