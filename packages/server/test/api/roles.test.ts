// Who may call what: every operator route names its roles and the server enforces them; players
// cannot reach operator routes and operators cannot act as players. Walked from the OpenAPI
// document, so a route added later is covered without touching this file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR_ROLES, type OperatorRole } from '../../src/accounts/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly auth: 'none' | 'player' | 'operator';
  readonly roles: readonly OperatorRole[];
}

async function operations(t: TestPlatform): Promise<Operation[]> {
  const doc = (await t.request('GET', '/openapi.json')).json as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      out.push({
        method: method.toUpperCase(),
        path,
        auth: op['x-fairground-auth'] as Operation['auth'],
        roles: (op['x-fairground-roles'] as OperatorRole[] | undefined) ?? [],
      });
    }
  }
  return out;
}

for (const backend of backends()) {
  describe(`roles on ${backend.name}`, () => {
    let t: TestPlatform;
    let ops: Operation[];
    let player: { token: string; playerId: string };
    const tokensByRole = new Map<OperatorRole, string>();
    const url = (op: Operation) => op.path.replace('{playerId}', player.playerId).replace('{notificationId}', 'nt_x');

    before(async () => {
      t = await TestPlatform.start(backend);
      ops = await operations(t);
      player = await t.readyPlayer('rolesplayer');
      for (const role of OPERATOR_ROLES) tokensByRole.set(role, await t.loginOperator(await t.createOperator([role])));
    });
    after(() => t.close());

    it('declares who may call every route, and roles on every operator route', () => {
      assert.ok(ops.length >= 20);
      for (const op of ops) {
        assert.ok(['none', 'player', 'operator'].includes(op.auth), `${op.method} ${op.path} declares its caller`);
        if (op.auth === 'operator') assert.ok(op.roles.length > 0, `${op.method} ${op.path} names its roles`);
        if (op.path.startsWith('/api/admin/') && op.path !== '/api/admin/auth/login')
          assert.equal(op.auth, 'operator', `${op.path} is for operators`);
      }
    });

    it('refuses a player on every operator route with AUTH_OPERATOR_REQUIRED and changes nothing', async () => {
      const snap = await t.snapshot();
      for (const op of ops.filter((o) => o.auth === 'operator')) {
        const r = await t.request(op.method, url(op), { token: player.token });
        assert.equal(r.status, 403, `${op.method} ${op.path}`);
        assert.equal(r.json.code, 'AUTH_OPERATOR_REQUIRED', `${op.method} ${op.path}`);
      }
      assert.deepEqual(await t.snapshot(), snap);
    });

    it('refuses an operator on every player route with AUTH_PLAYER_REQUIRED', async () => {
      const token = tokensByRole.get('admin')!;
      for (const op of ops.filter((o) => o.auth === 'player')) {
        const r = await t.request(op.method, url(op), { token });
        assert.equal(r.json.code, 'AUTH_PLAYER_REQUIRED', `${op.method} ${op.path}`);
      }
    });

    it('refuses an operator without one of the route’s roles with AUTH_ROLE_MISSING and changes nothing', async () => {
      const snap = await t.snapshot();
      let checked = 0;
      for (const op of ops.filter((o) => o.auth === 'operator')) {
        for (const role of OPERATOR_ROLES.filter((r) => !op.roles.includes(r))) {
          const r = await t.request(op.method, url(op), { token: tokensByRole.get(role)! });
          assert.equal(r.status, 403, `${role} on ${op.method} ${op.path}`);
          assert.equal(r.json.code, 'AUTH_ROLE_MISSING', `${role} on ${op.method} ${op.path}`);
          checked++;
        }
      }
      assert.ok(checked > 10);
      assert.deepEqual(await t.snapshot(), snap);
    });

    it('lets an operator holding a listed role past the role check', async () => {
      for (const op of ops.filter((o) => o.auth === 'operator' && o.method === 'GET')) {
        const r = await t.request(op.method, url(op), { token: tokensByRole.get(op.roles[0]!)! });
        assert.notEqual(r.json.code, 'AUTH_ROLE_MISSING', `${op.method} ${op.path}`);
        assert.notEqual(r.status, 403, `${op.method} ${op.path}: ${r.text}`);
      }
    });

    it('refuses support staff an adjustment (finance and admin only)', async () => {
      const snap = await t.snapshot();
      const r = await t.request('POST', `/api/admin/players/${player.playerId}/adjustments`, {
        token: tokensByRole.get('support')!,
        body: { asset: 'CNY', amountFen: 100, reason: 'not allowed', idempotencyKey: 'support-try-0001' },
      });
      assert.equal(r.json.code, 'AUTH_ROLE_MISSING');
      assert.deepEqual(r.json.details, { needs: ['finance', 'admin'] });
      assert.deepEqual(await t.snapshot(), snap);
    });

    it('takes a role change into account at once, without waiting for the token to expire', async () => {
      const op = await t.createOperator(['finance']);
      const token = await t.loginOperator(op);
      assert.equal((await t.request('POST', '/api/admin/ledger/invariants', { token })).status, 200);
      await t.store.unitOfWork((tx) => tx.run('UPDATE operators SET roles = ? WHERE id = ?', ['support', op.operatorId]));
      const r = await t.request('POST', '/api/admin/ledger/invariants', { token });
      assert.equal(r.json.code, 'AUTH_ROLE_MISSING');
      await t.store.unitOfWork((tx) => tx.run('UPDATE operators SET status = ? WHERE id = ?', ['disabled', op.operatorId]));
      assert.equal((await t.request('GET', '/api/admin/me', { token })).json.code, 'OPERATOR_DISABLED');
    });
  });
}
