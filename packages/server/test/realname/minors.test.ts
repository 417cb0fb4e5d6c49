// A minor's identity checked by the NPPA gets the minors' rules end to end, under the China
// policy, on SQLite and PostgreSQL: sign-in, real name through the NPPA sandbox (which answers
// only a pi; the age comes from the verified number), a room created at 20:30 on a Friday, and at
// 21:00 every room refuses the minor while an adult plays on. A mini-game player whose real name
// WeChat verified is recorded as such, gets no money or play route until an age is verified, and
// then the minors' windows apply from that age.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { TestPlatform } from '../helpers/platform.ts';
import { bj, type NppaTest, startNppaTest } from './helpers.ts';

type Json = Record<string, unknown>;

const CASH_ROOM = { params: { seats: 3, rounds: 8, baseScore: 1, sameIpAllowed: true }, fee: { mode: 'cash', payer: 'owner' } };

async function fund(t: TestPlatform, playerId: string, amountFen: number): Promise<void> {
  await t.platform.ledger.submit({
    scope: 'test.fund',
    key: `${playerId}:${randomBytes(4).toString('hex')}`,
    debit: systemAccount('adjustments', 'CNY'),
    credit: playerAccount(playerId, 'CNY'),
    asset: 'CNY',
    amount: amountFen,
    code: 'adjustment',
  });
}

function reasonOf(r: { json: Json }): string | undefined {
  return (r.json.details as { reason?: string } | undefined)?.reason;
}

