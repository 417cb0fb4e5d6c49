// Group commit: units queued together share one transaction, except a unit that asks for its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@fairground/core';
import { QUEUED_STATEMENTS_MAX, StoreErrors } from './group-commit.ts';
import type { Migration, Store, TxParticipant } from './ports.ts';
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

// Queued statements (`Tx.write`): sent with the unit's next awaited call or with its end, and
// committed or rolled back exactly as awaited ones would be.
const QUEUE_TABLE: Migration = { id: 'test_queued_001', sql: 'CREATE TABLE queued_rows (id TEXT PRIMARY KEY, n INTEGER NOT NULL)' };
const INSERT = 'INSERT INTO queued_rows (id, n) VALUES (?, ?)';

async function ids(store: Store): Promise<string[]> {
  const rows = await store.reader.query<{ id: string }>('SELECT id FROM queued_rows ORDER BY id');
  return rows.map((r) => r.id);
}

/** What a failure looks like to a caller: its message and codes (the driver's or the catalogue's). */
function failure(e: unknown): Record<string, unknown> {
  const x = e as { message?: unknown; code?: unknown; errcode?: unknown };
  return { message: x.message, code: x.code, errcode: x.errcode };
}

for (const backend of backends()) {
  describe(`queued statements on ${backend.name}`, () => {
    async function open(): Promise<Store> {
      const store = await backend.open();
      await store.migrate([QUEUE_TABLE]);
      return store;
    }

    it('commits the statements of a unit that only queues, alone and in a group', async () => {
      const store = await open();
      try {
        await store.unitOfWork(async (tx) => {
          tx.write(INSERT, ['alone-1', 1]);
          tx.write(INSERT, ['alone-2', 2]);
        });
        await Promise.all(
          ['g1', 'g2', 'g3'].map((id) =>
            store.unitOfWork(async (tx) => {
              tx.write(INSERT, [`${id}-a`, 1]);
              tx.write(INSERT, [`${id}-b`, 2]);
            }),
          ),
        );
        assert.deepEqual(await ids(store), ['alone-1', 'alone-2', 'g1-a', 'g1-b', 'g2-a', 'g2-b', 'g3-a', 'g3-b']);
      } finally {
        await store.close();
      }
    });

    it('keeps the order between queued and awaited statements', async () => {
      const store = await open();
      try {
        const seen = await Promise.all(
          ['x', 'y'].map((id) =>
            store.unitOfWork(async (tx) => {
              tx.write(INSERT, [id, 1]);
              // Sees the queued row: it was sent ahead of this statement.
              const changed = await tx.run('UPDATE queued_rows SET n = n + 10 WHERE id = ?', [id]);
              tx.write('UPDATE queued_rows SET n = n * 2 WHERE id = ?', [id]);
              const rows = await tx.query<{ n: unknown }>('SELECT n FROM queued_rows WHERE id = ?', [id]);
              tx.write('UPDATE queued_rows SET n = n + 1 WHERE id = ?', [id]);
              return { changed, n: Number(rows[0]?.n) };
            }),
          ),
        );
        assert.deepEqual(seen, [
          { changed: 1, n: 22 },
          { changed: 1, n: 22 },
        ]);
        const rows = await store.reader.query<{ n: unknown }>('SELECT n FROM queued_rows ORDER BY id');
        assert.deepEqual(
          rows.map((r) => Number(r.n)),
          [23, 23],
        );
      } finally {
        await store.close();
      }
    });

    it('rolls back only the unit whose queued statement fails, and rejects it with that error', async () => {
      const store = await open();
      try {
        await store.unitOfWork(async (tx) => {
          tx.write(INSERT, ['taken', 0]);
        });
        // The error an awaited statement gives, for comparison.
        const awaited = await store
          .unitOfWork((tx) => tx.run(INSERT, ['taken', 1]))
          .then(
            () => assert.fail('a duplicate key commits'),
            (e: unknown) => e,
          );
        const outcomes = await Promise.allSettled([
          store.unitOfWork(async (tx) => {
            tx.write(INSERT, ['before', 1]);
          }),
          store.unitOfWork(async (tx) => {
            tx.write(INSERT, ['doomed-1', 1]);
            tx.write(INSERT, ['taken', 2]);
            tx.write(INSERT, ['doomed-2', 1]);
          }),
          store.unitOfWork(async (tx) => {
            tx.write(INSERT, ['after', 1]);
            await tx.run('UPDATE queued_rows SET n = n + 1 WHERE id = ?', ['after']);
          }),
        ]);
        assert.deepEqual(
          outcomes.map((o) => o.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        const rejected = outcomes[1] as PromiseRejectedResult;
        assert.deepEqual(failure(rejected.reason), failure(awaited));
        assert.ok(failure(awaited).code !== undefined, 'the error carries its code');
        assert.deepEqual(await ids(store), ['after', 'before', 'taken']);
      } finally {
        await store.close();
      }
    });

    it('fails a unit whose queued statement failed even if its body caught the rejection', async () => {
      const store = await open();
      try {
        await store.unitOfWork(async (tx) => {
          tx.write(INSERT, ['taken', 0]);
        });
        for (const neighbours of [0, 2]) {
          const units = [
            store.unitOfWork(async (tx) => {
              tx.write(INSERT, [`swallowed-${neighbours}`, 1]);
              tx.write(INSERT, ['taken', 1]);
              await tx.query('SELECT 1 AS one').catch(() => []);
              tx.write(INSERT, [`later-${neighbours}`, 1]);
            }),
            ...Array.from({ length: neighbours }, (_, i) =>
              store.unitOfWork(async (tx) => {
                tx.write(INSERT, [`neighbour-${i}`, 1]);
              }),
            ),
          ];
          const outcomes = await Promise.allSettled(units);
          assert.equal(outcomes[0]!.status, 'rejected', `alone: ${neighbours === 0}`);
          for (const o of outcomes.slice(1)) assert.equal(o.status, 'fulfilled');
        }
        assert.deepEqual(await ids(store), ['neighbour-0', 'neighbour-1', 'taken']);
      } finally {
        await store.close();
      }
    });

    it('leaves nothing of a unit that queues and then throws', async () => {
      const store = await open();
      try {
        for (const neighbours of [0, 1]) {
          const outcomes = await Promise.allSettled([
            store.unitOfWork(async (tx) => {
              tx.write(INSERT, [`sent-${neighbours}`, 1]);
              await tx.run('UPDATE queued_rows SET n = 5 WHERE id = ?', [`sent-${neighbours}`]);
              tx.write(INSERT, [`unsent-${neighbours}`, 1]);
              throw new AppError(StoreErrors.STORE_BUSY, { reason: 'the unit changed its mind' });
            }),
            ...Array.from({ length: neighbours }, () =>
              store.unitOfWork(async (tx) => {
                tx.write(INSERT, ['kept', 1]);
              }),
            ),
          ]);
          assert.equal(outcomes[0]!.status, 'rejected');
          assert.equal(((outcomes[0] as PromiseRejectedResult).reason as AppError).code, 'STORE_BUSY');
        }
        assert.deepEqual(await ids(store), ['kept']);
      } finally {
        await store.close();
      }
    });

    it('sends a unit that queues past the bound in several messages, and commits them all', async () => {
      const store = await open();
      try {
        const rows = QUEUED_STATEMENTS_MAX * 2 + 3;
        await store.unitOfWork(async (tx) => {
          for (let i = 0; i < rows; i++) tx.write(INSERT, [`r${String(i).padStart(5, '0')}`, i]);
        });
        assert.equal((await ids(store)).length, rows);
      } finally {
        await store.close();
      }
    });
  });
}
