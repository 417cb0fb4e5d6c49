// A hand's actions in the order they were taken, as the room's state holds them. The state is
// replaced at every action and earlier states are never changed (a plan that fails to commit
// leaves the room as it was), so the list is appended by linking, not by copying: each new state
// holds one new link (its action and the list before it, shared), where a copied array made every
// action cost the whole hand's list again, all of it kept until the next action and so carried
// into the old generation. The list is read whole (`toArray`) once per hand, when its record is written.
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

  /** As JSON, the array it stands for (what a serialised state always carried). */
  toJSON(): HandActionRecord[] {
    return this.toArray();
  }
}