for (const backend of backends()) {
  describe(`a minor checked by the NPPA under the China policy on ${backend.name}`, () => {
    let n: NppaTest;
    let t: TestPlatform;
    before(async () => {
      n = await startNppaTest(backend, {
        policy: 'cn-mainland',
        // Friday 16 January 2026, 20:30 in Beijing: inside the minors' hour.
        startMs: bj('2026-01-16', '20:30'),
        config: { platformVerifiedAppIds: ['wxtestminiprogram'] },
      });
      t = n.t;
    });
    after(() => n.close());

    it('signs in, is verified as a minor from the number NPPA confirmed, plays at 20:30 and is refused by every room at 21:00', async () => {
      const minorId = n.sandbox.registerIdentity({ name: '林小雨', birthDate: '2012-05-05' });
      const adultId = n.sandbox.registerIdentity({ name: '林大山', birthDate: '1980-05-05' });
      const minor = await t.readyPlayer('cnminor');
      const adult = await t.readyPlayer('cnadult');
      // Before real name: nothing.
      const early = await t.request('POST', '/api/rooms', { token: minor.token, body: CASH_ROOM });
      assert.equal(reasonOf(early), 'REAL_NAME_REQUIRED', early.text);

      for (const [who, id] of [
        [minor, minorId],
        [adult, adultId],
      ] as const) {
        const r = await t.request('POST', '/api/me/kyc', { token: who.token, body: { realName: id.name, idNumber: id.idNum } });
        assert.equal(r.json.status, 'verified', r.text);
        await fund(t, who.playerId, 10_000);
      }
      const rp = (await t.request('GET', '/api/me/responsible-play', { token: minor.token })).json;
      assert.deepEqual(rp.minor, { age: 13, windowEndMs: bj('2026-01-16', '21:00') });

      const mine = await t.request('POST', '/api/rooms', { token: minor.token, body: CASH_ROOM });
      assert.equal(mine.status, 201, mine.text);
      const joined = await t.request('POST', '/api/rooms/join', { token: adult.token, body: { code: mine.json.code, role: 'member' } });
      assert.equal(joined.status, 200, joined.text);
      const theirs = await t.request('POST', '/api/rooms', { token: adult.token, body: CASH_ROOM });
      assert.equal(theirs.status, 201, theirs.text);

      n.clock.setMs(bj('2026-01-16', '21:00'));
      // Signing in again at 21:00 works (sign-in is not play); every room refuses.
      const minorLater = await t.loginPlayer('cnminor');
      const adultLater = await t.loginPlayer('cnadult');
      const before = await t.snapshot();
      const join = await t.request('POST', '/api/rooms/join', {
        token: minorLater.token,
        body: { code: theirs.json.code, role: 'member' },
      });
      assert.equal(join.status, 403, join.text);
      assert.equal(reasonOf(join), 'MINOR_OUTSIDE_PLAY_WINDOW');
      const create = await t.request('POST', '/api/rooms', { token: minorLater.token, body: CASH_ROOM });
      assert.equal(reasonOf(create), 'MINOR_OUTSIDE_PLAY_WINDOW');
      assert.equal(
        await t.platform.compliance.playWindowEndMs(minor.playerId, n.clock.nowMs()),
        n.clock.nowMs(),
        'the rooms see the window closed',
      );
      const after = await t.snapshot();
      assert.equal(after.ledger_transfers, before.ledger_transfers, 'no money moved');
      // The adult plays on.
      const adultJoin = await t.request('POST', '/api/rooms', { token: adultLater.token, body: CASH_ROOM });
      assert.equal(adultJoin.status, 201, adultJoin.text);
    });

    it('records a mini-game player as verified by WeChat, refuses money and play until an age is verified, then applies the minors’ window from it', async () => {
      n.clock.setMs(bj('2026-01-16', '20:10'));
      const kid = n.sandbox.registerIdentity({ name: '何小风', birthDate: '2011-03-03' });
      const p = await t.loginPlayer('cnminigame', 'miniprogram');
      await t.request('POST', '/api/me/terms', { token: p.token, body: { version: '2026-01' } });
      const status = (await t.request('GET', '/api/me/kyc', { token: p.token })).json;
      assert.equal(status.platform, 'wechat_minigame');
      assert.equal(status.status, 'none');
      const h5 = await t.readyPlayer('cnh5only');
      assert.equal((await t.request('GET', '/api/me/kyc', { token: h5.token })).json.platform, null);

      await fund(t, p.playerId, 10_000);
      const refused = await t.request('POST', '/api/rooms', { token: p.token, body: CASH_ROOM });
      assert.equal(refused.status, 403);
      assert.equal(reasonOf(refused), 'AGE_UNVERIFIED', 'WeChat verified the real name, not the age');
      const deposit = await t.platform.compliance.check('deposit', { kind: 'player', playerId: p.playerId }, { amountFen: 100 });
      assert.equal(!deposit.allow && deposit.code, 'AGE_UNVERIFIED');

      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: kid.name, idNumber: kid.idNum } });
      assert.equal(r.json.status, 'verified', r.text);
      assert.equal(r.json.platform, 'wechat_minigame', 'the record still says WeChat verified the real name');
      assert.equal((await t.request('POST', '/api/rooms', { token: p.token, body: CASH_ROOM })).status, 201);
      // The next Tuesday evening is outside the minors' days.
      n.clock.setMs(bj('2026-01-20', '20:30'));
      const again = await t.loginPlayer('cnminigame', 'miniprogram');
      const tuesday = await t.request('POST', '/api/rooms', { token: again.token, body: CASH_ROOM });
      assert.equal(reasonOf(tuesday), 'MINOR_OUTSIDE_PLAY_WINDOW');
    });

    it('tells a player whose check is in progress that it is pending, not that real name is missing', async () => {
      n.clock.setMs(bj('2026-01-17', '10:00'));
      const slow = n.sandbox.registerIdentity({ name: '慢慢', birthDate: '1990-01-01', outcome: 'pending', pendingMs: 60_000 });
      const p = await t.readyPlayer('cnslow');
      assert.equal(
        (await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: slow.name, idNumber: slow.idNum } })).json.status,
        'pending',
      );
      const r = await t.request('POST', '/api/rooms', { token: p.token, body: CASH_ROOM });
      assert.equal(reasonOf(r), 'REAL_NAME_PENDING');
    });
  });
}
