// Chat at the 拼三张 table, over real WebSockets, on SQLite and PostgreSQL: quick phrases and emoji
// reach everyone at the table (except a player who muted the sender); the per-player rate limit on
// the room clock; typed text only for a player WeChat's content check can vouch for (an H5-only
// player is refused), checked by msgSecCheck v2 on the WeChat sandbox through the real adapter; a
// refused message reaches no socket at all, and the third refusal restricts the sender's chat and
// opens a review case; a reported message reaches the console's queue with the conversation and
// the hand; bad chat frames get stable codes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { base32Decode, totp } from '../../src/accounts/index.ts';
import { wechatSignInAdapter } from '../../src/adapters.ts';
import { CHAT_MESSAGES_PER_WINDOW_MAX, CHAT_REFUSALS_MAX, CHAT_RETENTION_MS, CHAT_WINDOW_MS } from '../../src/chat/index.ts';
import { parseFrame } from '../../src/rooms/frames.ts';
import { CloseCodes } from '../../src/rooms/index.ts';
import type { WechatConfig } from '../../src/wechat/config.ts';
import { BACKENDS, type Client, type Frame, Player, TestDatabase, TestServer } from '../rooms/harness.ts';
import { TERMS_VERSION } from '../helpers/platform.ts';

const APP_IDS = { miniprogram: SANDBOX_MINIGAME_APPID, h5: SANDBOX_OFFICIAL_ACCOUNT_APPID };

