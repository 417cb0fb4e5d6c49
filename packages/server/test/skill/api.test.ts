// The skill API through the real HTTP stack (Fastify inject) and the real WebSocket (a listening
// server on 127.0.0.1), on SQLite and PostgreSQL: practice, a paid head-to-head with balances seen
// through the wallet API, leaderboards with nicknames, operators' tournaments and review.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PuzzleCommand, PuzzleGame, RefillWindow } from '@fairground/rules';
import WebSocket from 'ws';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import type { Ack, SessionState } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

async function fund(t: TestPlatform, playerId: string, amountFen: number): Promise<void> {
  await t.platform.ledger.submit({
    scope: 'test.deposit',
    key: `${playerId}-${amountFen}`,
    debit: systemAccount('provider_clearing', 'CNY'),
    credit: playerAccount(playerId, 'CNY'),
    asset: 'CNY',
    amount: amountFen,
    code: 'deposit',
  });
}

/** Plays `moves` legal moves over HTTP batches, like the browser's fallback path. */
async function playHttp(
  t: TestPlatform,
  token: string,
  s: SessionState,
  moves: number,
): Promise<{ game: PuzzleGame; log: PuzzleCommand[] }> {
  let game = PuzzleGame.fromView(s.view);
  const window = new RefillWindow(s.view.config.kinds, s.refills);
  const log: PuzzleCommand[] = [];
  let atMs = 0;
  for (let i = 0; i < moves && !game.ended; i++) {
    atMs += 800 + ((i * 7919) % 1300);
    t.clock.setMs(Math.max(t.clock.nowMs(), s.startedAtMs + atMs));
    const [from, to] = game.legalMoves()[0]!;
    const cmd = { seq: game.nextSeq, atMs, move: { from, to } };
    const local = game.apply(cmd, window);
    const r = await t.request('POST', `/api/skill/sessions/${s.sessionId}/commands`, { token, body: { commands: [cmd] } });
    assert.equal(r.status, 200, r.text);
    const ack = r.json as unknown as Ack;
    if (!local.ok) game = PuzzleGame.fromView(ack.view);
    assert.equal(ack.stateHash, game.stateHash());
    window.add(ack.refills);
    log.push(cmd);
  }
  return { game, log };
}

