// The hand-written canonical forms must give exactly the hashes the generic canonical JSON gives:
// stored idempotency records hold those hashes, and a different one would turn every replay of an
// old key into LEDGER_IDEMPOTENCY_CONFLICT.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { batchContentHash, type CanonicalTransfer, contentHash, transferContentHash } from './codec.ts';

const text = fc.string({ maxLength: 12 });
const transfer: fc.Arbitrary<CanonicalTransfer> = fc.record({
  debit: text,
  credit: text,
  asset: text,
  amount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  code: text,
  pending: fc.boolean(),
  timeoutAtMs: fc.option(fc.nat(), { nil: null }),
  metadata: fc.option(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 4 }),
    {
      nil: null,
    },
  ),
});

it('hashes a transfer exactly as the generic canonical JSON does', () => {
  fc.assert(fc.property(transfer, (t) => transferContentHash(t) === contentHash({ op: 'transfer', ...t })));
});

it('hashes a linked batch exactly as the generic canonical JSON does', () => {
  fc.assert(
    fc.property(
      fc.array(transfer, { minLength: 1, maxLength: 5 }),
      (ts) => batchContentHash(ts) === contentHash({ op: 'batch', transfers: ts }),
    ),
  );
});

it('tells different content apart', () => {
  const t: CanonicalTransfer = {
    debit: 'a',
    credit: 'b',
    asset: 'CNY',
    amount: 5,
    code: 'prize',
    pending: false,
    timeoutAtMs: null,
    metadata: null,
  };
  assert.notEqual(transferContentHash(t), transferContentHash({ ...t, amount: 6 }));
  assert.notEqual(transferContentHash(t), batchContentHash([t]));
});
