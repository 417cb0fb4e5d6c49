// A player closes their own account (PIPL): refused with a stable code and nothing changed while
// they hold a balance, a withdrawal is open or they sit in a room; once closed, no personal field
// of theirs is readable anywhere in the database, the ledger still checks (its rows untouched,
// owned by the account's opaque id), every session is gone, the console shows the account as
// closed, and the sealed real-name record is deleted when its retention ends (a manual clock).
// The export of one's own data. Both backends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { createPlatform } from '../../src/app.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { AccountClosure, type ClosurePorts } from '../../src/privacy/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { idNumberBorn, policyFile } from '../compliance/helpers.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

const DAY_MS = 24 * 3600 * 1000;
const RETENTION_MS = 30 * DAY_MS;

/** Every text of every row of every table, to search for what must be gone. */
async function everyText(t: TestPlatform): Promise<string> {
  const tables =
    t.store.dialect === 'postgres'
      ? await t.store.reader.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
      : await t.store.reader.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  assert.ok(tables.length > 50, `the schema's tables are listed (${tables.length})`);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await t.store.reader.query<Record<string, unknown>>(`SELECT * FROM ${name}`);
    for (const r of rows)
      parts.push(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('utf8') : v)));
  }
  return parts.join('\n');
}

describe('what stands in the way of closing (the blockers, from the other domains)', () => {
  const closure = (p: Partial<ClosurePorts>) =>
    new AccountClosure({
      store: null as never,
      clock: null as never,
      kycRetentionMs: RETENTION_MS,
      ports: { balances: async () => [], openWithdrawals: async () => 0, liveRooms: async () => 0, ...p },
    });
  it('a balance or a hold of any asset, an open withdrawal, a seat in a live room; nothing: closable', async () => {
    assert.deepEqual(await closure({}).blockers('p1'), []);
    const zero = { postedFen: 0, pendingDebitsFen: 0, pendingCreditsFen: 0 };
    assert.deepEqual(
      await closure({
        balances: async () => [
          { asset: 'CNY', ...zero },
          { asset: 'POINTS', ...zero, postedFen: 3 },
          { asset: 'ROOM_CARD', ...zero, pendingCreditsFen: 1 },
        ],
        openWithdrawals: async () => 1,
        liveRooms: async () => 2,
      }).blockers('p1'),
      [
        { code: 'ACCOUNT_CLOSURE_BALANCE', assets: ['POINTS', 'ROOM_CARD'] },
        { code: 'ACCOUNT_CLOSURE_WITHDRAWAL_OPEN', count: 1 },
        { code: 'ACCOUNT_CLOSURE_SEATED', count: 2 },
      ],
    );
  });
});

