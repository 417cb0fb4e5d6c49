// Where the seats sit round the felt for each table size, and the finished hand's record as the table shows it.

/**
 * The table's seat slots as [left %, top %, anchor] of the felt, for each table size: the viewer's
 * own seat is always the first (bottom centre), the next seat to act is to its right, and so round.
 * A seat in the upper part hangs from its slot (anchor 'top'), one in the lower part stands on it
 * ('bottom'), so no seat pokes out of the felt or over the pot whatever its height.
 */
export type Slot = readonly [number, number, 'top' | 'bottom'];
export const SLOTS: Record<number, readonly Slot[]> = {
  2: [
    [50, 97, 'bottom'],
    [50, 4, 'top'],
  ],
  3: [
    [50, 97, 'bottom'],
    [78, 6, 'top'],
    [22, 6, 'top'],
  ],
  4: [
    [50, 97, 'bottom'],
    [83, 30, 'top'],
    [50, 3, 'top'],
    [17, 30, 'top'],
  ],
  5: [
    [50, 97, 'bottom'],
    [83, 70, 'bottom'],
    [74, 4, 'top'],
    [26, 4, 'top'],
    [17, 70, 'bottom'],
  ],
  6: [
    [50, 97, 'bottom'],
    [84, 72, 'bottom'],
    [84, 8, 'top'],
    [50, 3, 'top'],
    [16, 8, 'top'],
    [16, 72, 'bottom'],
  ],
};

/** A finished hand as the history API returns it (the fields the table shows). */
export interface HandRecordView {
  readonly handNumber: number;
  readonly players: readonly { readonly seat: number; readonly playerId: string; readonly cards: readonly string[] }[];
  readonly deltas: readonly { readonly seat: number; readonly playerId: string; readonly points: number }[];
  readonly actions: readonly { readonly type: string; readonly seat: number; readonly targetSeat?: number; readonly auto: boolean }[];
  readonly result: { readonly winnerSeats: readonly number[] } | null;
  readonly aborted: boolean;
}
