// Hostile clients firing the same money request in parallel, through the real HTTP stack, on
// SQLite and on PostgreSQL with several writer connections (so units really run side by side):
// every cap is counted inside the unit that takes the money, so exactly the allowed number get
// through, the rest get the cap's code (never a 500), and the balances prove nothing else moved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { skillLimits } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { type Reply, TestPlatform } from '../helpers/platform.ts';

const PARALLEL = 12;
const FEE_FEN = 100;

function codes(rs: readonly Reply[]): string[] {
  return rs.map((r) => (r.status < 300 ? String(r.status) : `${r.status} ${String(r.json.code)}`)).sort();
}

for (const backend of backends()) {
  describe(`parallel skill requests on ${backend.name}`, () => {
    let t: TestPlatform;
    let operator: string;
    before(async () => {
      t = await TestPlatform.start(backend, { writers: 4 });
      operator = await t.loginOperator(await t.createOperator(['admin']));
    });
    after(async () => {
      assert.deepEqual((await t.platform.ledger.checkInvariants()).problems, []);
      await t.close();
    });

    async function funded(user: string, amountFen: number): Promise<{ token: string; playerId: string }> {
      const p = await t.readyPlayer(user);
      await t.platform.ledger.submit({
        scope: 'test.deposit',
        key: `${p.playerId}-fund`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(p.playerId, 'CNY'),
        asset: 'CNY',
        amount: amountFen,
        code: 'deposit',
      });
      return p;
    }

    async function wallet(playerId: string): Promise<{ availableFen: number; pendingDebitsFen: number; postedFen: number }> {
      const b = await t.platform.ledger.balance(playerAccount(playerId, 'CNY'));
      return { availableFen: b?.availableFen ?? 0, pendingDebitsFen: b?.pendingDebitsFen ?? 0, postedFen: b?.postedFen ?? 0 };
    }

    async function activeSessions(playerId: string): Promise<number> {
      const rows = await t.store.reader.query<{ n: unknown }>(
        "SELECT COUNT(*) AS n FROM skill_sessions WHERE player_id = ? AND status = 'active'",
        [playerId],
      );
      return Number(rows[0]?.n ?? 0);
    }

    async function tournament(playersMax: number): Promise<string> {
      const now = t.clock.nowMs();
      const r = await t.request('POST', '/api/admin/skill/tournaments', {
        token: operator,
        body: {
          game: 'match3',
          title: `Parallel cup ${playersMax}`,
          entryFeeFen: 500,
          prizeWeights: [1],
          playersMin: 2,
          playersMax,
          entryClosesAtMs: now + 3_600_000,
          endsAtMs: now + 7_200_000,
        },
      });
      assert.equal(r.status, 201, r.text);
      return r.json.tournamentId as string;
    }

    it(`lets exactly ${skillLimits.ACTIVE_SESSIONS_MAX} of ${PARALLEL} parallel paid matches start; the rest are SKILL_TOO_MANY_ACTIVE`, async () => {
      const p = await funded('par-matches', 10_000);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          t.request('POST', '/api/skill/matches', {
            token: p.token,
            body: { game: 'match3', entryFeeFen: FEE_FEN, idempotencyKey: `par-match-${i}` },
          }),
        ),
      );
      const allowed = skillLimits.ACTIVE_SESSIONS_MAX;
      assert.deepEqual(codes(rs), [
        ...Array<string>(allowed).fill('201'),
        ...Array<string>(PARALLEL - allowed).fill('409 SKILL_TOO_MANY_ACTIVE'),
      ]);
      assert.ok(rs.filter((r) => r.status === 201).every((r) => r.json.replayed === false));
      assert.equal(await activeSessions(p.playerId), allowed);
      assert.deepEqual(await wallet(p.playerId), {
        postedFen: 10_000,
        pendingDebitsFen: allowed * FEE_FEN,
        availableFen: 10_000 - allowed * FEE_FEN,
      });
      // Practice shares the cap: nothing more starts while five games are active.
      const practice = await Promise.all(
        Array.from({ length: 3 }, () => t.request('POST', '/api/skill/practice', { token: p.token, body: { game: 'match3' } })),
      );
      assert.deepEqual(codes(practice), Array<string>(3).fill('409 SKILL_TOO_MANY_ACTIVE'));
    });

    it(`lets exactly ${skillLimits.ACTIVE_SESSIONS_MAX} of ${PARALLEL} parallel practice games start`, async () => {
      const p = await funded('par-practice', 1);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, () => t.request('POST', '/api/skill/practice', { token: p.token, body: { game: 'match3' } })),
      );
      const allowed = skillLimits.ACTIVE_SESSIONS_MAX;
      assert.deepEqual(codes(rs), [
        ...Array<string>(allowed).fill('201'),
        ...Array<string>(PARALLEL - allowed).fill('409 SKILL_TOO_MANY_ACTIVE'),
      ]);
      assert.equal(await activeSessions(p.playerId), allowed);
    });

    it('starts one match for twelve parallel requests with one key: the others replay it or are told to retry', async () => {
      const p = await funded('par-same-key', 10_000);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          t.request('POST', '/api/skill/matches', {
            token: p.token,
            body: { game: 'match3', entryFeeFen: FEE_FEN, idempotencyKey: 'par-one-key-0001' },
          }),
        ),
      );
      for (const r of rs) {
        assert.ok(
          r.status === 201 || (r.status === 409 && r.json.code === 'LEDGER_IN_PROGRESS' && r.json.retryable === true),
          `${r.status} ${r.text}`,
        );
      }
      const ok = rs.filter((r) => r.status === 201);
      assert.equal(ok.filter((r) => r.json.replayed === false).length, 1, 'one request started the match');
      assert.equal(new Set(ok.map((r) => (r.json.match as { matchId: string }).matchId)).size, 1);
      assert.equal(await activeSessions(p.playerId), 1);
      assert.deepEqual(await wallet(p.playerId), { postedFen: 10_000, pendingDebitsFen: FEE_FEN, availableFen: 10_000 - FEE_FEN });
    });

    it('enters a player once for parallel entries: one 201, the rest SKILL_TOURNAMENT_ENTERED, one fee held', async () => {
      const id = await tournament(10);
      const p = await funded('par-entrant', 10_000);
      const rs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.request('POST', `/api/skill/tournaments/${id}/entries`, { token: p.token, body: { idempotencyKey: `par-entry-${i}` } }),
        ),
      );
      assert.deepEqual(codes(rs), ['201', ...Array<string>(7).fill('409 SKILL_TOURNAMENT_ENTERED')]);
      assert.deepEqual(await wallet(p.playerId), { postedFen: 10_000, pendingDebitsFen: 500, availableFen: 9_500 });
      const shown = await t.request('GET', `/api/skill/tournaments/${id}`, { token: p.token });
      assert.equal(shown.json.entries, 1);
      assert.equal((shown.json.you as { status: string }).status, 'entered');
    });

    it('enters once for parallel entries with one key: the others answer the same entry', async () => {
      const id = await tournament(10);
      const p = await funded('par-entrant-key', 10_000);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          t.request('POST', `/api/skill/tournaments/${id}/entries`, { token: p.token, body: { idempotencyKey: 'par-entry-one-key' } }),
        ),
      );
      for (const r of rs) {
        assert.ok(
          r.status === 201 || (r.status === 409 && r.json.code === 'LEDGER_IN_PROGRESS' && r.json.retryable === true),
          `${r.status} ${r.text}`,
        );
      }
      assert.equal(rs.filter((r) => r.status === 201 && r.json.replayed === false).length, 1);
      assert.deepEqual(await wallet(p.playerId), { postedFen: 10_000, pendingDebitsFen: 500, availableFen: 9_500 });
    });

    it(`fills a tournament of 5 exactly when ${PARALLEL} players enter at once; the rest are SKILL_TOURNAMENT_FULL`, async () => {
      const id = await tournament(5);
      const players = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => funded(`par-full-${i}`, 1_000)));
      const rs = await Promise.all(
        players.map((p, i) =>
          t.request('POST', `/api/skill/tournaments/${id}/entries`, { token: p.token, body: { idempotencyKey: `par-full-entry-${i}` } }),
        ),
      );
      assert.deepEqual(codes(rs), [...Array<string>(5).fill('201'), ...Array<string>(PARALLEL - 5).fill('409 SKILL_TOURNAMENT_FULL')]);
      const held = await Promise.all(players.map(async (p) => (await wallet(p.playerId)).pendingDebitsFen));
      assert.equal(held.filter((h) => h === 500).length, 5);
      assert.equal(held.filter((h) => h === 0).length, PARALLEL - 5);
      const escrow = await t.platform.ledger.balance(`tournament:${id}:CNY`);
      assert.equal(escrow?.pendingCreditsFen, 5 * 500);
    });
  });
}
