#!/usr/bin/env node
// Launcher for the local TSA. The TSA is TypeScript run directly by Node.js 24's type stripping, so
// this plain-JavaScript shim checks the Node.js it was started with and re-runs src/tsa/cli.ts on
// it, or explains what to do instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR_MIN = 24;
const major = Number(process.versions.node.split('.')[0]);
const cli = fileURLToPath(new URL('../src/tsa/cli.ts', import.meta.url));

if (!(major >= NODE_MAJOR_MIN)) {
  console.error(
    [
      `fairground-tsa-sandbox needs Node.js ${NODE_MAJOR_MIN} or newer: it runs TypeScript sources directly.`,
      `This is Node.js ${process.version} (${process.execPath}).`,
      'Inside the Fairground repository, `npx fairground-tsa-sandbox` uses the Node.js 24 the repository',
      'installs (node_modules/.bin/node); from elsewhere, install Node.js 24 or run:',
      `  npx node ${cli} --port 8318 --dir ./tsa-data`,
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
