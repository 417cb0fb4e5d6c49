// An archived room's hand history in headless Chromium against the real platform: a player opens
// the history of a room whose hands the retention job moved to the archive, and instead of an
// empty page reads, in words, that they were archived, on which day, and to ask customer service
// (客服 / Help) for them — at 320 px in Chinese and 375 px in English, with the checks every page
// gets. The archive's record is written into the platform's database beside it (the retention job
// itself, with a manual clock, is tested in test/retention/archived-hands.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { inspect } from './inspect.ts';

const STEP_TIMEOUT_MS = 15_000;
const DAY_MS = 24 * 3600 * 1000;

describe("an archived room's hand history", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fg-browser-archived-'));
  const dbPath = join(dir, 'fairground.db');

  async function playerPage(width: number, lang: 'zh' | 'en', user: string): Promise<{ page: Page; playerId: string }> {
    const context = await browser.newContext({
      viewport: { width, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill(user);
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    const playerId = await page.evaluate(async () => {
      const tokens = JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string };
      const me = (await (await fetch('/api/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json()) as { id: string };
      return me.id;
    });
    return { page, playerId };
  }

  /** A room the player sat in, finished 200 days ago, whose hands the retention job archived yesterday. */
  function archivedRoom(roomId: string, playerId: string): number {
    const nowMs = Date.now();
    const endedMs = nowMs - 200 * DAY_MS;
    const archivedAtMs = nowMs - DAY_MS;
    const db = new DatabaseSync(dbPath);
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.exec('BEGIN IMMEDIATE');
      db.prepare(
        `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
                            created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms)
         VALUES (?, ?, ?, 'finished', 'classic', 3, 8, 1, 'room_card', 'owner', 0, '{}', 8, ?, ?, ?, NULL, ?)`,
      ).run(roomId, roomId.slice(-6), playerId, endedMs - 3_600_000, endedMs - 3_600_000, endedMs, endedMs + 180 * DAY_MS);
      db.prepare(
        "INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, 'owner', 0, 'active', NULL, ?, NULL)",
      ).run(roomId, playerId, endedMs - 3_600_000);
      db.prepare(
        'INSERT INTO retention_archives (id, table_name, file, rows_count, groups_count, sha256, cutoff_ms, created_at_ms) VALUES (?, ?, ?, 8, 1, ?, ?, ?)',
      ).run(`ar_${roomId}`, 'room_hands', `room_hands/${roomId}.ndjson.gz`, '0'.repeat(64), archivedAtMs - 180 * DAY_MS, archivedAtMs);
      db.prepare('INSERT INTO retention_archived_groups (table_name, group_id, archive_id, archived_at_ms) VALUES (?, ?, ?, ?)').run(
        'room_hands',
        roomId,
        `ar_${roomId}`,
        archivedAtMs,
      );
      db.exec('COMMIT');
    } finally {
      db.close();
    }
    return archivedAtMs;
  }

  async function noHorizontalScroll(page: Page, label: string): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${label}: the page scrolls sideways by ${overflow} px`);
  }

  before(async () => {
    buildClients();
    platform = await startPlatform({ DATABASE_URL: `sqlite:${dbPath}`, FAIRGROUND_ARCHIVE_DIR: join(dir, 'archives') });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [width, lang, user] of [
    [320, 'zh', 'archivedzh'],
    [375, 'en', 'archiveden'],
  ] as const) {
    it(`at ${width} px in ${lang === 'zh' ? 'Chinese' : 'English'}: says the hands were archived, when, and whom to ask`, async () => {
      const { page, playerId } = await playerPage(width, lang, user);
      const roomId = `rm_arch${lang}${width}`;
      const archivedAtMs = archivedRoom(roomId, playerId);
      await page.goto(`${platform.url}/#/room-history/${roomId}`);
      const alert = page.getByTestId('room-history').getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      const day = new Date(archivedAtMs + 8 * 3600 * 1000).toISOString().slice(0, 10);
      if (lang === 'zh') {
        assert.match(text, /已移入归档/);
        assert.match(text, /客服/);
        assert.match(text, new RegExp(`归档时间：${day}`));
      } else {
        assert.match(text, /moved to the archive/);
        assert.match(text, /Help/);
        assert.match(text, new RegExp(`Archived on ${day}`));
      }
      await noHorizontalScroll(page, `history at ${width} px`);
      const problems = await inspect(page, lang, []);
      assert.deepEqual(problems, [], problems.join('\n'));
      await screenshot(page, `archived-hands-${width}-${lang}`);
    });
  }
});
