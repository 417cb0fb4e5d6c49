import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@fairground/core';
import { normalizeTableRules } from '@fairground/rules';
import { applyRuleChanges, DEFAULT_PARAMS, normalizeFee, normalizeParams, tableRulesOf } from './params.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'OK';
}

describe('room parameters', () => {
  it('defaults to the seed’s 3 seats, 8 hands, base 1, advanced rules off, owner pays with room cards', () => {
    assert.deepEqual(normalizeParams({}), DEFAULT_PARAMS);
    assert.equal(DEFAULT_PARAMS.seats, 3);
    assert.equal(DEFAULT_PARAMS.rounds, 8);
    assert.equal(DEFAULT_PARAMS.baseScore, 1);
    assert.equal(DEFAULT_PARAMS.trusteeship, 'off');
    assert.equal(DEFAULT_PARAMS.leopardMultiplier, 0);
    assert.deepEqual(normalizeFee(undefined), { mode: 'room_card', payer: 'owner' });
  });

  it('accepts every value in range and refuses each one outside with that parameter’s code', () => {
    for (let seats = 2; seats <= 6; seats++) assert.equal(normalizeParams({ mode: 'custom', seats }).seats, seats);
    for (let rounds = 8; rounds <= 16; rounds++) assert.equal(normalizeParams({ rounds }).rounds, rounds);
    for (let baseScore = 1; baseScore <= 10; baseScore++) assert.equal(normalizeParams({ baseScore }).baseScore, baseScore);
    const table: [Record<string, unknown>, string][] = [
      [{ mode: 'fast' }, 'ROOM_MODE_INVALID'],
      [{ mode: 'custom', seats: 1 }, 'ROOM_SEATS_INVALID'],
      [{ mode: 'custom', seats: 7 }, 'ROOM_SEATS_INVALID'],
      [{ mode: 'custom', seats: 3.5 }, 'ROOM_SEATS_INVALID'],
      [{ mode: 'custom', seats: '4' }, 'ROOM_SEATS_INVALID'],
      [{ seats: 4 }, 'ROOM_CLASSIC_SEATS_LOCKED'],
      [{ rounds: 7 }, 'ROOM_ROUNDS_INVALID'],
      [{ rounds: 17 }, 'ROOM_ROUNDS_INVALID'],
      [{ baseScore: 0 }, 'ROOM_BASE_SCORE_INVALID'],
      [{ baseScore: 11 }, 'ROOM_BASE_SCORE_INVALID'],
      [{ turnTimeS: 45 }, 'ROOM_TURN_TIME_INVALID'],
      [{ trusteeship: 'fold' }, 'ROOM_TRUSTEESHIP_INVALID'],
      [{ stakeCapMultiple: 21 }, 'ROOM_STAKE_CAP_INVALID'],
      [{ bettingRoundsMax: 31 }, 'ROOM_BETTING_ROUNDS_INVALID'],
      [{ compareFromRound: 4 }, 'ROOM_COMPARE_ROUND_INVALID'],
      [{ bettingRoundsMax: 2, compareFromRound: 3 }, 'ROOM_COMPARE_ROUND_INVALID'],
      [{ blindRounds: 4 }, 'ROOM_BLIND_ROUNDS_INVALID'],
      [{ bettingRoundsMax: 2, blindRounds: 2 }, 'ROOM_BLIND_ROUNDS_INVALID'],
      [{ mode: 'custom', leopardMultiplier: -1 }, 'ROOM_MULTIPLIER_INVALID'],
      [{ leopardMultiplier: 2 }, 'ROOM_MULTIPLIERS_CUSTOM_ONLY'],
      [{ voiceChat: 'on' }, 'ROOM_FLAG_INVALID'],
    ];
    for (const [input, code] of table)
      assert.equal(
        codeOf(() => normalizeParams(input)),
        code,
        JSON.stringify(input),
      );
    assert.equal(
      codeOf(() => normalizeFee({ mode: 'chips' })),
      'ROOM_FEE_MODE_INVALID',
    );
    assert.equal(
      codeOf(() => normalizeFee({ payer: 'loser' })),
      'ROOM_FEE_PAYER_INVALID',
    );
  });

  it('changes rules between hands but never mode, seats or rounds', () => {
    const p = normalizeParams({ mode: 'custom', seats: 5, rounds: 12 });
    const { params, changed } = applyRuleChanges(p, { baseScore: 4, leopardMultiplier: 3, rounds: 12 });
    assert.deepEqual(changed.sort(), ['baseScore', 'leopardMultiplier']);
    assert.equal(params.seats, 5);
    assert.equal(
      codeOf(() => applyRuleChanges(p, { seats: 4 })),
      'ROOM_RULE_LOCKED',
    );
    assert.equal(
      codeOf(() => applyRuleChanges(p, { mode: 'classic' })),
      'ROOM_RULE_LOCKED',
    );
    assert.equal(
      codeOf(() => applyRuleChanges(p, { rounds: 16 })),
      'ROOM_RULE_LOCKED',
    );
  });

  it('maps onto table rules the rules module accepts, caps and special hands included', () => {
    const p = normalizeParams({
      mode: 'custom',
      seats: 6,
      baseScore: 10,
      stakeCapMultiple: 20,
      bettingRoundsMax: 30,
      leopardMultiplier: 10,
      straightFlushMultiplier: 10,
    });
    const rules = normalizeTableRules(tableRulesOf(p));
    assert.notEqual(typeof rules, 'string');
    if (typeof rules === 'string') return;
    assert.equal(rules.stakeCapPoints, 200);
    assert.equal(rules.roundsMax, 30);
    assert.deepEqual(rules.bonus, { leopardPoints: 100, straightFlushPoints: 100 });
  });
});
