// Money hygiene: a `Fen` is made only by core's checked constructors, and code that moves money
// says what it expects instead of asserting it away with a non-null `!`.
import { type Node, SyntaxKind } from 'typescript/unstable/ast';
import type { Finding } from './finding.ts';
import { nameText } from './names.ts';
import { countPerFile } from './count.ts';
import type { Parsed } from './parse.ts';

/** Where `as Fen` may appear: the money module that defines the brand and its constructors. */
export const AS_FEN_ALLOWED: readonly string[] = ['packages/core/src/money.ts'];

/**
 * The money paths: files and folders that compute, hold or move money. A `!` here would turn a
 * missing row into a wrong amount or a crash in the middle of a settlement.
 */
export const MONEY_PATHS: readonly string[] = [
  'packages/core/src/money.ts',
  'packages/server/src/ledger/',
  'packages/server/src/wallet/',
  'packages/server/src/payments/',
  'packages/server/src/vpay/',
  'packages/server/src/promotions/',
  'packages/server/src/skill/money.ts',
  'packages/server/src/skill/settlement.ts',
  'packages/server/src/skill/tournaments.ts',
  'packages/server/src/rooms/money.ts',
  'packages/server/src/rooms/fees.ts',
  'packages/wechatpay/src/',
];

export function isMoneyPath(file: string): boolean {
  return MONEY_PATHS.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
}

/** True for `x as Fen`, `<Fen>x` and `x as unknown as Fen` (the last type names `Fen`). */
function castsToFen(node: Node): boolean {
  if (node.kind !== SyntaxKind.AsExpression && node.kind !== SyntaxKind.TypeAssertionExpression) return false;
  const type = (node as unknown as { type: Node }).type;
  if (type.kind !== SyntaxKind.TypeReference) return false;
  const typeName = (type as unknown as { typeName: Node }).typeName;
  return nameText(typeName) === 'Fen';
}

export function asFenFindings(parsed: readonly Parsed[]): Finding[] {
  return countPerFile(
    parsed,
    (file) => !AS_FEN_ALLOWED.includes(file),
    castsToFen,
    (file, count, line) => ({
      check: 'as-fen',
      key: file,
      value: count,
      where: `${file}:${line}`,
      message: `${count} \`as Fen\`: make fen with toFen/addFen/subFen/applyBps from core, which check the bounds`,
    }),
  );
}

export function moneyNonNullFindings(parsed: readonly Parsed[]): Finding[] {
  return countPerFile(
    parsed,
    isMoneyPath,
    (node) => node.kind === SyntaxKind.NonNullExpression,
    (file, count, line) => ({
      check: 'money-non-null',
      key: file,
      value: count,
      where: `${file}:${line}`,
      message: `${count} non-null \`!\` on a money path: check the value and fail with assert() or a coded error`,
    }),
  );
}
