// The minors' holiday calendar as data: the China policy reads its calendar file, each year with
// its notice and unverified; an operator with the admin role confirms a year in the console
// (audited, stored in the database, naming the exact table); /readyz, the console and the start-up
// log warn while a year in use is unverified, and the console and an alert warn when fewer than
// 60 days of calendar are left (a manual clock walks up to the end of 2026). Both backends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ManualClock } from '@fairground/core';
import { backends } from '../../src/adapters/testing.ts';
import type { OperatorLogin, TestPlatform } from '../helpers/platform.ts';
import { bj, policyFile, startComplianceTest } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** A development start (with its sandboxes) takes a few seconds; a start that hangs fails the test. */
const START_MS_MAX = 90_000;

interface YearBody {
  year: number;
  sha256: string;
  verified: boolean;
  fileVerified: boolean;
  inUse: boolean;
  confirmation: { operatorId: string; note: string; atMs: number } | null;
  source: { title: string; note?: string };
}
interface Warning {
  kind: string;
  jurisdiction: string;
  year?: number;
  daysLeft?: number;
  lastDate?: string;
}
interface CalendarsBody {
  items: { jurisdiction: string; years: YearBody[]; daysLeft: number; lastDate: string | null; warnings: Warning[] }[];
  warnings: Warning[];
}

