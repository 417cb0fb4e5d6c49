// The settings through the HTTP API, as the console uses them: a fee change applies to rooms
// created afterwards only and is audited; out-of-bounds and pot-based fees are refused with clear
// messages; a newly published agreement stops every player's money and play until they accept it,
// and each acceptance is kept per player.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TERMS_VERSION, TestPlatform } from '../helpers/platform.ts';

for (const backend of backends()) {
  describe(`settings API on ${backend.name}`, () => {
    let t: TestPlatform;
    let admin: string;
    let finance: string;
    before(async () => {
      t = await TestPlatform.start(backend);
      admin = await t.loginOperator(await t.createOperator(['admin']));
      finance = await t.loginOperator(await t.createOperator(['finance']));
    });
    after(() => t.close());

    async function fund(playerId: string, fen: number) {
      await t.platform.ledger.submit({
        scope: 'test.fund',
        key: `fund:${playerId}:${fen}`,
        debit: systemAccount('adjustments', 'CNY'),
        credit: playerAccount(playerId, 'CNY'),
        asset: 'CNY',
        amount: fen,
        code: 'adjustment',
      });
    }

    async function fees() {
      const r = await t.request('GET', '/api/admin/settings', { token: finance });
      assert.equal(r.status, 200);
      const s = (r.json.settings as { key: string; version: number; value: Record<string, unknown> }[]).find((x) => x.key === 'room.fees');
      assert.ok(s);
      return s;
    }

    it('a fee change applies to rooms created after it only, and is audited with before and after', async () => {
      const owner = await t.readyPlayer('fee-owner');
      await fund(owner.playerId, 100_000);
      const body = { params: { seats: 3, rounds: 8 }, fee: { mode: 'cash', payer: 'owner' } };
      const first = await t.request('POST', '/api/rooms', { token: owner.token, body });
      assert.equal(first.status, 201, first.text);
      assert.equal((first.json.fee as { perSeat: { cashFen: number } }).perSeat.cashFen, 200);

      const before = await fees();
      // Only an admin changes prices.
      const denied = await t.request('PUT', '/api/admin/settings/room.fees', {
        token: finance,
        body: { expectedVersion: before.version, value: { ...before.value, cashFeePerSeatPerBlockFen: 300 } },
      });
      assert.equal(denied.json.code, 'AUTH_ROLE_MISSING');
      const saved = await t.request('PUT', '/api/admin/settings/room.fees', {
        token: admin,
        body: {
          expectedVersion: before.version,
          value: { ...before.value, cashFeePerSeatPerBlockFen: 300, commissionBps: 1200 },
          reason: 'new prices',
        },
      });
      assert.equal(saved.status, 200, saved.text);
      assert.equal(saved.json.version, before.version + 1);

      const second = await t.request('POST', '/api/rooms', { token: owner.token, body });
      assert.equal(second.status, 201, second.text);
      const fee2 = second.json.fee as { perSeat: { cashFen: number }; commissionBps: number };
      assert.equal(fee2.perSeat.cashFen, 300);
      assert.equal(fee2.commissionBps, 1200);
      // The room created before keeps the price it was created with.
      const old = await t.request('GET', `/api/rooms/code/${first.json.code as string}`, { token: owner.token });
      assert.equal(old.status, 200, old.text);
      assert.equal((old.json.fee as { perSeat: { cashFen: number }; commissionBps: number }).perSeat.cashFen, 200);
      assert.equal((old.json.fee as { commissionBps: number }).commissionBps, 1000);

      const audit = await t.request('GET', '/api/admin/audit?action=settings.update', { token: admin });
      assert.equal(audit.status, 200, audit.text);
      const entry = (
        audit.json.items as {
          targetId: string;
          before: { value: Record<string, number> };
          after: { value: Record<string, number> };
          reason: string;
        }[]
      ).find((e) => e.targetId === 'room.fees');
      assert.ok(entry);
      assert.equal(entry.before.value.cashFeePerSeatPerBlockFen, 200);
      assert.equal(entry.after.value.cashFeePerSeatPerBlockFen, 300);
      assert.equal(entry.reason, 'new prices');
    });

    it('refuses an out-of-bounds commission and a pot-based fee with clear messages, storing nothing', async () => {
      const current = await fees();
      const out = await t.request('PUT', '/api/admin/settings/room.fees', {
        token: admin,
        body: { expectedVersion: current.version, value: { ...current.value, commissionBps: 2000 } },
      });
      assert.equal(out.status, 400);
      assert.equal(out.json.code, 'SETTINGS_OUTSIDE_POLICY');
      assert.match(out.json.message as string, /commissionBps 2000 is outside 500\.\.1500/);
      const pot = await t.request('PUT', '/api/admin/settings/room.fees', {
        token: admin,
        body: { expectedVersion: current.version, value: { ...current.value, basis: 'pot' } },
      });
      assert.equal(pot.status, 400);
      assert.equal(pot.json.code, 'SETTINGS_FEE_ON_POT');
      assert.match(pot.json.message as string, /抽头/);
      assert.equal((await fees()).version, current.version);
    });

    it('the skill catalogue is the setting: new stakes and rake apply to matches started afterwards', async () => {
      const p = await t.readyPlayer('catalogue-player');
      await fund(p.playerId, 10_000);
      const all = await t.request('GET', '/api/admin/settings', { token: admin });
      const cat = (all.json.settings as { key: string; version: number; value: { games: Record<string, unknown>[] } }[]).find(
        (x) => x.key === 'skill.catalogue',
      );
      assert.ok(cat);
      const games = cat.value.games.map((g) => ({ ...g, stakesFen: [300, 800], rakeBps: 800 }));
      const saved = await t.request('PUT', '/api/admin/settings/skill.catalogue', {
        token: admin,
        body: { expectedVersion: cat.version, value: { games } },
      });
      assert.equal(saved.status, 200, saved.text);
      const offered = await t.request('GET', '/api/skill/games', { token: p.token });
      const match3 = (offered.json.games as { game: string; stakesFen: number[]; rakeBps: number }[]).find((g) => g.game === 'match3');
      assert.deepEqual(match3?.stakesFen, [300, 800]);
      assert.equal(match3?.rakeBps, 800);
      const old = await t.request('POST', '/api/skill/matches', {
        token: p.token,
        body: { game: 'match3', entryFeeFen: 100, idempotencyKey: 'cat-match-0001' },
      });
      assert.equal(old.json.code, 'SKILL_STAKE_UNKNOWN');
      const fresh = await t.request('POST', '/api/skill/matches', {
        token: p.token,
        body: { game: 'match3', entryFeeFen: 300, idempotencyKey: 'cat-match-0002' },
      });
      assert.equal(fresh.status, 201, fresh.text);
      // A plug-in the build does not have is refused, naming the ones it has.
      const unknown = await t.request('PUT', '/api/admin/settings/skill.catalogue', {
        token: admin,
        body: { expectedVersion: cat.version + 1, value: { games: [{ ...games[0], plugin: 'chess' }] } },
      });
      assert.equal(unknown.json.code, 'SETTINGS_INVALID');
      assert.match(JSON.stringify(unknown.json.details), /no plug-in chess \(known: match3, sum10\)/);
    });

    it('a new agreement version stops money and play until the player accepts it; acceptances are kept per player', async () => {
      const p = await t.readyPlayer('agreement-player');
      const quoteBody = { params: { seats: 3, rounds: 8 }, fee: { mode: 'room_card', payer: 'owner' } };
      const settings = await t.request('GET', '/api/admin/settings', { token: admin });
      const agreement = (settings.json.settings as { key: string; version: number; value: Record<string, unknown> }[]).find(
        (x) => x.key === 'agreement',
      );
      assert.ok(agreement);
      assert.equal((agreement.value as { version: string }).version, TERMS_VERSION);
      const next = {
        version: '2026-02',
        terms: { title: { zh: '用户协议', en: 'User agreement' }, body: { zh: '新条款：禁止赌博。', en: 'New terms: no gambling.' } },
        privacy: { title: { zh: '隐私政策', en: 'Privacy policy' }, body: { zh: '我们保护您的信息。', en: 'We protect your data.' } },
      };
      const published = await t.request('PUT', '/api/admin/settings/agreement', {
        token: admin,
        body: { expectedVersion: agreement.version, value: next },
      });
      assert.equal(published.status, 200, published.text);

      const terms = await t.request('GET', '/api/terms');
      assert.equal(terms.json.version, '2026-02');
      assert.equal((terms.json.body as { en: string }).en, 'New terms: no gambling.');
      assert.equal((terms.json.privacy as { body: { zh: string } }).body.zh, '我们保护您的信息。');
      const me = await t.request('GET', '/api/me', { token: p.token });
      assert.equal(me.json.termsCurrent, false);
      const refused = await t.request('POST', '/api/rooms', { token: p.token, body: quoteBody });
      assert.equal(refused.json.code, 'TERMS_NOT_ACCEPTED');
      assert.deepEqual(refused.json.details, { current: '2026-02' });
      assert.equal(
        (await t.request('POST', '/api/me/terms', { token: p.token, body: { version: TERMS_VERSION } })).json.code,
        'TERMS_VERSION_MISMATCH',
      );
      const accepted = await t.request('POST', '/api/me/terms', { token: p.token, body: { version: '2026-02' } });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.json.termsCurrent, true);
      assert.notEqual((await t.request('POST', '/api/rooms', { token: p.token, body: quoteBody })).json.code, 'TERMS_NOT_ACCEPTED');

      const history = await t.request('GET', `/api/admin/players/${p.playerId}/agreements`, { token: admin });
      assert.equal(history.status, 200, history.text);
      assert.equal(history.json.current, '2026-02');
      assert.deepEqual(
        (history.json.acceptances as { version: string }[]).map((a) => a.version),
        ['2026-02', TERMS_VERSION],
      );
      // A version label names one text forever.
      const again = await t.request('PUT', '/api/admin/settings/agreement', {
        token: admin,
        body: { expectedVersion: agreement.version + 1, value: { ...next, terms: { ...next.terms, body: { zh: '改', en: 'changed' } } } },
      });
      assert.equal(again.json.code, 'SETTINGS_AGREEMENT_VERSION_USED');
    });
  });
}
