import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isAppError } from '@fairground/core';
import {
  CARD_NAMES,
  cardIndex,
  categoryOfKey,
  compareHands,
  compareKeys,
  evaluateHand,
  HAND_CATEGORIES,
  handEvaluator,
  strengthOfKey,
  ZjhErrors,
} from '../index.ts';

const h = (s: string): string[] => s.split(' ');

function allHands(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let a = 0; a < 52; a++) for (let b = a + 1; b < 52; b++) for (let c = b + 1; c < 52; c++) out.push([a, b, c]);
  return out;
}
const ALL = allHands();

function categoryCounts(rules: Parameters<typeof handEvaluator>[0]): Record<string, number> {
  const ev = handEvaluator(rules);
  const counts: Record<string, number> = Object.fromEntries(HAND_CATEGORIES.map((c) => [c, 0]));
  for (const [a, b, c] of ALL) {
    const cat = categoryOfKey(ev.keyOf(a, b, c));
    counts[cat] = (counts[cat] ?? 0) + 1;
  }
  return counts;
}

describe('cards', () => {
  it('maps index 4 × rank + suit to the card, 0 = 2s and 51 = Ac', () => {
    assert.equal(CARD_NAMES.length, 52);
    assert.equal(CARD_NAMES[0], '2s');
    assert.equal(CARD_NAMES[1], '2h');
    assert.equal(CARD_NAMES[2], '2d');
    assert.equal(CARD_NAMES[3], '2c');
    assert.equal(CARD_NAMES[4], '3s');
    assert.equal(CARD_NAMES[51], 'Ac');
    CARD_NAMES.forEach((name, i) => {
      assert.equal(cardIndex(name), i);
    });
    for (const bad of ['', 'A', 'as', 'AS', '1s', 'Asx', 'Ax', '10s']) assert.equal(cardIndex(bad), -1, bad);
  });
});

describe('hand categories over all 22,100 hands', () => {
  it('counts 52 / 48 / 1,096 / 720 / 3,744 / 16,440 with the default rules', () => {
    assert.equal(ALL.length, 22_100);
    assert.deepEqual(categoryCounts(undefined), {
      leopard: 52,
      straight_flush: 48,
      flush: 1_096,
      straight: 720,
      pair: 3_744,
      high_card: 16_440,
    });
  });

  it('counts 52 / 44 / 1,100 / 660 / 3,744 / 16,500 when A-2-3 is not a straight', () => {
    assert.deepEqual(categoryCounts({ a23: 'not-straight' }), {
      leopard: 52,
      straight_flush: 44,
      flush: 1_100,
      straight: 660,
      pair: 3_744,
      high_card: 16_500,
    });
  });

  it('has 741 strength classes without suit tie-breaks and no two equal hands with the suit order', () => {
    const plain = handEvaluator({ special235: 'off' });
    assert.equal(new Set(ALL.map(([a, b, c]) => strengthOfKey(plain.keyOf(a, b, c)))).size, 741);
    // With the suit order, only hands of identical ranks in identical suits could tie, which one
    // deck cannot deal to two players: check that every tie is such a pair of rank-identical hands.
    const suited = handEvaluator({ special235: 'off', suitOrder: 'spades-hearts-clubs-diamonds' });
    const byStrength = new Map<number, number>();
    for (const [a, b, c] of ALL) {
      const s = strengthOfKey(suited.keyOf(a, b, c));
      byStrength.set(s, (byStrength.get(s) ?? 0) + 1);
    }
    assert.ok(byStrength.size > 741);
  });

  it('counts 60 special 2-3-5 hands by default and 24 with the three-suits reading', () => {
    const count = (rules: Parameters<typeof handEvaluator>[0]) => {
      const ev = handEvaluator(rules);
      return ALL.filter(([a, b, c]) => evaluateHand([CARD_NAMES[a], CARD_NAMES[b], CARD_NAMES[c]] as string[], ev.rules).special235).length;
    };
    assert.equal(count(undefined), 60);
    assert.equal(count({ special235Suits: 'three-suits' }), 24);
    assert.equal(count({ special235: 'off' }), 0);
  });
});

