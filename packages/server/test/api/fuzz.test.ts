// A hostile client over every operation of /openapi.json, on SQLite and on PostgreSQL: about 3,000
// requests per backend, each one invalid by its operation's own declaration (test/api/fuzz.ts).
// Every answer must be a refusal in the API's error shape — never a 5xx — with a code from the
// pinned catalogue at the catalogue's status, and afterwards every table (audit and event logs
// aside) must hold exactly what it held before.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';
import { type HostileRequest, hostileRequests, operationsOf, pick } from './fuzz.ts';

const REQUESTS_PER_BACKEND = 3_000;
const PINNED_ERRORS = JSON.parse(readFileSync(new URL('../../src/errors.catalogue.json', import.meta.url), 'utf8')) as Record<
  string,
  { status: number; retryable: boolean }
>;
/** Tables that record requests rather than state: the audit log and the event log. */
const LOG_TABLES = new Set(['admin_audit', 'analytics_events']);

async function digest(t: TestPlatform): Promise<Record<string, string>> {
  const tables =
    t.store.dialect === 'sqlite'
      ? await t.store.reader.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await t.store.reader.query<{ name: string }>(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
        );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (LOG_TABLES.has(name)) continue;
    const rows = await t.store.reader.query(`SELECT * FROM ${name}`);
    const lines = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
    out[name] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

for (const backend of backends()) {
  describe(`hostile requests over every route on ${backend.name}`, () => {
    let t: TestPlatform;
    const tokens: Record<string, string> = {};
    const singleRole: Record<string, string> = {};
    before(async () => {
      t = await TestPlatform.start(backend);
      tokens.player = (await t.readyPlayer(`fuzz-${backend.name}`)).token;
      tokens.operator = await t.loginOperator(await t.createOperator(['finance', 'risk', 'support', 'admin']));
      for (const role of ['finance', 'risk', 'support', 'admin'] as const)
        singleRole[role] = await t.loginOperator(await t.createOperator([role]));
    });
    after(() => t.close());

    it('refuses every one, in the error shape with a catalogued code, and changes nothing', async () => {
      const doc = (await t.request('GET', '/openapi.json')).json as unknown as Parameters<typeof operationsOf>[0];
      const ops = operationsOf(doc);
      assert.ok(ops.length >= 100, `the document lists every route (${ops.length})`);
      const lists = ops.map((op) => hostileRequests(op));
      // An operation open to anyone with no parameters and no body has nothing to attack.
      const attackable = lists.filter((list) => list.length > 0).length;
      const plan = pick(lists, backend.name, REQUESTS_PER_BACKEND);
      const covered = new Set(plan.map((r) => `${r.method} ${r.label.split(' — ')[0]?.split(' ')[1]}`));
      const before = await digest(t);
      const failures: string[] = [];
      for (const r of plan) {
        const headers = headersFor(r, tokens, singleRole, ops.find((o) => r.label.startsWith(`${o.method} ${o.path} —`))?.roles ?? []);
        const res = await t.platform.app.inject({
          method: r.method as 'GET',
          url: r.url,
          headers: { ...headers, ...(r.rawBody !== undefined ? { 'content-type': r.contentType ?? 'application/json' } : {}) },
          ...(r.rawBody !== undefined ? { payload: r.rawBody } : {}),
        });
        const problem = judge(res.statusCode, res.body);
        if (problem !== null) failures.push(`${r.label} [${r.url.slice(0, 80)}]: ${problem}`);
      }
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${plan.length} requests were not refused properly`);
      assert.deepEqual(await digest(t), before, 'no table changed');
      assert.ok(plan.length >= Math.min(REQUESTS_PER_BACKEND, 1000), `${plan.length} requests`);
      assert.ok(attackable >= ops.length - 10, `most operations take input (${attackable} of ${ops.length})`);
      assert.equal(covered.size, attackable, `every operation that takes input was attacked (${covered.size} of ${attackable})`);
    });
  });
}

function headersFor(
  r: HostileRequest,
  tokens: Record<string, string>,
  singleRole: Record<string, string>,
  roles: readonly string[],
): Record<string, string> {
  switch (r.as) {
    case 'none':
      return {};
    case 'forged':
      return { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwX3gifQ.c2lnbmF0dXJlLWZvcmdlZA' };
    case 'basic':
      return { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' };
    case 'operator-without-role': {
      const role = ['finance', 'risk', 'support', 'admin'].find((x) => !roles.includes(x)) as string;
      return { authorization: `Bearer ${singleRole[role]}` };
    }
    default:
      return { authorization: `Bearer ${tokens[r.as]}` };
  }
}

/** Null when the answer is a proper refusal; else what is wrong with it. */
function judge(status: number, body: string): string | null {
  if (status >= 500) return `status ${status}: ${body.slice(0, 200)}`;
  if (status < 400) return `accepted with ${status}: ${body.slice(0, 200)}`;
  let json: { code?: unknown; message?: unknown; retryable?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return `not JSON: ${body.slice(0, 120)}`;
  }
  if (typeof json.code !== 'string' || typeof json.message !== 'string' || typeof json.retryable !== 'boolean')
    return `not the error shape: ${body.slice(0, 200)}`;
  const pinned = PINNED_ERRORS[json.code];
  if (pinned === undefined) return `uncatalogued code ${json.code}`;
  if (pinned.status !== status) return `${json.code} answered with ${status}, catalogued ${pinned.status}`;
  if (pinned.retryable !== json.retryable) return `${json.code} retryable ${String(json.retryable)}, catalogued ${pinned.retryable}`;
  return null;
}
