// The wallet API: balances and history for players, adjustments and the invariant check for
// operators, and every kind of bad input answered with a stable code and no change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { type OperatorLogin, TestPlatform } from '../helpers/platform.ts';

for (const backend of backends()) {
  describe(`wallet on ${backend.name}`, () => {
    let t: TestPlatform;
    let finance: OperatorLogin;
    let financeToken: string;
    let player: { token: string; playerId: string };
    let keySeq = 0;
    const key = () => `test-key-${String(++keySeq).padStart(4, '0')}`;
    const adjust = (body: unknown, o: { token?: string; playerId?: string } = {}) =>
      t.request('POST', `/api/admin/players/${o.playerId ?? player.playerId}/adjustments`, { token: o.token ?? financeToken, body });

    before(async () => {
      t = await TestPlatform.start(backend);
      finance = await t.createOperator(['finance']);
      financeToken = await t.loginOperator(finance);
      player = await t.readyPlayer('walletuser');
    });
    after(() => t.close());

    it('shows a new player a zero balance of every asset and an empty history', async () => {
      const b = await t.request('GET', '/api/wallet/balances', { token: player.token });
      assert.equal(b.status, 200);
      assert.deepEqual(
        (b.json.balances as { asset: string; postedFen: number; availableFen: number }[]).map((x) => [
          x.asset,
          x.postedFen,
          x.availableFen,
        ]),
        [
          ['CNY', 0, 0],
          ['ROOM_CARD', 0, 0],
          ['POINTS', 0, 0],
          ['BONUS', 0, 0],
        ],
      );
      const h = await t.request('GET', '/api/wallet/history', { token: player.token });
      assert.deepEqual(h.json, { items: [], nextCursor: null });
    });

    it('credits a player through the ledger, audited, with a notification and an analytics event', async () => {
      const r = await adjust({ asset: 'CNY', amountFen: 12345, reason: 'goodwill for a dropped match', idempotencyKey: key() });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.replayed, false);
      assert.equal((r.json.balance as { postedFen: number }).postedFen, 12345);
      assert.equal(Number.isInteger((r.json.balance as { postedFen: number }).postedFen), true);

      const b = await t.request('GET', '/api/wallet/balances', { token: player.token });
      assert.equal((b.json.balances as { asset: string; postedFen: number }[])[0]!.postedFen, 12345);
      const h = await t.request('GET', '/api/wallet/history', { token: player.token });
      const item = (h.json.items as Record<string, unknown>[])[0]!;
      assert.equal(item.code, 'adjustment');
      assert.equal(item.direction, 'in');
      assert.equal(item.amountFen, 12345);
      assert.equal(item.counterparty, 'adjustments');

      const audit = await t.request('GET', `/api/admin/audit?action=wallet.adjust&targetId=${player.playerId}`, {
        token: await t.loginOperator(await t.createOperator(['admin'])),
      });
      const entry = (audit.json.items as Record<string, unknown>[])[0]!;
      assert.equal(entry.operatorUsername, finance.username);
      assert.equal(entry.reason, 'goodwill for a dropped match');
      assert.deepEqual(entry.before, { asset: 'CNY', postedFen: 0 });
      assert.equal((entry.after as { postedFen: number }).postedFen, 12345);

      const inbox = await t.request('GET', '/api/notifications', { token: player.token });
      assert.equal(inbox.json.unread, 1);
      assert.deepEqual((inbox.json.items as { kind: string; data: unknown }[])[0]!.data, { asset: 'CNY', amountFen: 12345 });
      const events = await t.platform.analytics.list({ kind: 'balance_adjusted' });
      assert.equal(events.at(-1)?.data.amountFen, 12345);
    });

    it('debits with a negative amount and refuses to overdraw', async () => {
      const debit = await adjust({ asset: 'CNY', amountFen: -345, reason: 'reverse duplicate credit', idempotencyKey: key() });
      assert.equal(debit.status, 201, debit.text);
      assert.equal((debit.json.balance as { postedFen: number }).postedFen, 12000);
      const before = await t.snapshot();
      const over = await adjust({ asset: 'CNY', amountFen: -12001, reason: 'too much', idempotencyKey: key() });
      assert.equal(over.status, 409);
      assert.equal(over.json.code, 'LEDGER_INSUFFICIENT_FUNDS');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('replays a retried adjustment instead of paying twice, and refuses a key reused for something else', async () => {
      const k = key();
      const body = { asset: 'ROOM_CARD', amountFen: 5, reason: 'launch gift', idempotencyKey: k };
      const first = await adjust(body);
      const before = await t.snapshot();
      const again = await adjust(body);
      assert.equal(again.status, 201);
      assert.equal(again.json.replayed, true);
      assert.equal(again.json.transferId, first.json.transferId);
      assert.deepEqual(await t.snapshot(), before, 'a replay writes nothing: no transfer, no audit entry, no notification');
      const conflict = await adjust({ ...body, amountFen: 6 });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.json.code, 'LEDGER_IDEMPOTENCY_CONFLICT');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('refuses every malformed money amount with a stable code and no change', async () => {
      const before = await t.snapshot();
      const url = `/api/admin/players/${player.playerId}/adjustments`;
      const raw = (amount: string) => `{"asset":"CNY","amountFen":${amount},"reason":"bad input test","idempotencyKey":"${key()}"}`;
      for (const amount of ['1.0', '1e3', '1E3', '100.5', '-0', '12345678901234567890', '0.1e1']) {
        const r = await t.request('POST', url, { token: financeToken, raw: raw(amount) });
        assert.equal(r.status, 400, amount);
        assert.equal(r.json.code, 'MONEY_NOT_INTEGER', amount);
      }
      for (const amount of ['"100"', 'null', 'true', '[100]', '{"fen":100}']) {
        const r = await t.request('POST', url, { token: financeToken, raw: raw(amount) });
        assert.equal(r.status, 400, amount);
        assert.equal(r.json.code, 'VALIDATION_FAILED', amount);
      }
      const zero = await t.request('POST', url, { token: financeToken, raw: raw('0') });
      assert.equal(zero.json.code, 'ADJUSTMENT_AMOUNT_ZERO');
      const tooBig = await t.request('POST', url, { token: financeToken, raw: raw('100000001') });
      assert.equal(tooBig.json.code, 'VALIDATION_FAILED');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('refuses a non-integer number in any field, not only money fields', async () => {
      const r = await t.request('GET', '/api/wallet/history?limit=1.5', { token: player.token });
      assert.equal(r.json.code, 'VALIDATION_FAILED');
      const body = await t.request('POST', '/api/auth/refresh', { raw: '{"refreshToken":"x","n":2.50}' });
      assert.equal(body.json.code, 'BODY_NUMBER_NOT_INTEGER');
    });

    it('refuses malformed JSON, oversized bodies and wrong content types with stable codes and no change', async () => {
      const before = await t.snapshot();
      const url = `/api/admin/players/${player.playerId}/adjustments`;
      const cases: Array<[string, Parameters<TestPlatform['request']>[2], number, string]> = [
        ['truncated JSON', { raw: '{"asset":"CNY","amountFen":100,' }, 400, 'BODY_MALFORMED'],
        ['not JSON', { raw: 'amount=100' }, 400, 'BODY_MALFORMED'],
        ['prototype key', { raw: '{"__proto__":{"x":1},"asset":"CNY"}' }, 400, 'BODY_MALFORMED'],
        ['deep nesting', { raw: `${'['.repeat(100)}${']'.repeat(100)}` }, 400, 'BODY_MALFORMED'],
        [
          'form body',
          { raw: 'asset=CNY&amountFen=100', contentType: 'application/x-www-form-urlencoded' },
          415,
          'CONTENT_TYPE_UNSUPPORTED',
        ],
        ['text body', { raw: '{"asset":"CNY"}', contentType: 'text/plain' }, 415, 'CONTENT_TYPE_UNSUPPORTED'],
        [
          'oversized',
          { raw: JSON.stringify({ asset: 'CNY', amountFen: 1, reason: 'x'.repeat(20_000), idempotencyKey: key() }) },
          413,
          'BODY_TOO_LARGE',
        ],
        ['no body', {}, 400, 'VALIDATION_FAILED'],
        [
          'unknown field',
          { body: { asset: 'CNY', amountFen: 100, reason: 'extra field', idempotencyKey: key(), extra: 1 } },
          400,
          'VALIDATION_FAILED',
        ],
        ['no reason', { body: { asset: 'CNY', amountFen: 100, idempotencyKey: key() } }, 400, 'VALIDATION_FAILED'],
        ['short reason', { body: { asset: 'CNY', amountFen: 100, reason: 'no', idempotencyKey: key() } }, 400, 'VALIDATION_FAILED'],
        [
          'unknown asset',
          { body: { asset: 'USD', amountFen: 100, reason: 'wrong asset', idempotencyKey: key() } },
          400,
          'VALIDATION_FAILED',
        ],
        ['bad key', { body: { asset: 'CNY', amountFen: 100, reason: 'bad key here', idempotencyKey: 'short' } }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [name, options, status, code] of cases) {
        const r = await t.request('POST', url, { token: financeToken, ...options });
        assert.equal(r.status, status, `${name}: ${r.text}`);
        assert.equal(r.json.code, code, name);
        assert.equal(typeof r.json.message, 'string', name);
        assert.equal(typeof r.json.retryable, 'boolean', name);
      }
      const unknownPlayer = await adjust(
        { asset: 'CNY', amountFen: 100, reason: 'nobody home', idempotencyKey: key() },
        { playerId: 'p_nobody' },
      );
      assert.equal(unknownPlayer.status, 404);
      assert.equal(unknownPlayer.json.code, 'PLAYER_NOT_FOUND');
      const badId = await adjust({ asset: 'CNY', amountFen: 100, reason: 'bad id', idempotencyKey: key() }, { playerId: 'p%20x' });
      assert.equal(badId.json.code, 'VALIDATION_FAILED');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('pages history with a cursor and filters by asset, code and time', async () => {
      const p = await t.readyPlayer('pager');
      const startMs = t.clock.nowMs();
      for (let i = 1; i <= 5; i++) {
        t.clock.advanceMs(1000);
        const r = await adjust(
          { asset: i % 2 ? 'CNY' : 'POINTS', amountFen: i * 100, reason: `page test ${i}`, idempotencyKey: key() },
          { playerId: p.playerId },
        );
        assert.equal(r.status, 201, r.text);
      }
      const page1 = await t.request('GET', '/api/wallet/history?limit=2', { token: p.token });
      const page2 = await t.request('GET', `/api/wallet/history?limit=2&cursor=${page1.json.nextCursor}`, { token: p.token });
      const page3 = await t.request('GET', `/api/wallet/history?limit=2&cursor=${page2.json.nextCursor}`, { token: p.token });
      const amounts = [page1, page2, page3].flatMap((pg) => (pg.json.items as { amountFen: number }[]).map((i) => i.amountFen));
      assert.deepEqual(amounts, [500, 400, 300, 200, 100]);
      assert.equal(page3.json.nextCursor, null);
      const points = await t.request('GET', '/api/wallet/history?asset=POINTS', { token: p.token });
      assert.deepEqual(
        (points.json.items as { amountFen: number }[]).map((i) => i.amountFen),
        [400, 200],
      );
      const deposits = await t.request('GET', '/api/wallet/history?code=deposit', { token: p.token });
      assert.deepEqual(deposits.json.items, []);
      const window = await t.request('GET', `/api/wallet/history?fromMs=${startMs + 2000}&toMs=${startMs + 4000}`, { token: p.token });
      assert.deepEqual(
        (window.json.items as { amountFen: number }[]).map((i) => i.amountFen),
        [300, 200],
      );
      const badCursor = await t.request('GET', '/api/wallet/history?cursor=abc', { token: p.token });
      assert.equal(badCursor.json.code, 'VALIDATION_FAILED');
      const badAsset = await t.request('GET', '/api/wallet/history?asset=GOLD', { token: p.token });
      assert.equal(badAsset.json.code, 'VALIDATION_FAILED');
    });

    it('lets operators read a player’s balances and history, never other players’ ids', async () => {
      const support = await t.loginOperator(await t.createOperator(['support']));
      const b = await t.request('GET', `/api/admin/players/${player.playerId}/balances`, { token: support });
      assert.equal(b.status, 200);
      const h = await t.request('GET', `/api/admin/players/${player.playerId}/history`, { token: support });
      assert.ok((h.json.items as unknown[]).length > 0);
      assert.ok(!h.text.includes('player:'), 'counterparties are roles, not account ids');
    });

    it('runs the invariant check for finance and records that it ran', async () => {
      const r = await t.request('POST', '/api/admin/ledger/invariants', { token: financeToken });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.ok, true);
      assert.deepEqual(r.json.problems, []);
      assert.ok((r.json.transfers as number) > 0);
      for (const a of r.json.assets as { postedSumFen: number }[]) assert.equal(a.postedSumFen, 0);
      const audit = await t.platform.audit.list({ action: 'ledger.check_invariants' });
      assert.equal(audit.items[0]?.operatorUsername, finance.username);
    });
  });
}
