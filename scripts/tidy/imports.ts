// Import boundaries between server domains: a domain reaches another only through that domain's
// `index.ts` (its public surface) — or, from its own `contract.ts`, through the other's
// `contract.ts` (the wire surface, which the web clients' type program reads and which must not pull
// in services or routes) — and no chain of imports between domains comes back to where it
// started. Files directly under `packages/server/src` are the composition root, which may import
// anything but must not be imported by a domain (that would be a cycle through the root).
import { posix } from 'node:path';
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { nameText, startLine } from './names.ts';
import { isProduct, type Parsed } from './parse.ts';

const SERVER_SRC = 'packages/server/src/';
/** The composition root and the command-line entries beside it, as one node of the graph. */
export const ROOT_NODE = '(root)';
/**
 * Shared kernels every domain may import file by file: storage (the unit of work and SQL helpers),
 * http (endpoint, schemas, route registration) and ops (metrics, circuit breakers, leader lease).
 * They still count in the cycle check.
 */
export const KERNELS: ReadonlySet<string> = new Set(['storage', 'http', 'ops']);

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly where: string;
}

/** The domain of a server file: its first folder under `src`, or the root node; else undefined. */
export function domainOf(file: string): string | undefined {
  if (!file.startsWith(SERVER_SRC)) return undefined;
  const rest = file.slice(SERVER_SRC.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? ROOT_NODE : rest.slice(0, slash);
}

/** Module specifiers of static imports, re-exports, `import()` and `import('…')` types. */
function specifiers(source: Node): { text: string; node: Node }[] {
  const out: { text: string; node: Node }[] = [];
  const visit = (node: Node): void => {
    let spec: Node | undefined;
    if (node.kind === SyntaxKind.ImportDeclaration || node.kind === SyntaxKind.ExportDeclaration) {
      spec = (node as unknown as { moduleSpecifier?: Node }).moduleSpecifier;
    } else if (node.kind === SyntaxKind.CallExpression) {
      const call = node as unknown as { expression: Node; arguments: readonly Node[] };
      if (call.expression.kind === SyntaxKind.ImportKeyword) spec = call.arguments[0];
    } else if (node.kind === SyntaxKind.ImportType) {
      spec = (node as unknown as { argument: { literal?: Node } }).argument.literal;
    }
    const text = nameText(spec);
    if (spec !== undefined && text !== undefined) out.push({ text, node });
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/** Imports between different domains (and the root) of the server's product code. */
function crossDomainImports(parsed: readonly Parsed[]): { edge: Edge; target: string }[] {
  const out: { edge: Edge; target: string }[] = [];
  for (const { file, source } of parsed) {
    const from = domainOf(file);
    if (from === undefined || !isProduct(file)) continue;
    for (const s of specifiers(source)) {
      if (!s.text.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), s.text));
      const to = domainOf(target);
      if (to === undefined || to === from) continue;
      out.push({ edge: { from, to, where: `${file}:${startLine(s.node)}` }, target });
    }
  }
  return out;
}

/** A domain importing another domain's inner file instead of its `index.ts`. */
export function boundaryFindings(parsed: readonly Parsed[]): Finding[] {
  const findings = new Map<string, Finding>();
  for (const { edge, target } of crossDomainImports(parsed)) {
    if (edge.from === ROOT_NODE || edge.to === ROOT_NODE || KERNELS.has(edge.to)) continue;
    if (target === `${SERVER_SRC}${edge.to}/index.ts`) continue;
    const file = edge.where.slice(0, edge.where.lastIndexOf(':'));
    if (file.endsWith('/contract.ts') && target === `${SERVER_SRC}${edge.to}/contract.ts`) continue;
    const key = `${file} -> ${target}`;
    if (findings.has(key)) continue;
    const message = `${edge.from} reaches into ${edge.to}; import ${edge.to}/index.ts (export it there if it is public)`;
    findings.set(key, { check: 'import-boundary', key, value: 1, where: edge.where, message });
  }
  return [...findings.values()];
}

/** Every edge between two domains that lie on one cycle, with a shortest cycle through it. */
export function cycleFindings(parsed: readonly Parsed[]): Finding[] {
  const edges = new Map<string, Edge>();
  const graph = new Map<string, Set<string>>();
  for (const { edge } of crossDomainImports(parsed)) {
    const key = `${edge.from} -> ${edge.to}`;
    if (!edges.has(key)) edges.set(key, edge);
    if (!graph.has(edge.from)) graph.set(edge.from, new Set());
    graph.get(edge.from)?.add(edge.to);
  }
  const findings: Finding[] = [];
  for (const [key, edge] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const back = shortestPath(graph, edge.to, edge.from);
    if (back === undefined) continue;
    const message = `import cycle between domains: ${[edge.from, ...back].join(' -> ')}`;
    findings.push({ check: 'import-cycle', key, value: 1, where: edge.where, message });
  }
  return findings;
}

/** Breadth-first: the nodes from `start` to `goal` inclusive, or undefined if `goal` is unreachable. */
export function shortestPath(graph: ReadonlyMap<string, ReadonlySet<string>>, start: string, goal: string): string[] | undefined {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    if (node === goal) {
      const path: string[] = [];
      for (let at: string | null | undefined = goal; at !== null && at !== undefined; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}
