// `accountAsset` checks transfers' account ids on the hot path without building their parts: it
// must accept and refuse exactly the ids `parseAccountId` does, with the same error, and give the
// same asset.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isAppError } from '@fairground/core';
import fc from 'fast-check';
import { accountAsset, parseAccountId } from './model.ts';

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    return { code: isAppError(e) ? e.code : 'other', details: isAppError(e) ? e.details : null };
  }
}

const ids = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('player', 'system', 'operator', 'room', 'match', 'tournament', 'players', ''),
      fc.string({ maxLength: 70 }),
      fc.constantFrom('CNY', 'ROOM_CARD', 'POINTS', 'BONUS', 'USD', 'cny', ''),
    )
    .map(([kind, owner, asset]) => `${kind}:${owner}:${asset}`),
  fc.stringMatching(/^(player|system):[A-Za-z0-9_:-]{0,66}:(CNY|POINTS)$/),
  fc.anything(),
);

it('accepts and refuses the account ids parseAccountId does, with the same asset and the same error', () => {
  fc.assert(
    fc.property(ids, (id) => {
      assert.deepEqual(
        outcome(() => accountAsset(id)),
        outcome(() => parseAccountId(id).asset),
      );
    }),
    { numRuns: 2000 },
  );
  assert.equal(accountAsset('player:p1:ROOM_CARD'), 'ROOM_CARD');
  assert.throws(
    () => accountAsset('player:p1:x:CNY'),
    (e) => isAppError(e) && e.code === 'LEDGER_ACCOUNT_INVALID',
  );
});
