// A player's deposit limits hold against a hostile client: open orders count when ordering (so
// several orders opened before paying any cannot all fit under one limit), the limits are checked
// again when money arrives, and money that arrives over a limit — the player lowered it, a late
// payment of an order that had closed — is refunded in full through WeChat Pay at once, shown as
// 超限退款 / "refunded: over your limit". Both families: compliance's (the player's own limits,
// the policy's) and the payments settings' own daily cap. SQLite and PostgreSQL (several writers).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEPOSIT_ORDER_TTL_MS, DEPOSIT_CLOSE_GRACE_MS } from '../../src/payments/limits.ts';
import { backends } from '../../src/adapters/testing.ts';
import { startWorld, wallet, type World } from './world.ts';

const DAY_MS = 86_400_000;

for (const backend of backends()) {
  describe(`deposit limits on ${backend.name}`, () => {
    let w: World;
    let financeOperator: Awaited<ReturnType<World['t']['createOperator']>>;
    before(async () => {
      w = await startWorld(backend, { settings: { depositDailyMaxFen: 5000 }, writers: 4 });
      financeOperator = await w.t.createOperator(['finance']);
    });
    after(async () => {
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
      await w.close();
    });

    async function player(user: string, ownDayFen: number | null): Promise<{ token: string; playerId: string }> {
      const p = await w.t.readyPlayer(user);
      if (ownDayFen !== null) {
        const r = await w.t.request('PUT', '/api/me/responsible-play/deposit-limits', {
          token: p.token,
          body: { dayFen: ownDayFen, monthFen: null },
        });
        assert.equal(r.status, 200, r.text);
      }
      return p;
    }

    const order = (token: string, amountFen: number, key: string) =>
      w.t.request('POST', '/api/payments/deposits', { token, body: { amountFen, channel: 'jsapi', idempotencyKey: key } });

    it('counts open orders against the player’s own limit: of twelve parallel ¥10 orders under a ¥10 limit one opens', async () => {
      const p = await player('lim-open', 1000);
      const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => order(p.token, 1000, `lim-open-${i}`)));
      const opened = rs.filter((r) => r.status === 201);
      assert.equal(opened.length, 1, rs.map((r) => `${r.status} ${String(r.json.code ?? '')}`).join(', '));
      for (const r of rs.filter((x) => x.status !== 201)) {
        assert.equal(r.status, 403, r.text);
        assert.equal(r.json.code, 'COMPLIANCE_DENIED');
        assert.equal((r.json.details as { reason: string }).reason, 'SELF_DEPOSIT_LIMIT');
      }
      const rows = await w.t.store.reader.query('SELECT id FROM payment_deposits WHERE player_id = ?', [p.playerId]);
      assert.equal(rows.length, 1, 'the refused orders wrote nothing');
      // A second order in turn is refused too while the first is open; paying the first credits it.
      assert.equal((await order(p.token, 100, 'lim-open-late')).json.code, 'COMPLIANCE_DENIED');
      await w.sandbox.user.pay((opened[0]!.json.deposit as { id: string }).id);
      await w.settle();
      assert.deepEqual(await wallet(w.t, p.playerId), { postedFen: 1000, availableFen: 1000, pendingDebitsFen: 0 });
      assert.equal((await order(p.token, 100, 'lim-open-after')).json.code, 'COMPLIANCE_DENIED', 'the credited ¥10 fills the day');
      // The next day the limit is free again.
      w.clock.advanceMs(DAY_MS);
      const later = await w.t.loginPlayer('lim-open');
      assert.equal(later.playerId, p.playerId);
      assert.equal((await order(later.token, 1000, 'lim-open-next-day')).status, 201);
    });

    it('tells the deposit page what the player can still deposit and which limit decides it', async () => {
      const limits = async (token: string) =>
        (await w.t.request('GET', '/api/payments/limits', { token })).json.deposit as {
          leftFen: number;
          binding: { code: string; maxFen: number; usedFen: number } | null;
        };
      // The player's own ¥30 a day is tighter than the platform's ¥50 cap.
      const p = await player('lim-left', 3000);
      assert.deepEqual(await limits(p.token), {
        ...(await limits(p.token)),
        leftFen: 3000,
        binding: { code: 'SELF_DEPOSIT_LIMIT', maxFen: 3000, usedFen: 0 },
      });
      // An open order already counts, as it does when the next order is checked.
      const r = await order(p.token, 1200, 'lim-left-1');
      assert.equal(r.status, 201, r.text);
      const after = await limits(p.token);
      assert.equal(after.leftFen, 1800);
      assert.deepEqual(after.binding, { code: 'SELF_DEPOSIT_LIMIT', maxFen: 3000, usedFen: 1200 });
      assert.equal((await order(p.token, 1801, 'lim-left-over')).json.code, 'COMPLIANCE_DENIED', 'one fen more than shown is refused');
      assert.equal((await order(p.token, 1800, 'lim-left-exact')).status, 201, 'exactly what is shown is accepted');
      assert.equal((await limits(p.token)).leftFen, 0);
      // Without a limit of their own, the platform's daily cap decides.
      const q = await player('lim-left-cap', null);
      assert.deepEqual((await limits(q.token)).binding, { code: 'PAYMENT_DAILY_LIMIT_REACHED', maxFen: 5000, usedFen: 0 });
    });

    it('refunds money that arrives over the player’s own limit, in full and at once: 超限退款 in the wallet and the deposit', async () => {
      const p = await player('lim-credit', null);
      const ids: string[] = [];
      for (const i of [1, 2, 3]) {
        const r = await order(p.token, 1000, `lim-credit-${i}`);
        assert.equal(r.status, 201, r.text);
        ids.push((r.json.deposit as { id: string }).id);
      }
      // Three orders are open; now the player lowers their own limit to ¥10 (tightening is immediate) and pays all three.
      const lowered = await w.t.request('PUT', '/api/me/responsible-play/deposit-limits', {
        token: p.token,
        body: { dayFen: 1000, monthFen: null },
      });
      assert.equal(lowered.status, 200, lowered.text);
      for (const id of ids) await w.sandbox.user.pay(id);
      await w.settle(6);

      const deposits = await Promise.all(
        ids.map(async (id) => (await w.t.request('GET', `/api/payments/deposits/${id}`, { token: p.token })).json),
      );
      assert.ok(deposits.every((d) => d.state === 'paid'));
      const over = deposits.filter((d) => d.overLimit !== null);
      assert.equal(over.length, 2, 'the first ¥10 fits, the other two do not');
      for (const d of over) {
        assert.equal((d.overLimit as { code: string }).code, 'SELF_DEPOSIT_LIMIT');
        assert.equal(d.refundedFen, 1000, 'refunded in full');
      }
      assert.deepEqual(await wallet(w.t, p.playerId), { postedFen: 1000, availableFen: 1000, pendingDebitsFen: 0 });

      // The wallet history shows the credits and the two refunds, tagged as over the limit.
      const history = await w.t.request('GET', '/api/wallet/history?asset=CNY&limit=50', { token: p.token });
      const items = history.json.items as { code: string; direction: string; kind: string; tag: string | null; amountFen: number }[];
      const seen = (code: string, tag: string | null) =>
        items
          .filter((i) => i.code === code && i.tag === tag)
          .map((i) => `${i.direction} ${i.kind} ${i.amountFen}`)
          .sort();
      assert.deepEqual(seen('deposit', null), ['in posted 1000']);
      assert.deepEqual(seen('deposit', 'over_limit'), ['in posted 1000', 'in posted 1000']);
      // Each refund: the hold, and its post once WeChat Pay said SUCCESS.
      assert.deepEqual(seen('refund', 'over_limit'), ['out pending 1000', 'out pending 1000', 'out post 1000', 'out post 1000']);
      assert.deepEqual(seen('refund', null), []);

      // Finance sees them in the console: the deposits with their limit, the refunds with their cause.
      const token = await w.t.loginOperator(financeOperator);
      const admin = await w.t.request('GET', `/api/admin/payments/deposits?playerId=${p.playerId}`, { token });
      assert.equal((admin.json.items as { overLimit: unknown }[]).filter((d) => d.overLimit !== null).length, 2);
      const refunds = await w.t.request('GET', '/api/admin/payments/refunds?limit=100', { token });
      const mine = (refunds.json.items as { depositId: string; cause: string; state: string; operatorId: string }[]).filter((r) =>
        ids.includes(r.depositId),
      );
      assert.deepEqual(
        mine.map((r) => [r.cause, r.state, r.operatorId]),
        [
          ['over_limit', 'succeeded', 'system'],
          ['over_limit', 'succeeded', 'system'],
        ],
      );
      // Compliance counts only the deposit that stayed: the day is full, not over-full.
      const rp = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 100, channel: 'jsapi', idempotencyKey: 'lim-credit-more' },
      });
      assert.equal((rp.json.details as { reason: string }).reason, 'SELF_DEPOSIT_LIMIT');
    });

    it('credits a duplicate notification of an over-limit payment once and refunds it once', async () => {
      const p = await player('lim-dup', null);
      const a = (await order(p.token, 1000, 'lim-dup-a')).json.deposit as { id: string };
      const b = (await order(p.token, 1000, 'lim-dup-b')).json.deposit as { id: string };
      await w.t.request('PUT', '/api/me/responsible-play/deposit-limits', { token: p.token, body: { dayFen: 1000, monthFen: null } });
      w.sandbox.faults.inject({ endpoint: '*', kind: 'duplicate-notification', count: 4 });
      await w.sandbox.user.pay(a.id);
      await w.sandbox.user.pay(b.id);
      await w.settle(6);
      // The refund's own answer may still be on its way; the sweeps settle it within minutes.
      await w.advance(15 * 60_000);
      const refunds = await w.t.store.reader.query('SELECT id FROM payment_refunds WHERE player_id = ?', [p.playerId]);
      assert.equal(refunds.length, 1);
      assert.deepEqual(await wallet(w.t, p.playerId), { postedFen: 1000, availableFen: 1000, pendingDebitsFen: 0 });
    });

    it('checks the settings’ own daily cap again on credit: a late payment of a closed order over the cap is refunded', async () => {
      // The cap is ¥50. Order A (¥30) is paid by the payer only after it expired, and closed on our side before that;
      // meanwhile order B (¥30) fits because A no longer counts. Whichever arrives second does not fit: refunded.
      const p = await player('lim-late', null);
      w.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/', kind: 'paid-after-expiry', count: 1 });
      const a = (await order(p.token, 3000, 'lim-late-a')).json.deposit as { id: string };
      w.clock.advanceMs(DEPOSIT_ORDER_TTL_MS + DEPOSIT_CLOSE_GRACE_MS + 1000);
      // Only our side runs: the order is closed before the sandbox lets the late payer pay.
      await w.t.platform.payments.runDue();
      assert.equal((await w.t.platform.payments.deposits.get(a.id))?.state, 'closed');
      const again = await w.t.loginPlayer('lim-late');
      const bReply = await order(again.token, 3000, 'lim-late-b');
      assert.equal(bReply.status, 201, bReply.text);
      const b = bReply.json.deposit as { id: string };
      await w.sandbox.user.pay(b.id);
      await w.settle(6);
      await w.advance(15 * 60_000);
      const [da, db] = [await w.t.platform.payments.deposits.get(a.id), await w.t.platform.payments.deposits.get(b.id)];
      assert.equal(da?.state, 'paid');
      assert.equal(db?.state, 'paid');
      const over = [da, db].filter((d) => d?.overLimit !== null);
      assert.equal(over.length, 1);
      assert.equal(over[0]?.overLimit?.code, 'PAYMENT_DAILY_LIMIT_REACHED');
      assert.equal(over[0]?.refundedFen, 3000);
      assert.deepEqual(await wallet(w.t, p.playerId), { postedFen: 3000, availableFen: 3000, pendingDebitsFen: 0 });
    });
  });
}
