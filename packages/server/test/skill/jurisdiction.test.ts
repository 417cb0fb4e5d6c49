// Paid skill games under the mainland-China policy (the loopback address mapped to CN): refused
// before any money moves, while free practice stays open to a verified adult.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { startComplianceTest, verify } from '../compliance/helpers.ts';
import type { TestPlatform } from '../helpers/platform.ts';

for (const backend of backends()) {
  describe(`paid skill games in mainland China on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      ({ t } = await startComplianceTest(backend, {
        defaultPolicy: 'development',
        policies: ['cn-mainland'],
        geoOverrides: [{ cidr: '127.0.0.0/8', region: 'CN' }],
      }));
    });
    after(() => t.close());

    it('refuses head-to-head matches and tournament entries with GAME_MODE_NOT_ALLOWED and moves no money; practice is allowed', async () => {
      const p = await t.readyPlayer('cn-skill');
      await verify(t, p.token, '1990-05-01');
      await t.platform.ledger.submit({
        scope: 'test.deposit',
        key: `cn-${p.playerId}`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(p.playerId, 'CNY'),
        asset: 'CNY',
        amount: 5000,
        code: 'deposit',
      });
      const before = await t.platform.ledger.checkInvariants();
      const match = await t.request('POST', '/api/skill/matches', {
        token: p.token,
        body: { game: 'match3', entryFeeFen: 100, idempotencyKey: 'cn-match-0001' },
      });
      assert.equal(match.status, 403, match.text);
      assert.equal(match.json.code, 'COMPLIANCE_DENIED');
      assert.equal((match.json.details as { reason: string }).reason, 'GAME_MODE_NOT_ALLOWED');
      const entry = await t.request('POST', '/api/skill/tournaments/tn_any/entries', {
        token: p.token,
        body: { idempotencyKey: 'cn-entry-0001' },
      });
      assert.equal((entry.json.details as { reason: string }).reason, 'GAME_MODE_NOT_ALLOWED');
      const after = await t.platform.ledger.checkInvariants();
      assert.equal(after.transfers, before.transfers, 'no ledger transfer');
      assert.equal((await t.platform.ledger.balance(playerAccount(p.playerId, 'CNY')))?.availableFen, 5000);
      const sessions = await t.store.reader.query('SELECT id FROM skill_sessions WHERE player_id = ?', [p.playerId]);
      assert.equal(sessions.length, 0);

      const practice = await t.request('POST', '/api/skill/practice', { token: p.token, body: { game: 'match3' } });
      assert.equal(practice.status, 201, practice.text);
    });
  });
}
