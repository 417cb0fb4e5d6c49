import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { NEW_PLAYER_RATING } from '@fairground/rules';
import {
  type Candidate,
  chooseOpponent,
  createMemoryLinkedAccounts,
  DEFAULT_MATCHMAKING,
  matchmakingMigrations,
  Ratings,
  ratingWindow,
  refusal,
  type Seeker,
} from '../../src/matchmaking/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';

const NOW = Date.UTC(2026, 10, 1, 12);
const seeker = (over: Partial<Seeker> = {}): Seeker => ({
  playerId: 'p_me',
  rating: 1500,
  waitingSinceMs: NOW,
  linked: new Set(),
  recentOpponents: new Map(),
  ...over,
});
const cand = (id: string, playerId: string, rating: number, waitedMs = 0): Candidate => ({
  id,
  playerId,
  rating,
  waitingSinceMs: NOW - waitedMs,
});

describe('rating window', () => {
  it('starts at the base, widens with each second waited, and stops at the maximum', () => {
    assert.equal(ratingWindow(0), DEFAULT_MATCHMAKING.windowBase);
    assert.equal(ratingWindow(999), DEFAULT_MATCHMAKING.windowBase);
    assert.equal(ratingWindow(10_000), DEFAULT_MATCHMAKING.windowBase + 10 * DEFAULT_MATCHMAKING.windowGrowthPerSecond);
    assert.equal(ratingWindow(3_600_000), DEFAULT_MATCHMAKING.windowMax);
    let last = 0;
    for (let s = 0; s < 600; s += 7) {
      const w = ratingWindow(s * 1000);
      assert.ok(w >= last);
      last = w;
    }
  });

  it('pairs a distant opponent only after the waiting side’s window has widened to reach them', () => {
    const far = 1500 + 250;
    assert.equal(refusal(seeker(), cand('m1', 'p_far', far, 0), NOW), 'rating');
    assert.equal(chooseOpponent(seeker(), [cand('m1', 'p_far', far, 30_000)], NOW), null); // window 160
    const waited = cand('m1', 'p_far', far, 80_000); // window 260
    assert.equal(chooseOpponent(seeker(), [waited], NOW), waited);
    // The seeker's own wait counts too.
    assert.equal(chooseOpponent(seeker({ waitingSinceMs: NOW - 80_000 }), [cand('m2', 'p_far', far, 0)], NOW)?.id, 'm2');
  });
});

describe('choosing an opponent', () => {
  it('never pairs a player with themself, however long they waited', () => {
    const own = cand('m1', 'p_me', 1500, 3_600_000);
    assert.equal(refusal(seeker(), own, NOW), 'self');
    assert.equal(chooseOpponent(seeker(), [own], NOW), null);
  });

  it('never pairs accounts the risk domain links', async () => {
    const links = createMemoryLinkedAccounts();
    links.link('p_me', 'p_alt');
    const linked = await links.linkedTo('p_me');
    assert.deepEqual([...(await links.linkedTo('p_alt'))], ['p_me']);
    const alt = cand('m1', 'p_alt', 1500, 3_600_000);
    assert.equal(refusal(seeker({ linked }), alt, NOW), 'linked');
    const other = cand('m2', 'p_other', 1560);
    assert.equal(chooseOpponent(seeker({ linked }), [alt, other], NOW), other);
  });

  it('refuses a pair that met the rematch limit within the span', () => {
    const rival = cand('m1', 'p_rival', 1500);
    const recentOpponents = new Map([['p_rival', DEFAULT_MATCHMAKING.rematchMax]]);
    assert.equal(refusal(seeker({ recentOpponents }), rival, NOW), 'rematch');
    assert.equal(refusal(seeker({ recentOpponents: new Map([['p_rival', DEFAULT_MATCHMAKING.rematchMax - 1]]) }), rival, NOW), null);
  });

  it('prefers the closest rating, then the longest wait, then the id', () => {
    const a = cand('m_a', 'p_a', 1540, 1000);
    const b = cand('m_b', 'p_b', 1470, 1000);
    const c = cand('m_c', 'p_c', 1535, 50_000);
    assert.equal(chooseOpponent(seeker(), [a, b, c], NOW), b);
    const d = cand('m_d', 'p_d', 1470, 9000);
    assert.equal(chooseOpponent(seeker(), [a, b, c, d], NOW), d);
    const e = cand('m_0', 'p_e', 1470, 9000);
    assert.equal(chooseOpponent(seeker(), [a, b, c, d, e], NOW), e);
    assert.equal(chooseOpponent(seeker(), [], NOW), null);
  });
});

for (const backend of backends()) {
  describe(`ratings on ${backend.name}`, () => {
    let store: Store;
    const clock = new ManualClock(NOW);
    const ratings = new Ratings({ idlePeriodMs: 7 * 86_400_000 });
    before(async () => {
      store = await backend.open({ clock });
      await store.migrate(matchmakingMigrations);
    });
    after(() => store.close());

    it('starts new players at the Glicko-2 default and moves the winner up and the loser down', async () => {
      const start = await ratings.current(store.reader, 'match3', 'paid', ['p_a', 'p_b'], clock.nowMs());
      assert.equal(start.get('p_a')!.rating, NEW_PLAYER_RATING.rating);
      assert.equal(start.get('p_a')!.games, 0);
      const [a, b] = await store.unitOfWork((tx) => ratings.rateMatch(tx, 'match3', 'paid', 'p_a', 'p_b', 1));
      assert.ok(a.rating > 1500 && b.rating < 1500);
      assert.ok(a.deviation < 350 && b.deviation < 350);
      const read = await ratings.current(store.reader, 'match3', 'paid', ['p_a', 'p_b'], clock.nowMs());
      assert.deepEqual({ ...read.get('p_a')! }, { ...a });
      assert.equal((await ratings.current(store.reader, 'match3', 'practice', ['p_a'], clock.nowMs())).get('p_a')!.games, 0);
      const [a2, b2] = await store.unitOfWork((tx) => ratings.rateMatch(tx, 'match3', 'paid', 'p_a', 'p_b', 0.5));
      assert.ok(a2.rating < a.rating && b2.rating > b.rating);
      assert.equal(a2.games, 2);
    });

    it('grows the deviation of a player idle for whole periods', async () => {
      const before = (await ratings.current(store.reader, 'match3', 'paid', ['p_a'], clock.nowMs())).get('p_a')!;
      clock.advanceMs(15 * 86_400_000);
      const later = (await ratings.current(store.reader, 'match3', 'paid', ['p_a'], clock.nowMs())).get('p_a')!;
      assert.equal(later.rating, before.rating);
      assert.ok(later.deviation > before.deviation);
    });
  });
}