for (const backend of backends()) {
  describe(`skill API on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend);
    });
    after(async () => {
      const report = await t.platform.ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
      await t.close();
    });

    it('lists the games with their stakes, rake and rules', async () => {
      const r = await t.request('GET', '/api/skill/games');
      assert.equal(r.status, 200);
      const games = r.json.games as { game: string; stakesFen: number[]; config: { width: number } }[];
      assert.equal(games[0]?.game, 'match3');
      assert.ok(games[0]!.stakesFen.length > 0);
      const doc = (await t.request('GET', '/openapi.json')).json as { paths: Record<string, Record<string, Record<string, unknown>>> };
      assert.equal(doc.paths['/api/skill/matches']?.post?.['x-fairground-kind'], 'money');
      assert.equal(doc.paths['/api/skill/matches']?.post?.['x-fairground-action'], 'start_paid_session');
      assert.equal(doc.paths['/api/skill/practice']?.post?.['x-fairground-kind'], 'play');
      assert.equal(doc.paths['/api/skill/tournaments/{tournamentId}/entries']?.post?.['x-fairground-action'], 'enter_tournament');
    });

    it('needs the user agreement before play, and plays a practice game over HTTP with a verifiable replay', async () => {
      const fresh = await t.loginPlayer('skill-noterms');
      const refused = await t.request('POST', '/api/skill/practice', { token: fresh.token, body: { game: 'match3' } });
      assert.equal(refused.json.code, 'TERMS_NOT_ACCEPTED');

      const p = await t.readyPlayer('skill-practice');
      const start = await t.request('POST', '/api/skill/practice', { token: p.token, body: { game: 'match3' } });
      assert.equal(start.status, 201, start.text);
      const s = start.json as unknown as SessionState;
      const { game } = await playHttp(t, p.token, s, 5);
      const bad = await t.request('POST', `/api/skill/sessions/${s.sessionId}/commands`, {
        token: p.token,
        body: { commands: [{ seq: 99, atMs: 1, move: { from: 0, to: 1 } }] },
      });
      assert.deepEqual([bad.status, bad.json.code], [409, 'PUZZLE_SEQ_GAP']);
      const tooMany = await t.request('POST', `/api/skill/sessions/${s.sessionId}/commands`, {
        token: p.token,
        body: { commands: Array.from({ length: 33 }, (_, i) => ({ seq: i + 6, atMs: 1, move: { from: 0, to: 1 } })) },
      });
      assert.deepEqual([tooMany.status, tooMany.json.code], [400, 'VALIDATION_FAILED']);
      const fin = await t.request('POST', `/api/skill/sessions/${s.sessionId}/finish`, {
        token: p.token,
        body: { claimedScore: game.score },
      });
      assert.equal(fin.status, 200, fin.text);
      assert.equal(fin.json.score, game.score);
      const replay = await t.request('GET', `/api/skill/sessions/${s.sessionId}/replay`, { token: p.token });
      assert.equal(replay.status, 200, replay.text);
      assert.equal((replay.json.verification as { ok: boolean }).ok, true);
      const other = await t.readyPlayer('skill-snoop');
      const snoop = await t.request('GET', `/api/skill/sessions/${s.sessionId}`, { token: other.token });
      assert.equal(snoop.json.code, 'SKILL_SESSION_NOT_YOURS');
      // A practice score is not ranked: the score boards take paid play only (practice-board.test.ts).
      await new Promise((r) => setImmediate(r));
      const me = await t.request('GET', '/api/leaderboards/match3/score/me?period=all', { token: p.token });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.me, null);
    });

    it('plays a paid head-to-head: fees held, verdicts and payouts visible through the API and the wallet', async () => {
      const a = await t.readyPlayer('skill-host');
      const b = await t.readyPlayer('skill-challenger');
      await fund(t, a.playerId, 5000);
      await fund(t, b.playerId, 5000);
      const ha = await t.request('POST', '/api/skill/matches', {
        token: a.token,
        body: { game: 'match3', entryFeeFen: 1000, idempotencyKey: 'api-h2h-host-1' },
      });
      assert.equal(ha.status, 201, ha.text);
      const host = ha.json as unknown as { match: { matchId: string }; session: SessionState };
      const bal = async (token: string) =>
        ((await t.request('GET', '/api/wallet/balances', { token })).json.balances as { asset: string; availableFen: number }[]).find(
          (x) => x.asset === 'CNY',
        )!.availableFen;
      assert.equal(await bal(a.token), 4000);
      const hb = await t.request('POST', '/api/skill/matches', {
        token: b.token,
        body: { game: 'match3', entryFeeFen: 1000, idempotencyKey: 'api-h2h-chal-1' },
      });
      const chal = hb.json as unknown as { match: { matchId: string; role: string }; session: SessionState };
      assert.equal(chal.match.matchId, host.match.matchId);
      await playHttp(t, a.token, host.session, 6);
      await t.request('POST', `/api/skill/sessions/${host.session.sessionId}/finish`, { token: a.token, body: {} });
      await playHttp(t, b.token, chal.session, 2);
      const fin = await t.request('POST', `/api/skill/sessions/${chal.session.sessionId}/finish`, { token: b.token, body: {} });
      const match = fin.json.match as { verdict: string; payoutFen: number; opponent: { score: number | null; nickname: string } };
      assert.equal(match.verdict, 'lost');
      assert.ok(match.opponent.score !== null);
      assert.equal(await bal(a.token), 4000 + 1800);
      assert.equal(await bal(b.token), 4000);
      const list = await t.request('GET', '/api/skill/matches', { token: a.token });
      assert.equal((list.json.matches as { verdict: string }[])[0]?.verdict, 'won');
      const poor = await t.readyPlayer('skill-poor');
      const broke = await t.request('POST', '/api/skill/matches', {
        token: poor.token,
        body: { game: 'match3', entryFeeFen: 1000, idempotencyKey: 'api-h2h-poor-1' },
      });
      assert.deepEqual([broke.status, broke.json.code], [409, 'LEDGER_INSUFFICIENT_FUNDS']);
    });

    it('carries commands over the WebSocket, answering refusals in-band', async () => {
      const p = await t.readyPlayer('skill-ws');
      const start = await t.request('POST', '/api/skill/practice', { token: p.token, body: { game: 'match3' } });
      const s = start.json as unknown as SessionState;
      const address = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
      const ws = new WebSocket(`${address.replace('http', 'ws')}/api/skill/ws`);
      const inbox: Record<string, unknown>[] = [];
      const waiters: (() => void)[] = [];
      ws.on('message', (data) => {
        inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
        for (const w of waiters.splice(0)) w();
      });
      const next = async () => {
        while (inbox.length === 0) await new Promise<void>((r) => waiters.push(r));
        return inbox.shift()!;
      };
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'auth', token: p.token }));
      assert.equal((await next()).type, 'ready');
      const game = PuzzleGame.fromView(s.view);
      const window = new RefillWindow(6, s.refills);
      const [from, to] = game.legalMoves()[0]!;
      t.clock.advanceMs(2000);
      const cmd = { seq: 1, atMs: 1500, move: { from, to } };
      game.apply(cmd, window);
      ws.send(JSON.stringify({ type: 'commands', id: 1, sessionId: s.sessionId, commands: [cmd] }));
      const ack = await next();
      assert.equal(ack.type, 'ack');
      assert.equal((ack.ack as Ack).stateHash, game.stateHash());
      ws.send(JSON.stringify({ type: 'commands', id: 2, sessionId: s.sessionId, commands: [{ ...cmd, seq: 5 }] }));
      const err = await next();
      assert.deepEqual([err.type, err.id, (err.error as { code: string }).code], ['error', 2, 'PUZZLE_SEQ_GAP']);
      ws.send(JSON.stringify({ type: 'finish', id: 3, sessionId: s.sessionId, claimedScore: game.score }));
      const res = await next();
      assert.equal((res.result as { score: number }).score, game.score);
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.send('not json');
      assert.equal(await closed, 4002);
    });

    it('lets operators create and cancel tournaments and review flagged sessions; players enter through the API', async () => {
      const op = await t.createOperator(['admin', 'risk']);
      const token = await t.loginOperator(op);
      const now = t.clock.nowMs();
      const created = await t.request('POST', '/api/admin/skill/tournaments', {
        token,
        body: {
          game: 'match3',
          title: 'Lunch cup',
          entryFeeFen: 500,
          prizeWeights: [70, 30],
          playersMin: 2,
          playersMax: 10,
          entryClosesAtMs: now + 3_600_000,
          endsAtMs: now + 7_200_000,
        },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.json.tournamentId as string;
      const p = await t.readyPlayer('skill-entrant');
      await fund(t, p.playerId, 1000);
      const entered = await t.request('POST', `/api/skill/tournaments/${id}/entries`, {
        token: p.token,
        body: { idempotencyKey: 'entrant-entry-1' },
      });
      assert.equal(entered.status, 201, entered.text);
      assert.equal((entered.json.you as { status: string }).status, 'entered');
      assert.equal(entered.json.replayed, false);
      const again = await t.request('POST', `/api/skill/tournaments/${id}/entries`, {
        token: p.token,
        body: { idempotencyKey: 'entrant-entry-2' },
      });
      assert.equal(again.json.code, 'SKILL_TOURNAMENT_ENTERED');
      const listed = await t.request('GET', '/api/skill/tournaments', { token: p.token });
      assert.ok((listed.json.tournaments as { tournamentId: string }[]).some((x) => x.tournamentId === id));
      const cancelled = await t.request('POST', `/api/admin/skill/tournaments/${id}/cancel`, { token, body: { reason: 'weather' } });
      assert.equal(cancelled.json.status, 'cancelled');
      const review = await t.request('GET', '/api/admin/skill/sessions?flagged=false&limit=5', { token });
      assert.equal(review.status, 200, review.text);
      const sid = (review.json.sessions as { sessionId: string }[])[0]!.sessionId;
      const detail = await t.request('GET', `/api/admin/skill/sessions/${sid}`, { token });
      assert.equal((detail.json.verification as { ok: boolean }).ok, true);
      const playerRefused = await t.request('GET', '/api/admin/skill/sessions', { token: p.token });
      assert.equal(playerRefused.status, 403);
    });
  });
}
