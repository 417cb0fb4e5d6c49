// Multi-row INSERTs: many rows in one statement, queued on a unit of work (`Tx.write`), with the
// statement texts made once per dialect and row count. SQLite takes `?` placeholders, PostgreSQL
// `$1, $2, …` (its adapter also rewrites `?`, but a text that is already numbered passes through
// unchanged and the rewrite is not needed for it).
import { assertionFailed } from '@fairground/core';
import type { Dialect, SqlValue, Tx } from './ports.ts';

export interface MultiRowInsertSpec {
  /** Everything before `VALUES`, e.g. `INSERT INTO t (a, b)`; by dialect when the table differs. */
  readonly head: string | Readonly<Record<Dialect, string>>;
  /** Parameters per row (the columns given in `head`). */
  readonly columns: number;
  /** What follows the rows, e.g. `ON CONFLICT (a) DO NOTHING` (default: nothing). */
  readonly tail?: string;
  /** Rows per statement at most (the databases' parameter limits: SQLite's 32,766, PostgreSQL's 65,535). */
  readonly maxRows: number;
  /**
   * How a batch is cut: `'fill'` (default) into statements of `maxRows` and one of the rest;
   * `'powers'` into power-of-two statements, largest first (26 rows: 16, 8, 2), so that any batch
   * size is served by at most log2(maxRows) + 1 texts, each prepared once.
   */
  readonly cut?: 'fill' | 'powers';
}

export class MultiRowInsert {
  readonly columns: number;
  readonly maxRows: number;
  readonly #spec: MultiRowInsertSpec;
  readonly #texts: Record<Dialect, string[]> = { sqlite: [], postgres: [] };

  constructor(spec: MultiRowInsertSpec) {
    if (!Number.isSafeInteger(spec.columns) || spec.columns < 1) assertionFailed('a multi-row insert has columns');
    if (!Number.isSafeInteger(spec.maxRows) || spec.maxRows < 1 || spec.maxRows * spec.columns > 32_766)
      assertionFailed('a multi-row insert stays within the parameter limits');
    if (spec.cut === 'powers' && (spec.maxRows & (spec.maxRows - 1)) !== 0) assertionFailed('cut in powers of two: maxRows is one');
    this.#spec = spec;
    this.columns = spec.columns;
    this.maxRows = spec.maxRows;
  }

  /** The statement's text for `rows` rows in `dialect` (made once, then reused). */
  text(dialect: Dialect, rows: number): string {
    const texts = this.#texts[dialect];
    let sql = texts[rows];
    if (sql === undefined) {
      if (!Number.isSafeInteger(rows) || rows < 1 || rows > this.maxRows) assertionFailed(`${rows} rows in one insert`);
      const { head, tail, columns } = this.#spec;
      const values: string[] = [];
      for (let r = 0, n = 0; r < rows; r += 1) {
        const row: string[] = [];
        for (let c = 0; c < columns; c += 1) row.push(dialect === 'sqlite' ? '?' : `$${++n}`);
        values.push(`(${row.join(', ')})`);
      }
      sql = `${typeof head === 'string' ? head : head[dialect]} VALUES ${values.join(', ')}${tail ? ` ${tail}` : ''}`;
      texts[rows] = sql;
    }
    return sql;
  }

  /**
   * Queues `params` (`columns` per row, flat) on the unit as statements of this insert
   * (`Tx.write`: they cross to the database with the unit's next statement or its end; a refused
   * row fails the unit). Nothing is queued for no rows.
   */
  write(tx: Tx, params: readonly SqlValue[]): void {
    const { columns, maxRows } = this;
    if (params.length % columns !== 0) assertionFailed(`${columns} parameters per row`);
    let rows = params.length / columns;
    let at = 0;
    const powers = this.#spec.cut === 'powers';
    while (rows > 0) {
      const size = powers ? Math.min(maxRows, 2 ** (31 - Math.clz32(rows))) : Math.min(maxRows, rows);
      const end = at + size * columns;
      // `write` copies what it queues: a batch that is one statement goes as it is.
      tx.write(this.text(tx.dialect, size), at === 0 && end === params.length ? params : params.slice(at, end));
      at = end;
      rows -= size;
    }
  }
}
