import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyHandAction, createHand, fairDeck, playerStateView, utf8Bytes } from '@fairground/rules';
import fc from 'fast-check';
import { type Member, type RoomState, seatedMembers } from './state.ts';
import { type OfferedAction, offeredActions } from './testing.ts';
import { compactPlayer, compactPlayerText } from './views.ts';

describe('compactPlayerText (a player as a patch carries it)', () => {
  it('is the text of the compact view, byte for byte, for every player and visibility of random hands', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.record({
          players: fc.integer({ min: 2, max: 5 }),
          limited: fc.boolean(),
          allIn: fc.constantFrom('off' as const, 'compare-all' as const),
          handNumber: fc.integer({ min: 0, max: 100_000 }),
          choices: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        }),
        (h) => {
          const created = createHand({
            rules: { baseScore: 1, roundsMax: 3, stakeCapPoints: 4, compareFromRound: 2, blindRounds: 0, allIn: h.allIn },
            dealerSeat: 0,
            players: Array.from({ length: h.players }, (_, i) => ({ seat: i * 2, stackPoints: h.limited ? 3 + i * 4 : null })),
            deck: fairDeck(utf8Bytes('views'), 'c', h.handNumber),
          });
          assert.ok(created.ok);
          let s = created.value;
          for (const choice of h.choices) {
            for (const p of s.players) {
              for (const visible of [true, false]) {
                const text = compactPlayerText(p, visible);
                assert.equal(text, JSON.stringify(compactPlayer(playerStateView(p, visible))));
                for (const k of Object.keys(JSON.parse(text))) seen.add(k);
              }
            }
            const options = offeredActions(s);
            if (s.phase === 'over' || options.length === 0) break;
            const next = applyHandAction(s, options[choice % options.length] as OfferedAction);
            if (next.ok) s = next.value;
          }
        },
      ),
      { seed: 2407, numRuns: 80 },
    );
    // The sample met every optional field: a player with a stack, all in, shown to all, seen by others, with a category.
    for (const k of ['stackPoints', 'allIn', 'shownToAll', 'visibleTo', 'category', 'cards'])
      assert.ok(seen.has(k), `no ${k} in the sample`);
  });
});

describe('seatedMembers', () => {
  it('lists the seated members in seat order whatever the order they joined in', () => {
    const member = (playerId: string, seat: number | null) => ({ playerId, seat }) as unknown as Member;
    const room = (members: Member[]) => ({ members }) as unknown as RoomState;
    const ids = (s: RoomState) => seatedMembers(s).map((m) => m.playerId);
    assert.deepEqual(ids(room([member('a', 0), member('x', null), member('b', 1), member('c', 4)])), ['a', 'b', 'c']);
    assert.deepEqual(ids(room([member('c', 4), member('a', 0), member('x', null), member('b', 1)])), ['a', 'b', 'c']);
    assert.deepEqual(ids(room([member('a', 0), member('c', 4), member('b', 1)])), ['a', 'b', 'c']);
    assert.deepEqual(ids(room([member('x', null)])), []);
  });
});
