// Every seat (and a spectator) that applies each broadcast's patch to the hand it holds holds the
// hand a whole frame would give it now, through random hands — also when the rules hand back a new
// object for a player whose entry did not change, which is what a patch's "unchanged" answers are
// decided on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyHandAction,
  applyHandPatch,
  createHand,
  fairDeck,
  type HandPatchWire,
  type HandSectionWire,
  type HandState,
  utf8Bytes,
} from '@fairground/rules';
import fc from 'fast-check';
import { HandFrames } from './hand-frames.ts';
import type { RoomState } from './state.ts';
import { type OfferedAction, offeredActions } from './testing.ts';
import { handFrameText } from './views.ts';

function room(state: HandState): RoomState {
  return {
    hand: { handNumber: 1, state, players: state.players.map((p) => ({ seat: p.seat, playerId: `p${p.seat}` })) },
  } as unknown as RoomState;
}

/** What a client compares: the hand section without the fixed facts. */
function held(h: HandSectionWire): unknown {
  return { view: h.view, legal: h.legal, turnDeadlineMs: h.turnDeadlineMs };
}

describe('hand frames (patches made once per broadcast)', () => {
  it('bring every viewer to the whole view of each state of random hands, with unchanged players remade', () => {
    fc.assert(
      fc.property(
        fc.record({
          players: fc.integer({ min: 2, max: 5 }),
          handNumber: fc.integer({ min: 0, max: 100_000 }),
          choices: fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
          remake: fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        }),
        (h) => {
          const created = createHand({
            rules: { baseScore: 1, roundsMax: 3, stakeCapPoints: 4, compareFromRound: 2, blindRounds: 0, allIn: 'off' },
            dealerSeat: 0,
            players: Array.from({ length: h.players }, (_, i) => ({ seat: i * 2, stackPoints: null })),
            deck: fairDeck(utf8Bytes('hand-frames'), 'c', h.handNumber),
          });
          assert.ok(created.ok);
          let s = created.value;
          const viewers: (number | null)[] = [...s.players.map((p) => p.seat), null];
          const frames = new HandFrames();
          const holds = new Map<number | null, HandSectionWire>();
          for (let k = 0; k < h.choices.length; k += 1) {
            const head = { v: k + 1, serverNowMs: 1000 + k, turnDeadlineMs: 5000 + k, withInfo: false };
            const r = room(s);
            frames.begin(r, head);
            for (const seat of viewers) {
              const text = frames.frameFor(seat);
              const f = JSON.parse(text) as { t: string; hand?: HandSectionWire } & HandPatchWire;
              if (f.t === 'hand') holds.set(seat, f.hand as HandSectionWire);
              else {
                assert.equal(f.t, 'hand_patch');
                const before = holds.get(seat);
                assert.ok(before !== undefined, 'a patch follows a whole frame');
                holds.set(seat, applyHandPatch(before, f));
              }
              const whole = (JSON.parse(handFrameText(r, seat, head, new Map())) as { hand: HandSectionWire }).hand;
              assert.deepEqual(held(holds.get(seat) as HandSectionWire), held(whole), `viewer ${seat} after broadcast ${k}`);
            }
            frames.end();
            const options = offeredActions(s);
            if (s.phase === 'over' || options.length === 0) break;
            const next = applyHandAction(s, options[(h.choices[k] as number) % options.length] as OfferedAction);
            if (next.ok) s = next.value;
            // The rules may hand back a new object for a player that did not change: remake one, same content.
            const i = (h.remake[k] as number) % (s.players.length + 1);
            if (i < s.players.length) {
              const players = [...s.players];
              players[i] = { ...(players[i] as HandState['players'][number]) };
              s = { ...s, players };
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
