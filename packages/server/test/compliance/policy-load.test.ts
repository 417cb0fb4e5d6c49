// Malformed policy files are refused at load with the file, the JSON path and the reason; the
// shipped policies load; the sample paid-skill policy's excluded regions are data.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { evaluatePlayer, loadPolicyFile, loadPolicySet, PolicyError, type PlayerFacts, ZERO_TOTALS } from '../../src/compliance/index.ts';

const POLICIES = fileURLToPath(new URL('../../src/compliance/policies/', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fg-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cnText = readFileSync(join(POLICIES, 'cn-mainland.json'), 'utf8');
const CN_CALENDAR = fileURLToPath(new URL('../../src/compliance/calendars/cn-mainland.json', import.meta.url));
const calendarText = readFileSync(CN_CALENDAR, 'utf8');

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function refusal(file: string): PolicyError {
  try {
    loadPolicyFile(file);
  } catch (e) {
    assert.ok(e instanceof PolicyError, `a PolicyError, not ${String(e)}`);
    return e;
  }
  assert.fail(`${file} loaded`);
}

// biome-ignore lint/suspicious/noExplicitAny: the cases edit arbitrary places of a JSON document
type Doc = Record<string, any>;
/** The China policy with its calendar inline (the copy is written elsewhere, away from its calendar file). */
function mutated(edit: (p: Doc) => void): Record<string, unknown> {
  const p = JSON.parse(cnText) as Doc;
  delete p.minors.calendarFile;
  p.minors.calendar = (JSON.parse(calendarText) as Doc).years;
  edit(p);
  return p;
}

/** The China policy naming a calendar file: the shipped one edited, written beside it in the temp folder. */
function withCalendar(name: string, edit: (c: Doc) => void): string {
  const c = JSON.parse(calendarText) as Doc;
  edit(c);
  write(`${name}.calendar.json`, c);
  const p = JSON.parse(cnText) as Doc;
  p.minors.calendarFile = `./${name}.calendar.json`;
  return write(name, p);
}

describe('policy files at load', () => {
  it("the China policy takes its minors' calendar from its calendar file, each year with its notice and unverified", () => {
    const cn = loadPolicyFile(join(POLICIES, 'cn-mainland.json'));
    assert.equal(cn.minors?.calendarFile, '../calendars/cn-mainland.json');
    const y2026 = cn.minors?.calendar?.['2026'];
    assert.ok(y2026);
    assert.equal(y2026.verified, false);
    assert.equal(typeof y2026.source === 'object' && y2026.source.title, '国务院办公厅关于2026年部分节假日安排的通知');
    assert.deepEqual(y2026.workdays, ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('refuses a calendar file with a broken table, naming the calendar file and the path in it', () => {
    const cases: { name: string; edit: (c: Doc) => void; path: string; reason: RegExp }[] = [
      {
        name: 'cal-weekday.json',
        edit: (c) => c.years['2026'].workdays.push('2026-10-12'),
        path: '/years/2026/workdays/6',
        reason: /not a weekend day/,
      },
      {
        name: 'cal-year.json',
        edit: (c) => c.years['2026'].holidays.push('2025-12-31'),
        path: '/years/2026/holidays/33',
        reason: /not in 2026/,
      },
      { name: 'cal-unverified.json', edit: (c) => delete c.years['2026'].verified, path: '/years/2026/verified', reason: /./ },
      { name: 'cal-no-source.json', edit: (c) => delete c.years['2026'].source, path: '/years/2026/source', reason: /./ },
    ];
    for (const k of cases) {
      const e = refusal(withCalendar(k.name, k.edit));
      assert.equal(e.file, join(dir, `${k.name}.calendar.json`), k.name);
      assert.equal(e.path, k.path, k.name);
      assert.match(e.reason, k.reason, k.name);
    }
    const other = refusal(withCalendar('cal-other.json', (c) => (c.jurisdiction = 'US')));
    assert.equal(other.path, '/minors/calendarFile');
    assert.match(other.reason, /calendar of US, not of CN/);
    const missing = refusal(
      write('cal-missing.json', { ...JSON.parse(cnText), minors: { ...JSON.parse(cnText).minors, calendarFile: './nowhere.json' } }),
    );
    assert.equal(missing.file, join(dir, 'nowhere.json'));
    assert.match(missing.reason, /cannot be read \(ENOENT\)/);
    const both = refusal(
      write(
        'cal-both.json',
        mutated((p) => (p.minors.calendarFile = '../calendars/cn-mainland.json')),
      ),
    );
    assert.equal(both.path, '/minors/calendar');
    const neither = refusal(
      write(
        'cal-neither.json',
        mutated((p) => delete p.minors.calendar),
      ),
    );
    assert.equal(neither.path, '/minors');
  });

  it('loads every shipped policy', () => {
    for (const name of ['cn-mainland', 'sample-paid-skill', 'development', 'deny-all'])
      assert.equal(loadPolicyFile(join(POLICIES, `${name}.json`)).name, name);
  });

  const cases: { name: string; value: unknown; path: string; reason: RegExp }[] = [
    { name: 'not-json.json', value: '{"name": "x",', path: '/', reason: /is not JSON/ },
    { name: 'bad-age.json', value: mutated((p) => (p.minors.adultAge = 'eighteen')), path: '/minors/adultAge', reason: /integer/i },
    // Guest play is banned by the 2021 notice: no policy may allow it.
    {
      name: 'guests-allowed.json',
      value: mutated((p) => (p.identity.guestMode = true)),
      path: '/identity/guestMode',
      reason: /false|expected|const/i,
    },
    {
      name: 'cn-guest-rooms.json',
      value: mutated((p) => (p.identity.realNameRequiredFor = p.identity.realNameRequiredFor.filter((a: string) => a !== 'join_room'))),
      path: '/identity/realNameRequiredFor',
      reason: /no guest play \(2021 notice\): real name must be required for join_room/,
    },
    {
      name: 'cn-no-identity.json',
      value: mutated((p) => delete p.identity),
      path: '/identity',
      reason: /no guest play/,
    },
    {
      name: 'cn-residents-guests.json',
      value: mutated((p) => {
        p.jurisdiction.countries = [];
        p.identity.realNameRequiredFor = ['deposit'];
      }),
      path: '/identity/realNameRequiredFor',
      reason: /no guest play/,
    },
    {
      name: 'unknown-field.json',
      value: mutated((p) => (p.minors.bedtime = '22:00')),
      path: '/minors/bedtime',
      reason: /unexpected|additional/i,
    },
    {
      name: 'unknown-action.json',
      value: mutated((p) => p.minors.deniedActions.push('teleport')),
      path: '/minors/deniedActions/2',
      reason: /./,
    },
    {
      name: 'workday-weekday.json',
      value: mutated((p) => p.minors.calendar['2026'].workdays.push('2026-10-12')),
      path: '/minors/calendar/2026/workdays/6',
      reason: /not a weekend day/,
    },
    {
      name: 'date-wrong-year.json',
      value: mutated((p) => p.minors.calendar['2026'].holidays.push('2025-12-31')),
      path: '/minors/calendar/2026/holidays/33',
      reason: /not in 2026/,
    },
    {
      name: 'no-such-date.json',
      value: mutated((p) => p.minors.calendar['2026'].holidays.push('2026-02-30')),
      path: '/minors/calendar/2026/holidays/33',
      reason: /not a date/,
    },
    {
      name: 'overlap.json',
      value: mutated((p) => (p.minors.spendingBands[2].fromAge = 15)),
      path: '/minors/spendingBands',
      reason: /overlap/,
    },
    {
      name: 'uncited.json',
      value: mutated((p) => (p.limits.deposit.sources = ['nobody'])),
      path: '/limits/deposit/sources',
      reason: /"nobody"/,
    },
    { name: 'timezone.json', value: mutated((p) => (p.timezone = 'Mars/Olympus')), path: '/timezone', reason: /IANA/ },
    {
      name: 'window.json',
      value: mutated((p) => (p.minors.playWindows = [{ from: '21:00', to: '20:00' }])),
      path: '/minors/playWindows/0',
      reason: /before/,
    },
    { name: 'redeemable.json', value: mutated((p) => (p.games.pointsRedeemable = true)), path: '/games/pointsRedeemable', reason: /./ },
    { name: 'v1-sections.json', value: mutated((p) => delete p.schemaVersion), path: '/timezone', reason: /schemaVersion/ },
    {
      name: 'limits-order.json',
      value: mutated((p) => (p.limits.deposit.perDayFenMax = 1)),
      path: '/limits/deposit',
      reason: /perTransaction ≤ perDay/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} naming the file, ${c.path} and the reason`, () => {
      const file = write(c.name, c.value);
      const e = refusal(file);
      assert.equal(e.file, file);
      assert.equal(e.path, c.path, e.message);
      assert.match(e.reason, c.reason);
      assert.ok(e.message.includes(file) && e.message.includes(c.path), e.message);
    });
  }

  it('refuses two policies that claim the same country or code', () => {
    const copy = write(
      'cn-copy.json',
      mutated((p) => (p.name = 'cn-copy')),
    );
    const sub = mkdtempSync(join(dir, 'set-'));
    writeFileSync(join(sub, 'a.json'), readFileSync(copy));
    writeFileSync(join(sub, 'b.json'), JSON.stringify(mutated(() => {})));
    assert.throws(
      () => loadPolicySet(join(POLICIES, 'development.json'), sub),
      (e: unknown) => e instanceof PolicyError && /also/.test(e.reason),
    );
  });

  it('the server does not start on a broken policy, and says which file, where and why', () => {
    const file = write(
      'broken-start.json',
      mutated((p) => (p.minors.spendingBands[1].perMonthFenMax = -1)),
    );
    const r = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        FAIRGROUND_DATA_DIR: join(dir, 'data'),
        FAIRGROUND_POLICY_FILE: file,
        PORT: '0',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /minors/spendingBands/1/perMonthFenMax`));
  });

  it('the server does not start when a file in the policy folder is broken', () => {
    const sub = mkdtempSync(join(dir, 'dir-'));
    writeFileSync(join(sub, 'cn.json'), JSON.stringify(mutated(() => {})));
    writeFileSync(join(sub, 'zz.json'), '[]');
    const r = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        FAIRGROUND_DATA_DIR: join(dir, 'data2'),
        FAIRGROUND_POLICY_DIR: sub,
        PORT: '0',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /FAIRGROUND_POLICY_DIR/);
    assert.ok(r.stderr.includes(join(sub, 'zz.json')), r.stderr);
  });
});

describe('sample paid-skill policy: excluded regions as data', () => {
  const us = loadPolicyFile(join(POLICIES, 'sample-paid-skill.json'));
  const facts = (over: Partial<PlayerFacts>): PlayerFacts => ({
    nowMs: Date.UTC(2026, 0, 13, 15),
    verified: true,
    birthDate: '1990-01-01',
    region: { country: 'US', subdivision: 'US-TX' },
    totals: ZERO_TOTALS,
    selfExclusionUntilMs: null,
    depositLimits: { dayFen: null, monthFen: null },
    play: { continuousSinceMs: null, breakUntilMs: null },
    restriction: null,
    ...over,
  });
  const code = (d: ReturnType<typeof evaluatePlayer>) => (d.allow ? 'ALLOW' : d.code);
  it('allows paid skill matches in a state that permits them', () => {
    assert.equal(code(evaluatePlayer(us, 'start_paid_session', { amountFen: 200 }, facts({}))), 'ALLOW');
  });
  it('refuses cash play in an excluded state but lets the player withdraw', () => {
    const tn = { region: { country: 'US', subdivision: 'US-TN' } };
    assert.equal(code(evaluatePlayer(us, 'start_paid_session', {}, facts(tn))), 'REGION_EXCLUDED');
    assert.equal(code(evaluatePlayer(us, 'deposit', { amountFen: 100 }, facts(tn))), 'REGION_EXCLUDED');
    assert.equal(code(evaluatePlayer(us, 'withdraw', { amountFen: 100 }, facts(tn))), 'ALLOW');
    assert.equal(code(evaluatePlayer(us, 'enter_tournament', {}, facts({ region: { country: 'US', subdivision: 'US-FL' } }))), 'ALLOW');
    assert.equal(
      code(evaluatePlayer(us, 'start_paid_session', {}, facts({ region: { country: 'US', subdivision: 'US-FL' } }))),
      'REGION_EXCLUDED',
    );
  });
  it('refuses cash play while the state is unknown (the database knows countries only)', () => {
    assert.equal(
      code(evaluatePlayer(us, 'start_paid_session', {}, facts({ region: { country: 'US', subdivision: null } }))),
      'REGION_UNKNOWN',
    );
    assert.equal(code(evaluatePlayer(us, 'start_free_session', {}, facts({ region: { country: 'US', subdivision: null } }))), 'ALLOW');
  });
  it('refuses paid play to minors and cash-fee rooms to everyone', () => {
    assert.equal(code(evaluatePlayer(us, 'start_paid_session', {}, facts({ birthDate: '2010-01-01' }))), 'MINOR_ACTION_DENIED');
    assert.equal(code(evaluatePlayer(us, 'create_room', { feeMode: 'cash' }, facts({}))), 'GAME_MODE_NOT_ALLOWED');
    assert.equal(code(evaluatePlayer(us, 'create_room', { feeMode: 'cards' }, facts({}))), 'ALLOW');
  });
});
