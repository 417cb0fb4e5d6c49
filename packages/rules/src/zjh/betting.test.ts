import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyHandAction,
  autoAction,
  CARD_NAMES,
  createHand,
  fairDeck,
  type HandAction,
  type HandState,
  legalActions,
  type NewHand,
  playerView,
  type RulesResult,
  splitPointsEvenly,
  type TableRulesInput,
  utf8Bytes,
} from '../index.ts';
import { splitEvenly, toFen } from '@fairground/core';

// A deck that deals `hands` (in acting order) and then the unused cards in index order.
function deckFor(hands: string[]): string[] {
  const held = hands.map((h) => h.split(' '));
  const n = held.length;
  const deck: string[] = new Array(52);
  held.forEach((cards, i) => {
    cards.forEach((card, k) => {
      deck[i + k * n] = card;
    });
  });
  const used = new Set(held.flat());
  const rest = CARD_NAMES.filter((c) => !used.has(c));
  for (let i = 0; i < 52; i++) if (deck[i] === undefined) deck[i] = rest.shift() as string;
  return deck;
}

function unwrap<T>(r: RulesResult<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${JSON.stringify(r.error.details)}`);
  return r.value;
}

function refused(r: RulesResult<HandState>, code: string): void {
  assert.equal(r.ok, false, `expected ${code}`);
  if (!r.ok) assert.equal(r.error.code, code);
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

// Applies actions in order; each must be accepted. The input states are frozen, so any mutation
// by the reducer throws.
function play(state: HandState, ...actions: HandAction[]): HandState {
  let s = state;
  for (const a of actions) s = unwrap(applyHandAction(deepFreeze(s), a));
  return s;
}

const AAA = 'As Ah Ad';
const KKK = 'Ks Kh Kd';
const SPECIAL = '2s 3d 5h';
const PAIR = '9s 9h 4c';
const HIGH = 'Jc 8d 6s';
const HIGH2 = 'Jd 8h 6c'; // Same ranks as HIGH: a tie without suit order.
const SF = 'Qc Kc Ac';

function hand(hands: string[], rules: Partial<TableRulesInput> = {}, extra: Partial<NewHand> = {}): HandState {
  const seats = hands.map((_, i) => i);
  return unwrap(
    createHand({
      rules: { baseScore: 1, ...rules },
      // Dealer is the last seat, so acting order is seat 0, 1, 2, …
      dealerSeat: seats.length - 1,
      players: seats.map((seat) => ({ seat })),
      deck: deckFor(hands),
      ...extra,
    }),
  );
}

describe('createHand', () => {
  it('antes the base score from every player and deals round-robin from the first seat after the dealer', () => {
    const deck = fairDeck(utf8Bytes('server-seed-example'), 'client-seed-example', 1);
    const s = unwrap(
      createHand({ rules: { baseScore: 5 }, dealerSeat: 2, players: [{ seat: 0 }, { seat: 2 }, { seat: 5 }], deck, handNumber: 1 }),
    );
    assert.deepEqual(
      s.players.map((p) => p.seat),
      [5, 0, 2],
    );
    s.players.forEach((p, i) => {
      assert.deepEqual(p.cards, [deck[i], deck[i + 3], deck[i + 6]]);
      assert.equal(p.contributedPoints, 5);
    });
    assert.equal(s.potPoints, 15);
    assert.equal(s.stakePoints, 5);
    assert.equal(s.turnSeat, 5);
    assert.equal(s.round, 1);
    assert.equal(s.rules.stakeCapPoints, 50, 'default cap is ten base scores');
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON data');
  });

  it('wraps to the lowest seat when the dealer holds the highest one, and accepts a dealer seat with no player', () => {
    const deck = deckFor([]);
    assert.equal(unwrap(createHand({ rules: { baseScore: 1 }, dealerSeat: 7, players: [{ seat: 3 }, { seat: 7 }], deck })).turnSeat, 3);
    assert.equal(unwrap(createHand({ rules: { baseScore: 1 }, dealerSeat: 4, players: [{ seat: 3 }, { seat: 7 }], deck })).turnSeat, 7);
  });

  it('refuses bad room parameters, players and decks with stable codes', () => {
    const deck = deckFor([]);
    const base: NewHand = { rules: { baseScore: 1 }, dealerSeat: 0, players: [{ seat: 0 }, { seat: 1 }], deck };
    refused(createHand({ ...base, rules: { baseScore: 0 } }), 'ZJH_RULES_INVALID');
    refused(createHand({ ...base, rules: { baseScore: 10, stakeCapPoints: 5 } }), 'ZJH_RULES_INVALID');
    refused(createHand({ ...base, rules: { baseScore: 1, raiseSteps: [3, 2] } }), 'ZJH_RULES_INVALID');
    refused(createHand({ ...base, rules: { baseScore: 1, compareFromRound: 101 } }), 'ZJH_RULES_INVALID');
    refused(createHand({ ...base, rules: { baseScore: 1, hand: { a23: 'nowhere' as 'lowest' } } }), 'ZJH_RULES_INVALID');
    refused(createHand({ ...base, players: [{ seat: 0 }] }), 'ZJH_HAND_CONFIG_INVALID');
    refused(createHand({ ...base, players: [{ seat: 0 }, { seat: 0 }] }), 'ZJH_HAND_CONFIG_INVALID');
    refused(createHand({ ...base, players: [{ seat: 0, stackPoints: 0 }, { seat: 1 }] }), 'ZJH_HAND_CONFIG_INVALID');
    refused(createHand({ ...base, deck: deck.slice(1) }), 'ZJH_DECK_INVALID');
    refused(createHand({ ...base, deck: [...deck.slice(1), deck[1] as string] }), 'ZJH_DECK_INVALID');
  });
});

describe('calls, raises and looks', () => {
  it('charges a blind player the stake and a seen player twice the stake for a call', () => {
    let s = hand([HIGH, PAIR, KKK]);
    s = play(s, { type: 'call', seat: 0 });
    assert.equal(s.players[0]?.contributedPoints, 2);
    assert.equal(s.turnSeat, 1);
    s = play(s, { type: 'look', seat: 1 });
    assert.equal(s.turnSeat, 1, 'looking is free and takes no turn');
    assert.equal(s.players[1]?.contributedPoints, 1);
    s = play(s, { type: 'call', seat: 1 });
    assert.equal(s.players[1]?.contributedPoints, 3);
    assert.equal(s.potPoints, 3 + 1 + 2);
    assert.deepEqual(s.lastEvent, { type: 'call', seat: 1, costPoints: 2 });
  });

  it('counts a round each time the turn passes the first seat again', () => {
    let s = hand([HIGH, PAIR, KKK]);
    s = play(s, { type: 'call', seat: 0 }, { type: 'call', seat: 1 });
    assert.equal(s.round, 1);
    s = play(s, { type: 'call', seat: 2 });
    assert.equal(s.round, 2);
    assert.equal(s.turnSeat, 0);
    s = play(s, { type: 'fold', seat: 0 }, { type: 'call', seat: 1 });
    assert.equal(s.round, 2);
    s = play(s, { type: 'call', seat: 2 });
    assert.equal(s.round, 3, 'the round wraps even when the first seat has folded');
    assert.equal(s.turnSeat, 1);
  });

  it('raises the unit stake within the cap; seen players pay twice the new stake', () => {
    let s = hand([HIGH, PAIR, KKK], { baseScore: 2, stakeCapPoints: 10 });
    s = play(s, { type: 'raise', seat: 0, toStakePoints: 4 });
    assert.equal(s.stakePoints, 4);
    assert.equal(s.players[0]?.contributedPoints, 2 + 4);
    s = play(s, { type: 'look', seat: 1 }, { type: 'raise', seat: 1, toStakePoints: 10 });
    assert.equal(s.players[1]?.contributedPoints, 2 + 20);
    refused(applyHandAction(s, { type: 'raise', seat: 2, toStakePoints: 10 }), 'ZJH_RAISE_NOT_ABOVE_STAKE');
    refused(applyHandAction(s, { type: 'raise', seat: 2, toStakePoints: 11 }), 'ZJH_RAISE_ABOVE_CAP');
    s = play(s, { type: 'call', seat: 2 });
    assert.equal(s.players[2]?.contributedPoints, 2 + 10);
  });

  it('allows only the room’s raise steps when it has them', () => {
    const s = hand([HIGH, PAIR], { baseScore: 2, stakeCapPoints: 10, raiseSteps: [5, 10] });
    refused(applyHandAction(s, { type: 'raise', seat: 0, toStakePoints: 4 }), 'ZJH_RAISE_NOT_ON_LADDER');
    assert.equal(play(s, { type: 'raise', seat: 0, toStakePoints: 5 }).stakePoints, 5);
    assert.deepEqual(legalActions(s, 0).raise, { minStakePoints: 5, maxStakePoints: 10, steps: [5, 10], costPerStakePoint: 1 });
  });

  it('refuses a second look, looks during the blind rounds (闷N轮) and out-of-turn looks when looking is in order', () => {
    const s = play(hand([HIGH, PAIR]), { type: 'look', seat: 1 });
    refused(applyHandAction(s, { type: 'look', seat: 1 }), 'ZJH_ALREADY_LOOKED');
    let blind = hand([HIGH, PAIR], { blindRounds: 2 });
    refused(applyHandAction(blind, { type: 'look', seat: 0 }), 'ZJH_MUST_STAY_BLIND');
    blind = play(blind, { type: 'call', seat: 0 }, { type: 'call', seat: 1 });
    refused(applyHandAction(blind, { type: 'look', seat: 0 }), 'ZJH_MUST_STAY_BLIND');
    blind = play(blind, { type: 'call', seat: 0 }, { type: 'call', seat: 1 });
    assert.equal(blind.round, 3);
    assert.equal(play(blind, { type: 'look', seat: 1 }).players[1]?.seen, true);
    const ordered = hand([HIGH, PAIR], { lookInTurnOnly: true });
    refused(applyHandAction(ordered, { type: 'look', seat: 1 }), 'ZJH_NOT_YOUR_TURN');
    assert.equal(play(ordered, { type: 'look', seat: 0 }).players[0]?.seen, true);
  });

  it('refuses actions out of turn, after folding, from seats not in the hand, malformed or stale', () => {
    const s = hand([HIGH, PAIR, KKK]);
    for (const a of [
      { type: 'call', seat: 1 },
      { type: 'raise', seat: 1, toStakePoints: 2 },
      { type: 'compare', seat: 1, targetSeat: 0 },
      { type: 'fold', seat: 1 },
      { type: 'all-in', seat: 1 },
    ] as HandAction[]) {
      refused(applyHandAction(s, a), 'ZJH_NOT_YOUR_TURN');
    }
    const folded = play(s, { type: 'fold', seat: 0 });
    for (const a of [
      { type: 'look', seat: 0 },
      { type: 'call', seat: 0 },
      { type: 'fold', seat: 0 },
    ] as HandAction[]) {
      refused(applyHandAction(folded, a), 'ZJH_PLAYER_FOLDED');
    }
    refused(applyHandAction(s, { type: 'call', seat: 9 }), 'ZJH_NOT_IN_HAND');
    refused(applyHandAction(s, { type: 'dance', seat: 0 } as unknown as HandAction), 'ZJH_ACTION_INVALID');
    refused(applyHandAction(s, { type: 'raise', seat: 0, toStakePoints: 2.5 }), 'ZJH_ACTION_INVALID');
    refused(applyHandAction(s, null as unknown as HandAction), 'ZJH_ACTION_INVALID');
    refused(applyHandAction(s, { type: 'call', seat: 0, step: 3 }), 'ZJH_STALE_ACTION');
    assert.equal(play(s, { type: 'call', seat: 0, step: 0 }).step, 1);
  });

  it('lets players fold out of turn only when the room allows it', () => {
    const s = hand([HIGH, PAIR, KKK], { foldOutOfTurn: true });
    const t = play(s, { type: 'fold', seat: 2 });
    assert.equal(t.turnSeat, 0, 'an out-of-turn fold does not move the turn');
    assert.equal(t.players[2]?.status, 'folded');
  });

  it('refuses a bet the player’s points cannot cover', () => {
    const s = hand([HIGH, PAIR], { allIn: 'off' }, { players: [{ seat: 0, stackPoints: 2 }, { seat: 1 }] });
    const t = play(s, { type: 'look', seat: 0 });
    refused(applyHandAction(t, { type: 'call', seat: 0 }), 'ZJH_INSUFFICIENT_POINTS');
    refused(applyHandAction(t, { type: 'all-in', seat: 0 }), 'ZJH_ALL_IN_NOT_ALLOWED');
    assert.deepEqual(autoAction(t, 0, 'call'), { type: 'fold', seat: 0, step: 1 });
  });
});

describe('comparisons (比牌)', () => {
  it('is refused before the room’s first comparison round and allowed from it', () => {
    let s = hand([KKK, PAIR, HIGH]);
    refused(applyHandAction(s, { type: 'compare', seat: 0, targetSeat: 1 }), 'ZJH_COMPARE_TOO_EARLY');
    s = play(s, { type: 'call', seat: 0 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    s = play(s, { type: 'compare', seat: 0, targetSeat: 2 });
    assert.equal(s.players[2]?.status, 'lost');
    assert.deepEqual(s.lastEvent, { type: 'compare', seat: 0, targetSeat: 2, costPoints: 1, loserSeat: 2 });
    assert.deepEqual(s.comparisons, [{ challengerSeat: 0, targetSeat: 2, loserSeat: 2 }]);
    assert.equal(s.turnSeat, 1);
  });

  it('costs a call, twice for a seen player, and twice again in double-compare rooms', () => {
    const rules = { compareFromRound: 1 };
    assert.equal(play(hand([KKK, PAIR], rules), { type: 'compare', seat: 0, targetSeat: 1 }).players[0]?.contributedPoints, 2);
    assert.equal(
      play(hand([KKK, PAIR], rules), { type: 'look', seat: 0 }, { type: 'compare', seat: 0, targetSeat: 1 }).players[0]?.contributedPoints,
      3,
    );
    assert.equal(
      play(
        hand([KKK, PAIR], { ...rules, compareCostMultiplier: 2 }),
        { type: 'look', seat: 0 },
        { type: 'compare', seat: 0, targetSeat: 1 },
      ).players[0]?.contributedPoints,
      5,
    );
  });

  it('makes the challenger lose a tie', () => {
    const s = play(hand([HIGH, HIGH2, PAIR], { compareFromRound: 1 }), { type: 'compare', seat: 0, targetSeat: 1 });
    assert.equal(s.players[0]?.status, 'lost');
    assert.equal(s.players[1]?.status, 'active');
  });

  it('lets the 2-3-5 beat a leopard in a comparison', () => {
    const s = play(hand([SPECIAL, AAA, PAIR], { compareFromRound: 1 }), { type: 'compare', seat: 0, targetSeat: 1 });
    assert.equal(s.players[1]?.status, 'lost');
  });

  it('refuses comparing with oneself, a seat not in the hand, a folded player or one already out', () => {
    let s = hand([KKK, PAIR, HIGH, HIGH2], { compareFromRound: 1 });
    refused(applyHandAction(s, { type: 'compare', seat: 0, targetSeat: 0 }), 'ZJH_COMPARE_SELF');
    refused(applyHandAction(s, { type: 'compare', seat: 0, targetSeat: 8 }), 'ZJH_COMPARE_TARGET_NOT_IN_HAND');
    s = play(s, { type: 'compare', seat: 0, targetSeat: 1 }, { type: 'fold', seat: 2 }, { type: 'call', seat: 3 });
    refused(applyHandAction(s, { type: 'compare', seat: 0, targetSeat: 2 }), 'ZJH_COMPARE_TARGET_FOLDED');
    refused(applyHandAction(s, { type: 'compare', seat: 0, targetSeat: 1 }), 'ZJH_COMPARE_TARGET_OUT');
    refused(applyHandAction(s, { type: 'call', seat: 1 }), 'ZJH_PLAYER_OUT');
  });

  it('allows two remaining players to compare in any round when the room says so', () => {
    const s = hand([KKK, PAIR], { compareHeadsUpAnyRound: true });
    const t = play(s, { type: 'compare', seat: 0, targetSeat: 1 });
    assert.equal(t.phase, 'over');
    refused(
      applyHandAction(hand([KKK, PAIR, HIGH], { compareHeadsUpAnyRound: true }), { type: 'compare', seat: 0, targetSeat: 1 }),
      'ZJH_COMPARE_TOO_EARLY',
    );
  });
});

describe('end of the hand and settlement', () => {
  it('gives the pot to the last player standing, without showing any cards', () => {
    let s = hand([HIGH, PAIR, KKK], { baseScore: 2 });
    s = play(s, { type: 'raise', seat: 0, toStakePoints: 3 }, { type: 'fold', seat: 1 }, { type: 'fold', seat: 2 });
    assert.equal(s.phase, 'over');
    assert.equal(s.turnSeat, null);
    assert.equal(s.result?.reason, 'last-standing');
    assert.deepEqual(s.result?.winnerSeats, [0]);
    assert.deepEqual(s.result?.deltas, [
      { seat: 0, points: 4 },
      { seat: 1, points: -2 },
      { seat: 2, points: -2 },
    ]);
    assert.equal(
      s.players.some((p) => p.shownToAll),
      false,
    );
    refused(applyHandAction(s, { type: 'call', seat: 0 }), 'ZJH_HAND_OVER');
  });

  it('compares everyone left at the round cap and shows their hands to all', () => {
    let s = hand([PAIR, KKK, HIGH], { roundsMax: 2 });
    for (let i = 0; i < 5; i++) s = play(s, { type: 'call', seat: s.turnSeat as number });
    assert.equal(s.phase, 'betting');
    s = play(s, { type: 'call', seat: 2 });
    assert.equal(s.phase, 'over');
    assert.equal(s.result?.reason, 'showdown');
    assert.deepEqual(s.result?.winnerSeats, [1]);
    assert.deepEqual(s.result?.showdownSeats, [0, 1, 2]);
    assert.ok(s.players.every((p) => p.shownToAll));
    assert.deepEqual(
      s.result?.deltas.map((d) => d.points),
      [-3, 6, -3],
    );
  });

  it('breaks the 235 cycle in a forced showdown by the stated procedure', () => {
    let s = hand([HIGH, SPECIAL, KKK], { roundsMax: 1 });
    s = play(s, { type: 'call', seat: 0 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    assert.deepEqual(s.result?.winnerSeats, [1]);
    let seq = hand([HIGH, SPECIAL, KKK], { roundsMax: 1, showdown: 'sequential' });
    seq = play(seq, { type: 'call', seat: 0 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    // HIGH beats the 2-3-5 (a high card), then loses to KKK.
    assert.deepEqual(seq.result?.winnerSeats, [2]);
  });

  it('splits the pot among tied best hands, the extra point to the first seat after the dealer', () => {
    let s = hand([HIGH, HIGH2, '2c 3c 7d'], { roundsMax: 1 });
    s = play(s, { type: 'call', seat: 0 }, { type: 'fold', seat: 1 });
    s = play(s, { type: 'call', seat: 2 });
    // Seat 1 folded, so seat 0 (HIGH) wins alone; now a real three-way tie:
    assert.deepEqual(s.result?.winnerSeats, [0]);
    let tie = hand([HIGH, '4c 7h 9d', HIGH2], { roundsMax: 1 });
    tie = play(tie, { type: 'call', seat: 0 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    assert.equal(tie.potPoints, 6);
    assert.deepEqual(tie.result?.winnerSeats, [0, 2]);
    assert.deepEqual(tie.result?.deltas, [
      { seat: 0, points: 1 },
      { seat: 1, points: -2 },
      { seat: 2, points: 1 },
    ]);
    let odd = hand([HIGH, HIGH2, '4c 7h 9d'], { roundsMax: 1 });
    odd = play(odd, { type: 'raise', seat: 0, toStakePoints: 2 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    assert.equal(odd.potPoints, 9);
    assert.deepEqual(
      odd.result?.movements.filter((m) => m.reason === 'pot'),
      [
        { seat: 0, points: 5, reason: 'pot' },
        { seat: 1, points: 4, reason: 'pot' },
      ],
    );
  });

  it('pays 喜牌 to a leopard or straight-flush holder who did not fold, from every other player', () => {
    let s = hand([KKK, SF, PAIR], { bonus: { leopardPoints: 10, straightFlushPoints: 5 } });
    s = play(s, { type: 'fold', seat: 0 }, { type: 'call', seat: 1 }, { type: 'fold', seat: 2 });
    assert.deepEqual(s.result?.winnerSeats, [1]);
    const bonus = s.result?.movements.filter((m) => m.reason === 'bonus');
    assert.deepEqual(bonus, [
      { seat: 0, points: -5, reason: 'bonus' },
      { seat: 1, points: 5, reason: 'bonus' },
      { seat: 2, points: -5, reason: 'bonus' },
      { seat: 1, points: 5, reason: 'bonus' },
    ]);
    assert.deepEqual(
      s.result?.deltas.map((d) => d.points),
      [-6, 12, -6],
    );
  });
});

describe('all-in (孤注一掷)', () => {
  const stacks = (points: number[]) => ({ players: points.map((p, seat) => ({ seat, stackPoints: p })) });

  it('is allowed only when the room allows it and the player cannot cover a call', () => {
    refused(applyHandAction(hand([KKK, PAIR]), { type: 'all-in', seat: 0 }), 'ZJH_ALL_IN_NOT_ALLOWED');
    refused(applyHandAction(hand([KKK, PAIR], {}, stacks([100, 100])), { type: 'all-in', seat: 0 }), 'ZJH_ALL_IN_NOT_ALLOWED');
    refused(applyHandAction(hand([KKK, PAIR], { allIn: 'off' }, stacks([2, 100])), { type: 'all-in', seat: 0 }), 'ZJH_ALL_IN_NOT_ALLOWED');
  });

  it('puts in everything and beats every other player in turn to win the pot', () => {
    let s = hand([KKK, PAIR, HIGH], { baseScore: 2 }, stacks([3, 100, 100]));
    s = play(s, { type: 'look', seat: 0 });
    assert.deepEqual(legalActions(s, 0).allIn, { costPoints: 1 });
    s = play(s, { type: 'all-in', seat: 0 });
    assert.deepEqual(s.lastEvent, { type: 'all-in', seat: 0, costPoints: 1, loserSeats: [1, 2] });
    assert.equal(s.result?.reason, 'last-standing');
    assert.deepEqual(s.result?.winnerSeats, [0]);
    assert.equal(s.players[0]?.stackPoints, 7);
  });

  it('stops at the first loss, and the hand goes on among the others', () => {
    let s = hand([PAIR, HIGH, KKK, HIGH2], { baseScore: 2 }, stacks([3, 100, 100, 100]));
    s = play(s, { type: 'look', seat: 0 }, { type: 'all-in', seat: 0 });
    assert.deepEqual(
      s.players.map((p) => p.status),
      ['lost', 'lost', 'active', 'active'],
    );
    assert.equal(s.phase, 'betting');
    assert.equal(s.turnSeat, 2);
  });
});

describe('playerView', () => {
  it('hides every hand until the rules reveal it, and never sends hand keys', () => {
    let s = hand([KKK, PAIR, HIGH], { compareFromRound: 1 });
    const before = playerView(s, 0);
    assert.ok(
      before.players.every((p) => p.cards === null && p.category === null),
      'even one’s own cards stay hidden until looked at',
    );
    assert.ok(!JSON.stringify(before).includes('handKey'));
    s = play(s, { type: 'look', seat: 0 });
    assert.deepEqual(playerView(s, 0).players[0]?.cards, KKK.split(' '));
    assert.equal(playerView(s, 0).players[0]?.category, 'leopard');
    assert.equal(playerView(s, 1).players[0]?.cards, null);
    s = play(s, { type: 'compare', seat: 0, targetSeat: 1 });
    assert.deepEqual(playerView(s, 0).players[1]?.cards, PAIR.split(' '), 'the challenger sees the compared hand');
    assert.deepEqual(playerView(s, 1).players[0]?.cards, KKK.split(' '), 'and the compared player sees the challenger’s');
    assert.equal(playerView(s, 2).players[0]?.cards, null, 'others see neither');
    assert.equal(playerView(s, 2).players[1]?.cards, null);
    assert.equal(playerView(s, null).players[0]?.cards, null, 'nor do spectators');
    s = play(s, { type: 'fold', seat: 2 });
    assert.equal(s.phase, 'over');
    assert.equal(playerView(s, 0).players[2]?.cards, null, 'folded hands are never shown to others');
    assert.deepEqual(playerView(s, 2).players[2]?.cards, HIGH.split(' '), 'but their owner sees them');
  });

  it('shows the showdown hands to everyone, spectators included', () => {
    let s = hand([PAIR, KKK, HIGH], { roundsMax: 1 });
    s = play(s, { type: 'fold', seat: 0 }, { type: 'call', seat: 1 }, { type: 'call', seat: 2 });
    const spectator = playerView(s, null);
    assert.equal(spectator.players[0]?.cards, null);
    assert.deepEqual(spectator.players[1]?.cards, KKK.split(' '));
    assert.deepEqual(spectator.players[2]?.cards, HIGH.split(' '));
  });
});

describe('autoAction (timeouts and 托管)', () => {
  it('folds on a timeout, calls under 托管, and does nothing out of turn', () => {
    const s = hand([HIGH, PAIR]);
    assert.deepEqual(autoAction(s, 0, 'fold'), { type: 'fold', seat: 0, step: 0 });
    assert.deepEqual(autoAction(s, 0, 'call'), { type: 'call', seat: 0, step: 0 });
    assert.equal(autoAction(s, 1, 'call'), null);
    const after = play(s, { type: 'look', seat: 0 });
    const auto = autoAction(s, 0, 'call') as HandAction;
    refused(applyHandAction(after, auto), 'ZJH_STALE_ACTION');
  });
});

describe('splitPointsEvenly', () => {
  it('follows the core rounding rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 12 }), (total, count) => {
        assert.deepEqual(splitPointsEvenly(total, count), splitEvenly(toFen(total), count).map(Number));
      }),
      { seed: 5, numRuns: 2_000 },
    );
  });
});

describe('random hands (fixed seed)', () => {
  // Plays random legal actions (as offered by legalActions, plus random illegal ones) and checks
  // the invariants after every step.
  const arbHand = fc.record({
    playerCount: fc.integer({ min: 2, max: 6 }),
    handNumber: fc.integer({ min: 0, max: 1_000_000 }),
    limited: fc.boolean(),
    rules: fc.record({
      baseScore: fc.integer({ min: 1, max: 5 }),
      roundsMax: fc.integer({ min: 1, max: 6 }),
      compareFromRound: fc.constant(1),
      compareCostMultiplier: fc.constantFrom(1 as const, 2 as const),
      compareHeadsUpAnyRound: fc.boolean(),
      blindRounds: fc.integer({ min: 0, max: 2 }),
      lookInTurnOnly: fc.boolean(),
      foldOutOfTurn: fc.boolean(),
      allIn: fc.constantFrom('off' as const, 'compare-all' as const),
      bonus: fc.record({ leopardPoints: fc.integer({ min: 0, max: 5 }), straightFlushPoints: fc.integer({ min: 0, max: 5 }) }),
      showdown: fc.constantFrom('best-hand' as const, 'sequential' as const),
    }),
    choices: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  });

  it('keeps the pot, the stacks and the settlement consistent, and never accepts what it should refuse', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbHand, ({ playerCount, handNumber, limited, rules, choices }) => {
        const seats = Array.from({ length: playerCount }, (_, i) => i * 2);
        const startStacks = seats.map((_, i) => (limited ? rules.baseScore * (3 + i * 4) : null));
        let s = unwrap(
          createHand({
            rules: { ...rules, stakeCapPoints: rules.baseScore * 4 },
            dealerSeat: 1,
            players: seats.map((seat, i) => ({ seat, stackPoints: startStacks[i] ?? null })),
            deck: fairDeck(utf8Bytes('random-hands'), 'c', handNumber),
            handNumber,
          }),
        );
        for (let i = 0; s.phase === 'betting'; i++) {
          assert.ok(i < choices.length, 'a hand ends within the round cap');
          const choice = choices[i] as number;
          const seat = choice % 3 === 0 ? (seats[choice % playerCount] as number) : (s.turnSeat as number);
          const legal = legalActions(s, seat);
          const options: HandAction[] = [];
          if (legal.look) options.push({ type: 'look', seat });
          if (legal.fold) options.push({ type: 'fold', seat });
          if (legal.call) options.push({ type: 'call', seat });
          if (legal.raise) options.push({ type: 'raise', seat, toStakePoints: legal.raise.maxStakePoints });
          if (legal.compare) for (const t of legal.compare.targetSeats) options.push({ type: 'compare', seat, targetSeat: t });
          if (legal.allIn) options.push({ type: 'all-in', seat });
          const illegal: HandAction[] = [
            { type: 'call', seat: seats.find((x) => x !== s.turnSeat) as number },
            { type: 'raise', seat, toStakePoints: s.rules.stakeCapPoints + 1 },
            { type: 'compare', seat, targetSeat: seat },
          ];
          for (const a of illegal) assert.equal(applyHandAction(s, a).ok, false, JSON.stringify(a));
          if (options.length === 0) {
            // Not this seat's move: the player in turn always has one.
            assert.notEqual(seat, s.turnSeat);
            continue;
          }
          const action = options[Math.floor(choice / 3) % options.length] as HandAction;
          const frozen = deepFreeze(s);
          const next = unwrap(applyHandAction(frozen, action));
          assert.equal(next.step, s.step + 1);
          s = next;
          checkInvariants(s);
          seen.add(s.lastEvent?.type ?? '');
        }
        const result = s.result;
        assert.ok(result);
        assert.equal(
          result.movements.reduce((t, m) => t + m.points, 0),
          0,
          'movements sum to zero',
        );
        assert.equal(
          result.deltas.reduce((t, d) => t + d.points, 0),
          0,
          'deltas sum to zero',
        );
        s.players.forEach((p, i) => {
          const delta = result.deltas[i];
          assert.equal(delta?.seat, p.seat);
          const start = startStacks[seats.indexOf(p.seat)];
          if (p.stackPoints !== null && start !== null && start !== undefined) assert.equal(p.stackPoints, start + (delta?.points ?? 0));
        });
        assert.ok(result.winnerSeats.length >= 1);
        for (const w of result.winnerSeats) assert.notEqual(s.players.find((p) => p.seat === w)?.status, 'folded');
        seen.add(result.reason);
        if (result.movements.some((m) => m.reason === 'bonus')) seen.add('bonus');
      }),
      { seed: 424242, numRuns: 400 },
    );
    // The sample must have exercised every kind of action and ending.
    for (const kind of ['look', 'fold', 'call', 'raise', 'compare', 'all-in', 'showdown', 'last-standing', 'bonus']) {
      assert.ok(seen.has(kind), `no ${kind} in the sample`);
    }
  });
});

function checkInvariants(s: HandState): void {
  assert.equal(
    s.potPoints,
    s.players.reduce((t, p) => t + p.contributedPoints, 0),
    'the pot is the sum of contributions',
  );
  for (const p of s.players) if (p.stackPoints !== null) assert.ok(p.stackPoints >= 0, 'no stack goes negative');
  if (s.phase === 'betting') {
    assert.ok(s.players.filter((p) => p.status === 'active').length >= 2);
    assert.equal(s.players.find((p) => p.seat === s.turnSeat)?.status, 'active');
    assert.ok(s.round <= s.rules.roundsMax);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON data');
  for (const viewer of [...s.players.map((p) => p.seat), null]) {
    const view = playerView(s, viewer);
    view.players.forEach((v, i) => {
      const p = s.players[i];
      assert.ok(p);
      const allowed = p.shownToAll || p.seat === viewer || (viewer !== null && p.visibleTo.includes(viewer));
      if (!allowed) assert.equal(v.cards, null);
    });
  }
}
