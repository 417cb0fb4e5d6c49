// Function length: a function longer than the limit does several things and hides its sections.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { calleeName, declaredName, lineSpan, startLine } from './names.ts';
import { isProduct, type Parsed } from './parse.ts';

/** The TigerBeetle limit: a function fits on a screen. */
export const FUNCTION_LINES_MAX = 70;

/**
 * The only reasons a long function may stay long (issue 25): a flat table of routes, each a few
 * lines, and a flat reducer, one case a move. Either is marked by a comment on the line directly
 * above the function, `// tidy: route table` or `// tidy: reducer`; any other reason is not
 * honoured and the function is reported as usual.
 */
export const EXEMPTION_REASONS = ['route table', 'reducer'] as const;
export type ExemptionReason = (typeof EXEMPTION_REASONS)[number];

/** A long function the check let through because of its marker, listed in the tidy output. */
export interface Exemption {
  readonly key: string;
  readonly reason: ExemptionReason;
  readonly lines: number;
  readonly where: string;
}

const MARKER = /^\s*\/\/\s*tidy:\s*(.*?)\s*$/;

const FUNCTION_KINDS = new Set<SyntaxKind>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

/** Names that scope the functions inside them: classes, functions, variables, object properties. */
function scopeName(node: Node, scope: string): string {
  const own = ownName(node);
  if (own === undefined) return scope;
  return scope === '' ? own : `${scope}.${own}`;
}

function ownName(node: Node): string | undefined {
  switch (node.kind) {
    case SyntaxKind.ClassDeclaration:
    case SyntaxKind.ClassExpression:
    case SyntaxKind.FunctionDeclaration:
    case SyntaxKind.MethodDeclaration:
    case SyntaxKind.GetAccessor:
    case SyntaxKind.SetAccessor:
    case SyntaxKind.PropertyDeclaration:
    case SyntaxKind.PropertyAssignment:
    case SyntaxKind.VariableDeclaration:
      return declaredName(node);
    case SyntaxKind.Constructor:
      return 'constructor';
    case SyntaxKind.CallExpression:
      return `${calleeName(node)}()`;
    default:
      return undefined;
  }
}

/**
 * The node whose line the marker sits above: a function declaration or method itself, or for a
 * function held in a variable (`const f = () => …`) the statement that declares it.
 */
function markedNode(fn: Node): Node {
  let node = fn;
  for (let up = 0; up < 3 && node.parent !== undefined; up++) {
    const parent = node.parent;
    if (parent.kind === SyntaxKind.VariableDeclaration || parent.kind === SyntaxKind.VariableDeclarationList) node = parent;
    else if (parent.kind === SyntaxKind.VariableStatement) return parent;
    else break;
  }
  return node;
}

/** The reason of a `// tidy: …` marker on the line directly above the function, if any. */
function markerOf(fn: Node, lines: readonly string[]): string | undefined {
  const above = lines[startLine(markedNode(fn)) - 2];
  return above === undefined ? undefined : MARKER.exec(above)?.[1];
}

function isExemptionReason(reason: string | undefined): reason is ExemptionReason {
  return (EXEMPTION_REASONS as readonly (string | undefined)[]).includes(reason);
}

/**
 * Every function of every product file longer than the limit, keyed `file#Scope.name`: as a
 * finding, or as an exemption when it is marked as a flat route table or reducer.
 */
export function longFunctions(parsed: readonly Parsed[]): { findings: Finding[]; exempted: Exemption[] } {
  const findings: Finding[] = [];
  const exempted: Exemption[] = [];
  for (const { file, source } of parsed) {
    if (!isProduct(file)) continue;
    const text = source.text.split('\n');
    const seen = new Map<string, number>();
    const visit = (node: Node, scope: string): void => {
      const inner = scopeName(node, scope);
      if (FUNCTION_KINDS.has(node.kind)) {
        const lines = lineSpan(node);
        // An anonymous function takes the name of what holds it: its variable, property or call.
        const name = inner === '' ? '(function)' : inner;
        const n = (seen.get(name) ?? 0) + 1;
        seen.set(name, n);
        if (lines > FUNCTION_LINES_MAX) {
          const key = `${file}#${n === 1 ? name : `${name}~${n}`}`;
          const where = `${file}:${startLine(node)}`;
          const reason = markerOf(node, text);
          if (isExemptionReason(reason)) exempted.push({ key, reason, lines, where });
          else {
            const refused =
              reason === undefined ? '' : ` (the marker \`tidy: ${reason}\` exempts nothing: only ${EXEMPTION_REASONS.join(' or ')})`;
            const message = `${lines} lines (limit ${FUNCTION_LINES_MAX}): split it by responsibility${refused}`;
            findings.push({ check: 'function-length', key, value: lines, where, message });
          }
        }
      }
      node.forEachChild((child) => visit(child, inner));
    };
    visit(source, '');
  }
  return { findings, exempted };
}