for (const backend of backends()) {
  describe(`minors' calendar as data on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    let admin = '';
    let support = '';
    let adminId = '';
    let logins: OperatorLogin[] = [];
    /** Moves the manual clock (beyond the access tokens' life) and signs the operators in again. */
    const at = async (ms: number) => {
      clock.setMs(ms);
      admin = await t.loginOperator(logins[0]!);
      support = await t.loginOperator(logins[1]!);
    };
    before(async () => {
      ({ t, clock } = await startComplianceTest(backend, { defaultPolicy: 'cn-mainland', startMs: bj('2026-06-01', '10:00') }));
      logins = [await t.createOperator(['admin']), await t.createOperator(['support', 'risk', 'finance'])];
      adminId = logins[0]!.operatorId;
      await at(bj('2026-06-01', '10:00'));
    });
    after(() => t.close());

    const calendars = async (token = support): Promise<CalendarsBody> => {
      const r = await t.request('GET', '/api/admin/compliance/calendars', { token });
      assert.equal(r.status, 200, r.text);
      return r.json as unknown as CalendarsBody;
    };
    const cn = async () => {
      const c = (await calendars()).items.find((i) => i.jurisdiction === 'CN');
      assert.ok(c, 'the China calendar is listed');
      return c;
    };

    it('lists each year with its notice, unverified, and warns about the year in use (not the past one)', async () => {
      const c = await cn();
      assert.deepEqual(
        c.years.map((y) => [y.year, y.verified, y.inUse]),
        [
          [2025, false, false],
          [2026, false, true],
        ],
      );
      const y2026 = c.years.find((y) => y.year === 2026)!;
      assert.equal(y2026.source.title, '国务院办公厅关于2026年部分节假日安排的通知');
      assert.match(y2026.source.note ?? '', /could not be confirmed/);
      assert.equal(c.lastDate, '2026-12-31');
      assert.deepEqual(c.warnings, [{ kind: 'unverified', jurisdiction: 'CN', year: 2026 }]);
      const ready = await t.request('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json.warnings, [
        "minors' calendar CN 2026 is not verified against its notice: an operator confirms it in the console (Policies)",
      ]);
    });

    it('only an admin confirms a year; bad input, an unknown year and a changed table are refused and change nothing', async () => {
      const y2026 = (await cn()).years.find((y) => y.year === 2026)!;
      const body = { jurisdiction: 'CN', year: 2026, sha256: y2026.sha256, note: 'checked against the Xinhua text of 2025-11-04' };
      const auditBefore = (await t.platform.audit.list({ action: 'compliance.confirm_calendar' })).items.length;
      const denied = await t.request('POST', '/api/admin/compliance/calendars/confirm', { token: support, body });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.code, 'AUTH_ROLE_MISSING');
      const player = await t.readyPlayer('calplayer');
      const asPlayer = await t.request('POST', '/api/admin/compliance/calendars/confirm', { token: player.token, body });
      assert.equal(asPlayer.status, 403);
      const cases: [unknown, number, string][] = [
        [{ ...body, sha256: 'nothex' }, 400, 'VALIDATION_FAILED'],
        [{ ...body, note: '' }, 400, 'VALIDATION_FAILED'],
        [{ ...body, extra: 1 }, 400, 'VALIDATION_FAILED'],
        [{ ...body, year: 2027 }, 404, 'CALENDAR_YEAR_UNKNOWN'],
        [{ ...body, jurisdiction: 'US' }, 404, 'CALENDAR_YEAR_UNKNOWN'],
        [{ ...body, sha256: '0'.repeat(64) }, 409, 'CALENDAR_YEAR_CHANGED'],
      ];
      for (const [b, status, code] of cases) {
        const r = await t.request('POST', '/api/admin/compliance/calendars/confirm', { token: admin, body: b });
        assert.equal(r.status, status, r.text);
        assert.equal(r.json.code, code);
      }
      assert.equal((await cn()).years.find((y) => y.year === 2026)!.verified, false);
      assert.equal((await t.platform.audit.list({ action: 'compliance.confirm_calendar' })).items.length, auditBefore);
    });

    it('an admin confirms the exact table: stored, audited, the warning goes; confirming again changes nothing', async () => {
      const y2026 = (await cn()).years.find((y) => y.year === 2026)!;
      const body = { jurisdiction: 'CN', year: 2026, sha256: y2026.sha256, note: 'checked against the Xinhua text of 2025-11-04' };
      const r = await t.request('POST', '/api/admin/compliance/calendars/confirm', { token: admin, body });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.confirmed, true);
      const rows = await t.store.reader.query<{ operator_id: string; sha256: string }>(
        'SELECT operator_id, sha256 FROM compliance_calendar_confirmations WHERE jurisdiction = ? AND year = ?',
        ['CN', 2026],
      );
      assert.deepEqual(
        rows.map((r) => ({ ...r })),
        [{ operator_id: adminId, sha256: y2026.sha256 }],
      );
      const audit = (await t.platform.audit.list({ action: 'compliance.confirm_calendar' })).items;
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.targetId, 'CN/2026');
      assert.equal(audit[0]?.reason, body.note);
      const c = await cn();
      const after2026 = c.years.find((y) => y.year === 2026)!;
      assert.equal(after2026.verified, true);
      assert.equal(after2026.fileVerified, false, 'the file is not rewritten: the confirmation lives in the database');
      assert.equal(after2026.confirmation?.operatorId, adminId);
      assert.deepEqual(c.warnings, []);
      assert.deepEqual((await t.request('GET', '/readyz')).json.warnings, []);
      const again = await t.request('POST', '/api/admin/compliance/calendars/confirm', { token: admin, body });
      assert.equal(again.status, 200);
      assert.equal(again.json.confirmed, false);
      assert.equal((await t.platform.audit.list({ action: 'compliance.confirm_calendar' })).items.length, 1);
    });

    it('warns in the console and opens an alert when fewer than 60 days of calendar are left', async () => {
      // 2026-11-02 (Beijing): 60 days left, today included — no warning yet.
      await at(bj('2026-11-02', '10:00'));
      let c = await cn();
      assert.equal(c.daysLeft, 60);
      assert.deepEqual(c.warnings, []);
      let evaluated = await t.platform.operating.alerts.evaluate();
      assert.ok(!evaluated.opened.includes('minors_calendar_days_left'));

      await at(bj('2026-11-03', '10:00'));
      c = await cn();
      assert.equal(c.daysLeft, 59);
      assert.deepEqual(c.warnings, [{ kind: 'runs_out', jurisdiction: 'CN', lastDate: '2026-12-31', daysLeft: 59 }]);
      evaluated = await t.platform.operating.alerts.evaluate();
      assert.ok(evaluated.opened.includes('minors_calendar_days_left'));
      const alerts = await t.request('GET', '/api/admin/analytics/alerts', { token: admin });
      const alert = (alerts.json.items as { metric: string; state: string; valueLast: number }[]).find(
        (a) => a.metric === 'minors_calendar_days_left',
      );
      assert.deepEqual(alert && { state: alert.state, valueLast: alert.valueLast }, { state: 'open', valueLast: 59 });
      assert.match((await t.request('GET', '/readyz')).json.warnings?.toString() ?? '', /ends on 2026-12-31 \(59 days left\)/);
    });

    it('a new year without a table: the console says it is missing', async () => {
      await at(bj('2027-01-08', '20:30'));
      const c = await cn();
      assert.equal(c.daysLeft, 0);
      assert.equal(c.lastDate, null);
      assert.deepEqual(c.warnings, [{ kind: 'missing', jurisdiction: 'CN', year: 2027 }]);
      // The rules still refuse minors that year (MINOR_CALENDAR_MISSING, test/compliance/cn-policy.test.ts).
    });
  });
}

describe("minors' calendar at start", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-calendar-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('every start logs a warning naming the calendar while a year in use is unverified (or missing)', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        FAIRGROUND_DATA_DIR: join(dir, 'data'),
        FAIRGROUND_POLICY_FILE: policyFile('cn-mainland'),
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no ready line:\n${out.slice(-4000)}`));
      }, START_MS_MAX);
      const onData = (d: Buffer) => {
        out += d.toString();
        // Development logs warnings and above only in tests; the calendar's lines come just before the ready line.
        if (out.includes("minors' calendar CN") || out.includes('fairground ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited ${code}:\n${out}`));
      });
    });
    try {
      await ready;
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    // The line that matched may still be on its way when the process is stopped: read the whole output.
    const warning = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.includes("minors' calendar CN"));
    assert.ok(warning, `no calendar warning in the start-up log:\n${out.slice(-4000)}`);
    assert.equal(warning.level, 40, 'logged as a warning');
  });
});