for (const backend of backends()) {
  describe(`account closure on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    let finance = '';
    let player = { token: '', playerId: '' };
    let openid = '';
    const idNumber = idNumberBorn('1990-05-01');
    before(async () => {
      clock = new ManualClock(Date.UTC(2026, 5, 1, 2));
      const store = await backend.open({ clock });
      const platform = await createPlatform({
        config: testConfig(),
        store,
        clock,
        policy: loadPolicyFile(policyFile('development')),
        logger: false,
        adapters: testAdapters(clock),
        privacy: { kycRetentionMs: RETENTION_MS },
      });
      t = new TestPlatform(platform, store, clock);
      finance = await t.loginOperator(await t.createOperator(['finance', 'support']));
      player = await t.readyPlayer('closer');
      openid = (await t.platform.accounts.players.identities(player.playerId))[0]!.openid;
      const kyc = await t.request('POST', '/api/me/kyc', { token: player.token, body: { realName: '王小明', idNumber } });
      assert.equal(kyc.status, 200, kyc.text);
    });
    after(() => t.close());

    const adjust = (amountFen: number, key: string) =>
      t.request('POST', `/api/admin/players/${player.playerId}/adjustments`, {
        token: finance,
        body: { asset: 'CNY', amountFen, reason: 'closure test balance', idempotencyKey: key },
      });

    it('refuses while the player holds money, with a stable code, and changes nothing', async () => {
      assert.equal((await adjust(5000, 'closure-in')).status, 201);
      const view = await t.request('GET', '/api/me/account/closure', { token: player.token });
      assert.deepEqual(view.json, {
        closable: false,
        blockers: [{ code: 'ACCOUNT_CLOSURE_BALANCE', assets: ['CNY'] }],
        kycRetentionDays: 30,
      });
      const before = await t.snapshot();
      const r = await t.request('POST', '/api/me/account/close', { token: player.token, body: { confirm: true } });
      assert.equal(r.status, 409);
      assert.equal(r.json.code, 'ACCOUNT_CLOSURE_BALANCE');
      assert.deepEqual(await t.snapshot(), before);
      const bad = await t.request('POST', '/api/me/account/close', { token: player.token, body: { confirm: 'yes' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 'VALIDATION_FAILED');
      assert.equal((await t.request('GET', '/api/me', { token: player.token })).status, 200);
    });

    it('exports the player’s own data as one JSON document', async () => {
      const r = await t.request('GET', '/api/me/export', { token: player.token });
      assert.equal(r.status, 200, r.text);
      const e = r.json as Record<string, unknown>;
      assert.equal(e.format, 'fairground.player-export.v1');
      assert.equal((e.player as { id: string }).id, player.playerId);
      assert.deepEqual(
        (e.wechatIdentities as { openid: string }[]).map((i) => i.openid),
        [openid],
      );
      assert.equal((e.realName as { status: string }).status, 'verified');
      assert.equal((e.ledgerEntries as { amount: number }[])[0]?.amount, 5000);
      assert.equal(e.ledgerEntriesTruncated, false);
      assert.deepEqual(e.deposits, []);
      assert.deepEqual(e.withdrawals, []);
    });

    it('closes once the wallet is empty: personal fields unreadable, the ledger checks, sessions gone, the console says closed', async () => {
      assert.equal((await adjust(-5000, 'closure-out')).status, 201);
      const nickname = (await t.platform.accounts.players.require(player.playerId)).nickname;
      const view = await t.request('GET', '/api/me/account/closure', { token: player.token });
      assert.equal(view.json.closable, true);
      const r = await t.request('POST', '/api/me/account/close', { token: player.token, body: { confirm: true } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.kycPurgeAfterMs, clock.nowMs() + RETENTION_MS);

      const me = await t.request('GET', '/api/me', { token: player.token });
      assert.equal(me.status, 401);
      assert.equal(me.json.code, 'AUTH_SESSION_REVOKED');

      const all = await everyText(t);
      for (const [what, value] of [
        ['openid', openid],
        ['nickname', nickname],
        ['real name', '王小明'],
        ['identity number', idNumber],
      ] as const) {
        assert.ok(!all.includes(value), `the ${what} is still readable somewhere`);
      }
      const report = await t.platform.ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      const history = await t.platform.ledger.history({ ownerKind: 'player', ownerId: player.playerId });
      assert.equal(history.items.length, 2, 'the ledger keeps the account’s transfers under its opaque id');

      const detail = await t.request('GET', `/api/admin/players/${player.playerId}`, { token: finance });
      assert.equal(detail.status, 200, detail.text);
      assert.equal((detail.json.player as { status: string; nickname: string }).status, 'closed');
      assert.equal((detail.json.player as { status: string; nickname: string }).nickname, '已注销用户');
    });

    it('the same WeChat user signing in again gets a new account; the same identity may verify it', async () => {
      const again = await t.readyPlayer('closer');
      assert.notEqual(again.playerId, player.playerId);
      const kyc = await t.request('POST', '/api/me/kyc', { token: again.token, body: { realName: '王小明', idNumber } });
      assert.equal(kyc.status, 200, kyc.text);
    });

    it('the sealed real-name record is kept until the retention ends, then the purge job deletes it', async () => {
      const sealed = () => t.store.reader.query('SELECT player_id FROM player_kyc WHERE player_id = ?', [player.playerId]);
      assert.equal((await sealed()).length, 1);
      clock.advanceMs(RETENTION_MS - 1);
      assert.equal(await t.platform.privacy.purgeDue(), 0);
      assert.equal((await sealed()).length, 1);
      clock.advanceMs(1);
      assert.equal(await t.platform.privacy.purgeDue(), 1);
      assert.equal((await sealed()).length, 0);
      assert.equal((await t.store.reader.query('SELECT id FROM player_kyc_attempts WHERE player_id = ?', [player.playerId])).length, 0);
      assert.equal((await t.platform.privacy.closure(player.playerId))?.kycPurgedAtMs, clock.nowMs());
      assert.equal(await t.platform.privacy.purgeDue(), 0, 'purged once');
    });
  });
}
