import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fairDeck, utf8Bytes } from '../index.ts';
import { legalActions, type LegalActions } from './auto.ts';
import { applyHandAction, callCostPoints, checkHandAction, compareCostPoints, createHand, isLegalAction } from './betting.ts';
import type { HandAction, HandState, PlayerState } from './hand-state.ts';

// The details each refusal carries, by code: what a player is told for an illegal command.
const DETAIL_KEYS: Record<string, readonly string[]> = {
  ZJH_ACTION_INVALID: ['reason'],
  ZJH_STALE_ACTION: ['step', 'currentStep'],
  ZJH_HAND_OVER: [],
  ZJH_NOT_IN_HAND: ['seat'],
  ZJH_PLAYER_FOLDED: ['seat'],
  ZJH_PLAYER_OUT: ['seat'],
  ZJH_NOT_YOUR_TURN: ['seat', 'turnSeat'],
  ZJH_ALREADY_LOOKED: ['seat'],
  ZJH_MUST_STAY_BLIND: ['round', 'blindRounds'],
  ZJH_RAISE_NOT_ABOVE_STAKE: ['toStakePoints', 'stakePoints'],
  ZJH_RAISE_ABOVE_CAP: ['toStakePoints', 'stakeCapPoints'],
  ZJH_RAISE_NOT_ON_LADDER: ['toStakePoints', 'raiseSteps'],
  ZJH_COMPARE_TOO_EARLY: ['round', 'compareFromRound'],
  ZJH_COMPARE_SELF: ['seat'],
  ZJH_COMPARE_TARGET_NOT_IN_HAND: ['targetSeat'],
  ZJH_COMPARE_TARGET_FOLDED: ['targetSeat'],
  ZJH_COMPARE_TARGET_OUT: ['targetSeat'],
  ZJH_INSUFFICIENT_POINTS: ['costPoints', 'stackPoints'],
  ZJH_ALL_IN_NOT_ALLOWED: ['allIn', 'stackPoints', 'callCostPoints'],
};

/** Every action worth asking about in `s`: each kind for each seat (and a seat not in the hand), stale and current steps, raises across the range, compares at every seat. */
function candidates(s: HandState, seats: readonly number[]): HandAction[] {
  const out: HandAction[] = [];
  for (const seat of [...seats, 63]) {
    for (const step of [undefined, s.step, s.step + 1]) {
      out.push({ type: 'look', seat, step }, { type: 'fold', seat, step }, { type: 'call', seat, step }, { type: 'all-in', seat, step });
      for (let to = 0; to <= s.rules.stakeCapPoints + 1; to++) out.push({ type: 'raise', seat, step, toStakePoints: to });
      for (const targetSeat of [...seats, 63]) out.push({ type: 'compare', seat, step, targetSeat });
    }
  }
  out.push({ type: 'shout', seat: 0 } as unknown as HandAction, null as unknown as HandAction);
  return out;
}

/** The legal-action list as the refusals a player would get for each option say it (what `legalActions` must answer). */
function legalByRefusals(s: HandState, seat: number): LegalActions {
  const none: LegalActions = { look: false, fold: false, call: null, raise: null, compare: null, allIn: null };
  const me = s.players.find((p) => p.seat === seat);
  if (me === undefined || s.phase === 'over' || me.status !== 'active') return none;
  const ok = (a: HandAction) => checkHandAction(s, a) === null;
  const factor: 1 | 2 = me.seen ? 2 : 1;
  let raise: LegalActions['raise'] = null;
  const steps = s.rules.raiseSteps;
  if (steps !== null) {
    const candidates = steps.filter((to) => ok({ type: 'raise', seat, toStakePoints: to }));
    if (candidates.length > 0)
      raise = {
        minStakePoints: candidates[0] as number,
        maxStakePoints: candidates[candidates.length - 1] as number,
        steps: candidates,
        costPerStakePoint: factor,
      };
  } else {
    const min = s.stakePoints + 1;
    const max = Math.min(s.rules.stakeCapPoints, me.stackPoints === null ? s.rules.stakeCapPoints : Math.floor(me.stackPoints / factor));
    if (ok({ type: 'raise', seat, toStakePoints: min }) && max >= min)
      raise = { minStakePoints: min, maxStakePoints: max, steps: null, costPerStakePoint: factor };
  }
  const targets = s.players
    .filter((p: PlayerState) => p.seat !== seat && ok({ type: 'compare', seat, targetSeat: p.seat }))
    .map((p) => p.seat);
  return {
    look: ok({ type: 'look', seat }),
    fold: ok({ type: 'fold', seat }),
    call: ok({ type: 'call', seat }) ? { costPoints: callCostPoints(s, me) } : null,
    raise,
    compare: targets.length > 0 ? { targetSeats: targets, costPoints: compareCostPoints(s, me) } : null,
    allIn: ok({ type: 'all-in', seat }) ? { costPoints: me.stackPoints ?? 0 } : null,
  };
}

