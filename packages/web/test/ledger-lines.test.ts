// The wallet history folded into lines a person can read: a hold and its settlement are one line
// with its state, the parts of one order are one line, and the balance after each line, worked
// back from today's balance, agrees with the lines.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { foldLines, type LedgerItem } from '../src/shared/ledger-lines.ts';

let seq = 100;
function item(p: Partial<LedgerItem> & Pick<LedgerItem, 'code' | 'direction' | 'amountFen'>): LedgerItem {
  seq -= 1;
  return { id: `t${seq}`, asset: 'CNY', kind: 'posted', pendingState: null, tag: null, group: null, createdAtMs: seq * 1000, ...p };
}

it('shows a withdrawal hold and its post as one paid line, a voided one as returned, an open one as held', () => {
  const items: LedgerItem[] = [
    item({ code: 'withdrawal', direction: 'out', amountFen: 300, kind: 'pending', pendingState: 'open', group: 'hold:w3' }),
    item({ code: 'withdrawal', direction: 'out', amountFen: 500, kind: 'void', group: 'hold:w2' }),
    item({ code: 'withdrawal', direction: 'out', amountFen: 1000, kind: 'post', group: 'hold:w1' }),
    item({ code: 'withdrawal', direction: 'out', amountFen: 500, kind: 'pending', pendingState: 'voided', group: 'hold:w2' }),
    item({ code: 'withdrawal', direction: 'out', amountFen: 1000, kind: 'pending', pendingState: 'posted', group: 'hold:w1' }),
    item({ code: 'deposit', direction: 'in', amountFen: 5000 }),
  ];
  const lines = foldLines(items, new Map([['CNY', 4000]]));
  assert.deepEqual(
    lines.map((l) => [l.code, l.state, l.shown.get('CNY'), l.effect.get('CNY') ?? 0, l.balanceAfter]),
    [
      ['withdrawal', 'held', -300, 0, 4000],
      ['withdrawal', 'returned', -500, 0, 4000],
      ['withdrawal', 'paid', -1000, -1000, 4000],
      ['deposit', null, 5000, 5000, 5000],
    ],
  );
});

it('shows a room fee with its commission as one line, and a card purchase as one line of cash and cards', () => {
  const items: LedgerItem[] = [
    item({ code: 'refund', direction: 'in', amountFen: 270 }),
    item({ code: 'room_fee', direction: 'out', amountFen: 270, group: 'order:ro1' }),
    item({ code: 'commission', direction: 'out', amountFen: 30, group: 'order:ro1' }),
    item({ code: 'room_card_purchase', direction: 'out', amountFen: 500, group: 'order:rc1' }),
    item({ code: 'room_card_purchase', direction: 'in', asset: 'ROOM_CARD', amountFen: 5, group: 'order:rc1' }),
  ];
  const lines = foldLines(
    items,
    new Map([
      ['CNY', 470],
      ['ROOM_CARD', 5],
    ]),
  );
  assert.equal(lines.length, 3);
  const [refund, fee, cards] = lines as [(typeof lines)[0], (typeof lines)[0], (typeof lines)[0]];
  assert.equal(refund.code, 'refund');
  assert.equal(fee.code, 'room_fee');
  assert.equal(fee.shown.get('CNY'), -300);
  assert.equal(fee.commissionFen, 30);
  assert.equal(cards.code, 'room_card_purchase');
  assert.deepEqual(
    [...cards.shown],
    [
      ['CNY', -500],
      ['ROOM_CARD', 5],
    ],
  );
  // 470 now; before the refund 200; before the fee 500; before the purchase 1000.
  assert.deepEqual(
    lines.map((l) => l.balanceAfter),
    [470, 200, 500],
  );
  for (let i = 0; i + 1 < lines.length; i++) {
    const l = lines[i] as (typeof lines)[0];
    const older = lines[i + 1] as (typeof lines)[0];
    assert.equal((older.balanceAfter as number) + (l.effect.get('CNY') ?? 0), l.balanceAfter, 'each line moves the balance by its amount');
  }
});

it('shows a room fee held with its commission and returned when the room never started as one returned line, counted once', () => {
  // Newest first: the two voids, then the two holds (the fee and the commission, one order).
  const items: LedgerItem[] = [
    item({ code: 'commission', direction: 'out', amountFen: 120, kind: 'void', group: 'order:rf9' }),
    item({ code: 'room_fee', direction: 'out', amountFen: 420, kind: 'void', group: 'order:rf9' }),
    item({ code: 'commission', direction: 'out', amountFen: 120, kind: 'pending', pendingState: 'voided', group: 'order:rf9' }),
    item({ code: 'room_fee', direction: 'out', amountFen: 420, kind: 'pending', pendingState: 'voided', group: 'order:rf9' }),
    item({ code: 'adjustment', direction: 'in', amountFen: 10_000 }),
  ];
  const lines = foldLines(items, new Map([['CNY', 10_000]]));
  assert.equal(lines.length, 2);
  const fee = lines[0]!;
  assert.deepEqual(
    [fee.code, fee.state, fee.shown.get('CNY'), fee.effect.get('CNY') ?? 0, fee.commissionFen, fee.balanceAfter],
    ['room_fee', 'returned', -540, 0, 120, 10_000],
  );
  // The same order still held: the whole fee, held.
  const heldLines = foldLines(items.slice(2), new Map([['CNY', 10_000]]));
  assert.deepEqual([heldLines[0]!.state, heldLines[0]!.shown.get('CNY'), heldLines[0]!.commissionFen], ['returned', -540, 120]);
  // Only the voids on this page (the holds on an older one): still the whole fee, once.
  const voidsOnly = foldLines(items.slice(0, 2), new Map([['CNY', 10_000]]));
  assert.deepEqual([voidsOnly[0]!.shown.get('CNY'), voidsOnly[0]!.commissionFen], [-540, 120]);
});
