// Summarises a V8 CPU profile (`node --cpu-prof`) as the functions with the most self time.
//   npx node bench/ledger/profile.ts <file.cpuprofile> [--top 20]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: profile.ts <file.cpuprofile> [--top N]');
const top = Number(args[args.indexOf('--top') + 1] || 20);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i += 1) {
  const node = byId.get(profile.samples[i]!)!;
  const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
  const f = node.callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  const name = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  selfUs.set(name, (selfUs.get(name) ?? 0) + dt);
  totalUs += dt;
}
const busyUs = totalUs - (selfUs.get('(idle)') ?? 0);
console.log(`profile ${basename(file)}: ${(totalUs / 1e6).toFixed(2)} s sampled, ${(busyUs / 1e6).toFixed(2)} s not idle`);
console.log('| self ms | % of busy | function |');
console.log('| ---: | ---: | --- |');
for (const [name, us] of [...selfUs]
  .filter(([n]) => n !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / busyUs).toFixed(1)} | \`${name.replace(/\|/g, '\\|')}\` |`);
}