for (const backend of BACKENDS) {
  describe(`table chat on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let sandbox: Sandbox;
    let n = 0;
    const tag = backend.slice(0, 2);

    before(async () => {
      const clock = new ManualClock(Date.UTC(2026, 6, 1, 12));
      sandbox = await startSandbox({ clock });
      const secret = (appid: string) => sandbox.weixin.apps().find((a) => a.appid === appid)?.secret as string;
      const wechat: WechatConfig = {
        provider: 'wechat',
        apps: {
          miniprogram: { appid: SANDBOX_MINIGAME_APPID, secret: secret(SANDBOX_MINIGAME_APPID) },
          h5: { appid: SANDBOX_OFFICIAL_ACCOUNT_APPID, secret: secret(SANDBOX_OFFICIAL_ACCOUNT_APPID) },
          web: null,
        },
        h5Scope: 'snsapi_base',
        phone: false,
        apiBaseUrl: sandbox.baseUrl,
        openBaseUrl: sandbox.pagesUrl,
        timeoutMs: 5000,
        publicUrl: 'https://game.example',
      };
      const dataKey = Buffer.alloc(32, 9);
      server = await TestServer.start(db, clock, {
        dataKey,
        config: { wechatAppIds: APP_IDS, wechat },
        signIn: (c, store) => wechatSignInAdapter({ wechat, dataKey }, c, { store, onWechatOperatorFault: () => undefined }),
      });
    });
    after(async () => {
      await server.stop();
      await sandbox.close();
      await db.destroy();
    });

    /** A player signed in through the mini-game (code2Session on the sandbox): the content check knows their openid. */
    const minigamePlayer = async (ip: string): Promise<Player & { refreshToken: string }> => {
      n += 1;
      const handle = `${tag}mg${n}`;
      sandbox.weixin.upsertPlayer({ handle, apps: [SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID] });
      const code = sandbox.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
      const r = await server.http('POST', '/api/auth/wechat/login', { body: { kind: 'miniprogram', code } });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const token = r.json.tokens.accessToken as string;
      const t = await server.http('POST', '/api/me/terms', { token, body: { version: TERMS_VERSION } });
      assert.equal(t.status, 200, JSON.stringify(t.json));
      return Object.assign(new Player(server, handle, r.json.player.id as string, token, ip), {
        refreshToken: r.json.tokens.refreshToken as string,
      });
    };
    /** A player seen only in the H5 client (no mini-game sign-in). */
    const h5Player = async (ip: string): Promise<Player> => {
      n += 1;
      return server.player(`${tag}h5${n}`, ip);
    };

    const table = async (players: Player[]) => {
      const [owner] = players as [Player];
      await server.fund(owner.id, 'CNY', 10_000);
      const room = await owner.createRoom({ fee: { mode: 'cash' } });
      for (const p of players.slice(1)) assert.equal((await p.join(room.code)).status, 200);
      const clients: Client[] = [];
      for (const p of players) clients.push(await p.connect(room.roomId));
      return { room, clients };
    };
    const chats = (c: Client) => c.frames.filter((f) => f.t === 'chat').map((f) => f.message as Frame);
    /** Every frame any of these clients received, as text. */
    const seen = (clients: readonly Client[]) => clients.map((c) => JSON.stringify(c.frames)).join('\n');
    const ip = (k: number) => `10.90.${backend === 'sqlite' ? 1 : 2}.${k}`;

    it('delivers quick phrases and emoji to everyone at the table, and not to a player who muted the sender', async () => {
      const [a, b, c] = [await h5Player(ip(1)), await h5Player(ip(2)), await h5Player(ip(3))];
      const { clients } = await table([a, b, c]);
      const [ca, cb, cc] = clients as [Client, Client, Client];
      const offer = await a.http('GET', '/api/chat/offer');
      assert.equal(offer.status, 200);
      assert.ok(offer.json.phrases.some((p: Frame) => p.id === 'nice'));
      const sent = await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'nice' });
      assert.equal(sent.t, 'ok', JSON.stringify(sent));
      for (const cl of [ca, cb, cc]) await cl.waitFor(() => chats(cl).length === 1, 'the phrase');
      const m = chats(cb)[0] as Frame;
      assert.deepEqual([m.playerId, m.kind, m.phraseId, m.text, m.textEn], [a.id, 'phrase', 'nice', '好牌！', 'Nice hand!']);
      // c mutes a: a's emoji reaches b, never c.
      assert.equal((await cc.send({ t: 'chat_mute', playerId: a.id, muted: true })).t, 'ok');
      assert.equal((await ca.send({ t: 'chat', kind: 'emoji', emoji: '👍' })).t, 'ok');
      await cb.waitFor(() => chats(cb).length === 2, 'the emoji');
      assert.equal((await cb.send({ t: 'chat', kind: 'emoji', emoji: '🎉' })).t, 'ok');
      await cc.waitFor(() => chats(cc).length === 2, "b's emoji");
      await server.settle();
      assert.deepEqual(
        chats(cc).map((x) => x.text),
        ['好牌！', '🎉'],
      );
      assert.equal((await cc.send({ t: 'chat_mute', playerId: c.id, muted: true })).code, 'CHAT_MUTE_SELF');
      // A reopened page reads what was said, in order; without the muted sender for the one who muted them; nothing for an outsider.
      const recent = async (p: Player) => (await p.http('GET', `/api/chat/rooms/${cb.roomId}/messages`)).json;
      assert.deepEqual(
        ((await recent(b)).items as Frame[]).map((x) => x.text),
        ['好牌！', '👍', '🎉'],
      );
      assert.deepEqual(
        ((await recent(c)).items as Frame[]).map((x) => x.text),
        ['🎉'],
      );
      assert.equal((await recent(await h5Player(ip(30)))).code, 'CHAT_MESSAGE_NOT_FOUND');
      // Unknown phrases and emoji are refused with their codes; the connection stays open.
      assert.equal((await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'no_such' })).code, 'CHAT_PHRASE_UNKNOWN');
      assert.equal((await ca.send({ t: 'chat', kind: 'emoji', emoji: '🦄' })).code, 'CHAT_EMOJI_UNKNOWN');
      assert.equal(ca.closeCode, null);
      for (const cl of clients) cl.close();
    });

    it('refuses the message past the rate limit with CHAT_RATE_LIMITED, delivers nothing of it, and lets the player speak again after the window', async () => {
      const [a, b] = [await h5Player(ip(4)), await h5Player(ip(5))];
      const { clients } = await table([a, b]);
      const [ca, cb] = clients as [Client, Client];
      for (let i = 0; i < CHAT_MESSAGES_PER_WINDOW_MAX; i++)
        assert.equal((await ca.send({ t: 'chat', kind: 'emoji', emoji: '😀' })).t, 'ok');
      const refused = await ca.send({ t: 'chat', kind: 'emoji', emoji: '😂' });
      assert.equal(refused.code, 'CHAT_RATE_LIMITED');
      assert.equal(ca.closeCode, null, 'a chat refusal does not close the connection');
      await server.advance(CHAT_WINDOW_MS);
      assert.equal((await ca.send({ t: 'chat', kind: 'emoji', emoji: '👏' })).t, 'ok');
      await cb.waitFor(() => chats(cb).length === CHAT_MESSAGES_PER_WINDOW_MAX + 1, 'the messages');
      assert.ok(!seen([ca, cb]).includes('😂'), 'the refused emoji reached no one');
      for (const cl of clients) cl.close();
    });

    it('keeps typed text off for a player seen only in H5: the offer says why and a typed message is refused and stored nowhere', async () => {
      const [a, b] = [await h5Player(ip(6)), await h5Player(ip(7))];
      const { room, clients } = await table([a, b]);
      const [ca, cb] = clients as [Client, Client];
      const offer = await a.http('GET', '/api/chat/offer');
      assert.deepEqual(offer.json.freeText, { allowed: false, reason: 'CHAT_FREE_TEXT_NEEDS_MINIGAME' });
      const r = await ca.send({ t: 'chat', kind: 'text', text: 'hello there' });
      assert.equal(r.code, 'CHAT_FREE_TEXT_NEEDS_MINIGAME');
      await server.settle();
      assert.ok(!seen([ca, cb]).includes('hello there'));
      const rows = await server.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM chat_messages WHERE room_id = ?', [
        room.roomId,
      ]);
      assert.equal(Number(rows[0]?.n), 0);
      for (const cl of clients) cl.close();
    });

    it('delivers typed text that passes the content check, never delivers refused text, and restricts the sender after the third refusal with a review case', async () => {
      const a = await minigamePlayer(ip(8));
      const [b, c] = [await h5Player(ip(9)), await minigamePlayer(ip(10))];
      const { room, clients } = await table([a, b, c]);
      const [ca, cb, cc] = clients as [Client, Client, Client];
      assert.deepEqual((await a.http('GET', '/api/chat/offer')).json.freeText, { allowed: true, reason: null });
      assert.equal((await ca.send({ t: 'chat', kind: 'text', text: '  good game everyone  ' })).t, 'ok');
      for (const cl of clients) await cl.waitFor(() => chats(cl).some((m) => m.text === 'good game everyone'), 'the passed text');
      const refusedTexts = ['you idiot', 'sandbox-review please', '代充 cheap points'];
      for (const [i, text] of refusedTexts.entries()) {
        const r = await ca.send({ t: 'chat', kind: 'text', text });
        assert.equal(r.code, 'CHAT_TEXT_REFUSED', JSON.stringify(r));
        assert.equal(r.details.refusalsLeft, CHAT_REFUSALS_MAX - i - 1);
      }
      // Restricted now: even a quick phrase is refused, and the review case is open.
      assert.equal((await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'hello' })).code, 'CHAT_RESTRICTED');
      assert.deepEqual((await a.http('GET', '/api/chat/offer')).json.freeText, { allowed: false, reason: 'CHAT_RESTRICTED' });
      const cases = await server.store.reader.query<{ kind: string; summary: string }>(
        "SELECT kind, summary FROM risk_cases WHERE player_id = ? AND status = 'open'",
        [a.id],
      );
      assert.equal(cases.length, 1);
      assert.match(cases[0]?.summary ?? '', /^chat: 3 typed messages refused/);
      // Others keep talking; then every frame every socket got is searched for the refused words.
      assert.equal((await cc.send({ t: 'chat', kind: 'phrase', phraseId: 'bye' })).t, 'ok');
      for (const cl of clients) await cl.waitFor(() => chats(cl).some((m) => m.phraseId === 'bye'), 'the last phrase');
      await server.settle();
      const everything = seen(clients);
      for (const text of ['idiot', 'sandbox-review', '代充']) assert.ok(!everything.includes(text), `${text} reached a socket`);
      const stored = await server.store.reader.query<{ status: string; check_suggest: string | null }>(
        "SELECT status, check_suggest FROM chat_messages WHERE room_id = ? AND kind = 'text' ORDER BY created_at_ms, seq",
        [room.roomId],
      );
      assert.deepEqual(
        stored.map((r) => `${r.status}:${r.check_suggest}`),
        ['delivered:pass', 'refused:risky', 'refused:review', 'refused:risky'],
      );
      for (const cl of [ca, cb, cc]) cl.close();
    });

    it('turns typed text off two hours after the last mini-game sign-in', async () => {
      const a = await minigamePlayer(ip(11));
      assert.equal((await a.http('GET', '/api/chat/offer')).json.freeText.allowed, true);
      await server.advance(2 * 3_600_000);
      // Still signed in (a refreshed session), but not through the mini-game for two hours.
      const refreshed = await server.http('POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
      const offer = await server.http('GET', '/api/chat/offer', { token: refreshed.json.accessToken as string });
      assert.deepEqual(offer.json.freeText, { allowed: false, reason: 'CHAT_FREE_TEXT_NEEDS_MINIGAME' });
    });

    it('puts a reported message in the console review queue with the conversation around it and the hand; upholding it restricts the sender', async () => {
      const [a, b] = [await h5Player(ip(12)), await h5Player(ip(13))];
      const { room, clients } = await table([a, b]);
      const [ca, cb] = clients as [Client, Client];
      for (const [cl, phraseId] of [
        [ca, 'hello'],
        [cb, 'hello'],
        [ca, 'hurry'],
        [cb, 'luck'],
      ] as const)
        assert.equal((await cl.send({ t: 'chat', kind: 'phrase', phraseId })).t, 'ok');
      await cb.waitFor(() => chats(cb).length === 4, 'four messages');
      const reported = chats(cb).find((m) => m.phraseId === 'hurry') as Frame;
      assert.equal((await a.http('POST', '/api/chat/reports', { messageId: reported.id, reason: 'mine' })).json.code, 'CHAT_REPORT_SELF');
      const filed = await b.http('POST', '/api/chat/reports', { messageId: reported.id, reason: 'rude and pushy' });
      assert.equal(filed.status, 201, JSON.stringify(filed.json));
      // Filing it again answers the same report.
      assert.equal(
        (await b.http('POST', '/api/chat/reports', { messageId: reported.id, reason: 'again' })).json.reportId,
        filed.json.reportId,
      );
      const outsider = await h5Player(ip(14));
      assert.equal(
        (await outsider.http('POST', '/api/chat/reports', { messageId: reported.id, reason: 'x' })).json.code,
        'CHAT_MESSAGE_NOT_FOUND',
      );

      const token = await operatorToken(server, `${tag}support`);
      const queue = await server.http('GET', '/api/admin/chat/reports?status=open', { token });
      assert.equal(queue.status, 200, JSON.stringify(queue.json));
      const item = (queue.json.items as Frame[]).find((r) => r.id === filed.json.reportId) as Frame;
      assert.ok(item, 'the report is in the queue');
      assert.deepEqual([item.roomId, item.senderId, item.reporterId, item.reason], [room.roomId, a.id, b.id, 'rude and pushy']);
      assert.equal(item.message.text, '快点吧，等得花儿都谢了。');
      assert.deepEqual(
        (item.context as Frame[]).map((m) => `${m.playerId === a.id ? 'a' : 'b'}:${m.phraseId}`),
        ['a:hello', 'b:hello', 'a:hurry', 'b:luck'],
      );
      assert.ok('handNumber' in item);
      // Players never read the queue.
      assert.equal((await b.http('GET', '/api/admin/chat/reports')).status, 403);
      const upheld = await server.http('POST', `/api/admin/chat/reports/${item.id}/resolve`, {
        token,
        body: { action: 'uphold', note: 'pushing other players' },
      });
      assert.equal(upheld.json.status, 'upheld', JSON.stringify(upheld.json));
      assert.equal((await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'hello' })).code, 'CHAT_RESTRICTED');
      const again = await server.http('POST', `/api/admin/chat/reports/${item.id}/resolve`, {
        token,
        body: { action: 'dismiss', note: 'changed my mind' },
      });
      assert.equal(again.json.code, 'CHAT_REPORT_CLOSED');
      // The room's chat beside its hands in the console.
      const roomChat = await server.http('GET', `/api/admin/chat/rooms/${room.roomId}`, { token });
      assert.equal((roomChat.json.items as Frame[]).length, 4);
      for (const cl of clients) cl.close();
    });

    // This moves the clock half a year on; the tests after it use fresh players and rooms.
    it('keeps chat as long as the rooms’ records, then deletes it, except a message an open report still needs', async () => {
      const [a, b] = [await h5Player(ip(17)), await h5Player(ip(18))];
      const { room, clients } = await table([a, b]);
      const [ca, cb] = clients as [Client, Client];
      assert.equal((await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'again' })).t, 'ok');
      assert.equal((await ca.send({ t: 'chat', kind: 'phrase', phraseId: 'luck' })).t, 'ok');
      await cb.waitFor(() => chats(cb).length === 2, 'two messages');
      const reported = chats(cb)[0] as Frame;
      assert.equal((await b.http('POST', '/api/chat/reports', { messageId: reported.id, reason: 'spam' })).status, 201);
      for (const cl of clients) cl.close();
      const before = await server.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM chat_messages');
      assert.ok(Number(before[0]?.n) > 2);
      assert.deepEqual(await server.platform.chat.purgeExpired(), { messages: 0, reports: 0 }, 'nothing is old enough yet');
      server.clock.advanceMs(CHAT_RETENTION_MS + 60_000);
      const purged = await server.platform.chat.purgeExpired();
      assert.ok(purged.messages > 0 && purged.reports >= 1, JSON.stringify(purged));
      const left = await server.store.reader.query<{ id: string; room_id: string }>('SELECT id, room_id FROM chat_messages');
      const openReports = await server.store.reader.query<{ message_id: string }>(
        "SELECT message_id FROM chat_reports WHERE status = 'open'",
      );
      assert.deepEqual(
        left.map((r) => r.id).sort(),
        [...new Set(openReports.map((r) => r.message_id))].sort(),
        'only messages of open reports are kept',
      );
      assert.ok(left.some((r) => r.id === reported.id && r.room_id === room.roomId));
    });

    it('closes the connection on every malformed chat frame with a stable code (ROOM_FRAME_INVALID, or ROOM_FRAME_TOO_LARGE) and delivers nothing of it', async () => {
      const [a, b] = [await h5Player(ip(15)), await h5Player(ip(16))];
      const { clients } = await table([a, b]);
      const [ca, cb] = clients as [Client, Client];
      const bad: Frame[] = [
        { t: 'chat', kind: 'phrase' },
        { t: 'chat', kind: 'text', text: 'a\u0007b' },
        { t: 'chat', kind: 'emoji', emoji: '😀', playerId: b.id },
        { t: 'chat', kind: 'shout', text: 'hi' },
        { t: 'chat_mute', playerId: 'x y', muted: true },
      ];
      // Every field of each valid chat frame replaced by hostile values, and each frame given an extra field.
      const valid: Frame[] = [
        { t: 'chat', kind: 'phrase', phraseId: 'nice' },
        { t: 'chat', kind: 'emoji', emoji: '😀' },
        { t: 'chat', kind: 'text', text: 'hello' },
        { t: 'chat_mute', playerId: b.id, muted: true },
      ];
      const hostile: unknown[] = [null, 7, -1.5, true, [], {}, '', 'x'.repeat(5000), '\u202e', { $gt: '' }];
      for (const f of valid) {
        bad.push({ ...f, v: 3 }, { ...f, seat: 0 });
        for (const key of Object.keys(f).filter((k) => k !== 't')) {
          for (const value of hostile) {
            const mutated = { ...f, [key]: value };
            // A value that still fits the schema (another id, another word) is not malformed.
            if (!parseFrame(mutated).ok) bad.push(mutated);
          }
        }
      }
      for (const f of bad) {
        const cl = await a.connect(clients[0]?.roomId as string);
        cl.raw(f);
        const code = await cl.closed();
        const error = cl.frames.find((x) => x.t === 'error')?.code;
        // An oversized frame is refused for its size before its shape is read.
        if (Buffer.byteLength(JSON.stringify(f)) > 2048) {
          // Past the socket's own message limit the WebSocket layer closes first (1009, message too big).
          assert.ok(code === 1009 || (code === CloseCodes.TOO_LARGE && error === 'ROOM_FRAME_TOO_LARGE'), `${code} ${error}`);
        } else {
          assert.equal(code, CloseCodes.MALFORMED, JSON.stringify(f).slice(0, 200));
          assert.equal(error, 'ROOM_FRAME_INVALID', JSON.stringify(f).slice(0, 200));
        }
      }
      assert.equal(chats(cb).length, 0);
      for (const cl of [ca, cb]) cl.close();
    });
  });
}

/** A console operator with the support role, signed in (password and TOTP). */
async function operatorToken(server: TestServer, username: string): Promise<string> {
  const password = 'correct horse chat battery';
  const created = await server.platform.accounts.operators.create({ username, password, roles: ['support'] });
  server.clock.advanceMs(30_000);
  const r = await server.http('POST', '/api/admin/auth/login', {
    body: { username, password, totp: totp(base32Decode(created.totpSecret), server.clock.nowMs()) },
  });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.tokens.accessToken as string;
}
