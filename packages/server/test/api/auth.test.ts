// Sign-in, tokens and sessions for players and operators, on both storage backends. Every refusal
// answers a stable code and leaves the database as it was (except where revoking is the point).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { hkdfSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { contract } from '../../src/http/endpoint.ts';
import { implement } from '../../src/http/routes.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TERMS_VERSION, TestPlatform } from '../helpers/platform.ts';

// A stand-in play route: the real ones arrive with later features; this proves the machinery every
// tagged route goes through (terms first, then compliance).
const testContract = contract({
  testPlay: {
    method: 'POST',
    url: '/api/test/play',
    summary: 'test-only play route',
    tags: ['test'],
    auth: 'player',
    kind: 'play',
    action: 'join_room',
    example: { body: { table: 't1' } },
    body: Type.Object({ table: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    response: Type.Object({ joined: Type.String() }),
  },
});
const SESSION_SECRET = 'auth-test-secret-0123456789-abcdefghij';
/** The server's token key, derived from the session secret as the server derives it. */
const tokenKey = new Uint8Array(hkdfSync('sha256', SESSION_SECRET, Buffer.alloc(0), 'fairground/jwt/hs256', 32));

const extraRoutes = { testPlay: implement(testContract.testPlay, async ({ body }) => ({ joined: body.table })) };

for (const backend of backends()) {
  describe(`auth on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend, { extraRoutes, config: { sessionSecret: SESSION_SECRET } });
    });
    after(() => t.close());

    it('signs a WeChat H5 user in, creates the player once, and finds the same player next time', async () => {
      const first = await t.loginPlayer('alice');
      const second = await t.loginPlayer('alice');
      assert.equal(second.playerId, first.playerId);
      const me = await t.request('GET', '/api/me', { token: second.token });
      assert.equal(me.status, 200);
      assert.equal(me.json.id, first.playerId);
      assert.equal(me.json.termsCurrent, false);
    });

    it('links the mini-program and the H5 identity of one WeChat user through the unionid', async () => {
      const h5 = await t.loginPlayer('bob', 'h5');
      const mp = await t.loginPlayer('bob', 'miniprogram');
      assert.equal(mp.playerId, h5.playerId);
      const ids = await t.platform.accounts.players.identities(h5.playerId);
      assert.deepEqual(ids.map((i) => i.appId).sort(), ['wxtestminiprogram', 'wxtestofficial']);
      assert.notEqual(ids[0]!.openid, ids[1]!.openid, 'an openid is per app');
    });

    it('refuses a login code that is unknown, already used, or issued for the other app kind', async () => {
      const before = await t.snapshot();
      const unknown = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'h5', code: 'nosuchcode' } });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.json.code, 'LOGIN_CODE_INVALID');
      const code = (await t.request('POST', '/api/sandbox/wechat/codes', { body: { kind: 'miniprogram', user: 'carol' } })).json.code;
      const wrongKind = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'h5', code } });
      assert.equal(wrongKind.json.code, 'LOGIN_CODE_INVALID');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('expires a code after five minutes', async () => {
      const code = (await t.request('POST', '/api/sandbox/wechat/codes', { body: { kind: 'h5', user: 'dave' } })).json.code;
      t.clock.advanceMs(5 * 60 * 1000 + 1);
      const r = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'h5', code } });
      assert.equal(r.json.code, 'LOGIN_CODE_INVALID');
    });

    it('rotates refresh tokens, and a reused refresh token signs the whole session out', async () => {
      const p = await t.loginPlayer('erin');
      const r1 = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: p.refreshToken } });
      assert.equal(r1.status, 200);
      const next = r1.json as { accessToken: string; refreshToken: string };
      assert.notEqual(next.refreshToken, p.refreshToken);
      assert.equal((await t.request('GET', '/api/me', { token: next.accessToken })).status, 200);

      const reuse = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: p.refreshToken } });
      assert.equal(reuse.status, 401);
      assert.equal(reuse.json.code, 'AUTH_REFRESH_TOKEN_REUSED');
      // The family is revoked: the newest access token and refresh token stop working too.
      const me = await t.request('GET', '/api/me', { token: next.accessToken });
      assert.equal(me.json.code, 'AUTH_SESSION_REVOKED');
      const later = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: next.refreshToken } });
      assert.equal(later.json.code, 'AUTH_SESSION_REVOKED');
    });

    it('refuses unknown and malformed refresh tokens without changing anything', async () => {
      const before = await t.snapshot();
      for (const refreshToken of ['rt_' + 'A'.repeat(43), 'not-a-token', 'x']) {
        const r = await t.request('POST', '/api/auth/refresh', { body: { refreshToken } });
        assert.equal(r.status, 401);
        assert.equal(r.json.code, 'AUTH_REFRESH_TOKEN_INVALID');
      }
      assert.deepEqual(await t.snapshot(), before);
    });

    it('answers AUTH_TOKEN_EXPIRED after the access token lifetime, and refresh still works', async () => {
      const p = await t.loginPlayer('frank');
      t.clock.advanceMs(901_000);
      const r = await t.request('GET', '/api/me', { token: p.token });
      assert.equal(r.status, 401);
      assert.equal(r.json.code, 'AUTH_TOKEN_EXPIRED');
      const refreshed = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: p.refreshToken } });
      assert.equal(refreshed.status, 200);
    });

    it('refuses forged tokens: another key, alg none, a tampered payload, no expiry, too old, another algorithm, garbage, a missing header', async () => {
      const p = await t.loginPlayer('grace');
      const before = await t.snapshot();
      const [header, payload, signature] = p.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'p_someoneelse' })).toString('base64url')}.${signature}`;
      for (const token of [otherKey, none, tampered, 'garbage', `${p.token}x`]) {
        const r = await t.request('GET', '/api/me', { token });
        assert.equal(r.status, 401, token);
        assert.equal(r.json.code, 'AUTH_TOKEN_INVALID', token);
      }
      // Signed with the server's own key, but without an expiry, too old, or with another HMAC algorithm.
      const nowS = Math.floor(t.clock.nowMs() / 1000);
      const { exp: _exp, ...noExp } = claims;
      const forever = await new SignJWT(noExp).setProtectedHeader({ alg: 'HS256' }).sign(tokenKey);
      const ancient = await new SignJWT({ ...claims, iat: nowS - 86_400, exp: nowS + 600 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(tokenKey);
      const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(tokenKey);
      const genuine = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(tokenKey);
      assert.equal((await t.request('GET', '/api/me', { token: genuine })).status, 200, 'the test signs as the server does');
      for (const [token, code] of [
        [forever, 'AUTH_TOKEN_INVALID'],
        [ancient, 'AUTH_TOKEN_EXPIRED'],
        [hs512, 'AUTH_TOKEN_INVALID'],
      ] as const) {
        const r = await t.request('GET', '/api/me', { token });
        assert.equal(r.status, 401, token);
        assert.equal(r.json.code, code, token);
      }
      const missing = await t.request('GET', '/api/me');
      assert.equal(missing.json.code, 'AUTH_REQUIRED');
      const basic = await t.request('GET', '/api/me', { headers: { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } });
      assert.equal(basic.json.code, 'AUTH_TOKEN_INVALID');
      assert.deepEqual(await t.snapshot(), before);
    });

    it('signs out: the access token and the refresh token stop working at once', async () => {
      const p = await t.loginPlayer('heidi');
      assert.equal((await t.request('POST', '/api/auth/logout', { token: p.token })).status, 200);
      assert.equal((await t.request('GET', '/api/me', { token: p.token })).json.code, 'AUTH_SESSION_REVOKED');
      assert.equal(
        (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: p.refreshToken } })).json.code,
        'AUTH_SESSION_REVOKED',
      );
    });

    it('requires the current user agreement before play, and refuses an old version', async () => {
      const p = await t.loginPlayer('ivan');
      const refused = await t.request('POST', '/api/test/play', { token: p.token, body: { table: 't1' } });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.code, 'TERMS_NOT_ACCEPTED');
      const old = await t.request('POST', '/api/me/terms', { token: p.token, body: { version: '2020-01' } });
      assert.equal(old.json.code, 'TERMS_VERSION_MISMATCH');
      const ok = await t.request('POST', '/api/me/terms', { token: p.token, body: { version: TERMS_VERSION } });
      assert.equal(ok.json.termsCurrent, true);
      const played = await t.request('POST', '/api/test/play', { token: p.token, body: { table: 't1' } });
      assert.equal(played.status, 200);
      assert.equal(played.json.joined, 't1');
    });

    it('records sign-ins and terms acceptance in the analytics log', async () => {
      const p = await t.readyPlayer('judy');
      const events = await t.platform.analytics.list({ limit: 200 });
      const mine = events.filter((e) => e.actorId === p.playerId).map((e) => e.kind);
      assert.deepEqual(mine, ['player_created', 'player_logged_in', 'terms_accepted']);
    });

    it('signs an operator in with password and TOTP, once per code', async () => {
      const op = await t.createOperator(['support']);
      t.clock.advanceMs(30_000);
      const code = t.totpNow(op.totpSecret);
      const ok = await t.request('POST', '/api/admin/auth/login', { body: { username: op.username, password: op.password, totp: code } });
      assert.equal(ok.status, 200);
      const token = (ok.json.tokens as { accessToken: string }).accessToken;
      assert.equal((await t.request('GET', '/api/admin/me', { token })).json.username, op.username);

      const before = await t.snapshot();
      const replay = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: op.password, totp: code },
      });
      assert.equal(replay.status, 401);
      assert.equal(replay.json.code, 'OPERATOR_TOTP_INVALID');
      const sessions = (await t.snapshot()).auth_sessions;
      assert.equal(sessions, before.auth_sessions, 'no session for a replayed code');
      const failures = await t.platform.audit.list({ operatorId: op.operatorId, action: 'operator.login_failed' });
      assert.deepEqual(
        failures.items.map((e) => (e.after as { reason: string }).reason),
        ['totp_reused'],
        'the replay is in the audit log',
      );
    });

    it('refuses a wrong TOTP and a wrong password with stable codes, opens no session, and audits each refusal of a real account', async () => {
      const op = await t.createOperator(['finance']);
      t.clock.advanceMs(30_000);
      const before = await t.snapshot();
      const current = t.totpNow(op.totpSecret);
      const wrong = current === '000000' ? '111111' : '000000';
      const badTotp = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: op.password, totp: wrong },
      });
      assert.equal(badTotp.status, 401);
      assert.equal(badTotp.json.code, 'OPERATOR_TOTP_INVALID');
      const badPassword = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: 'wrong password!', totp: current },
      });
      assert.equal(badPassword.json.code, 'OPERATOR_CREDENTIALS_INVALID');
      const nobody = await t.request('POST', '/api/admin/auth/login', {
        body: { username: 'nobody', password: op.password, totp: current },
      });
      assert.equal(nobody.json.code, 'OPERATOR_CREDENTIALS_INVALID');
      const malformed = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: op.password, totp: '12ab56' },
      });
      assert.equal(malformed.json.code, 'VALIDATION_FAILED');
      const afterSnap = await t.snapshot();
      assert.equal(afterSnap.auth_sessions, before.auth_sessions);
      // The wrong code and the wrong password of a real operator are in the audit log; an unknown
      // name and a malformed request are not (nobody to attribute them to, nothing checked).
      assert.equal(afterSnap.admin_audit, (before.admin_audit ?? 0) + 2);
      const failures = await t.platform.audit.list({ operatorId: op.operatorId, action: 'operator.login_failed' });
      assert.deepEqual(
        failures.items.map((e) => (e.after as { reason: string }).reason),
        ['password', 'totp'],
      );
      assert.ok(failures.items.every((e) => e.ip !== null && (e.after as { lockedUntilMs: unknown }).lockedUntilMs === null));
      // The right code still works afterwards.
      assert.equal(
        (await t.request('POST', '/api/admin/auth/login', { body: { username: op.username, password: op.password, totp: current } }))
          .status,
        200,
      );
    });

    it('locks an address out of an operator after repeated failures from it, but not the operator elsewhere', async () => {
      const op = await t.createOperator(['risk']);
      const stranger = { 'x-forwarded-for': '203.0.113.9' };
      for (let i = 0; i < 5; i++) {
        await t.request('POST', '/api/admin/auth/login', {
          body: { username: op.username, password: 'not the password', totp: '123456' },
          headers: stranger,
        });
      }
      t.clock.advanceMs(30_000);
      const locked = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: op.password, totp: t.totpNow(op.totpSecret) },
        headers: stranger,
      });
      assert.equal(locked.status, 429);
      assert.equal(locked.json.code, 'OPERATOR_LOCKED');
      assert.equal(locked.json.retryable, true);
      assert.equal((await t.loginOperator(op)).length > 0, true, 'the operator signs in from their own address meanwhile');
      t.clock.advanceMs(15 * 60 * 1000);
      t.clock.advanceMs(30_000);
      const after = await t.request('POST', '/api/admin/auth/login', {
        body: { username: op.username, password: op.password, totp: t.totpNow(op.totpSecret) },
        headers: stranger,
      });
      assert.equal(after.status, 200, 'the lock ends after 15 minutes');
    });

    it('writes operator sign-ins to the audit log', async () => {
      const op = await t.createOperator(['admin']);
      const token = await t.loginOperator(op);
      const audit = await t.request('GET', `/api/admin/audit?operatorId=${op.operatorId}`, { token });
      assert.equal(audit.status, 200);
      const actions = (audit.json.items as { action: string }[]).map((e) => e.action);
      assert.deepEqual(actions, ['operator.login']);
    });

    it('refuses development login when the configuration disallows it', async () => {
      const strict = await TestPlatform.start(backend, { config: { devLoginAllowed: false } });
      try {
        const before = await strict.snapshot();
        const r = await strict.request('POST', '/api/auth/dev/login', { body: { handle: 'mallory' } });
        assert.equal(r.status, 403);
        assert.equal(r.json.code, 'DEV_LOGIN_DISABLED');
        assert.deepEqual(await strict.snapshot(), before);
      } finally {
        await strict.close();
      }
      const allowed = await t.request('POST', '/api/auth/dev/login', { body: { handle: 'devuser' } });
      assert.equal(allowed.status, 200);
      assert.equal((allowed.json.player as { nickname: string }).nickname, 'devuser');
    });
  });
}
