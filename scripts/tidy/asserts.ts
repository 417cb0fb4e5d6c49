// Assertions go through core's `assert` (or `assertionFailed` where the message needs the failing
// branch's values), so every programmer error has one shape and one place to break on.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import { countPerFile } from './count.ts';
import type { Finding } from './finding.ts';
import type { Parsed } from './parse.ts';

/** Where `new Error('assertion failed: …')` may be written: the definition of `assert` itself. */
export const HAND_ASSERT_ALLOWED: readonly string[] = ['packages/core/src/errors.ts'];

/** `new Error('assertion failed…')` or the same with a template. */
function isHandWrittenAssertion(node: Node): boolean {
  if (node.kind !== SyntaxKind.NewExpression) return false;
  const e = node as unknown as { expression: Node; arguments?: readonly Node[] };
  if (e.expression.kind !== SyntaxKind.Identifier || (e.expression as unknown as { text: string }).text !== 'Error') return false;
  const first = e.arguments?.[0];
  if (first === undefined) return false;
  let text: string | undefined;
  if (first.kind === SyntaxKind.StringLiteral || first.kind === SyntaxKind.NoSubstitutionTemplateLiteral) {
    text = (first as unknown as { text: string }).text;
  } else if (first.kind === SyntaxKind.TemplateExpression) {
    text = (first as unknown as { head: { text: string } }).head.text;
  }
  return text?.startsWith('assertion failed') ?? false;
}

export function handAssertFindings(parsed: readonly Parsed[]): Finding[] {
  return countPerFile(
    parsed,
    (file) => !HAND_ASSERT_ALLOWED.includes(file),
    isHandWrittenAssertion,
    (file, count, line) => ({
      check: 'hand-assert',
      key: file,
      value: count,
      where: `${file}:${line}`,
      message: `${count} hand-written \`new Error('assertion failed…')\`: use assert() or assertionFailed() from core`,
    }),
  );
}
