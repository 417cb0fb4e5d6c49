// Loaded with `--import` into bench/rooms/run.ts (the rooms load generator, used as it is): when
// the generator starts its server, the cluster node (bench/cluster/server.ts) starts instead, with
// the same arguments. Node's `syncBuiltinESMExports` makes the generator's `import { spawn }`
// see the replacement. With two generators on one database (BENCH_HANDLE_SUFFIX), each signs its
// bots in under handles of its own, so the two never share players.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const ROOMS_SERVER = /bench\/rooms\/server\.ts$/;
const CLUSTER_SERVER = new URL('./server.ts', import.meta.url).pathname;
const original = childProcess.spawn;

childProcess.spawn = ((command: string, args?: readonly string[], options?: childProcess.SpawnOptions) => {
  const swapped = Array.isArray(args) ? args.map((a) => (ROOMS_SERVER.test(String(a)) ? CLUSTER_SERVER : a)) : args;
  return original(command, swapped as string[], options ?? {});
}) as typeof childProcess.spawn;
syncBuiltinESMExports();

const suffix = process.env.BENCH_HANDLE_SUFFIX;
if (suffix) {
  const fetchOriginal = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    if (String(input).endsWith('/api/auth/dev/login') && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { handle: string };
      return fetchOriginal(input, { ...init, body: JSON.stringify({ ...body, handle: `${body.handle}${suffix}` }) });
    }
    return fetchOriginal(input, init);
  }) as typeof fetch;
}
