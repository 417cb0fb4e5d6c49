// `npx node packages/nppa/src/cli.ts official-tests --codes c1,…,c8` — runs NPPA's eight interface
// tests and prints a pass/fail table. Credentials come from flags or NPPA_APP_ID, NPPA_BIZ_ID and
// NPPA_SECRET_KEY; `--base-url` points at a sandbox instead of https://wlc.nppa.gov.cn.
// Exit status: 0 all passed, 1 some failed, 2 usage error.
import { parseArgs } from 'node:util';
import { OFFICIAL_SCENARIOS } from './presets.ts';
import { formatOfficialTests, runOfficialTests } from './official-tests.ts';

const USAGE = `Usage: node packages/nppa/src/cli.ts official-tests --codes c1,c2,c3,c4,c5,c6,c7,c8 [options]

  --codes <list>        the eight test codes from NPPA's console (接口测试), testcase01 first
  --app-id <id>         应用标识 (default: $NPPA_APP_ID)
  --biz-id <id>         游戏备案识别码 (default: $NPPA_BIZ_ID)
  --secret-key <hex>    用户密钥 (default: $NPPA_SECRET_KEY)
  --base-url <url>      test host (default https://wlc.nppa.gov.cn; a sandbox's URL in CI)
  --timeout-ms <n>      deadline of each call (default 5000)
  --json                print the rows as JSON instead of a table
  --help                show this text
`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === 'help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== 'official-tests') fail(`unknown command ${command}`);

const { values } = (() => {
  try {
    return parseArgs({
      args: rest,
      options: {
        codes: { type: 'string' },
        'app-id': { type: 'string' },
        'biz-id': { type: 'string' },
        'secret-key': { type: 'string' },
        'base-url': { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
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

const codes = (values.codes ?? '').split(',').map((c) => c.trim());
if (codes.length !== OFFICIAL_SCENARIOS.length || codes.some((c) => c === ''))
  fail(`--codes needs ${OFFICIAL_SCENARIOS.length} comma-separated codes`);
const appId = values['app-id'] ?? process.env.NPPA_APP_ID;
const bizId = values['biz-id'] ?? process.env.NPPA_BIZ_ID;
const secretKey = values['secret-key'] ?? process.env.NPPA_SECRET_KEY;
if (!appId || !bizId || !secretKey) fail('appId, bizId and secret key are required (flags or NPPA_APP_ID, NPPA_BIZ_ID, NPPA_SECRET_KEY)');
const timeoutRaw = values['timeout-ms'];
if (timeoutRaw !== undefined && !/^\d+$/.test(timeoutRaw)) fail('--timeout-ms must be a whole number');

let rows: Awaited<ReturnType<typeof runOfficialTests>>;
try {
  rows = await runOfficialTests({
    appId,
    bizId,
    secretKey,
    codes,
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    ...(timeoutRaw === undefined ? {} : { timeoutMs: Number(timeoutRaw) }),
  });
} catch (e) {
  // Configuration mistakes (a malformed key or id) are reported, not thrown at the operator.
  fail(e instanceof Error ? e.message : String(e));
}
console.log(values.json ? JSON.stringify(rows, null, 2) : formatOfficialTests(rows));
process.exit(rows.every((r) => r.passed) ? 0 : 1);
