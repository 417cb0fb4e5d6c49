// The ledger contract, run on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { backends } from '../adapters/testing.ts';
import { chainHash, rowToResult, shardOf, type TransferRow } from './codec.ts';
import { Ledger, playerAccount, systemAccount, type TransferInput, TransferFlags } from './index.ts';

const clearing = systemAccount('provider_clearing', 'CNY');
const revenue = systemAccount('revenue', 'CNY');
const inFlight = systemAccount('withdrawals_in_flight', 'CNY');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'OK';
}

async function counts(store: Store): Promise<string> {
  const t = await store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM ledger_transfers');
  const r = await store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM ledger_requests');
  const a = await store.reader.query<Record<string, unknown>>(
    'SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts ORDER BY id',
  );
  return JSON.stringify([String(t[0]?.n), String(r[0]?.n), a.map((x) => Object.values(x).map(String))]);
}

// One chain shard (the default) and four: the contract is the same whatever the shard count.
for (const backend of backends())
  for (const chainShards of [1, 4]) {
    describe(`ledger on ${backend.name} with ${chainShards} chain shard(s)`, () => {
      let store: Store;
      let ledger: Ledger;
      const clock = new ManualClock(Date.UTC(2026, 10, 1));
      let n = 0;
      const player = () => {
        n += 1;
        return `p${n}`;
      };

      before(async () => {
        store = await backend.open({ clock });
        await store.migrate(Ledger.migrations);
        ledger = new Ledger(store, { clock, transferAmountMax: 10_000_000, chainShards });
        await ledger.openSystemAccounts();
      });
      after(async () => {
        const report = await ledger.checkInvariants();
        assert.deepEqual(report.problems, []);
        await store.close();
      });

      async function openPlayer(id: string): Promise<void> {
        await store.unitOfWork(async (tx) => {
          await ledger.openAccount(tx, playerAccount(id, 'CNY'));
        });
      }
      async function deposit(id: string, amount: number, key = `dep-${id}-${amount}-${n}`): Promise<void> {
        await ledger.submit({
          scope: 'payments',
          key,
          debit: clearing,
          credit: playerAccount(id, 'CNY'),
          asset: 'CNY',
          amount,
          code: 'deposit',
        });
      }
      async function available(id: string): Promise<number> {
        return (await ledger.balance(playerAccount(id, 'CNY')))!.availableFen;
      }

      it('credits a deposit and keeps every asset summing to zero', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 5000);
        assert.equal(await available(p), 5000);
        const clear = await ledger.balance(clearing);
        assert.ok(clear && clear.postedFen <= -5000);
        const report = await ledger.checkInvariants();
        assert.deepEqual(report.problems, []);
      });

      it('refuses an overdraft and changes nothing', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 100);
        const before = await counts(store);
        const code = await codeOf(
          ledger.submit({
            scope: 'test',
            key: `over-${p}`,
            debit: playerAccount(p, 'CNY'),
            credit: revenue,
            asset: 'CNY',
            amount: 101,
            code: 'room_fee',
          }),
        );
        assert.equal(code, 'LEDGER_INSUFFICIENT_FUNDS');
        assert.equal(await counts(store), before);
        assert.equal(await available(p), 100);
      });

      it('replays the same key and content without moving money twice', async () => {
        const p = player();
        await openPlayer(p);
        const t: TransferInput = {
          scope: 'payments',
          key: `tx-${p}`,
          debit: clearing,
          credit: playerAccount(p, 'CNY'),
          asset: 'CNY',
          amount: 700,
          code: 'deposit',
        };
        const first = await ledger.submit(t);
        const second = await ledger.submit(t);
        assert.equal(first.replayed, false);
        assert.equal(second.replayed, true);
        assert.deepEqual(second.transfers, first.transfers);
        assert.equal(await available(p), 700);
        assert.equal(await codeOf(ledger.submit({ ...t, amount: 701 })), 'LEDGER_IDEMPOTENCY_CONFLICT');
        assert.equal(await available(p), 700);
        // The same key in another scope is another request.
        await ledger.submit({ ...t, scope: 'other' });
        assert.equal(await available(p), 1400);
      });

      it('rejects every malformed input with a stable code and no change', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 1000);
        const base = {
          scope: 'test',
          key: `bad-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: revenue,
          asset: 'CNY',
          code: 'room_fee',
        } as const;
        const before = await counts(store);
        const cases: [unknown, string][] = [
          [{ ...base, amount: '100' }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 1.5 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: -0 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: Number.NaN }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: -1 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 0 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 10_000_001 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 2 ** 53 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 2 ** 53 + 2 }, 'LEDGER_AMOUNT_INVALID'],
          [{ ...base, amount: 10, asset: 'USD' }, 'LEDGER_ASSET_UNKNOWN'],
          [{ ...base, amount: 10, asset: 'POINTS' }, 'LEDGER_ASSET_MISMATCH'],
          [{ ...base, amount: 10, credit: 'player:nobody:CNY' }, 'LEDGER_ACCOUNT_UNKNOWN'],
          [{ ...base, amount: 10, credit: 'bank:x:CNY' }, 'LEDGER_ACCOUNT_INVALID'],
          [{ ...base, amount: 10, credit: base.debit }, 'LEDGER_ACCOUNTS_SAME'],
          [{ ...base, amount: 10, code: 'gift' }, 'LEDGER_CODE_UNKNOWN'],
          [{ ...base, amount: 10, key: '' }, 'LEDGER_KEY_INVALID'],
          [{ ...base, amount: 10, key: undefined }, 'LEDGER_KEY_INVALID'],
          [{ ...base, amount: 10, key: 'k'.repeat(129) }, 'LEDGER_KEY_INVALID'],
          [{ ...base, amount: 10, scope: 'has space' }, 'LEDGER_KEY_INVALID'],
          [{ ...base, amount: 10, metadata: { nested: { a: 1 } } }, 'LEDGER_METADATA_INVALID'],
          [{ ...base, amount: 10, pending: { timeoutAtMs: clock.nowMs() - 1 } }, 'LEDGER_TIMEOUT_INVALID'],
        ];
        for (const [input, expected] of cases) {
          assert.equal(await codeOf(ledger.submit(input as TransferInput)), expected, JSON.stringify(input));
        }
        assert.equal(await counts(store), before);
      });

      it('applies a linked batch entirely or not at all', async () => {
        const a = player();
        const b = player();
        await openPlayer(a);
        await openPlayer(b);
        await deposit(a, 300);
        const before = await counts(store);
        const code = await codeOf(
          ledger.submitBatch({
            scope: 'match',
            key: `m-${a}`,
            transfers: [
              { debit: playerAccount(a, 'CNY'), credit: revenue, asset: 'CNY', amount: 200, code: 'entry_fee' },
              { debit: playerAccount(b, 'CNY'), credit: revenue, asset: 'CNY', amount: 200, code: 'entry_fee' },
            ],
          }),
        );
        assert.equal(code, 'LEDGER_INSUFFICIENT_FUNDS');
        assert.equal(await counts(store), before);
        await deposit(b, 200);
        const ok = await ledger.submitBatch({
          scope: 'match',
          key: `m-${a}`,
          transfers: [
            { debit: playerAccount(a, 'CNY'), credit: revenue, asset: 'CNY', amount: 200, code: 'entry_fee' },
            { debit: playerAccount(b, 'CNY'), credit: revenue, asset: 'CNY', amount: 200, code: 'entry_fee' },
          ],
        });
        assert.equal(ok.transfers.length, 2);
        assert.equal(await available(a), 100);
        assert.equal(await available(b), 0);
      });

      it('holds funds with a pending transfer, then posts part and releases the rest', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 1000);
        const hold = await ledger.submit({
          scope: 'withdrawals',
          key: `w-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: inFlight,
          asset: 'CNY',
          amount: 600,
          code: 'withdrawal',
          pending: {},
        });
        const pendingId = hold.transfers[0]!.id;
        assert.equal(hold.transfers[0]!.flags, TransferFlags.pending);
        assert.equal(await available(p), 400);
        // The hold counts against the balance: 500 more cannot be spent.
        assert.equal(
          await codeOf(
            ledger.submit({
              scope: 't',
              key: `x-${p}`,
              debit: playerAccount(p, 'CNY'),
              credit: revenue,
              asset: 'CNY',
              amount: 500,
              code: 'room_fee',
            }),
          ),
          'LEDGER_INSUFFICIENT_FUNDS',
        );
        assert.equal(
          await codeOf(ledger.submitPost({ scope: 'withdrawals', key: `post-${p}`, pendingId, amount: 601 })),
          'LEDGER_POST_AMOUNT_EXCEEDS',
        );
        await ledger.submitPost({ scope: 'withdrawals', key: `post-${p}`, pendingId, amount: 450 });
        const bal = (await ledger.balance(playerAccount(p, 'CNY')))!;
        assert.deepEqual([bal.postedFen, bal.pendingDebitsFen, bal.availableFen], [550, 0, 550]);
        assert.equal(await codeOf(ledger.submitVoid({ scope: 'withdrawals', key: `void-${p}`, pendingId })), 'LEDGER_PENDING_CLOSED');
        // Replaying the post is harmless.
        const replay = await ledger.submitPost({ scope: 'withdrawals', key: `post-${p}`, pendingId, amount: 450 });
        assert.equal(replay.replayed, true);
        assert.equal(await available(p), 550);
      });

      it('voids a hold in full', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 1000);
        const hold = await ledger.submit({
          scope: 'withdrawals',
          key: `w-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: inFlight,
          asset: 'CNY',
          amount: 1000,
          code: 'withdrawal',
          pending: {},
        });
        assert.equal(await available(p), 0);
        await ledger.submitVoid({ scope: 'withdrawals', key: `void-${p}`, pendingId: hold.transfers[0]!.id });
        assert.equal(await available(p), 1000);
        assert.equal(
          await codeOf(ledger.submitVoid({ scope: 'withdrawals', key: 'void-unknown', pendingId: 'tr_000000000000000000000000' })),
          'LEDGER_PENDING_NOT_FOUND',
        );
      });

      it('expires only holds whose timeout has passed', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 1000);
        const short = await ledger.submit({
          scope: 'escrow',
          key: `s-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: systemAccount('escrow', 'CNY'),
          asset: 'CNY',
          amount: 100,
          code: 'entry_fee',
          pending: { timeoutAtMs: clock.nowMs() + 60_000 },
        });
        await ledger.submit({
          scope: 'escrow',
          key: `l-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: systemAccount('escrow', 'CNY'),
          asset: 'CNY',
          amount: 200,
          code: 'entry_fee',
          pending: { timeoutAtMs: clock.nowMs() + 25 * 3_600_000 },
        });
        assert.equal(await available(p), 700);
        clock.advanceMs(60_000);
        assert.equal(
          await codeOf(ledger.submitPost({ scope: 'escrow', key: `late-${p}`, pendingId: short.transfers[0]!.id })),
          'LEDGER_PENDING_EXPIRED',
        );
        assert.ok((await ledger.expirePending()) >= 1);
        assert.equal(await available(p), 800);
        assert.equal(await ledger.expirePending(), 0);
        const h = await ledger.history({ ownerKind: 'player', ownerId: p });
        assert.ok(h.items.some((i) => i.kind === 'expired'));
        assert.ok(h.items.some((i) => i.pendingState === 'open'));
        clock.advanceMs(25 * 3_600_000);
        await ledger.expirePending();
        assert.equal(await available(p), 1000);
      });

      it('pages history newest first with filters', async () => {
        const p = player();
        await openPlayer(p);
        for (let i = 1; i <= 7; i += 1) await deposit(p, i * 10, `hist-${p}-${i}`);
        await ledger.submit({
          scope: 't',
          key: `fee-${p}`,
          debit: playerAccount(p, 'CNY'),
          credit: revenue,
          asset: 'CNY',
          amount: 5,
          code: 'room_fee',
        });
        const page1 = await ledger.history({ ownerKind: 'player', ownerId: p, limit: 3 });
        assert.deepEqual(
          page1.items.map((i) => [i.code, i.direction, i.amount]),
          [
            ['room_fee', 'out', 5],
            ['deposit', 'in', 70],
            ['deposit', 'in', 60],
          ],
        );
        assert.ok(page1.nextCursor);
        const page2 = await ledger.history({ ownerKind: 'player', ownerId: p, limit: 3, cursor: page1.nextCursor! });
        assert.deepEqual(
          page2.items.map((i) => i.amount),
          [50, 40, 30],
        );
        const deposits = await ledger.history({ ownerKind: 'player', ownerId: p, code: 'deposit', limit: 100 });
        assert.equal(deposits.items.length, 7);
        assert.equal(deposits.nextCursor, null);
        const none = await ledger.history({ ownerKind: 'player', ownerId: p, toMs: clock.nowMs() - 1 });
        assert.equal(none.items.length, 0);
      });

      it('a unit that fails after its ledger write leaves neither write visible', async () => {
        const p = player();
        await openPlayer(p);
        await store.unitOfWork(async (tx) => {
          await tx.run('CREATE TABLE IF NOT EXISTS uow_probe (id TEXT PRIMARY KEY)');
        });
        const before = await counts(store);
        await assert.rejects(
          store.unitOfWork(async (tx) => {
            await ledger.transfer(tx, {
              scope: 'u',
              key: `u-${p}`,
              debit: clearing,
              credit: playerAccount(p, 'CNY'),
              asset: 'CNY',
              amount: 50,
              code: 'deposit',
            });
            await tx.run('INSERT INTO uow_probe (id) VALUES (?)', [p]);
            throw new Error('crash after the ledger write');
          }),
          /crash after/,
        );
        assert.equal(await counts(store), before);
        assert.equal((await store.reader.query('SELECT id FROM uow_probe WHERE id = ?', [p])).length, 0);
      });

      it('a failing unit inside a group commit leaves its neighbours committed', async () => {
        const ps = [player(), player(), player(), player()];
        for (const p of ps) await openPlayer(p);
        await store.unitOfWork(async (tx) => {
          await tx.run('CREATE TABLE IF NOT EXISTS uow_probe (id TEXT PRIMARY KEY)');
        });
        const unit = (p: string, fail: boolean) =>
          store.unitOfWork(async (tx) => {
            await ledger.transfer(tx, {
              scope: 'g',
              key: `g-${p}`,
              debit: clearing,
              credit: playerAccount(p, 'CNY'),
              asset: 'CNY',
              amount: 10,
              code: 'deposit',
            });
            await tx.run('INSERT INTO uow_probe (id) VALUES (?)', [p]);
            if (fail) throw new Error(`unit ${p} fails`);
            return p;
          });
        // Queued in one tick: the first starts a group alone, the rest coalesce into the next group.
        const results = await Promise.allSettled([unit(ps[0]!, false), unit(ps[1]!, false), unit(ps[2]!, true), unit(ps[3]!, false)]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
        );
        assert.deepEqual(await Promise.all(ps.map((p) => available(p))), [10, 10, 0, 10]);
        const probes = await store.reader.query<{ id: string }>(`SELECT id FROM uow_probe WHERE id IN (?, ?, ?, ?) ORDER BY id`, ps);
        assert.deepEqual(probes.map((r) => r.id).sort(), [ps[0], ps[1], ps[3]].sort());
      });

      it('answers LEDGER_IN_PROGRESS to a second unit using a key that is not committed yet', async () => {
        const p = player();
        await openPlayer(p);
        const t: TransferInput = {
          scope: 'p',
          key: `ip-${p}`,
          debit: clearing,
          credit: playerAccount(p, 'CNY'),
          asset: 'CNY',
          amount: 10,
          code: 'deposit',
        };
        const inUnit = (x: TransferInput) => store.unitOfWork((tx) => ledger.transfer(tx, x));
        const blocker = inUnit({ ...t, key: `blk-${p}` });
        const [a, b] = await Promise.allSettled([inUnit(t), inUnit(t)]);
        await blocker;
        assert.equal(a.status, 'fulfilled');
        assert.equal(b.status === 'rejected' && isAppError(b.reason) ? b.reason.code : 'replayed', 'LEDGER_IN_PROGRESS');
        assert.equal(await available(p), 20);
        const again = await ledger.submit(t);
        assert.equal(again.replayed, true);
      });

      it('coalesces concurrent direct submits, each succeeding or failing on its own', async () => {
        const ps = [player(), player(), player()];
        for (const p of ps) await openPlayer(p);
        await deposit(ps[0]!, 100);
        const fee = (p: string, amount: number, key: string) =>
          ledger.submit({ scope: 'co', key, debit: playerAccount(p, 'CNY'), credit: revenue, asset: 'CNY', amount, code: 'room_fee' });
        const results = await Promise.allSettled([
          fee(ps[0]!, 60, `co-a-${ps[0]}`),
          fee(ps[0]!, 60, `co-b-${ps[0]}`), // the second 60 no longer fits
          fee(ps[1]!, 1, `co-c-${ps[1]}`), // no funds at all
          fee(ps[0]!, 40, `co-d-${ps[0]}`),
          fee(ps[0]!, 60, `co-a-${ps[0]}`), // the first one again: a replay, not a second charge
          ledger.submit({ scope: 'co', key: 'bad', debit: 'nope', credit: revenue, asset: 'CNY', amount: 1, code: 'room_fee' }),
        ]);
        assert.deepEqual(
          results.map((r) =>
            r.status === 'fulfilled' ? (r.value.replayed ? 'replayed' : 'ok') : isAppError(r.reason) ? r.reason.code : 'error',
          ),
          ['ok', 'LEDGER_INSUFFICIENT_FUNDS', 'LEDGER_INSUFFICIENT_FUNDS', 'ok', 'replayed', 'LEDGER_ACCOUNT_INVALID'],
        );
        assert.equal(await available(ps[0]!), 0);
      });

      it('detects a stored transfer altered behind the ledger', async () => {
        const p = player();
        await openPlayer(p);
        await deposit(p, 999);
        const h = await ledger.history({ ownerKind: 'player', ownerId: p });
        const id = h.items[0]!.id;
        await store.unitOfWork(async (tx) => {
          await tx.run('UPDATE ledger_transfers SET amount = 9990 WHERE id = ?', [id]);
        });
        const report = await ledger.checkInvariants();
        assert.equal(report.ok, false);
        assert.ok(report.problems.some((x) => x.includes('hash does not verify')));
        assert.ok(report.problems.some((x) => x.includes('differs from its transfers')));
        await store.unitOfWork(async (tx) => {
          await tx.run('UPDATE ledger_transfers SET amount = 999 WHERE id = ?', [id]);
        });
        assert.deepEqual((await ledger.checkInvariants()).problems, []);
      });

      it('detects a transfer altered in any chain shard, and a whole shard rewritten behind a root', async () => {
        // A payout from a player of every shard (a transfer joins its debit account's shard), so
        // each shard's chain has a transfer to alter.
        const byShard = new Map<number, string>();
        while (byShard.size < chainShards) {
          const p = player();
          const shard = shardOf(playerAccount(p, 'CNY'), chainShards);
          if (byShard.has(shard)) continue;
          await openPlayer(p);
          await deposit(p, 500);
          await ledger.submit({
            scope: 't',
            key: `out-${p}`,
            debit: playerAccount(p, 'CNY'),
            credit: systemAccount('revenue', 'CNY'),
            asset: 'CNY',
            amount: 5,
            code: 'room_fee',
          });
          byShard.set(shard, p);
        }
        assert.ok(await ledger.sealRoot(), 'a root is sealed over the heads');
        assert.equal(await ledger.sealRoot(), null, 'nothing moved since: no new root');
        const sound = await ledger.checkInvariants();
        assert.deepEqual(sound.problems, []);
        assert.equal(sound.shards.length, chainShards);
        assert.ok(sound.roots >= 1);
        for (const [shard, p] of byShard) {
          const h = await ledger.history({ ownerKind: 'player', ownerId: p });
          const out = h.items.find((i) => i.direction === 'out')!;
          await store.unitOfWork((tx) => tx.run("UPDATE ledger_transfers SET code = 'prize' WHERE id = ?", [out.id]));
          const report = await ledger.checkInvariants();
          assert.ok(
            report.problems.some((x) => x === `transfer ${out.seq} hash does not verify (row altered)`),
            `shard ${shard}: ${report.problems.join('; ')}`,
          );
          await store.unitOfWork((tx) => tx.run("UPDATE ledger_transfers SET code = 'room_fee' WHERE id = ?", [out.id]));
        }
        // A shard's newest transfer rewritten with its hash recomputed and the head moved along:
        // the shard's own chain verifies again, but the sealed root no longer matches.
        const [, p] = [...byShard][byShard.size - 1]!;
        const out = (await ledger.history({ ownerKind: 'player', ownerId: p })).items.find((i) => i.direction === 'out')!;
        const row = (await store.reader.query<TransferRow>('SELECT * FROM ledger_transfers WHERE id = ?', [out.id]))[0]!;
        const forged = chainHash(row.prev_hash, {
          ...rowToResult({ ...row, amount: 4 }),
          scope: row.scope,
          key: row.idem_key,
          batchIndex: Number(row.batch_index),
        });
        const shard = shardOf(out.accountId, chainShards);
        const isHead =
          (await store.reader.query<{ hash: string }>('SELECT hash FROM ledger_chain WHERE id = ?', [shard + 1]))[0]!.hash === row.hash;
        await store.unitOfWork(async (tx) => {
          await tx.run('UPDATE ledger_transfers SET amount = 4, hash = ? WHERE id = ?', [forged, out.id]);
          if (isHead) await tx.run('UPDATE ledger_chain SET hash = ? WHERE id = ?', [forged, shard + 1]);
        });
        const rewritten = await ledger.checkInvariants();
        assert.ok(
          rewritten.problems.some((x) => /^root \d+ names a head of shard \d+ that is not transfer \d+$/.test(x)),
          rewritten.problems.join('; '),
        );
        await store.unitOfWork(async (tx) => {
          await tx.run('UPDATE ledger_transfers SET amount = 5, hash = ? WHERE id = ?', [row.hash, out.id]);
          if (isHead) await tx.run('UPDATE ledger_chain SET hash = ? WHERE id = ?', [row.hash, shard + 1]);
        });
        assert.deepEqual((await ledger.checkInvariants()).problems, []);
        // A root altered: its own hash no longer verifies.
        await store.unitOfWork((tx) => tx.run('UPDATE ledger_roots SET created_at_ms = created_at_ms + 1 WHERE seq = 1'));
        const root = await ledger.checkInvariants();
        assert.ok(root.problems.includes('root 1 hash does not verify (row altered)'), root.problems.join('; '));
        await store.unitOfWork((tx) => tx.run('UPDATE ledger_roots SET created_at_ms = created_at_ms - 1 WHERE seq = 1'));
        assert.deepEqual((await ledger.checkInvariants()).problems, []);
      });

      it('keeps each transfer in its debit account shard, numbered by its place there', async () => {
        const rows = await store.reader.query<{ seq: unknown; debit_account: string }>(
          'SELECT seq, debit_account FROM ledger_transfers ORDER BY seq',
        );
        assert.ok(rows.length > 0);
        for (const r of rows) assert.equal((Number(r.seq) - 1) % chainShards, shardOf(r.debit_account, chainShards));
        const heads = await store.reader.query('SELECT id FROM ledger_chain');
        assert.equal(heads.length, chainShards);
      });
    });
  }

it('refuses to write with another shard count once the ledger holds transfers', async () => {
  for (const backend of backends()) {
    const store = await backend.open();
    try {
      await store.migrate(Ledger.migrations);
      const one = new Ledger(store);
      await one.openSystemAccounts();
      await one.submit({
        scope: 't',
        key: 'first',
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: systemAccount('revenue', 'CNY'),
        asset: 'CNY',
        amount: 1,
        code: 'deposit',
      });
      const four = new Ledger(store, { chainShards: 4 });
      await assert.rejects(
        four.submit({
          scope: 't',
          key: 'second',
          debit: systemAccount('provider_clearing', 'CNY'),
          credit: systemAccount('revenue', 'CNY'),
          asset: 'CNY',
          amount: 1,
          code: 'deposit',
        }),
        /chainShards is 4; changing it needs an offline reshard/,
      );
      assert.deepEqual((await one.checkInvariants()).problems, []);
    } finally {
      await store.close();
    }
  }
});
