// Promotions under parallel requests on several writer connections: a player's invite code is
// made once however many pages ask for it at once; an invitation accepted twelve times at once is
// one referral and the rest PROMO_ALREADY_REFERRED; grants in parallel stop at the campaign's
// per-player limit (PROMO_PLAYER_LIMIT), and the balance shows exactly the grants made.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { type Reply, TestPlatform } from '../helpers/platform.ts';

const PARALLEL = 12;

function outcomes(rs: readonly Reply[]): string[] {
  return rs.map((r) => (r.status < 300 ? String(r.status) : `${r.status} ${String(r.json.code)}`)).sort();
}

for (const backend of backends()) {
  describe(`parallel promotions on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend, { writers: 4 });
    });
    after(async () => {
      assert.deepEqual((await t.platform.ledger.checkInvariants()).problems, []);
      await t.close();
    });

    it('makes one invite code for parallel first asks, and one referral for parallel acceptances', async () => {
      const inviter = await t.readyPlayer('race-inviter');
      const pages = await Promise.all(
        Array.from({ length: PARALLEL }, () => t.request('GET', '/api/me/promotions', { token: inviter.token })),
      );
      assert.ok(pages.every((r) => r.status === 200));
      const codes = new Set(pages.map((r) => r.json.inviteCode as string));
      assert.equal(codes.size, 1, 'one code');
      const code = [...codes][0]!;
      const invitee = await t.readyPlayer('race-invitee');
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, () => t.request('POST', '/api/me/invite', { token: invitee.token, body: { code } })),
      );
      assert.deepEqual(outcomes(rs), ['200', ...Array<string>(PARALLEL - 1).fill('409 PROMO_ALREADY_REFERRED')]);
      const referrals = await t.store.reader.query('SELECT invitee_id FROM promo_referrals WHERE invitee_id = ?', [invitee.playerId]);
      assert.equal(referrals.length, 1);
    });

    it(`stops ${PARALLEL} parallel grants to one player at the campaign's limit of three`, async () => {
      const op = await t.loginOperator(await t.createOperator(['admin']));
      const campaign = await t.request('POST', '/api/admin/promotions/campaigns', {
        token: op,
        body: { name: 'Race bonus', kind: 'bonus', amount: 100, wageringMultiplier: 1, budget: 100_000, perPlayerMax: 3 },
      });
      const p = await t.readyPlayer('race-granted');
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          t.request('POST', `/api/admin/promotions/campaigns/${campaign.json.id as string}/grants`, {
            token: op,
            body: { playerId: p.playerId, idempotencyKey: `race-grant-${i}`, reason: 'race' },
          }),
        ),
      );
      assert.deepEqual(outcomes(rs), [...Array<string>(3).fill('201'), ...Array<string>(PARALLEL - 3).fill('409 PROMO_PLAYER_LIMIT')]);
      const bonus = (await t.platform.ledger.balances('player', p.playerId)).find((b) => b.asset === 'BONUS');
      assert.equal(bonus?.postedFen, 300);
    });
  });
}
