// Public methods that nothing calls: a method of a product class whose name is never read as a
// member anywhere in the repository (product code, tests, scripts or benchmarks). Name-based, so it
// misses a method whose name another member shares, but never calls a used method unused unless
// it is called through a computed name.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { declaredName, nameText, startLine } from './names.ts';
import { isProduct, type Parsed } from './parse.ts';

/** Methods the runtime or a framework calls by convention, never by name in our code. */
const CALLED_BY_CONVENTION = new Set(['toJSON', 'toString', 'valueOf', 'then', 'constructor']);
const NOT_PUBLIC = new Set<SyntaxKind>([SyntaxKind.PrivateKeyword, SyntaxKind.ProtectedKeyword, SyntaxKind.OverrideKeyword]);

/** Every name read as a member: `a.name`, `a['name']`, `const { name } = a`. */
function memberReads(parsed: readonly Parsed[]): Set<string> {
  const reads = new Set<string>();
  const add = (n: string | undefined): void => {
    if (n !== undefined) reads.add(n);
  };
  for (const { source } of parsed) {
    const visit = (node: Node): void => {
      if (node.kind === SyntaxKind.PropertyAccessExpression) add(declaredName(node));
      else if (node.kind === SyntaxKind.ElementAccessExpression)
        add(nameText((node as unknown as { argumentExpression: Node }).argumentExpression));
      else if (node.kind === SyntaxKind.BindingElement) {
        const b = node as unknown as { propertyName?: Node; name: Node };
        add(nameText(b.propertyName ?? b.name));
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  return reads;
}

function isPublic(member: Node): boolean {
  const modifiers = (member as unknown as { modifiers?: readonly Node[] }).modifiers ?? [];
  return !modifiers.some((m) => NOT_PUBLIC.has(m.kind));
}

export function unusedMethodFindings(parsed: readonly Parsed[]): Finding[] {
  const reads = memberReads(parsed);
  const findings: Finding[] = [];
  for (const { file, source } of parsed) {
    if (!isProduct(file)) continue;
    const visit = (node: Node): void => {
      if (node.kind === SyntaxKind.ClassDeclaration) {
        const className = declaredName(node) ?? '(class)';
        for (const member of (node as unknown as { members: readonly Node[] }).members) {
          if (member.kind !== SyntaxKind.MethodDeclaration || !isPublic(member)) continue;
          const name = (member as unknown as { name: Node }).name;
          if (name.kind !== SyntaxKind.Identifier) continue;
          const text = nameText(name) ?? '';
          if (reads.has(text) || CALLED_BY_CONVENTION.has(text)) continue;
          const key = `${file}#${className}.${text}`;
          const message = 'public method that nothing calls: delete it, or make it private if it is a helper';
          findings.push({ check: 'unused-method', key, value: 1, where: `${file}:${startLine(member)}`, message });
        }
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  return findings;
}