describe('default order', () => {
  const order = [
    'Ah Ad As', // leopard AAA
    '2h 2d 2s', // leopard 222
    'Qs Ks As', // straight flush QKA
    'As 2s 3s', // straight flush A23, the lowest
    'As Ks Js', // flush AKJ
    '2s 3s 5s', // flush 235: a flush, not special
    'Qs Kd Ah', // straight QKA
    '2s 3d 4h', // straight 234
    'Ah 2d 3s', // straight A23, the lowest
    'Ah As Kd', // pair AAK
    '2h 2d 3s', // pair 223
    'As Kd Jh', // high card AKJ
    '2s 3d 6h', // high card 236
    '2s 3d 5h', // the special 235, a plain high card against non-leopards
  ];
  it('ranks leopard > straight flush > flush > straight > pair > high card, each from best to worst', () => {
    for (let i = 0; i + 1 < order.length; i++) {
      assert.equal(compareHands(h(order[i] as string), h(order[i + 1] as string)), 1, `${order[i]} > ${order[i + 1]}`);
      assert.equal(compareHands(h(order[i + 1] as string), h(order[i] as string)), -1);
    }
  });
  it('says K-A-2 is not a straight', () => {
    assert.equal(evaluateHand(h('Ks Ad 2h')).category, 'high_card');
  });
  it('compares pairs by the pair, then the kicker; high cards card by card', () => {
    assert.equal(compareHands(h('Ks Kd 2h'), h('Qs Qd Ah')), 1);
    assert.equal(compareHands(h('Ks Kd 3h'), h('Kh Kc 2h')), 1);
    assert.equal(compareHands(h('As Qd 3h'), h('Ah Qc 2h')), 1);
    assert.equal(compareHands(h('As Kd 3h'), h('Ah Qc Jh')), 1);
  });
  it('ties hands of equal ranks whatever their suits', () => {
    assert.equal(compareHands(h('As Kd 9c'), h('Ah Ks 9d')), 0);
    assert.equal(compareHands(h('As Ad 5c'), h('Ah Ac 5d')), 0);
    assert.equal(compareHands(h('As Ks Js'), h('Ah Kh Jh')), 0);
  });
  it('lets the special 2-3-5 beat every leopard, AAA included, and lose to everything else', () => {
    assert.equal(compareHands(h('2s 3d 5h'), h('Ah Ad As')), 1);
    assert.equal(compareHands(h('2s 3d 5h'), h('2h 2d 2c')), 1);
    assert.equal(compareHands(h('Ah Ad As'), h('2s 3d 5h')), -1);
    assert.equal(compareHands(h('2s 3s 5h'), h('Ah Ad As')), 1, 'two of one suit still counts by default');
    assert.equal(compareHands(h('2s 3d 5h'), h('2h 3s 6d')), -1);
    assert.equal(compareHands(h('2s 3s 5s'), h('Ah Ad As')), -1, 'a flush 2-3-5 is a flush');
    assert.equal(evaluateHand(h('2s 3d 5h')).category, 'high_card');
    assert.equal(evaluateHand(h('2s 3d 5h')).special235, true);
  });
  it('rejects hands that are not three different cards', () => {
    for (const bad of [
      ['As', 'Kd'],
      ['As', 'As', 'Kd'],
      ['As', 'Kd', 'Xx'],
      ['As', 'Kd', 'Qh', 'Jc'],
    ]) {
      assert.throws(
        () => evaluateHand(bad),
        (e) => isAppError(e, ZjhErrors.ZJH_CARDS_INVALID),
      );
    }
  });
  it('rejects rule values that are not variants', () => {
    assert.throws(
      () => evaluateHand(h('As Kd Qh'), { a23: 'middle' as 'lowest' }),
      (e) => isAppError(e, ZjhErrors.ZJH_RULES_INVALID),
    );
  });
});

describe('variants', () => {
  it('a23: lowest, below Q-K-A, highest, or not a straight', () => {
    const a23 = h('Ah 2d 3s');
    assert.equal(compareHands(a23, h('2s 3d 4h'), { a23: 'lowest' }), -1);
    assert.equal(compareHands(a23, h('Js Qd Kh'), { a23: 'below-qka' }), 1);
    assert.equal(compareHands(a23, h('Qs Kd Ah'), { a23: 'below-qka' }), -1);
    assert.equal(compareHands(a23, h('Qs Kd Ah'), { a23: 'highest' }), 1);
    assert.equal(compareHands(h('As 2s 3s'), h('Qh Kh Ah'), { a23: 'highest' }), 1);
    assert.equal(evaluateHand(a23, { a23: 'not-straight' }).category, 'high_card');
    assert.equal(compareHands(a23, h('Ks Qd 9h'), { a23: 'not-straight' }), 1, 'an ace-high hand');
    assert.equal(evaluateHand(h('As 2s 3s'), { a23: 'not-straight' }).category, 'flush');
  });
  it('special235: off makes 2-3-5 the lowest hand; beats-aaa beats only A-A-A', () => {
    assert.equal(compareHands(h('2s 3d 5h'), h('2h 2d 2c'), { special235: 'off' }), -1);
    assert.equal(compareHands(h('2s 3d 5h'), h('2h 3s 6d'), { special235: 'off' }), -1);
    assert.equal(compareHands(h('2s 3d 5h'), h('Ah Ad As'), { special235: 'beats-aaa' }), 1);
    assert.equal(compareHands(h('2s 3d 5h'), h('Kh Kd Ks'), { special235: 'beats-aaa' }), -1);
  });
  it('special235Suits: three-suits needs three different suits', () => {
    assert.equal(compareHands(h('2s 3s 5h'), h('Ah Ad As'), { special235Suits: 'three-suits' }), -1);
    assert.equal(compareHands(h('2s 3d 5h'), h('Ah Ad As'), { special235Suits: 'three-suits' }), 1);
  });
  it('suitOrder ♠ > ♥ > ♣ > ♦ decides equal ranks by the deciding card', () => {
    const rules = { suitOrder: 'spades-hearts-clubs-diamonds' } as const;
    assert.equal(compareHands(h('As Kd 9c'), h('Ah Ks 9d'), rules), 1, 'ace of spades');
    assert.equal(compareHands(h('Ah Kd 9c'), h('Ac Ks 9d'), rules), 1, 'hearts over clubs');
    assert.equal(compareHands(h('Ac Kd 9c'), h('Ad Ks 9h'), rules), 1, 'clubs over diamonds');
    assert.equal(compareHands(h('As Ad 5c'), h('Ah Ac 5s'), rules), 1, 'the pair with the spade');
    assert.equal(compareHands(h('Ah Ad 5c'), h('As Ac 5s'), rules), -1);
    assert.equal(compareHands(h('Ah Kh Jh'), h('As Ks Js'), rules), -1, 'flushes of equal ranks by suit');
    assert.equal(compareHands(h('Ad 2s 3h'), h('As 2h 3c'), rules), 1, 'A-2-3 by its top card, the 3');
    assert.equal(compareHands(h('Kh Kd 2c'), h('Qs Qh As'), rules), 1, 'suits never override ranks');
  });
  it('straightAboveFlush ranks 顺子 over 金花', () => {
    assert.equal(compareHands(h('2s 3d 4h'), h('As Ks Js')), -1);
    assert.equal(compareHands(h('2s 3d 4h'), h('As Ks Js'), { straightAboveFlush: true }), 1);
    assert.equal(compareHands(h('Qs Ks As'), h('2s 3d 4h'), { straightAboveFlush: true }), 1, 'straight flush still on top');
    assert.equal(evaluateHand(h('2s 3d 4h'), { straightAboveFlush: true }).category, 'straight');
  });
});

