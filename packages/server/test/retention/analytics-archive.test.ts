// The analytics log, append-only, still leaves the database: past 400 days the retention job
// archives it a month at a time (NDJSON-gzip, SHA-256 manifest with the month's time and seq range)
// and removes exactly the archived rows — the one deletion the append-only trigger allows, since
// the archive's range is recorded in the same transaction. Any other DELETE, and every UPDATE, is
// still refused; archive:check verifies the archive and finds a row moved outside its range. Both
// backends (on PostgreSQL the archived month's partition is dropped whole).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { ManualClock } from '@fairground/core';
import { allMigrations } from '../../src/app.ts';
import { Archiver, verifyArchives } from '../../src/retention/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';

const DAY_MS = 24 * 3600 * 1000;
const CLI = fileURLToPath(new URL('../../src/retention/cli.ts', import.meta.url));
const JAN_MS = Date.UTC(2026, 0, 1);
const FEB_MS = Date.UTC(2026, 1, 1);

const event = (store: Store, id: string, atMs: number) =>
  store.unitOfWork((tx) =>
    tx.run("INSERT INTO analytics_events (id, kind, actor_kind, actor_id, at_ms, data) VALUES (?, 'login', 'player', 'p_a', ?, ?)", [
      id,
      atMs,
      JSON.stringify({ id }),
    ]),
  );

const ids = async (store: Store) =>
  (await store.reader.query<{ id: string }>('SELECT id FROM analytics_events ORDER BY seq')).map((r) => r.id);

for (const backend of backends()) {
  describe(`analytics log archiving on ${backend.name}`, () => {
    let store: Store;
    const clock = new ManualClock(Date.UTC(2026, 0, 10));
    const dir = mkdtempSync(join(tmpdir(), 'fg-analytics-archive-'));
    before(async () => {
      store = await backend.open({ clock });
      await store.migrate(allMigrations);
      // January and February, interleaved in seq order as a late writer would leave them.
      await event(store, 'jan_1', JAN_MS + DAY_MS);
      await event(store, 'jan_2', JAN_MS + 2 * DAY_MS);
      await event(store, 'feb_1', FEB_MS + DAY_MS);
      await event(store, 'jan_3', FEB_MS - 1);
      await event(store, 'feb_2', FEB_MS + 2 * DAY_MS);
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses every UPDATE and every DELETE of a row no archive holds', async () => {
      await assert.rejects(
        store.unitOfWork((tx) => tx.run("DELETE FROM analytics_events WHERE id = 'jan_1'")),
        /append-only/,
      );
      await assert.rejects(
        store.unitOfWork((tx) => tx.run("UPDATE analytics_events SET kind = 'x' WHERE id = 'jan_1'")),
        /append-only/,
      );
      assert.equal((await ids(store)).length, 5);
    });

    it('inside 400 days nothing moves; past them January leaves whole, February stays', async () => {
      const archiver = new Archiver({ store, clock, dir });
      clock.setMs(FEB_MS + 399 * DAY_MS);
      assert.deepEqual(
        (await archiver.run()).filter((m) => m.table === 'analytics_events'),
        [],
      );
      clock.setMs(FEB_MS + 401 * DAY_MS);
      const moved = (await archiver.run()).filter((m) => m.table === 'analytics_events');
      assert.deepEqual(
        moved.map((m) => [m.rows, m.groups]),
        [[3, 1]],
      );
      assert.deepEqual(await ids(store), ['feb_1', 'feb_2']);
      assert.deepEqual(
        (await archiver.run()).filter((m) => m.table === 'analytics_events'),
        [],
        'February is not past the window yet',
      );
      await assert.rejects(
        store.unitOfWork((tx) => tx.run("DELETE FROM analytics_events WHERE id = 'feb_1'")),
        /append-only/,
      );

      const folder = join(dir, 'analytics_events');
      const manifestName = readdirSync(folder).find((n) => n.endsWith('.manifest.json'))!;
      const manifest = JSON.parse(readFileSync(join(folder, manifestName), 'utf8')) as {
        file: string;
        rows: number;
        range: { fromMs: number; toMs: number; seqMin: number; seqMax: number };
      };
      assert.deepEqual([manifest.rows, manifest.range.fromMs, manifest.range.toMs], [3, JAN_MS, FEB_MS]);
      const lines = gunzipSync(readFileSync(join(folder, manifest.file)))
        .toString('utf8')
        .trim()
        .split('\n');
      assert.deepEqual(
        lines.map((l) => (JSON.parse(l) as { id: string }).id),
        ['jan_1', 'jan_2', 'jan_3'],
      );
      if (backend.name === 'postgres') {
        // This database was made empty, so its first partitions start today: January and February
        // sat in the default partition, where the trigger let exactly the archived rows go.
        const parts = await store.reader.query<{ part: string }>('SELECT DISTINCT tableoid::regclass::text AS part FROM analytics_events');
        assert.deepEqual(
          parts.map((p) => p.part.replace(/^.*\./, '')),
          ['analytics_events_default'],
        );
      }
      assert.deepEqual(verifyArchives(dir), { ok: true, archives: 1, rows: 3, problems: [] });
    });

    it('archive:check finds a row that was moved outside its range, even with fresh checksums', () => {
      const folder = join(dir, 'analytics_events');
      const manifestName = readdirSync(folder).find((n) => n.endsWith('.manifest.json'))!;
      const manifest = JSON.parse(readFileSync(join(folder, manifestName), 'utf8')) as {
        file: string;
        sha256: string;
        ndjsonSha256: string;
      };
      const ndjson = gunzipSync(readFileSync(join(folder, manifest.file)))
        .toString('utf8')
        .replace(new RegExp(`"at_ms":("?)${JAN_MS + DAY_MS}`), `"at_ms":$1${FEB_MS + DAY_MS}`);
      const gz = gzipSync(ndjson);
      writeFileSync(join(folder, manifest.file), gz);
      const forged = {
        ...manifest,
        sha256: createHash('sha256').update(gz).digest('hex'),
        ndjsonSha256: createHash('sha256').update(ndjson).digest('hex'),
      };
      writeFileSync(join(folder, manifestName), JSON.stringify(forged));
      const bad = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /line 1 has at_ms \d+, outside the archive's range/);
    });
  });
}