describe('isLegalAction (the yes/no check the legal-action list asks)', () => {
  it('agrees with the refusal a player gets, over every action in random hands, and the refusal carries its details', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(
        fc.record({
          playerCount: fc.integer({ min: 2, max: 5 }),
          handNumber: fc.integer({ min: 0, max: 1_000_000 }),
          limited: fc.boolean(),
          baseScore: fc.integer({ min: 1, max: 3 }),
          compareFromRound: fc.integer({ min: 1, max: 3 }),
          compareHeadsUpAnyRound: fc.boolean(),
          blindRounds: fc.integer({ min: 0, max: 2 }),
          lookInTurnOnly: fc.boolean(),
          foldOutOfTurn: fc.boolean(),
          allIn: fc.constantFrom('off' as const, 'compare-all' as const),
          ladder: fc.boolean(),
          choices: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        }),
        (h) => {
          const seats = Array.from({ length: h.playerCount }, (_, i) => i * 2);
          const created = createHand({
            rules: {
              baseScore: h.baseScore,
              roundsMax: 4,
              stakeCapPoints: h.baseScore * 4,
              raiseSteps: h.ladder ? [h.baseScore * 2, h.baseScore * 4] : null,
              compareFromRound: h.compareFromRound,
              compareHeadsUpAnyRound: h.compareHeadsUpAnyRound,
              blindRounds: h.blindRounds,
              lookInTurnOnly: h.lookInTurnOnly,
              foldOutOfTurn: h.foldOutOfTurn,
              allIn: h.allIn,
            },
            dealerSeat: 1,
            players: seats.map((seat, i) => ({ seat, stackPoints: h.limited ? h.baseScore * (2 + i * 3) : null })),
            deck: fairDeck(utf8Bytes('legal-check'), 'c', h.handNumber),
            handNumber: h.handNumber,
          });
          assert.ok(created.ok);
          let s = created.value;
          for (const choice of h.choices) {
            const legal: HandAction[] = [];
            for (const a of candidates(s, seats)) {
              const refusal = checkHandAction(s, a);
              const applied = applyHandAction(s, a);
              assert.equal(isLegalAction(s, a), refusal === null, JSON.stringify(a));
              assert.equal(applied.ok, refusal === null, JSON.stringify(a));
              if (refusal === null) {
                legal.push(a);
                continue;
              }
              codes.add(refusal.code);
              assert.ok(!applied.ok && applied.error.code === refusal.code);
              assert.deepEqual(applied.error.details, refusal.details);
              assert.deepEqual(Object.keys(refusal.details as object), DETAIL_KEYS[refusal.code], refusal.code);
            }
            // The list each seat is offered is what the refusals say, byte for byte once sent.
            for (const seat of seats) {
              const offered = legalActions(s, seat);
              assert.deepEqual(offered, legalByRefusals(s, seat));
              assert.equal(JSON.stringify(offered), JSON.stringify(legalByRefusals(s, seat)));
            }
            // What a legal action does does not depend on the questions asked before it (the
            // rules keep one verdict for the module): asked after the first and after the last
            // legal action of the list, it gives the same hand.
            for (const a of legal) {
              isLegalAction(s, legal[0] as HandAction);
              const afterFirst = applyHandAction(s, a);
              isLegalAction(s, legal[legal.length - 1] as HandAction);
              const afterLast = applyHandAction(s, a);
              assert.deepEqual(afterFirst, afterLast, JSON.stringify(a));
            }
            if (s.phase === 'over' || legal.length === 0) break;
            const next = applyHandAction(s, legal[choice % legal.length] as HandAction);
            assert.ok(next.ok);
            s = next.value;
          }
        },
      ),
      { seed: 2424, numRuns: 60 },
    );
    // The sample must have met every refusal the betting rules give.
    for (const code of Object.keys(DETAIL_KEYS)) assert.ok(codes.has(code), `no ${code} in the sample`);
  });

  it('tells a player why, with the values that refused them', () => {
    const created = createHand({
      rules: { baseScore: 2, stakeCapPoints: 8, blindRounds: 1 },
      dealerSeat: 1,
      players: [
        { seat: 2, stackPoints: 5 },
        { seat: 4, stackPoints: 40 },
      ],
      deck: fairDeck(utf8Bytes('legal-check'), 'c', 1),
    });
    assert.ok(created.ok);
    const s = created.value;
    const details = (a: HandAction) => checkHandAction(s, a)?.details;
    assert.deepEqual(details({ type: 'call', seat: 4 }), { seat: 4, turnSeat: 2 });
    assert.deepEqual(details({ type: 'call', seat: 2, step: 7 }), { step: 7, currentStep: 0 });
    assert.deepEqual(details({ type: 'look', seat: 2 }), { round: 1, blindRounds: 1 });
    assert.deepEqual(details({ type: 'raise', seat: 2, toStakePoints: 9 }), { toStakePoints: 9, stakeCapPoints: 8 });
    assert.deepEqual(details({ type: 'raise', seat: 2, toStakePoints: 2 }), { toStakePoints: 2, stakePoints: 2 });
    assert.deepEqual(details({ type: 'raise', seat: 2, toStakePoints: 4 }), { costPoints: 4, stackPoints: 3 });
    assert.deepEqual(details({ type: 'compare', seat: 2, targetSeat: 9 }), { targetSeat: 9 });
    assert.deepEqual(details({ type: 'all-in', seat: 2 }), { allIn: 'compare-all', stackPoints: 3, callCostPoints: 2 });
    assert.equal(isLegalAction(s, { type: 'call', seat: 2 }), true);
    assert.equal(isLegalAction(s, { type: 'call', seat: 4 }), false);
  });
});
