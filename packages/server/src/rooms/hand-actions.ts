// A hand's actions in the order they were taken, as the room's state holds them. The state is
// replaced at every action and earlier states are never changed (a plan that fails to commit
// leaves the room as it was), so the list is appended by linking, not by copying: each new state
// holds one new link (its action and the list before it, shared), where a copied array made every
// action cost the whole hand's list again, all of it kept until the next action and so carried
// into the old generation. The list is read whole once per hand, when its record is written.
import type { HandActionRecord } from './state.ts';

export class HandActions {
  /** The list before the last action (null for the empty list). */
  readonly before: HandActions | null;
  readonly last: HandActionRecord | null;
  readonly length: number;

  private constructor(before: HandActions | null, last: HandActionRecord | null, length: number) {
    this.before = before;
    this.last = last;
    this.length = length;
  }

  static readonly EMPTY: HandActions = new HandActions(null, null, 0);

  /** A list of these actions (the hand's first list, or one read back in a test). */
  static of(records: readonly HandActionRecord[]): HandActions {
    let list = HandActions.EMPTY;
    for (const r of records) list = list.append(r);
    return list;
  }

  /** This list with `r` after its last action; this one is unchanged. */
  append(r: HandActionRecord): HandActions {
    return new HandActions(this, r, this.length + 1);
  }

  /** The actions in order, as a new array. */
  toArray(): HandActionRecord[] {
    const out = new Array<HandActionRecord>(this.length);
    let at: HandActions | null = this;
    for (let i = this.length - 1; i >= 0 && at !== null; i -= 1) {
      out[i] = at.last as HandActionRecord;
      at = at.before;
    }
    return out;
  }

  /** The action at `i` (negative: from the end), as `Array.prototype.at`. */
  at(i: number): HandActionRecord | undefined {
    const index = i < 0 ? this.length + i : i;
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    let at: HandActions | null = this;
    for (let k = this.length - 1; k > index && at !== null; k -= 1) at = at.before;
    return at?.last ?? undefined;
  }

  map<U>(f: (r: HandActionRecord, i: number) => U): U[] {
    return this.toArray().map(f);
  }

  some(f: (r: HandActionRecord) => boolean): boolean {
    for (let at: HandActions | null = this; at !== null && at.last !== null; at = at.before) if (f(at.last)) return true;
    return false;
  }

  filter(f: (r: HandActionRecord) => boolean): HandActionRecord[] {
    return this.toArray().filter(f);
  }

  [Symbol.iterator](): Iterator<HandActionRecord> {
    return this.toArray()[Symbol.iterator]();
  }

  /** As JSON, the array it stands for (what a serialised state always carried). */
  toJSON(): HandActionRecord[] {
    return this.toArray();
  }
}
