// Rooms under parallel requests on several writer connections: room cards bought by twelve
// requests against a balance that covers five (the balance is checked in the unit that takes the
// money: exactly five go through, the rest ROOM_FUNDS_INSUFFICIENT, the balances prove it), and a
// report filed twelve times at once (one report, the rest ROOM_REPORT_DUPLICATE, never a 500).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

const PARALLEL = 12;

for (const backend of backends()) {
  describe(`parallel room requests on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend, { writers: 4 });
    });
    after(async () => {
      assert.deepEqual((await t.platform.ledger.checkInvariants()).problems, []);
      await t.close();
    });

    it(`lets exactly five of ${PARALLEL} parallel purchases through a balance that covers five`, async () => {
      const p = await t.readyPlayer('cards-racer');
      const product = await t.request('GET', '/api/rooms/cards', { token: p.token });
      const priceFen = product.json.priceFen as number;
      await t.platform.ledger.submit({
        scope: 'test.deposit',
        key: `${p.playerId}-cards`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(p.playerId, 'CNY'),
        asset: 'CNY',
        amount: 5 * priceFen,
        code: 'deposit',
      });
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          t.request('POST', '/api/rooms/cards/purchase', { token: p.token, body: { quantity: 1, idempotencyKey: `cards-race-${i}` } }),
        ),
      );
      assert.deepEqual(rs.map((r) => (r.status < 300 ? String(r.status) : `${r.status} ${String(r.json.code)}`)).sort(), [
        ...Array<string>(5).fill('201'),
        ...Array<string>(PARALLEL - 5).fill('409 ROOM_FUNDS_INSUFFICIENT'),
      ]);
      const after = await t.request('GET', '/api/rooms/cards', { token: p.token });
      assert.equal(after.json.cards, 5);
      assert.equal((await t.platform.ledger.balance(playerAccount(p.playerId, 'CNY')))?.postedFen, 0);
      const orders = await t.store.reader.query('SELECT order_id FROM room_orders WHERE player_id = ?', [p.playerId]);
      assert.equal(orders.length, 5);
    });

    it(`files one report for ${PARALLEL} identical reports sent at once; the rest are ROOM_REPORT_DUPLICATE`, async () => {
      const p = await t.readyPlayer('report-racer');
      await t.platform.ledger.submit({
        scope: 'test.deposit',
        key: `${p.playerId}-room`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(p.playerId, 'CNY'),
        asset: 'CNY',
        amount: 100_000,
        code: 'deposit',
      });
      const room = await t.request('POST', '/api/rooms', { token: p.token, body: { fee: { mode: 'cash' } } });
      assert.equal(room.status, 201, room.text);
      const roomId = room.json.roomId as string;
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          t.request('POST', `/api/rooms/${roomId}/reports`, { token: p.token, body: { reason: 'gambling', text: 'side bets in chat' } }),
        ),
      );
      assert.deepEqual(rs.map((r) => (r.status < 300 ? String(r.status) : `${r.status} ${String(r.json.code)}`)).sort(), [
        '201',
        ...Array<string>(PARALLEL - 1).fill('409 ROOM_REPORT_DUPLICATE'),
      ]);
      const reports = await t.store.reader.query('SELECT id FROM room_reports WHERE room_id = ?', [roomId]);
      assert.equal(reports.length, 1);
    });
  });
}
