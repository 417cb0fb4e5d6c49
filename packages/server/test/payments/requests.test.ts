// Player and operator requests that must be refused: bad amounts, over a limit or the balance,
// replayed and conflicting keys, a payout with no WeChat identity to pay, a risk refusal, wagering
// left, a refund larger than the payment, a review of a withdrawal not in review. Each answers its
// stable code and moves nothing; a replay answers the first result and moves nothing twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { TestPlatform } from '../helpers/platform.ts';
import { startWorld, wallet, type World } from './world.ts';

const TABLES = ['ledger_transfers', 'payment_deposits', 'payment_withdrawals', 'payment_refunds', 'payment_outbox'];

async function counts(t: TestPlatform): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await t.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

for (const backend of backends()) {
  describe(`payment requests that must be refused on ${backend.name}`, () => {
    let w: World;
    let player: { token: string; playerId: string };
    const wagering = new Map<string, number>();
    before(async () => {
      w = await startWorld(backend, {
        settings: { depositDailyMaxFen: 20_000, withdrawalDailyCountMax: 3, withdrawalDailyMaxFen: 6_000, withdrawalReviewFromFen: 4_000 },
        wagering: { outstandingWageringFen: async (playerId) => wagering.get(playerId) ?? 0 },
        risk: {
          assessWithdrawal: async ({ amountFen }) =>
            amountFen === 3_333
              ? { action: 'deny', reasons: ['test rule'] }
              : amountFen >= 4_000
                ? { action: 'review', reasons: ['large'] }
                : { action: 'allow' },
          // This stand-in risk opens no cases, so a decision has none to close.
          withdrawalDecided: async () => {},
        },
      });
      player = await w.t.readyPlayer('refusals');
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: player.token,
        body: { amountFen: 10_000, channel: 'jsapi', idempotencyKey: 'refusals-funding' },
      });
      await w.sandbox.user.pay((dep.json.deposit as { id: string }).id);
      await w.settle();
      assert.equal((await wallet(w.t, player.playerId)).postedFen, 10_000);
    });
    after(() => w.close());

    async function refused(method: string, url: string, o: { token: string; body?: unknown; raw?: string }, status: number, code: string) {
      const before = await counts(w.t);
      const r = await w.t.request(method, url, o);
      assert.equal(r.status, status, `${url}: ${r.text}`);
      assert.equal(r.json.code, code, r.text);
      assert.deepEqual(await counts(w.t), before, `${code}: nothing written`);
      return r;
    }

    it('refuses bad deposit amounts and channels with stable codes', async () => {
      const t = player.token;
      const dep = (body: unknown) => ({ token: t, body });
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: 0, channel: 'h5', idempotencyKey: 'dep-bad-0001' }),
        400,
        'VALIDATION_FAILED',
      );
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: '5000', channel: 'h5', idempotencyKey: 'dep-bad-0002' }),
        400,
        'VALIDATION_FAILED',
      );
      await refused(
        'POST',
        '/api/payments/deposits',
        { token: t, raw: '{"amountFen":50.5,"channel":"h5","idempotencyKey":"dep-bad-0003"}' },
        400,
        'MONEY_NOT_INTEGER',
      );
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: 5000, channel: 'alipay', idempotencyKey: 'dep-bad-0004' }),
        400,
        'VALIDATION_FAILED',
      );
      await refused('POST', '/api/payments/deposits', dep({ amountFen: 5000, channel: 'h5' }), 400, 'VALIDATION_FAILED');
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: 99, channel: 'h5', idempotencyKey: 'dep-bad-0005' }),
        400,
        'PAYMENT_AMOUNT_BELOW_MIN',
      );
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: 500_001, channel: 'h5', idempotencyKey: 'dep-bad-0006' }),
        400,
        'PAYMENT_AMOUNT_ABOVE_MAX',
      );
      await refused(
        'POST',
        '/api/payments/deposits',
        dep({ amountFen: 10_001, channel: 'h5', idempotencyKey: 'dep-bad-0007' }),
        409,
        'PAYMENT_DAILY_LIMIT_REACHED',
      );
    });

    it('answers a replayed deposit key with the first order and refuses the key for a different amount', async () => {
      const body = { amountFen: 1000, channel: 'h5', idempotencyKey: 'dep-replay-0001' };
      const a = await w.t.request('POST', '/api/payments/deposits', { token: player.token, body });
      assert.equal(a.status, 201, a.text);
      assert.equal(a.json.replayed, false);
      const before = await counts(w.t);
      const b = await w.t.request('POST', '/api/payments/deposits', { token: player.token, body });
      assert.equal(b.json.replayed, true);
      assert.equal((b.json.deposit as { id: string }).id, (a.json.deposit as { id: string }).id);
      assert.deepEqual(await counts(w.t), before);
      await refused(
        'POST',
        '/api/payments/deposits',
        { token: player.token, body: { ...body, amountFen: 2000 } },
        409,
        'PAYMENT_IDEMPOTENCY_CONFLICT',
      );
      const h5 = (a.json.deposit as { clientParams: { kind: string; h5Url: string } }).clientParams;
      assert.equal(h5.kind, 'h5');
      assert.match(h5.h5Url, /\/cashier\?prepay_id=/);
    });

    it('refuses JSAPI and withdrawals to a player with no WeChat identity in the paying app', async () => {
      const dev = await w.t.request('POST', '/api/auth/dev/login', { body: { handle: 'noidentity' } });
      const token = (dev.json.tokens as { accessToken: string }).accessToken;
      await w.t.request('POST', '/api/me/terms', { token, body: { version: '2026-01' } });
      await refused(
        'POST',
        '/api/payments/deposits',
        { token, body: { amountFen: 1000, channel: 'jsapi', idempotencyKey: 'noid-dep-0001' } },
        400,
        'PAYMENT_CHANNEL_UNAVAILABLE',
      );
      await refused(
        'POST',
        '/api/payments/withdrawals',
        { token, body: { amountFen: 1000, idempotencyKey: 'noid-wd-0001' } },
        409,
        'PAYMENT_BALANCE_INSUFFICIENT',
      );
      // With money (an operator credit), the payout still has nobody to pay in WeChat.
      const playerId = (dev.json.player as { id: string }).id;
      await w.t.platform.ledger.submit({
        scope: 'test',
        key: 'noidentity-credit',
        debit: systemAccount('adjustments', 'CNY'),
        credit: playerAccount(playerId, 'CNY'),
        asset: 'CNY',
        amount: 2000,
        code: 'adjustment',
      });
      await refused(
        'POST',
        '/api/payments/withdrawals',
        { token, body: { amountFen: 1000, idempotencyKey: 'noid-wd-0002' } },
        400,
        'PAYMENT_PAYOUT_IDENTITY_MISSING',
      );
      const limits = await w.t.request('GET', '/api/payments/limits', { token });
      assert.deepEqual(limits.json.channels, ['h5', 'native']);
    });

    it('refuses withdrawals over the balance, the limits, the risk rules and with wagering left', async () => {
      const t = player.token;
      const wd = (amountFen: number, key: string) => ({ token: t, body: { amountFen, idempotencyKey: key } });
      await refused('POST', '/api/payments/withdrawals', wd(99, 'wd-bad-0001'), 400, 'PAYMENT_AMOUNT_BELOW_MIN');
      await refused('POST', '/api/payments/withdrawals', wd(100_001, 'wd-bad-0002'), 400, 'PAYMENT_AMOUNT_ABOVE_MAX');
      await refused('POST', '/api/payments/withdrawals', wd(6_001, 'wd-bad-0003'), 409, 'PAYMENT_DAILY_LIMIT_REACHED');
      await refused('POST', '/api/payments/withdrawals', wd(3_333, 'wd-bad-0004'), 403, 'PAYMENT_RISK_DENIED');
      wagering.set(player.playerId, 500);
      await refused('POST', '/api/payments/withdrawals', wd(1_000, 'wd-bad-0005'), 409, 'PAYMENT_WAGERING_INCOMPLETE');
      const limits = await w.t.request('GET', '/api/payments/limits', { token: t });
      assert.equal((limits.json.withdrawal as { maxNowFen: number }).maxNowFen, 0, 'the limits say so before the player types');
      wagering.delete(player.playerId);
    });

    it('holds at once, replays a key without a second hold, counts the daily cap, and refuses a spent balance', async () => {
      const t = player.token;
      const first = await w.t.request('POST', '/api/payments/withdrawals', {
        token: t,
        body: { amountFen: 1_000, idempotencyKey: 'wd-ok-0001' },
      });
      assert.equal(first.status, 201, first.text);
      const before = await counts(w.t);
      const again = await w.t.request('POST', '/api/payments/withdrawals', {
        token: t,
        body: { amountFen: 1_000, idempotencyKey: 'wd-ok-0001' },
      });
      assert.equal(again.json.replayed, true);
      assert.deepEqual(await counts(w.t), before, 'no second hold');
      await refused(
        'POST',
        '/api/payments/withdrawals',
        { token: t, body: { amountFen: 1_100, idempotencyKey: 'wd-ok-0001' } },
        409,
        'PAYMENT_IDEMPOTENCY_CONFLICT',
      );
      const money = await wallet(w.t, player.playerId);
      assert.equal(money.pendingDebitsFen, 1_000);
      const second = await w.t.request('POST', '/api/payments/withdrawals', {
        token: t,
        body: { amountFen: 1_000, idempotencyKey: 'wd-ok-0002' },
      });
      assert.equal(second.status, 201);
      const third = await w.t.request('POST', '/api/payments/withdrawals', {
        token: t,
        body: { amountFen: 1_000, idempotencyKey: 'wd-ok-0003' },
      });
      assert.equal(third.status, 201);
      await refused(
        'POST',
        '/api/payments/withdrawals',
        { token: t, body: { amountFen: 1_000, idempotencyKey: 'wd-ok-0004' } },
        409,
        'PAYMENT_DAILY_COUNT_REACHED',
      );
      const limits = await w.t.request('GET', '/api/payments/limits', { token: t });
      const l = limits.json.withdrawal as { countToday: number; usedTodayFen: number; availableFen: number };
      assert.equal(l.countToday, 3);
      assert.equal(l.usedTodayFen, 3_000);
      assert.equal(l.availableFen, 7_000);
    });

    it('lets a withdrawal in review be rejected (hold returned) and refuses a second decision', async () => {
      const p = await w.t.readyPlayer('reviewed');
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 5_000, channel: 'jsapi', idempotencyKey: 'reviewed-dep' },
      });
      await w.sandbox.user.pay((dep.json.deposit as { id: string }).id);
      await w.settle();
      const r = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 4_500, idempotencyKey: 'reviewed-wd-0001' },
      });
      const wd = r.json.withdrawal as { id: string; state: string };
      assert.equal(wd.state, 'review');
      assert.equal((await wallet(w.t, p.playerId)).availableFen, 500, 'held while in review');
      const risk = await w.t.loginOperator(await w.t.createOperator(['risk']));
      const queue = await w.t.request('GET', '/api/admin/payments/withdrawals?state=review', { token: risk });
      assert.ok((queue.json.items as { id: string }[]).some((i) => i.id === wd.id));
      const rejected = await w.t.request('POST', `/api/admin/payments/withdrawals/${wd.id}/reject`, {
        token: risk,
        body: { reason: 'the account changed hands' },
      });
      assert.equal(rejected.status, 200, rejected.text);
      assert.equal(rejected.json.state, 'rejected');
      assert.equal((await wallet(w.t, p.playerId)).availableFen, 5_000, 'returned in full');
      await refused(
        'POST',
        `/api/admin/payments/withdrawals/${wd.id}/approve`,
        { token: risk, body: { note: 'too late' } },
        409,
        'PAYMENT_STATE_INVALID',
      );
      await refused(
        'POST',
        '/api/admin/payments/withdrawals/Wnosuchwithdrawal/approve',
        { token: risk, body: { note: 'x' } },
        404,
        'PAYMENT_NOT_FOUND',
      );
    });

    it('refuses refunds larger than the payment, of unpaid orders and of money the player has spent', async () => {
      const p = await w.t.readyPlayer('refundee');
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 2_000, channel: 'jsapi', idempotencyKey: 'refundee-dep' },
      });
      const depositId = (dep.json.deposit as { id: string }).id;
      const finance = await w.t.loginOperator(await w.t.createOperator(['finance']));
      const refund = (amountFen: number, key: string) => ({
        token: finance,
        body: { amountFen, reason: 'customer asked', idempotencyKey: key },
      });
      await refused('POST', `/api/admin/payments/deposits/${depositId}/refunds`, refund(100, 'rf-bad-0001'), 409, 'PAYMENT_STATE_INVALID');
      await w.sandbox.user.pay(depositId);
      await w.settle();
      await refused(
        'POST',
        `/api/admin/payments/deposits/${depositId}/refunds`,
        refund(2_001, 'rf-bad-0002'),
        409,
        'PAYMENT_REFUND_EXCEEDS',
      );
      const wd = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 1_500, idempotencyKey: 'refundee-wd' },
      });
      assert.equal(wd.status, 201);
      await refused(
        'POST',
        `/api/admin/payments/deposits/${depositId}/refunds`,
        refund(1_000, 'rf-bad-0003'),
        409,
        'PAYMENT_BALANCE_INSUFFICIENT',
      );
      await refused('POST', '/api/admin/payments/deposits/Dnosuchdeposit/refunds', refund(100, 'rf-bad-0004'), 404, 'PAYMENT_NOT_FOUND');
      const support = await w.t.loginOperator(await w.t.createOperator(['support']));
      await refused(
        'POST',
        `/api/admin/payments/deposits/${depositId}/refunds`,
        { ...refund(100, 'rf-bad-0005'), token: support },
        403,
        'AUTH_ROLE_MISSING',
      );
    });

    it('shows a player only their own payments', async () => {
      const other = await w.t.readyPlayer('nosy');
      const mine = await w.t.request('GET', '/api/payments/deposits', { token: player.token });
      const id = (mine.json.items as { id: string }[])[0]!.id;
      await refused('GET', `/api/payments/deposits/${id}`, { token: other.token }, 404, 'PAYMENT_NOT_FOUND');
      const theirs = await w.t.request('GET', '/api/payments/deposits', { token: other.token });
      assert.deepEqual(theirs.json.items, []);
    });
  });
}
