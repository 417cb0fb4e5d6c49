// Standalone local TSA: `fairground-tsa-sandbox --port 8318 --dir ./.data/tsa-sandbox`.
// Writes its CA and TSA keys and certificates and its serial counter to the directory, reuses them
// on restart, and serves until interrupted.
import { parseArgs } from 'node:util';
import { KEY_ALGORITHMS, type KeyAlgorithm, startTsaSandbox, TSA_PATHS } from './index.ts';

const USAGE = `Usage: fairground-tsa-sandbox [options]

  --port <n>             port to listen on (default 8318; 0 for any free port)
  --host <addr>          address to bind (default 127.0.0.1)
  --dir <dir>            state directory: keys, certificates, serial counter (default ./.data/tsa-sandbox)
  --key-algorithm <alg>  key type when the directory is new: ecdsa-p256 (default) or rsa-2048
  --help                 show this text
`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        dir: { type: 'string' },
        'key-algorithm': { type: 'string' },
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
const portText = values.port ?? '8318';
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) fail('--port must be 0..65535');
const keyAlgorithm = (values['key-algorithm'] ?? 'ecdsa-p256') as KeyAlgorithm;
if (!KEY_ALGORITHMS.includes(keyAlgorithm)) fail(`--key-algorithm must be one of ${KEY_ALGORITHMS.join(', ')}`);
const dir = values.dir ?? './.data/tsa-sandbox';

const tsa = await startTsaSandbox({ port: Number(portText), host: values.host ?? '127.0.0.1', dir, keyAlgorithm });

console.log(`TSA sandbox listening on ${tsa.baseUrl}
  queries:      POST ${tsa.url} (application/timestamp-query)
  certificates: ${tsa.baseUrl}${TSA_PATHS.caCert}, ${tsa.baseUrl}${TSA_PATHS.tsaCert}, ${tsa.baseUrl}${TSA_PATHS.chain}
  policy:       ${tsa.policyOid}
  state:        ${dir}
  faults:       POST/GET/DELETE ${tsa.baseUrl}${TSA_PATHS.faults}, POST ${tsa.baseUrl}${TSA_PATHS.outage}`);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing the TSA sandbox`);
  tsa.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
