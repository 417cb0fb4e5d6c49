// Function length: a function longer than the limit does several things and hides its sections.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { calleeName, declaredName, lineSpan, startLine } from './names.ts';
import { isProduct, type Parsed } from './parse.ts';

/** The TigerBeetle limit: a function fits on a screen. */
export const FUNCTION_LINES_MAX = 70;

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

/** Every function of every product file longer than the limit, keyed `file#Scope.name`. */
export function longFunctions(parsed: readonly Parsed[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, source } of parsed) {
    if (!isProduct(file)) continue;
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
          const message = `${lines} lines (limit ${FUNCTION_LINES_MAX}): split it by responsibility`;
          findings.push({ check: 'function-length', key, value: lines, where: `${file}:${startLine(node)}`, message });
        }
      }
      node.forEachChild((child) => visit(child, inner));
    };
    visit(source, '');
  }
  return findings;
}
