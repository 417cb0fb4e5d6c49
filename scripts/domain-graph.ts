// Prints the import graph between the server's domains (the folders under packages/server/src)
// and fails when domains import each other in a cycle. Files directly under src/ are the
// composition root: they may import anything and nothing imports them, so they are left out.
// Type-only imports count: a cycle of types is still a cycle a reader has to hold in mind.
// The shared kernels (`LEAVES`) must import no domain at all, which is stricter than acyclic.
//   node scripts/domain-graph.ts            # cycles only (exit 1 when there is one)
//   node scripts/domain-graph.ts --edges    # every domain → domain edge with the files behind it
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'packages/server/src');

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
}

/** The domain a file belongs to, or undefined for the composition root (files directly in src/). */
function domainOf(file: string): string | undefined {
  const rel = relative(src, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0] : undefined;
}

/** Folders every domain may use and that use no domain: `http` (endpoints, schemas, route registration). */
export const LEAVES = ['http'] as const;

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

export function domainEdges(): Map<string, Map<string, string[]>> {
  const files: string[] = [];
  walk(src, files);
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const from = domainOf(file);
    if (from === undefined) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined || !spec.startsWith('.')) continue;
      const to = domainOf(resolve(dirname(file), spec));
      if (to === undefined || to === from) continue;
      const targets = edges.get(from) ?? new Map<string, string[]>();
      edges.set(from, targets);
      const via = targets.get(to) ?? [];
      via.push(`${relative(src, file)} → ${spec}`);
      targets.set(to, via);
    }
  }
  return edges;
}

/** Strongly connected components with more than one domain (Tarjan, iterative over a small graph). */
export function cycles(edges: Map<string, Map<string, string[]>>): string[][] {
  const nodes = new Set<string>();
  for (const [from, targets] of edges) {
    nodes.add(from);
    for (const to of targets.keys()) nodes.add(to);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) connect(v);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const edges = domainEdges();
  if (process.argv.includes('--edges')) {
    for (const [from, targets] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [to, via] of [...targets].sort(([a], [b]) => a.localeCompare(b))) {
        console.log(`${from} → ${to}  (${via.length}: ${via.slice(0, 3).join(', ')}${via.length > 3 ? ', …' : ''})`);
      }
    }
  }
  let failed = false;
  for (const leaf of LEAVES) {
    for (const [to, via] of edges.get(leaf) ?? []) {
      console.error(`${leaf} must import no domain, but imports ${to}: ${via.join('; ')}`);
      failed = true;
    }
  }
  const found = cycles(edges);
  for (const component of found) {
    console.error(`cycle: ${component.join(', ')}`);
    for (const from of component) {
      for (const [to, via] of edges.get(from) ?? []) {
        if (component.includes(to)) console.error(`  ${from} → ${to}: ${via.join('; ')}`);
      }
    }
  }
  if (failed || found.length > 0) process.exit(1);
  console.log(`domain-graph: ${edges.size} domains, no import cycle`);
}
