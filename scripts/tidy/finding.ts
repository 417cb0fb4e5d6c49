// What every rule of the tidy check reports: a stable key the baseline can list, and a value that
// may only fall (a function's lines, a file's count of casts; 1 for a yes/no rule).

export type CheckName =
  | 'function-length'
  | 'import-boundary'
  | 'import-cycle'
  | 'as-fen'
  | 'money-non-null'
  | 'hand-assert'
  | 'unused-method';

export const CHECK_NAMES: readonly CheckName[] = [
  'function-length',
  'import-boundary',
  'import-cycle',
  'as-fen',
  'money-non-null',
  'hand-assert',
  'unused-method',
];

export interface Finding {
  readonly check: CheckName;
  /** Stable across edits elsewhere: a file, `file#Scope.name` or `from -> to`; never a line number. */
  readonly key: string;
  readonly value: number;
  /** `file:line` of the first occurrence, for the reader. */
  readonly where: string;
  readonly message: string;
}
