// Real-name verification on the unit-test stand-in of the real-name check: sealed at rest, masked
// on screens, one identity per account, a refusal recorded as a failed attempt. The NPPA flow
// itself is tested against the NPPA sandbox in test/realname/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withCheckChar } from '../../src/accounts/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

const ID = withCheckChar('11010119900307123'); // born 1990-03-07
const OTHER_ID = withCheckChar('44030619851112456');

for (const backend of backends()) {
  describe(`kyc on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend);
    });
    after(() => t.close());

    it('verifies a name and identity number, shows them masked, and stores them sealed', async () => {
      const p = await t.readyPlayer('kycok');
      assert.deepEqual((await t.request('GET', '/api/me/kyc', { token: p.token })).json, {
        status: 'none',
        verifiedBy: null,
        maskedName: null,
        maskedIdNumber: null,
        verifiedAtMs: null,
        pending: null,
        failure: null,
        platform: null,
        available: true,
      });
      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '王小明', idNumber: ID } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'verified');
      assert.equal(r.json.maskedName, '王**');
      assert.equal(r.json.maskedIdNumber, `110${'*'.repeat(11)}${ID.slice(14)}`);
      const rows = await t.store.reader.query<Record<string, unknown>>('SELECT * FROM player_kyc WHERE player_id = ?', [p.playerId]);
      const stored = JSON.stringify(rows);
      assert.ok(!stored.includes('王小明') && !stored.includes(ID), 'neither the name nor the number is stored in clear');
      const identity = await t.platform.accounts.kyc.identityOf(p.playerId);
      assert.equal(identity?.pi?.length, 38);
      assert.deepEqual(identity, { realName: '王小明', idNumber: ID, birthDate: '1990-03-07', pi: identity?.pi, verifiedBy: 'standin' });
    });

    it('refuses a second verification, and the same identity on another account', async () => {
      const p = await t.readyPlayer('kycdup');
      assert.equal(
        (await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '李四', idNumber: OTHER_ID } })).status,
        200,
      );
      const again = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '李四', idNumber: OTHER_ID } });
      assert.equal(again.json.code, 'KYC_ALREADY_VERIFIED');
      const q = await t.readyPlayer('kycdup2');
      const before = await t.snapshot();
      const taken = await t.request('POST', '/api/me/kyc', {
        token: q.token,
        body: { realName: '李四', idNumber: OTHER_ID.toLowerCase() },
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.json.code, 'KYC_ID_NUMBER_IN_USE');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('refuses a bad checksum, an impossible birth date, a bad name, and a provider rejection, storing nothing', async () => {
      const p = await t.readyPlayer('kycbad');
      const before = await t.snapshot();
      const badChecksum = `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}`;
      const r1 = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '张三', idNumber: badChecksum } });
      assert.equal(r1.json.code, 'KYC_ID_NUMBER_INVALID');
      const r2 = await t.request('POST', '/api/me/kyc', {
        token: p.token,
        body: { realName: '张三', idNumber: withCheckChar('11010119901332123') },
      });
      assert.equal(r2.json.code, 'KYC_ID_NUMBER_INVALID');
      const r3 = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '张3', idNumber: ID } });
      assert.equal(r3.json.code, 'KYC_NAME_INVALID');
      const r4 = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '张三', idNumber: '1234' } });
      assert.equal(r4.json.code, 'VALIDATION_FAILED');
      assert.deepEqual(await t.snapshot(), before);
      const rejected = await t.request('POST', '/api/me/kyc', {
        token: p.token,
        body: { realName: '赵拒', idNumber: withCheckChar('31011519800101234') },
      });
      assert.equal(rejected.status, 422);
      assert.equal(rejected.json.code, 'KYC_REJECTED');
      const afterSnap = await t.snapshot();
      assert.equal(afterSnap.player_kyc, before.player_kyc);
    });
  });
}
