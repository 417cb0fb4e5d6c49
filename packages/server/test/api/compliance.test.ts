// With the deny-all policy loaded, every route tagged money or play in the OpenAPI document must
// answer COMPLIANCE_DENIED and write nothing — in particular no ledger row. The routes are found
// in the generated document, so a money or play route added later is tested here automatically
// (and a route that forgets its tag is caught by review of its declaration, which must name one).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR_ROLES } from '../../src/accounts/index.ts';
import { createPolicyCompliance, loadPolicyFile, parsePolicy } from '../../src/compliance/index.ts';
import { DENY_ALL_POLICY_FILE, DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

interface Tagged {
  readonly method: string;
  readonly path: string;
  readonly kind: string;
  readonly action: string;
  readonly auth: string;
  readonly example: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
}

for (const backend of backends()) {
  describe(`deny-all policy on ${backend.name}`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await TestPlatform.start(backend, { policy: 'deny-all' });
    });
    after(() => t.close());

    it('refuses every money and play route in the OpenAPI document with COMPLIANCE_DENIED and writes no ledger row', async () => {
      const doc = (await t.request('GET', '/openapi.json')).json as { paths: Record<string, Record<string, Record<string, unknown>>> };
      const tagged: Tagged[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const kind = op['x-fairground-kind'];
          if (kind === undefined) continue;
          tagged.push({
            method: method.toUpperCase(),
            path,
            kind: kind as string,
            action: op['x-fairground-action'] as string,
            auth: op['x-fairground-auth'] as string,
            example: op['x-fairground-example'] as Tagged['example'],
          });
        }
      }
      assert.ok(tagged.length >= 1, 'at least one route is tagged money or play');
      for (const op of tagged) assert.ok(op.kind === 'money' || op.kind === 'play', `${op.path}: kind ${op.kind}`);

      // Callers that would otherwise be allowed: a player who accepted the terms, an operator with every role.
      const player = await t.readyPlayer('denyall');
      const operatorToken = await t.loginOperator(await t.createOperator(OPERATOR_ROLES));
      const before = await t.snapshot();
      for (const op of tagged) {
        let url = op.path;
        for (const [k, v] of Object.entries(op.example.params ?? {}))
          url = url.replace(`{${k}}`, encodeURIComponent(v === 'p_example' ? player.playerId : v));
        const qs = new URLSearchParams(Object.entries(op.example.query ?? {}).map(([k, v]) => [k, String(v)]));
        if ([...qs].length > 0) url += `?${qs}`;
        const r = await t.request(op.method, url, {
          token: op.auth === 'operator' ? operatorToken : player.token,
          ...(op.example.body !== undefined ? { body: op.example.body } : {}),
        });
        assert.equal(r.status, 403, `${op.method} ${op.path}: ${r.text}`);
        assert.equal(r.json.code, 'COMPLIANCE_DENIED', `${op.method} ${op.path}`);
        assert.equal((r.json.details as { reason: string }).reason, 'POLICY_DENY_ALL');
        assert.equal((r.json.details as { action: string }).action, op.action);
      }
      const afterSnap = await t.snapshot();
      assert.equal(afterSnap.ledger_transfers, before.ledger_transfers, 'no ledger row');
      assert.deepEqual(afterSnap, before, 'nothing at all changed');
    });
  });
}

describe('compliance policies', () => {
  it('the development policy allows every action and the deny-all policy refuses every one', async () => {
    const dev = createPolicyCompliance(loadPolicyFile(DEVELOPMENT_POLICY_FILE));
    const deny = createPolicyCompliance(loadPolicyFile(DENY_ALL_POLICY_FILE));
    const actor = { kind: 'player', playerId: 'p_1' } as const;
    assert.deepEqual(await dev.check('deposit', actor, {}), { allow: true });
    const d = await deny.check('withdraw', actor, { amountFen: 100 });
    assert.equal(d.allow, false);
    assert.equal(!d.allow && d.code, 'POLICY_DENY_ALL');
  });

  it('applies a per-action rule over the default', async () => {
    const policy = parsePolicy(
      { name: 'no-withdrawals', version: 2, defaultEffect: 'allow', actions: { withdraw: { effect: 'deny', code: 'WITHDRAWALS_PAUSED' } } },
      'inline',
    );
    const c = createPolicyCompliance(policy);
    assert.equal(c.policyName, 'no-withdrawals@2');
    assert.deepEqual(await c.check('deposit', { kind: 'player', playerId: 'p' }, {}), { allow: true });
    const d = await c.check('withdraw', { kind: 'player', playerId: 'p' }, {});
    assert.equal(!d.allow && d.code, 'WITHDRAWALS_PAUSED');
  });

  it('refuses a policy document that does not match the schema', () => {
    assert.throws(() => parsePolicy({ name: 'x', version: 1, defaultEffect: 'maybe', actions: {} }, 'inline'), /defaultEffect/);
    assert.throws(() =>
      parsePolicy({ name: 'x', version: 1, defaultEffect: 'allow', actions: { teleport: { effect: 'allow' } } }, 'inline'),
    );
    assert.throws(() => parsePolicy({ name: 'x', version: 1, defaultEffect: 'deny', defaultCode: 'lower', actions: {} }, 'inline'));
  });
});
