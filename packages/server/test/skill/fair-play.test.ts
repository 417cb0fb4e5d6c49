// Fair play in skill games, end to end through the HTTP API on SQLite and PostgreSQL, tried as a
// cheater would: accounts signed in from one device are linked and never matched (while players
// who merely share an address are); a tournament pays one prize per linked group; the three
// cheats — a second account replaying another entrant's tournament log, a bot that plays in a
// burst and stamps a human pace, a head-to-head against one's own second account — are refused
// or flagged, and none of them is paid as a plain result.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PuzzleCommand, PuzzleGame, RefillWindow } from '@fairground/rules';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import type { Ack, SessionState } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TERMS_VERSION, TestPlatform } from '../helpers/platform.ts';

type Pick = (legal: readonly [number, number][]) => [number, number];
const first: Pick = (l) => l[0]!;
const last: Pick = (l) => l[l.length - 1]!;

interface Who {
  readonly token: string;
  readonly playerId: string;
}

for (const backend of backends()) {
  describe(`skill fair play on ${backend.name}`, () => {
    let t: TestPlatform;
    let operator: Awaited<ReturnType<TestPlatform['createOperator']>>;
    let n = 0;
    // A fresh operator sign-in for each use: the tests move the clock past a token's life.
    const op = () => t.loginOperator(operator);

    before(async () => {
      t = await TestPlatform.start(backend);
      operator = await t.createOperator(['admin', 'risk']);
    });
    after(async () => {
      const report = await t.platform.ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
      await t.close();
    });

    /** A development sign-in from `device` (the fingerprint the client sends), terms accepted, funded. */
    async function player(device: string, handle = `fp${backend.name.slice(0, 2)}${++n}`): Promise<Who> {
      const login = await t.request('POST', '/api/auth/dev/login', { body: { handle, device } });
      assert.equal(login.status, 200, login.text);
      const who = { token: (login.json.tokens as { accessToken: string }).accessToken, playerId: (login.json.player as { id: string }).id };
      const terms = await t.request('POST', '/api/me/terms', { token: who.token, body: { version: TERMS_VERSION } });
      assert.equal(terms.status, 200, terms.text);
      await t.platform.ledger.submit({
        scope: 'test.deposit',
        key: `fp-${who.playerId}`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(who.playerId, 'CNY'),
        asset: 'CNY',
        amount: 10_000,
        code: 'deposit',
      });
      return who;
    }

    /** Signs the same handle in again from another device (what links a second account after the fact). */
    async function signInFrom(handle: string, device: string): Promise<void> {
      const login = await t.request('POST', '/api/auth/dev/login', { body: { handle, device } });
      assert.equal(login.status, 200, login.text);
    }

    /**
     * Plays a session over HTTP, one command a request as the browser does. `stepMs` is the stamped
     * pace; `arriveMs` how far the server's clock moves before each command arrives (the stamped
     * pace when not given: an honest client).
     */
    async function play(
      who: Who,
      s: SessionState,
      o: {
        pick?: Pick;
        moves?: number;
        stepMs?: (i: number) => number;
        arriveMs?: (i: number) => number;
        copy?: readonly PuzzleCommand[];
      } = {},
    ): Promise<PuzzleCommand[]> {
      let game = PuzzleGame.fromView(s.view);
      const window = new RefillWindow(s.view.config.kinds, s.refills);
      const log: PuzzleCommand[] = [];
      let atMs = 0;
      const moves = o.copy?.length ?? o.moves ?? 100;
      for (let i = 0; i < moves && !game.ended; i++) {
        const step = o.stepMs ? o.stepMs(i) : 800 + ((i * 7919) % 1300);
        atMs += step;
        if (o.arriveMs) t.clock.advanceMs(o.arriveMs(i));
        else t.clock.setMs(Math.max(t.clock.nowMs(), s.startedAtMs + atMs));
        const move = o.copy
          ? o.copy[i]!.move
          : (() => {
              const [from, to] = (o.pick ?? first)(game.legalMoves());
              return { from, to };
            })();
        const cmd = { seq: game.nextSeq, atMs, move };
        const local = game.apply(cmd, window);
        const r = await t.request('POST', `/api/skill/sessions/${s.sessionId}/commands`, { token: who.token, body: { commands: [cmd] } });
        assert.equal(r.status, 200, r.text);
        const ack = r.json as unknown as Ack;
        if (!local.ok) game = PuzzleGame.fromView(ack.view);
        window.add(ack.refills);
        log.push(cmd);
      }
      if (!game.ended) {
        const f = await t.request('POST', `/api/skill/sessions/${s.sessionId}/finish`, {
          token: who.token,
          body: { claimedScore: game.score },
        });
        assert.equal(f.status, 200, f.text);
      }
      return log;
    }

    async function startMatch(who: Who, key: string): Promise<{ matchId: string; role: string; session: SessionState }> {
      const r = await t.request('POST', '/api/skill/matches', {
        token: who.token,
        body: { game: 'match3', entryFeeFen: 500, idempotencyKey: `${key}-${backend.name}-0001` },
      });
      assert.equal(r.status, 201, r.text);
      const match = r.json.match as { matchId: string; role: string };
      return { matchId: match.matchId, role: match.role, session: r.json.session as unknown as SessionState };
    }

    async function review(
      sessionId: string,
    ): Promise<{ flags: string[]; timing: Record<string, number>; signals: { kind: string; detail: Record<string, unknown> }[] }> {
      const r = await t.request('GET', `/api/admin/skill/sessions/${sessionId}`, { token: await op() });
      assert.equal(r.status, 200, r.text);
      const session = r.json.session as { flags: string[]; timing: Record<string, number> };
      const signals = r.json.signals as { kind: string; detail: Record<string, unknown> }[];
      // A flag raised after the session closed (a later copy of it, its tournament's settlement) is a signal of its own.
      return { flags: [...new Set([...session.flags, ...signals.map((x) => x.kind)])], timing: session.timing, signals };
    }

    const available = async (playerId: string) => (await t.platform.ledger.balance(playerAccount(playerId, 'CNY')))?.availableFen ?? 0;

    it('never matches two accounts signed in from one device; players who only share an address are matched', async () => {
      // Every request here comes from 127.0.0.1: one address for all, as behind a carrier's NAT.
      const host = await player('device-host-0001');
      const alt = await player('device-host-0001');
      const stranger = await player('device-stranger-02');
      assert.deepEqual([...(await t.platform.risk.links.linkedTo(host.playerId))], [alt.playerId]);
      assert.deepEqual([...(await t.platform.risk.links.linkedTo(stranger.playerId))], [], 'a shared address alone links nobody');

      const h = await startMatch(host, 'link-h');
      assert.equal(h.role, 'host');
      t.clock.advanceMs(1000);
      const a = await startMatch(alt, 'link-a');
      assert.equal(a.role, 'host', 'the linked account hosts a match of its own instead of joining its twin');
      assert.notEqual(a.matchId, h.matchId);
      const s = await startMatch(stranger, 'link-s');
      assert.equal(s.role, 'challenger');
      assert.equal(s.matchId, h.matchId, 'the stranger on the same address joins the longest-waiting host');
      for (const [who, m] of [
        [host, h],
        [alt, a],
        [stranger, s],
      ] as const)
        await play(who, m.session, { moves: 3 });
      // The alt's match has no opponent: refunded by the sweep after the wait.
      t.clock.advanceMs(31 * 60_000);
      await t.platform.skill.sweep();
    });

    it('cheat 1: a second account replaying another entrant’s tournament log is flagged and takes no prize; a linked group takes one prize', async () => {
      const now = t.clock.nowMs();
      const created = await t.request('POST', '/api/admin/skill/tournaments', {
        token: await op(),
        body: {
          game: 'match3',
          title: 'Fair cup',
          entryFeeFen: 500,
          prizeWeights: [50, 30, 20],
          playersMin: 2,
          playersMax: 10,
          entryClosesAtMs: now + 60_000,
          endsAtMs: now + 3_600_000,
        },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.json.tournamentId as string;
      const star = await player('device-star-0001', `fpstar${backend.name.slice(0, 2)}`);
      const copier = await player('device-copier-01');
      // Not linked when it enters: the link shows up later, when it signs in from the star's phone.
      const twinHandle = `fptwin${backend.name.slice(0, 2)}`;
      const twin = await player('device-twin-0001', twinHandle);
      const honest = [await player('device-honest-01'), await player('device-honest-02')];
      for (const who of [star, copier, twin, ...honest]) {
        const r = await t.request('POST', `/api/skill/tournaments/${id}/entries`, {
          token: who.token,
          body: { idempotencyKey: `e-${who.playerId}` },
        });
        assert.equal(r.status, 201, r.text);
      }
      t.clock.advanceMs(61_000);
      await t.platform.skill.sweep();
      const session = async (who: Who) => {
        const r = await t.request('POST', `/api/skill/tournaments/${id}/session`, { token: who.token });
        assert.equal(r.status, 201, r.text);
        return r.json as unknown as SessionState;
      };
      const starSession = await session(star);
      const starLog = await play(star, starSession, { pick: first });
      await signInFrom(twinHandle, 'device-star-0001');
      const twinSession = await session(twin);
      await play(twin, twinSession, { pick: last });
      const copierSession = await session(copier);
      // The copier replays the star's moves at a pace of its own.
      await play(copier, copierSession, { copy: starLog, stepMs: (i) => 1000 + ((i * 3571) % 900) });
      const honestSessions: SessionState[] = [];
      for (const [k, who] of honest.entries()) {
        const s = await session(who);
        honestSessions.push(s);
        // Each honest player walks the legal moves with a stride of its own, so two honest games on one
        // seed part at once instead of agreeing wherever few moves are legal.
        let step = 0;
        await play(who, s, { pick: (l) => l[(step++ * (2 * k + 3) + 1 + k) % l.length]! });
      }
      await t.platform.skill.sweep();

      const view = await t.request('GET', `/api/skill/tournaments/${id}`, { token: star.token });
      assert.equal(view.json.status, 'settled', view.text);
      const entries = (
        await t.store.reader.query<{ player_id: string; prize_fen: unknown; status: string }>(
          'SELECT player_id, prize_fen, status FROM skill_tournament_entries WHERE tournament_id = ?',
          [id],
        )
      ).map((e) => ({ playerId: e.player_id, prizeFen: Number(e.prize_fen), status: e.status }));
      const prizeOf = (who: Who) => entries.find((e) => e.playerId === who.playerId)!.prizeFen;
      assert.equal(prizeOf(copier), 0, 'the copy takes no prize');
      assert.ok((await review(copierSession.sessionId)).flags.includes('copied_log'));
      const starReview = await review(starSession.sessionId);
      assert.ok(
        starReview.flags.includes('copied_log'),
        JSON.stringify({ star: starReview.signals, copier: (await review(copierSession.sessionId)).signals }),
      );
      assert.equal(prizeOf(star), 0, 'a copied performance is held for review, not paid');
      // Star (copied, held) aside, the twin is the linked group's one entry left: it may be paid, alone.
      const linkedPaid = [star, twin].filter((w) => prizeOf(w) > 0).length;
      assert.ok(linkedPaid <= 1, 'one prize at most per linked group');
      const paid = entries.filter((e) => e.prizeFen > 0).map((e) => e.playerId);
      assert.deepEqual(
        paid.sort(),
        [twin.playerId, ...honest.map((h) => h.playerId)].sort(),
        'the prize places go to entries that are not copies',
      );
      const signals = await t.platform.risk.signalsOf(copier.playerId);
      assert.ok(signals.some((s) => s.kind === 'copied_play'));
    });

    it('pays one prize per linked group: the group’s best entry competes, the others are flagged and paid nothing', async () => {
      const now = t.clock.nowMs();
      const created = await t.request('POST', '/api/admin/skill/tournaments', {
        token: await op(),
        body: {
          game: 'match3',
          title: 'Farm cup',
          entryFeeFen: 500,
          prizeWeights: [50, 30, 20],
          playersMin: 2,
          playersMax: 10,
          entryClosesAtMs: now + 60_000,
          endsAtMs: now + 3_600_000,
        },
      });
      const id = created.json.tournamentId as string;
      const farmHandles = [0, 1, 2].map((k) => `fpfarm${k}${backend.name.slice(0, 2)}`);
      const farm = [];
      for (const [k, h] of farmHandles.entries()) farm.push(await player(`device-farm-${k}-${backend.name}`, h));
      const honest = await player('device-fair-0001');
      for (const who of [...farm, honest]) {
        const r = await t.request('POST', `/api/skill/tournaments/${id}/entries`, {
          token: who.token,
          body: { idempotencyKey: `f-${who.playerId}` },
        });
        assert.equal(r.status, 201, r.text);
      }
      // The farm's accounts all sign in from one phone afterwards: one linked group of three.
      for (const h of farmHandles) await signInFrom(h, `device-farm-phone-${backend.name}`);
      t.clock.advanceMs(61_000);
      await t.platform.skill.sweep();
      const sessions = new Map<string, string>();
      for (const [k, who] of [...farm, honest].entries()) {
        const r = await t.request('POST', `/api/skill/tournaments/${id}/session`, { token: who.token });
        const s = r.json as unknown as SessionState;
        sessions.set(who.playerId, s.sessionId);
        // Each account walks the legal moves with a stride of its own: the farm plays four games, not
        // copies of one (a copy is held for review as copied play, not as a linked entry).
        let step = 0;
        await play(who, s, { pick: (l) => l[(step++ * (2 * k + 3) + 1 + k) % l.length]! });
      }
      await t.platform.skill.sweep();
      const entries = await t.store.reader.query<{ player_id: string; prize_fen: unknown; score: unknown }>(
        'SELECT player_id, prize_fen, score FROM skill_tournament_entries WHERE tournament_id = ?',
        [id],
      );
      const farmIds = new Set(farm.map((f) => f.playerId));
      const farmEntries = entries.filter((e) => farmIds.has(e.player_id));
      const farmPaid = farmEntries.filter((e) => Number(e.prize_fen) > 0);
      assert.equal(farmPaid.length, 1, JSON.stringify(entries));
      const best = [...farmEntries].sort((a, b) => Number(b.score) - Number(a.score))[0]!;
      assert.equal(farmPaid[0]!.player_id, best.player_id, 'the group’s best entry is the one that competes');
      for (const e of farmEntries) {
        if (e.player_id === best.player_id) continue;
        const r = await review(sessions.get(e.player_id)!);
        assert.ok(r.flags.includes('linked_entrant'), JSON.stringify(r.flags));
        assert.ok((await t.platform.risk.signalsOf(e.player_id)).some((s) => s.kind === 'linked_accounts'));
      }
      assert.ok(Number(entries.find((e) => e.player_id === honest.playerId)!.prize_fen) > 0);
    });

    it('cheat 2: sixteen moves that arrive within 0.9 s but are stamped 0.5–0.9 s apart are flagged; an honest pace is not', async () => {
      const bot = await player('device-bot-00001');
      const start = await t.request('POST', '/api/skill/practice', { token: bot.token, body: { game: 'match3' } });
      const s = start.json as unknown as SessionState;
      // The bot thinks for ten seconds of server time, then fires sixteen moves 60 ms apart, each
      // stamped as if the player had taken 0.5–0.9 s over it.
      t.clock.advanceMs(10_000);
      await play(bot, s, { moves: 16, stepMs: (i) => 500 + ((i * 7919) % 400), arriveMs: () => 56 });
      const r = await review(s.sessionId);
      assert.ok(r.flags.includes('stamps_compressed'), JSON.stringify(r));
      assert.ok(r.flags.includes('too_fast'), 'too fast on the server’s clock');
      assert.ok(r.flags.includes('clock_drift'), 'the stamps slid ten seconds against the arrivals');
      assert.ok(r.timing.serverMeanMs! < 700 && r.timing.compressionPermille! < 250, JSON.stringify(r.timing));
      assert.ok(r.timing.fastPermille === 0, 'the stamps alone look human');

      const person = await player('device-person-01');
      const ps = (await t.request('POST', '/api/skill/practice', { token: person.token, body: { game: 'match3' } }))
        .json as unknown as SessionState;
      await play(person, ps, { moves: 16 });
      const pr = await review(ps.sessionId);
      assert.deepEqual(pr.flags, [], JSON.stringify(pr.timing));
    });

    it('cheat 3: a head-to-head against one’s own second account is never matched; matched before the link was known and copied, it is held for review, not settled as a tie', async () => {
      const mainHandle = `fpmain${backend.name.slice(0, 2)}`;
      const main = await player('device-main-0001', mainHandle);
      const second = await player('device-main-0001');
      const m = await startMatch(main, 'h2h-main');
      const s = await startMatch(second, 'h2h-second');
      assert.notEqual(s.matchId, m.matchId, 'linked: never matched');
      const mainLog = await play(main, m.session);
      await play(second, s.session, { moves: 2 });
      // Neither finds an opponent here; their matches are refunded after the wait.
      t.clock.advanceMs(31 * 60_000);
      await t.platform.skill.sweep();

      // A second account on a phone of its own is matched, copies the host's log…
      const hostHandle = `fphost${backend.name.slice(0, 2)}`;
      const host = await player(`device-h2h-host-${backend.name}`, hostHandle);
      const h = await startMatch(host, 'h2h-host');
      assert.equal(h.role, 'host');
      const hostLog = await play(host, h.session);
      const copyHandle = `fpcopy${backend.name.slice(0, 2)}`;
      const copy = await player(`device-h2h-copy-${backend.name}`, copyHandle);
      const c = await startMatch(copy, 'h2h-copy');
      assert.equal(c.matchId, h.matchId);
      const before = [await available(host.playerId), await available(copy.playerId)];
      // …and before it finishes, signs in from the host's phone: the link is known at settlement.
      await signInFrom(copyHandle, `device-h2h-host-${backend.name}`);
      await play(copy, c.session, { copy: hostLog, stepMs: (i) => 900 + ((i * 3571) % 700) });
      const view = await t.request('GET', `/api/skill/matches/${h.matchId}`, { token: host.token });
      assert.equal(view.json.status, 'held', view.text);
      assert.equal(view.json.outcome, null, 'not settled as a tie');
      assert.equal(view.json.verdict, 'pending');
      assert.deepEqual([await available(host.playerId), await available(copy.playerId)], before, 'both fees stay held: nothing paid');
      const hr = await review(h.session.sessionId);
      const cr = await review(c.session.sessionId);
      assert.ok(hr.flags.includes('copied_log') && cr.flags.includes('copied_log'));
      assert.ok(cr.signals.some((x) => x.kind === 'linked_opponent'));
      assert.ok((await t.platform.risk.signalsOf(copy.playerId)).some((x) => x.kind === 'copied_play'));

      // The console's queue of held matches lists it; the operator voids it: both fees back, audited.
      const held = await t.request('GET', '/api/admin/skill/matches/held', { token: await op() });
      assert.equal(held.status, 200, held.text);
      assert.ok((held.json.items as { matchId: string }[]).some((x) => x.matchId === h.matchId));
      const refused = await t.request('POST', `/api/admin/skill/matches/${m.matchId}/resolve`, {
        token: await op(),
        body: { decision: 'void', reason: 'not held' },
      });
      assert.equal(refused.json.code, 'SKILL_MATCH_NOT_HELD');
      const voided = await t.request('POST', `/api/admin/skill/matches/${h.matchId}/resolve`, {
        token: await op(),
        body: { decision: 'void', reason: 'one person, two accounts' },
      });
      assert.equal(voided.status, 200, voided.text);
      assert.equal(voided.json.outcome, 'voided');
      assert.deepEqual(
        [await available(host.playerId), await available(copy.playerId)],
        before.map((b) => b + 500),
      );
      void mainLog;
    });
  });
}
