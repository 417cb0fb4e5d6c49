import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@fairground/core';
import {
  bytesToHex,
  CARD_NAMES,
  FairByteStream,
  FairErrors,
  fairDeck,
  fairDeckIndices,
  fisherYates,
  hexToBytes,
  serverSeedCommitment,
  uniformFromStream,
  utf8Bytes,
  verifyServerSeed,
} from '../index.ts';

// Research note §2.5: computed with Node's crypto and confirmed in Python.
const VECTOR = { serverSeed: utf8Bytes('server-seed-example'), clientSeed: 'client-seed-example', nonce: 1 };

describe('the §2.5 test vectors', () => {
  it('reproduces the commitment, the first HMAC block and the first floats', () => {
    assert.equal(serverSeedCommitment(VECTOR.serverSeed), '7889f43678e2b8d762fbe714991b44d8b1a2eb46968a6294d77e493bace30375');
    const stream = new FairByteStream(VECTOR.serverSeed, VECTOR.clientSeed, VECTOR.nonce);
    assert.equal(bytesToHex(stream.block(0)), 'd1a5db80615c18b1a856dab09546f20b03e2629fd73eaf94d6c032f880003158');
    assert.deepEqual(
      [stream.nextFloat(), stream.nextFloat(), stream.nextFloat()],
      [0.8189370334148407, 0.38031153031624854, 0.6575752906501293],
    );
  });

  it('reproduces the Stake-style draw without replacement', () => {
    const stream = new FairByteStream(VECTOR.serverSeed, VECTOR.clientSeed, VECTOR.nonce);
    const pool = Array.from({ length: 52 }, (_, i) => i);
    const drawn: number[] = [];
    for (let k = 0; k < 9; k++) drawn.push(pool.splice(Math.floor(stream.nextFloat() * pool.length), 1)[0]!);
    assert.deepEqual(drawn, [42, 19, 33, 29, 0, 44, 43, 24, 20]);
  });

  it('reproduces the unbiased Fisher–Yates prefix 39, 7, 41, 13, 0, 12, 50, 28, 5', () => {
    const deck = fairDeckIndices(VECTOR.serverSeed, VECTOR.clientSeed, VECTOR.nonce);
    assert.deepEqual(deck.slice(0, 9), [39, 7, 41, 13, 0, 12, 50, 28, 5]);
    assert.deepEqual(fairDeck(VECTOR.serverSeed, VECTOR.clientSeed, VECTOR.nonce).slice(0, 3), ['Jc', '3c', 'Qh']);
  });
});

describe('the shuffle', () => {
  const server = hexToBytes('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')!;
  const client = 'c0ffee';

  it('always yields a permutation of the 52 cards', () => {
    for (let hand = 0; hand < 500; hand++) {
      const deck = fairDeckIndices(server, client, hand);
      assert.deepEqual(
        [...deck].sort((a, b) => a - b),
        Array.from({ length: 52 }, (_, i) => i),
      );
    }
    assert.deepEqual([...fairDeck(server, client, 0)].sort(), [...CARD_NAMES].sort());
  });

  it('puts every card in every position equally often (chi-square over 20,800 deterministic hands)', () => {
    const hands = 52 * 400;
    const counts = new Uint32Array(52 * 52);
    for (let hand = 0; hand < hands; hand++) {
      const deck = fairDeckIndices(server, client, hand);
      for (let pos = 0; pos < 52; pos++) counts[deck[pos]! * 52 + pos]!++;
    }
    const expected = hands / 52;
    let chi = 0;
    for (const c of counts) chi += ((c - expected) * (c - expected)) / expected;
    // 51 × 51 = 2601 degrees of freedom (rows and columns both sum to the number of hands): mean
    // 2601, standard deviation √5202 ≈ 72. The seeds are fixed, so this value is fixed too; the
    // bounds are mean ± 5 standard deviations so that any real bias in the shuffle fails.
    assert.ok(chi > 2601 - 5 * 72 && chi < 2601 + 5 * 72, `chi-square ${chi.toFixed(1)}`);
  });

  it('changes the deck when any byte of the server seed, the client seed or the hand number changes', () => {
    const base = fairDeckIndices(server, client, 7).join(',');
    for (let i = 0; i < server.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const changed = new Uint8Array(server);
        changed[i]! ^= flip;
        assert.notEqual(fairDeckIndices(changed, client, 7).join(','), base, `server byte ${i} ^ ${flip}`);
      }
    }
    assert.notEqual(fairDeckIndices(server, 'c0ffef', 7).join(','), base);
    assert.notEqual(fairDeckIndices(server, 'C0ffee', 7).join(','), base);
    assert.notEqual(fairDeckIndices(server, client, 8).join(','), base);
  });

  it('rejects draws at or above the largest multiple of n below 2³²', () => {
    const values = [4294967295, 4294967248, 4294967247];
    const stream = { nextUint32: () => values.shift()! };
    // 2³² mod 52 = 48, so 4294967248 and above are rejected and 4294967247 mod 52 = 51 is taken.
    assert.equal(uniformFromStream(stream, 52), 51);
    assert.deepEqual(fisherYates([1], { nextUint32: () => assert.fail('a one-card deck draws nothing') }), [1]);
  });

  it('verifies a revealed server seed against its commitment, as bytes or as published hex', () => {
    const commitment = serverSeedCommitment(server);
    assert.ok(verifyServerSeed(server, commitment));
    assert.ok(verifyServerSeed(bytesToHex(server), commitment));
    assert.ok(!verifyServerSeed(bytesToHex(server).replace(/^9/, '8'), commitment));
    assert.ok(!verifyServerSeed('not hex', commitment));
  });

  it('refuses malformed seeds and hand numbers with stable codes', () => {
    assert.throws(
      () => fairDeck(new Uint8Array(0), client, 1),
      (e) => isAppError(e, FairErrors.FAIR_SEED_INVALID),
    );
    assert.throws(
      () => fairDeck(server, 'has:colon', 1),
      (e) => isAppError(e, FairErrors.FAIR_SEED_INVALID),
    );
    assert.throws(
      () => fairDeck(server, client, -1),
      (e) => isAppError(e, FairErrors.FAIR_HAND_NUMBER_INVALID),
    );
    assert.throws(
      () => fairDeck(server, client, 1.5),
      (e) => isAppError(e, FairErrors.FAIR_HAND_NUMBER_INVALID),
    );
  });
});
