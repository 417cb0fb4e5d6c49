// Stable names for syntax: a function is keyed by the names around it, never by its line number,
// so a baseline entry survives edits elsewhere in the file.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';

/** The text of a declaration name: identifiers, private names, string and numeric literals. */
export function nameText(name: Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  switch (name.kind) {
    case SyntaxKind.Identifier:
    case SyntaxKind.PrivateIdentifier:
    case SyntaxKind.StringLiteral:
    case SyntaxKind.NoSubstitutionTemplateLiteral:
    case SyntaxKind.NumericLiteral:
      return (name as unknown as { text: string }).text;
    default:
      return undefined;
  }
}

/** The name a node declares, if it declares one (`name` property of declarations). */
export function declaredName(node: Node): string | undefined {
  return nameText((node as unknown as { name?: Node }).name);
}

/** The last name of a callee: `store.unitOfWork(…)` → `unitOfWork`, `describe(…)` → `describe`. */
export function calleeName(call: Node): string {
  const callee = (call as unknown as { expression: Node }).expression;
  if (callee.kind === SyntaxKind.Identifier) return nameText(callee) ?? 'call';
  if (callee.kind === SyntaxKind.PropertyAccessExpression) return declaredName(callee) ?? 'call';
  return 'call';
}

/** 1-based line of a node's first token (after its leading comments). */
export function startLine(node: Node): number {
  const source = node.getSourceFile();
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Lines a node spans, from its first token to its last character. */
export function lineSpan(node: Node): number {
  const source = node.getSourceFile();
  return source.getLineAndCharacterOfPosition(node.end).line + 2 - startLine(node);
}
