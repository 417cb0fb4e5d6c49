// What keeping a log's uniqueness across partitions costs on PostgreSQL (bench/README.md "Heads"):
// the same multi-row INSERTs into a range-partitioned room_events with no uniqueness trigger, with
// the per-row head trigger (seqHeadSql) and with the per-statement one (seqHeadStatementSql) the
// migration uses, each in a schema of its own.
//
//   npx node bench/storage/heads.ts [--statements 200] [--rows 500] [--repeat 2]
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { seqHeadSql, seqHeadStatementSql } from '../../packages/server/src/retention/partitions.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1] ?? fallback) : fallback;
};
const STATEMENTS = Math.min(arg('statements', 200), 10_000);
const ROWS = Math.min(arg('rows', 500), 1000);
const REPEAT = Math.min(arg('repeat', 2), 10);
/** Events per room in one statement (the rest of a statement's rows are other rooms). */
const PER_ROOM = 5;
const ROOMS = Math.max(1, Math.floor(ROWS / PER_ROOM));
const url = process.env.FAIRGROUND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const modes: Record<string, string> = {
  none: '',
  row: seqHeadSql('room_events', 'room_event_heads', 'room_id'),
  statement: seqHeadStatementSql('room_events', 'room_event_heads', 'room_id'),
};

async function run(mode: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `hb_${randomBytes(4).toString('hex')}`;
  try {
    await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema};
      CREATE TABLE room_events (room_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, at_ms BIGINT NOT NULL,
        PRIMARY KEY (room_id, seq, at_ms)) PARTITION BY RANGE (at_ms);
      CREATE TABLE room_events_default PARTITION OF room_events DEFAULT;
      CREATE TABLE room_event_heads (room_id TEXT PRIMARY KEY, seq_last INTEGER NOT NULL);
      ${modes[mode]}`);
    const data = JSON.stringify({ action: 'call', seat: 3, stakePoints: 4, potPoints: 40, atRound: 2, auto: false });
    const t0 = performance.now();
    for (let b = 0; b < STATEMENTS; b++) {
      const params: (string | number)[] = [];
      const values: string[] = [];
      for (let r = 0; r < ROOMS; r++)
        for (let k = 0; k < PER_ROOM; k++) {
          const n = params.length;
          values.push(`($${n + 1}, $${n + 2}, 'hand_action', $${n + 3}, $${n + 4})`);
          params.push(`rm_${r}`, b * PER_ROOM + k + 1, data, 1_000 + b);
        }
      await client.query(`INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES ${values.join(', ')}`, params);
    }
    return performance.now() - t0;
  } finally {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
}

const rows = STATEMENTS * ROOMS * PER_ROOM;
const results: Record<string, unknown>[] = [];
for (let i = 0; i < REPEAT; i++)
  for (const mode of Object.keys(modes)) {
    const ms = await run(mode);
    results.push({
      mode,
      statements: STATEMENTS,
      rowsPerStatement: ROOMS * PER_ROOM,
      ms: Math.round(ms),
      usPerRow: Number(((ms * 1000) / rows).toFixed(1)),
    });
  }
console.log(JSON.stringify({ loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))), results }, null, 1));
