// Every sandbox fault against every flow, pairwise over the backends: this file runs the half of
// the (fault, flow) pairs assigned to SQLite; faults-b.test.ts runs the other half on PostgreSQL.
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '../../src/adapters/testing.ts';
import { CLIENT_TIMEOUT_MS, pairs, runScenario } from './scenarios.ts';
import { startWorld, type World } from './world.ts';

describe('payments under sandbox faults on sqlite', () => {
  let w: World;
  before(async () => {
    w = await startWorld(sqliteBackend, { timeoutMs: CLIENT_TIMEOUT_MS });
  });
  after(() => w.close());
  for (const { fault, flow } of pairs(0)) {
    it(`${flow} under ${fault}: exactly once, invariants hold, reconciliation clean`, () => runScenario(w, flow, fault));
  }
});
