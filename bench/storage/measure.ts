// The storage estimate's measurements (bench/README.md "Storage over years"): for each growth table
// of a SQLite database a bench run left behind, its rows, payload bytes (the columns' lengths) and
// its archive form as the retention job writes it (NDJSON, gzip), plus the rows of the tables that
// keep uniqueness on partitioned PostgreSQL (one per hand, one per room or session).
//
//   npx node bench/rooms/inprocess.ts --rooms 20 --seconds 20 --keep-db   # prints {"db": …}
//   npx node bench/storage/measure.ts <that db>
import { DatabaseSync } from 'node:sqlite';
import { gzipSync } from 'node:zlib';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: npx node bench/storage/measure.ts <sqlite database>');
  process.exit(2);
}
const db = new DatabaseSync(path, { readOnly: true });
/** Rows read at most per table (the bench's databases are far smaller). */
const ROWS_MAX = 5_000_000;
const out: Record<string, unknown>[] = [];
for (const table of ['room_events', 'room_hands', 'analytics_events', 'skill_commands']) {
  // The rooms' log on SQLite is its keyed table and its unfolded hot rows (`room_log` reads both).
  const source = table === 'room_events' && db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'room_log'").get() ? 'room_log' : table;
  const rows = db.prepare(`SELECT * FROM ${source} LIMIT ${ROWS_MAX}`).all() as Record<string, unknown>[];
  let payload = 0;
  for (const r of rows) for (const v of Object.values(r)) payload += v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : 8;
  const ndjson = rows.length === 0 ? '' : `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const gz = gzipSync(ndjson).length;
  out.push({
    table,
    rows: rows.length,
    payloadBytes: payload,
    bytesPerRow: rows.length === 0 ? 0 : Math.round(payload / rows.length),
    ndjsonBytes: Buffer.byteLength(ndjson),
    gzipBytes: gz,
    ratio: gz === 0 ? 0 : Number((Buffer.byteLength(ndjson) / gz).toFixed(1)),
  });
}
const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
out.push({
  keyRows: {
    roomHandKeys: count('SELECT COUNT(*) AS n FROM room_hands'),
    roomEventHeads: count('SELECT COUNT(DISTINCT room_id) AS n FROM room_events'),
    skillCommandHeads: count('SELECT COUNT(DISTINCT session_id) AS n FROM skill_commands'),
  },
});
console.log(JSON.stringify(out, null, 1));
