// The plans PostgreSQL gives the ledger writer's prepared statements. A prepared statement keeps a
// generic plan made while the ledger was small until its tables are next analyzed, so a statement
// that must stay an index lookup has to be one in the generic plan of an empty table too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../adapters/postgres/index.ts';
import { dropSchema, TEST_PG_URL } from '../adapters/testing.ts';
import type { Store } from '../storage/ports.ts';
import { numberPlaceholders } from '../storage/sql.ts';
import { ledgerMigrations } from './migrations.ts';
import { READ_REQUESTS_POSTGRES_SQL } from './writer.ts';

describe('ledger writer plans on postgres', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let store: Store;
  let client: pg.Client;
  before(async () => {
    store = await createPostgresStore({ url: TEST_PG_URL, schema });
    await store.migrate(ledgerMigrations);
    client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema} -c plan_cache_mode=force_generic_plan` });
    await client.connect();
  });
  after(async () => {
    await client.end();
    await store.close();
    await dropSchema(schema);
  });

  async function genericPlan(sql: string, name: string, params: string[]): Promise<string> {
    await client.query(`PREPARE ${name} AS ${numberPlaceholders(sql)}`);
    const rows = await client.query(`EXPLAIN EXECUTE ${name}(${params.map((p) => `'${p}'`).join(', ')})`);
    return rows.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
  }

  it('reads idempotency records by index lookups, not a scan of every record, in the generic plan of an empty table', async () => {
    const keys = JSON.stringify([
      { s: 'bench', k: 'a' },
      { s: 'bench', k: 'b' },
    ]);
    const plan = await genericPlan(READ_REQUESTS_POSTGRES_SQL, 'read_requests', [keys]);
    assert.match(plan, /Index Scan using ledger_requests_pkey on ledger_requests/, plan);
    assert.doesNotMatch(plan, /Seq Scan on ledger_requests/, plan);
  });

  it('the plain join it replaced scans every record in that plan (what the test above guards against)', async () => {
    const plan = await genericPlan(
      'SELECT r.scope, r.idem_key, r.content_hash, r.result FROM json_to_recordset(?::json) AS k(s text, k text) JOIN ledger_requests r ON r.scope = k.s AND r.idem_key = k.k',
      'read_requests_join',
      ['[]'],
    );
    assert.match(plan, /Seq Scan on ledger_requests/, plan);
  });
});