describe('order properties', () => {
  const handArb = fc.integer({ min: 0, max: ALL.length - 1 });

  it('with special235 off, compareHands is a total preorder (random sample, fixed seed)', () => {
    for (const rules of [
      { special235: 'off' as const },
      { special235: 'off' as const, suitOrder: 'spades-hearts-clubs-diamonds' as const },
    ]) {
      const ev = handEvaluator(rules);
      const key = (i: number) => {
        const [a, b, c] = ALL[i] as [number, number, number];
        return ev.keyOf(a, b, c);
      };
      fc.assert(
        fc.property(handArb, handArb, handArb, (i, j, k) => {
          const [a, b, c] = [key(i), key(j), key(k)];
          assert.equal(compareKeys(a, a), 0);
          assert.equal(compareKeys(a, b), -compareKeys(b, a) || 0);
          if (compareKeys(a, b) >= 0 && compareKeys(b, c) >= 0) assert.ok(compareKeys(a, c) >= 0);
          if (compareKeys(a, b) === 0 && compareKeys(b, c) === 0) assert.equal(compareKeys(a, c), 0);
        }),
        { seed: 20240601, numRuns: 200_000 },
      );
    }
  });

  it('agrees with the string API on random pairs', () => {
    const ev = handEvaluator();
    fc.assert(
      fc.property(handArb, handArb, (i, j) => {
        const [a, b] = [ALL[i], ALL[j]] as [number[], number[]];
        const names = (x: number[]) => x.map((n) => CARD_NAMES[n] as string);
        assert.equal(compareHands(names(a), names(b)), compareKeys(ev.keyOf(a[0]!, a[1]!, a[2]!), ev.keyOf(b[0]!, b[1]!, b[2]!)));
      }),
      { seed: 7, numRuns: 20_000 },
    );
  });

  it('with special235 on, exactly the 2-3-5-versus-leopard pairs change', () => {
    for (const mode of ['beats-leopards', 'beats-aaa'] as const) {
      const on = handEvaluator({ special235: mode });
      const off = handEvaluator({ special235: 'off' });
      // Strength alone is identical for every hand, so only the flag bits can change a result.
      for (const [a, b, c] of ALL) assert.equal(strengthOfKey(on.keyOf(a, b, c)), strengthOfKey(off.keyOf(a, b, c)));
      // Every special hand against every hand, exhaustively.
      let changed = 0;
      for (const [a, b, c] of ALL) {
        const sOn = on.keyOf(a, b, c);
        if (!evaluateSpecial(sOn)) continue;
        const sOff = off.keyOf(a, b, c);
        for (const [x, y, z] of ALL) {
          const tOn = on.keyOf(x, y, z);
          const differs = compareKeys(sOn, tOn) !== compareKeys(sOff, off.keyOf(x, y, z));
          const leopard = categoryOfKey(tOn) === 'leopard';
          const victim = leopard && (mode === 'beats-leopards' || x >> 2 === 12);
          assert.equal(differs, victim, `${[a, b, c]} vs ${[x, y, z]}`);
          if (differs) {
            assert.equal(compareKeys(sOn, tOn), 1);
            assert.equal(compareKeys(tOn, sOn), -1);
            changed++;
          }
        }
      }
      assert.equal(changed, mode === 'beats-leopards' ? 60 * 52 : 60 * 4);
    }
  });
});

function evaluateSpecial(key: number): boolean {
  return (key & (1 << 20)) !== 0;
}
