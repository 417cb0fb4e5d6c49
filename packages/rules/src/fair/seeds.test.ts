import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAppError } from '@fairground/core';
import {
  type SeedCeremony,
  clientSeedCommitment,
  closeCommitments,
  combineClientSeeds,
  combineCommitments,
  commitClientSeed,
  FairErrors,
  lockSeedCeremony,
  openSeedCeremony,
  type RulesResult,
  revealClientSeed,
  serverSeedCommitment,
} from '../index.ts';

function unwrap<T>(r: RulesResult<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}`);
  return r.value;
}
function errorCode<T>(r: RulesResult<T>): string {
  assert.equal(r.ok, false);
  return r.ok ? '' : r.error.code;
}

describe('client seeds', () => {
  it('combines revealed seeds as SHA-256 of the seeds in seat order joined by ":"', () => {
    const combined = combineClientSeeds([
      { seat: 3, seed: 'charlie' },
      { seat: 0, seed: 'alice' },
    ]);
    assert.equal(combined, createHash('sha256').update('alice:charlie').digest('hex'));
    assert.equal(combineClientSeeds([]), createHash('sha256').update('').digest('hex'));
  });

  it('refuses duplicate seats and malformed seeds', () => {
    assert.throws(
      () =>
        combineClientSeeds([
          { seat: 1, seed: 'a' },
          { seat: 1, seed: 'b' },
        ]),
      (e) => isAppError(e, FairErrors.FAIR_SEED_INVALID),
    );
    assert.throws(
      () => combineClientSeeds([{ seat: 1, seed: 'a:b' }]),
      (e) => isAppError(e, FairErrors.FAIR_SEED_INVALID),
    );
  });
});

describe('the seed ceremony', () => {
  const serverCommitment = serverSeedCommitment(new Uint8Array(32).fill(7));

  it('commits, reveals, and locks the room client seed from the commitments: a reveal that never comes changes nothing', () => {
    let c: SeedCeremony = unwrap(openSeedCeremony(serverCommitment));
    c = unwrap(commitClientSeed(c, 2, clientSeedCommitment('bob')));
    c = unwrap(commitClientSeed(c, 0, clientSeedCommitment('alice')));
    c = unwrap(commitClientSeed(c, 5, clientSeedCommitment('mallory')));
    assert.equal(errorCode(revealClientSeed(c, 2, 'bob')), 'FAIR_CEREMONY_PHASE', 'no reveal before commitments close');
    c = unwrap(closeCommitments(c));
    assert.equal(errorCode(commitClientSeed(c, 7, clientSeedCommitment('late'))), 'FAIR_CEREMONY_PHASE', 'no late commitments');
    c = unwrap(revealClientSeed(c, 2, 'bob'));
    c = unwrap(revealClientSeed(c, 0, 'alice'));
    assert.equal(errorCode(revealClientSeed(c, 5, 'other')), 'FAIR_REVEAL_MISMATCH');
    assert.equal(errorCode(revealClientSeed(c, 0, 'alice')), 'FAIR_SEAT_ALREADY_REVEALED');
    assert.equal(errorCode(revealClientSeed(c, 4, 'x')), 'FAIR_SEAT_NOT_COMMITTED');
    // Mallory withholds her reveal (or whoever carries it drops it): the deal cannot depend on that.
    const withheld = unwrap(lockSeedCeremony(c));
    const revealedToo = unwrap(lockSeedCeremony(unwrap(revealClientSeed(c, 5, 'mallory'))));
    assert.equal(withheld.clientSeed, revealedToo.clientSeed, 'one deck whichever reveals arrive');
    c = withheld;
    assert.equal(c.phase, 'locked');
    assert.equal(
      c.clientSeed,
      combineCommitments([
        { seat: 5, commitment: clientSeedCommitment('mallory') },
        { seat: 0, commitment: clientSeedCommitment('alice') },
        { seat: 2, commitment: clientSeedCommitment('bob') },
      ]),
    );
    assert.equal(
      c.clientSeed,
      createHash('sha256')
        .update([clientSeedCommitment('alice'), clientSeedCommitment('bob'), clientSeedCommitment('mallory')].join(':'))
        .digest('hex'),
      'SHA-256 of the commitments in seat order joined by ":"',
    );
    assert.equal(errorCode(lockSeedCeremony(c)), 'FAIR_CEREMONY_PHASE');
    assert.equal(errorCode(revealClientSeed(c, 5, 'mallory')), 'FAIR_CEREMONY_PHASE', 'locked before the deal');
    assert.deepEqual(JSON.parse(JSON.stringify(c)), c, 'plain data');
  });

  it('locks straight away when nobody commits, and refuses bad input', () => {
    const c = unwrap(openSeedCeremony(serverCommitment));
    assert.equal(unwrap(lockSeedCeremony(c)).clientSeed, combineCommitments([]));
    assert.equal(combineCommitments([]), combineClientSeeds([]));
    assert.equal(errorCode(openSeedCeremony('abc')), 'FAIR_COMMITMENT_INVALID');
    assert.equal(errorCode(commitClientSeed(c, 1, 'xyz')), 'FAIR_COMMITMENT_INVALID');
    const once = unwrap(commitClientSeed(c, 1, clientSeedCommitment('a')));
    assert.equal(errorCode(commitClientSeed(once, 1, clientSeedCommitment('b'))), 'FAIR_SEAT_ALREADY_COMMITTED');
    assert.equal(errorCode(lockSeedCeremony(once)), 'FAIR_CEREMONY_PHASE', 'commitments must close first');
  });
});
