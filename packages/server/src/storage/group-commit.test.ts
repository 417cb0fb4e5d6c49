// Group commit: units queued together share one transaction, except a unit that asks for its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TxParticipant } from './ports.ts';
import { backends } from '../adapters/testing.ts';

// A participant's state is created once per database transaction: units that see the same state
// object ran in the same transaction.
const marker: TxParticipant<{ readonly units: string[] }> = {
  name: 'marker',
  create: () => ({ units: [] }),
  snapshot: () => null,
  restore: () => {},
  flush: async () => {},
};

for (const backend of backends()) {
  describe(`group commit on ${backend.name}`, () => {
    it('runs a unit that asks for its own transaction alone, and groups its neighbours', async () => {
      const store = await backend.open();
      try {
        const seen = new Map<string, { readonly units: string[] }>();
        const unit = (name: string) => async (tx: Parameters<Parameters<typeof store.unitOfWork>[0]>[0]) => {
          const state = tx.participant(marker);
          state.units.push(name);
          seen.set(name, state);
        };
        await Promise.all([
          store.unitOfWork(unit('a')),
          store.unitOfWork(unit('b')),
          store.unitOfWork(unit('own'), { ownTransaction: true }),
          store.unitOfWork(unit('c')),
        ]);
        assert.equal(seen.get('a'), seen.get('b'), 'a and b shared a transaction');
        assert.deepEqual(seen.get('own')!.units, ['own'], 'the unit that asked ran alone');
        assert.notEqual(seen.get('c'), seen.get('own'));
      } finally {
        await store.close();
      }
    });
  });
}
