import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showdownWinners } from '../index.ts';

const hands = (...xs: string[]): string[][] => xs.map((x) => x.split(' '));
const SPECIAL = '2s 3d 5h';
const KKK = 'Ks Kd Kh';
const AAA = 'As Ad Ah';
const AK9_HIGH = 'Ac Kc 9d'; // An ordinary hand: beats the 2-3-5, loses to any leopard.

describe('showdownWinners', () => {
  it('breaks the 235 > leopard > other > 235 cycle in favour of the 2-3-5, whatever the order', () => {
    assert.deepEqual(showdownWinners(hands(SPECIAL, KKK, AK9_HIGH)), [0]);
    assert.deepEqual(showdownWinners(hands(KKK, AK9_HIGH, SPECIAL)), [2]);
    assert.deepEqual(showdownWinners(hands(AK9_HIGH, SPECIAL, KKK)), [1]);
  });

  it('lets the best hand win when no leopard meets the 2-3-5', () => {
    assert.deepEqual(showdownWinners(hands(SPECIAL, AK9_HIGH, '9s 9d 2c')), [2]);
    assert.deepEqual(showdownWinners(hands(SPECIAL, KKK, AK9_HIGH), { special235: 'off' }), [1]);
  });

  it('with beats-aaa, cycles only through A-A-A', () => {
    // 235 beats AAA, KKK beats 235, AAA beats KKK: the stated procedure picks the 2-3-5.
    assert.deepEqual(showdownWinners(hands(KKK, AAA, SPECIAL), { special235: 'beats-aaa' }), [2]);
    // No A-A-A: the 2-3-5 is a plain high card and the leopard wins.
    assert.deepEqual(showdownWinners(hands(KKK, AK9_HIGH, SPECIAL), { special235: 'beats-aaa' }), [0]);
  });

  it('splits among equal best hands, and among equal 2-3-5s', () => {
    assert.deepEqual(showdownWinners(hands('As Kd 9c', 'Ah Ks 9d', '2s 3d 7h')), [0, 1]);
    assert.deepEqual(showdownWinners(hands('2h 3s 5d', KKK, SPECIAL)), [0, 2]);
    assert.deepEqual(showdownWinners(hands('As Kd 9c', 'Ah Ks 9d'), { suitOrder: 'spades-hearts-clubs-diamonds' }), [0]);
  });

  it('sequential: each earlier hand challenges the next and loses ties, so order decides cycles', () => {
    assert.deepEqual(showdownWinners(hands(AK9_HIGH, SPECIAL, KKK), undefined, 'sequential'), [2]);
    assert.deepEqual(showdownWinners(hands(KKK, AK9_HIGH, SPECIAL), undefined, 'sequential'), [2]);
    assert.deepEqual(showdownWinners(hands(SPECIAL, KKK, AK9_HIGH), undefined, 'sequential'), [2]);
    assert.deepEqual(showdownWinners(hands(KKK, SPECIAL, AK9_HIGH), undefined, 'sequential'), [2]);
    assert.deepEqual(showdownWinners(hands('As Kd 9c', 'Ah Ks 9d'), undefined, 'sequential'), [1]);
  });

  it('returns nothing for no hands and the only index for one', () => {
    assert.deepEqual(showdownWinners([]), []);
    assert.deepEqual(showdownWinners(hands(SPECIAL)), [0]);
  });
});
