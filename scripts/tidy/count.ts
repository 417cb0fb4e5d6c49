// Rules that count a kind of node per file: the baseline keeps each file's count, which may only fall.
import type { Node } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { startLine } from './names.ts';
import { isProduct, type Parsed } from './parse.ts';

/** Counts per file of the nodes `matches` selects in the files `inScope` admits. */
export function countPerFile(
  parsed: readonly Parsed[],
  inScope: (file: string) => boolean,
  matches: (node: Node) => boolean,
  finding: (file: string, count: number, firstLine: number) => Finding,
): Finding[] {
  const findings: Finding[] = [];
  for (const { file, source } of parsed) {
    if (!isProduct(file) || !inScope(file)) continue;
    let count = 0;
    let firstLine = 0;
    const visit = (node: Node): void => {
      if (matches(node)) {
        count++;
        if (firstLine === 0) firstLine = startLine(node);
      }
      node.forEachChild(visit);
    };
    visit(source);
    if (count > 0) findings.push(finding(file, count, firstLine));
  }
  return findings;
}
