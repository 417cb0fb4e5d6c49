// Promotions on SQLite and PostgreSQL: bonus campaigns with budgets and wagering that holds
// withdrawals back until met; invite rewards in room cards paid after real-name verification, with
// self-referral refused; points issued only from the issuance account and never redeemable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '@fairground/core';
import { OPERATOR_ROLES } from '../../src/accounts/index.ts';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { bj, startComplianceTest, verify } from '../compliance/helpers.ts';
import type { TestPlatform } from '../helpers/platform.ts';

for (const backend of backends()) {
  describe(`promotions on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    let op = '';
    before(async () => {
      ({ t, clock } = await startComplianceTest(backend, { startMs: bj('2026-05-01', '10:00') }));
      op = await t.loginOperator(await t.createOperator(OPERATOR_ROLES));
    });
    after(() => t.close());

    const balance = async (playerId: string, asset: 'BONUS' | 'ROOM_CARD' | 'POINTS' | 'CNY') =>
      (await t.platform.ledger.balances('player', playerId)).find((b) => b.asset === asset)?.postedFen ?? 0;

    it('grants bonuses within the budget and the per-player limit, idempotently, and holds withdrawals until the wagering is met', async () => {
      const created = await t.request('POST', '/api/admin/promotions/campaigns', {
        token: op,
        body: { name: 'Welcome bonus', kind: 'bonus', amount: 1000, wageringMultiplier: 5, budget: 2500, perPlayerMax: 1 },
      });
      assert.equal(created.status, 201, created.text);
      const campaign = created.json as { id: string; asset: string };
      assert.equal(campaign.asset, 'BONUS');
      const [a, b, c] = [await t.readyPlayer('bonusA'), await t.readyPlayer('bonusB'), await t.readyPlayer('bonusC')];
      const grant = (playerId: string, key: string) =>
        t.request('POST', `/api/admin/promotions/campaigns/${campaign.id}/grants`, {
          token: op,
          body: { playerId, idempotencyKey: key, reason: 'welcome' },
        });
      const g1 = await grant(a.playerId, 'bonus-a-0001');
      assert.equal(g1.status, 201, g1.text);
      assert.equal((g1.json as { wageringRequiredFen: number }).wageringRequiredFen, 5000);
      const again = await grant(a.playerId, 'bonus-a-0001');
      assert.equal((again.json as { id: string }).id, (g1.json as { id: string }).id, 'the same key is the same grant');
      assert.equal(await balance(a.playerId, 'BONUS'), 1000);
      assert.equal((await grant(a.playerId, 'bonus-a-0002')).json.code, 'PROMO_PLAYER_LIMIT');
      assert.equal((await grant(b.playerId, 'bonus-b-0001')).status, 201);
      const before = await t.snapshot();
      assert.equal((await grant(c.playerId, 'bonus-c-0001')).json.code, 'PROMO_BUDGET_EXHAUSTED');
      assert.equal((await t.snapshot()).ledger_transfers, before.ledger_transfers, 'no money moved');

      // The payments port sees the wagering left; playing through it releases withdrawals.
      assert.equal(await t.platform.promotions.wageringPort.outstandingWageringFen(a.playerId), 5000);
      await t.platform.ledger.submit({
        scope: 'test.dep',
        key: 'bonusA-dep',
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(a.playerId, 'CNY'),
        asset: 'CNY',
        amount: 6000,
        code: 'deposit',
      });
      for (const [i, [asset, amount]] of (
        [
          ['CNY', 3000],
          ['BONUS', 1000],
          ['CNY', 999],
        ] as const
      ).entries()) {
        await t.platform.ledger.submit({
          scope: 'test.fee',
          key: `bonusA-fee-${i}`,
          debit: playerAccount(a.playerId, asset),
          credit: systemAccount('revenue', asset),
          asset,
          amount,
          code: 'entry_fee',
        });
      }
      assert.equal(await t.platform.promotions.wageringPort.outstandingWageringFen(a.playerId), 1);
      await t.platform.ledger.submit({
        scope: 'test.fee',
        key: 'bonusA-fee-last',
        debit: playerAccount(a.playerId, 'CNY'),
        credit: systemAccount('revenue', 'CNY'),
        asset: 'CNY',
        amount: 1,
        code: 'entry_fee',
      });
      assert.equal(await t.platform.promotions.wageringPort.outstandingWageringFen(a.playerId), 0);
      const mine = await t.request('GET', '/api/me/promotions', { token: a.token });
      assert.equal((mine.json as { grants: { status: string }[] }).grants[0]?.status, 'completed');
    });

    it('pays invite rewards in room cards once the friend verifies their real name, and refuses self-referral', async () => {
      const campaign = (
        await t.request('POST', '/api/admin/promotions/campaigns', {
          token: op,
          body: { name: 'Invite a friend', kind: 'invite', amount: 2, inviteeAmount: 1, budget: 30, perPlayerMax: 10 },
        })
      ).json as { id: string; asset: string };
      assert.equal(campaign.asset, 'ROOM_CARD');
      const inviter = await t.readyPlayer('inviter1');
      const code = ((await t.request('GET', '/api/me/promotions', { token: inviter.token })).json as { inviteCode: string }).inviteCode;
      assert.equal((await t.request('POST', '/api/me/invite', { token: inviter.token, body: { code } })).json.code, 'PROMO_SELF_REFERRAL');

      // Over HTTP both players come from the same (loopback) address: one person with two accounts, by the look of it.
      const twin = await t.readyPlayer('twin1');
      const shared = await t.request('POST', '/api/me/invite', { token: twin.token, body: { code } });
      assert.deepEqual(shared.json, { status: 'rejected', reason: 'SELF_REFERRAL_SHARED_ADDRESS' });
      assert.equal((await t.request('POST', '/api/me/invite', { token: twin.token, body: { code } })).json.code, 'PROMO_ALREADY_REFERRED');

      // A friend on another network.
      const friend = await t.readyPlayer('friend1');
      t.platform.compliance.noteAddress(inviter.playerId, '1.0.1.1');
      t.platform.compliance.noteAddress(friend.playerId, '114.114.114.114');
      assert.deepEqual(await t.platform.promotions.acceptInvite(friend.playerId, code), { status: 'pending', reason: null });
      assert.deepEqual(
        await t.platform.promotions.settleReferrals(),
        { rewarded: 0, rejected: 0, waiting: 1 },
        'not before real-name verification',
      );
      await verify(t, friend.token, '1995-05-05', '李四');
      t.platform.compliance.noteAddress(inviter.playerId, '1.0.1.1');
      t.platform.compliance.noteAddress(friend.playerId, '114.114.114.114');
      const settled = await t.request('POST', '/api/admin/promotions/referrals/settle', { token: op });
      assert.deepEqual(settled.json, { rewarded: 1, rejected: 0, waiting: 0 });
      assert.equal(await balance(inviter.playerId, 'ROOM_CARD'), 2);
      assert.equal(await balance(friend.playerId, 'ROOM_CARD'), 1);
      const list = await t.request('GET', '/api/admin/promotions/campaigns', { token: op });
      assert.equal((list.json as { items: { id: string; spent: number }[] }).items.find((x) => x.id === campaign.id)?.spent, 3);

      // Several "friends" from one address in a day look farmed.
      for (let i = 0; i < 4; i++) {
        const inv = await t.readyPlayer(`farmInviter${i}`);
        const c2 = ((await t.request('GET', '/api/me/promotions', { token: inv.token })).json as { inviteCode: string }).inviteCode;
        const f = await t.readyPlayer(`farmFriend${i}`);
        t.platform.compliance.noteAddress(inv.playerId, `8.8.4.${i}`);
        t.platform.compliance.noteAddress(f.playerId, '8.8.8.8');
        const r = await t.platform.promotions.acceptInvite(f.playerId, c2);
        assert.deepEqual(
          r,
          i < 3 ? { status: 'pending', reason: null } : { status: 'rejected', reason: 'SELF_REFERRAL_ADDRESS_FARM' },
          `friend ${i}`,
        );
      }

      // An old account is not a new friend.
      const old = await t.readyPlayer('oldtimer1');
      clock.advanceMs(8 * 24 * 3600 * 1000);
      const late = await t.loginPlayer('oldtimer1');
      assert.equal((await t.request('POST', '/api/me/invite', { token: late.token, body: { code } })).json.code, 'PROMO_REFERRAL_NOT_NEW');
      assert.ok(old.playerId);
    });

    it('issues points only from the issuance account; they can never be redeemed', async () => {
      op = await t.loginOperator(await t.createOperator(['admin']));
      const campaign = (
        await t.request('POST', '/api/admin/promotions/campaigns', {
          token: op,
          body: { name: 'Points day', kind: 'points', amount: 50, budget: 500, perPlayerMax: 3 },
        })
      ).json as { id: string; asset: string };
      assert.equal(campaign.asset, 'POINTS');
      const p = await t.readyPlayer('points1');
      const g = await t.request('POST', `/api/admin/promotions/campaigns/${campaign.id}/grants`, {
        token: op,
        body: { playerId: p.playerId, idempotencyKey: 'points-p1-0001', reason: 'event' },
      });
      assert.equal(g.status, 201, g.text);
      assert.equal(await balance(p.playerId, 'POINTS'), 50);
      const history = await t.platform.ledger.history({ ownerKind: 'player', ownerId: p.playerId, asset: 'POINTS' });
      assert.equal(history.items[0]?.code, 'points_grant');
      assert.equal(history.items[0]?.counterparty, systemAccount('points_issuance', 'POINTS'));
      const d = await t.platform.compliance.check('redeem_points', { kind: 'player', playerId: p.playerId }, {});
      assert.equal(!d.allow && d.code, 'POINTS_NOT_REDEEMABLE');
      const inv = await t.platform.ledger.checkInvariants();
      assert.equal(inv.ok, true, inv.problems.join('; '));
    });
  });
}
