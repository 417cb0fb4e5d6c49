// The settings service on its own: versions and audit in one unit, optimistic concurrency, the
// policy's bounds, and a change reaching a second node — through a shared in-process bus, through
// the cluster's Redis pub/sub bus, and (a lost notice) through the cache's re-read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AppError, ManualClock } from '@fairground/core';
import { createAuditLog } from '../../src/admin/index.ts';
import { prepareStore } from '../../src/app.ts';
import { Bus } from '../../src/cluster/bus.ts';
import { ClusterRedis, Keys } from '../../src/cluster/redis.ts';
import { loadPolicyFile, type Policy } from '../../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { memorySettingsBus, type NoticeBus, noticeSettingsBus, Settings, type SettingsBus } from '../../src/settings/index.ts';
import { AGREEMENT_TEXT_CHARS_MAX, CACHE_TTL_MS } from '../../src/settings/limits.ts';
import { skillPlugins } from '../../src/skill/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CN_POLICY_FILE = new URL('../../src/compliance/policies/cn-mainland.json', import.meta.url).pathname;
const OPERATOR = { id: 'op_settings', username: 'settings-admin' };
const quiet = { warn() {}, error() {} };

function node(store: Store, clock: ManualClock, bus: SettingsBus, policies: readonly Policy[] = [loadPolicyFile(DEVELOPMENT_POLICY_FILE)]) {
  return new Settings({
    store,
    clock,
    audit: createAuditLog(store.reader),
    bus,
    policies: () => policies,
    termsVersion: '2026-01',
    plugins: Object.keys(skillPlugins),
    log: quiet,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
}

for (const backend of backends()) {
  describe(`settings service on ${backend.name}`, () => {
    let store: Store;
    const clock = new ManualClock(Date.UTC(2026, 1, 1, 8, 0, 0));
    before(async () => {
      store = await backend.open({ clock });
      await prepareStore(store, clock);
    });
    after(() => store.close());

    it('stores each change as a new version with its audit entry (before and after), and refuses a change made against an old version', async () => {
      const bus = memorySettingsBus();
      const a = node(store, clock, bus);
      await a.start();
      assert.equal(a.version('room.fees'), 0);
      const fees = { ...a.get('room.fees'), cashFeePerSeatPerBlockFen: 250 };
      const v1 = await a.update(OPERATOR, 'room.fees', fees, { expectedVersion: 0, reason: 'spring prices' });
      assert.equal(v1.version, 1);
      assert.equal(a.get('room.fees').cashFeePerSeatPerBlockFen, 250);
      const audit = await createAuditLog(store.reader).list({ action: 'settings.update' });
      const entry = audit.items.find((e) => e.targetId === 'room.fees');
      assert.ok(entry);
      assert.deepEqual((entry.before as { version: number }).version, 0);
      assert.equal((entry.before as { value: { cashFeePerSeatPerBlockFen: number } }).value.cashFeePerSeatPerBlockFen, 200);
      assert.equal((entry.after as { value: { cashFeePerSeatPerBlockFen: number } }).value.cashFeePerSeatPerBlockFen, 250);
      assert.equal(entry.reason, 'spring prices');

      // A second operator who loaded version 0 does not overwrite version 1 unseen.
      assert.equal(
        await codeOf(a.update(OPERATOR, 'room.fees', { ...fees, cashFeePerSeatPerBlockFen: 400 }, { expectedVersion: 0 })),
        'SETTINGS_VERSION_CONFLICT',
      );
      // Two saves against the same version at once: exactly one is stored.
      const both = await Promise.allSettled([
        a.update(OPERATOR, 'room.fees', { ...fees, cashFeePerSeatPerBlockFen: 260 }, { expectedVersion: 1 }),
        a.update(OPERATOR, 'room.fees', { ...fees, cashFeePerSeatPerBlockFen: 270 }, { expectedVersion: 1 }),
      ]);
      assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((refused.reason as AppError).code, 'SETTINGS_VERSION_CONFLICT');
      const history = await a.history('room.fees');
      assert.deepEqual(
        history.map((h) => h.version),
        [2, 1, 0],
      );
      await a.close();
    });

    it('refuses a commission outside the policy bounds, naming the policy, and a fee on the pot or on winnings', async () => {
      const a = node(store, clock, memorySettingsBus(), [loadPolicyFile(DEVELOPMENT_POLICY_FILE), loadPolicyFile(CN_POLICY_FILE)]);
      await a.start();
      const v = a.version('room.fees');
      const fees = a.get('room.fees');
      for (const commissionBps of [400, 1600]) {
        try {
          await a.update(OPERATOR, 'room.fees', { ...fees, commissionBps }, { expectedVersion: v });
          assert.fail('accepted');
        } catch (e) {
          assert.ok(e instanceof AppError);
          assert.equal(e.code, 'SETTINGS_OUTSIDE_POLICY');
          assert.deepEqual(e.details, { field: 'commissionBps', value: commissionBps, min: 500, max: 1500, policies: ['cn-mainland'] });
          assert.match(e.message, /commissionBps .* outside 500\.\.1500 .*cn-mainland/);
        }
      }
      assert.equal(await codeOf(a.update(OPERATOR, 'room.fees', { ...fees, basis: 'pot' }, { expectedVersion: v })), 'SETTINGS_FEE_ON_POT');
      assert.equal(
        await codeOf(a.update(OPERATOR, 'room.fees', { ...fees, winningsShareBps: 500 }, { expectedVersion: v })),
        'SETTINGS_FEE_ON_POT',
      );
      assert.equal(
        await codeOf(a.update(OPERATOR, 'room.fees', { ...fees, roomCardPriceFen: 0 }, { expectedVersion: v })),
        'SETTINGS_INVALID',
      );
      // The skill rake is bounded by the same policy (15 % in mainland China).
      const games = a.get('skill.catalogue').games.map((g) => ({ ...g, rakeBps: 2000 }));
      assert.equal(
        await codeOf(a.update(OPERATOR, 'skill.catalogue', { games }, { expectedVersion: a.version('skill.catalogue') })),
        'SETTINGS_OUTSIDE_POLICY',
      );
      // A game a tournament template names stays in the catalogue until the template changes.
      const renamed = a.get('skill.catalogue').games.map((g) => ({ ...g, id: 'gems' }));
      assert.equal(
        await codeOf(a.update(OPERATOR, 'skill.catalogue', { games: renamed }, { expectedVersion: a.version('skill.catalogue') })),
        'SETTINGS_INVALID',
      );
      assert.equal(a.version('room.fees'), v, 'nothing was stored');
      await a.close();
    });

    it('adds a second game through its plug-in, refuses an unknown plug-in, and checks a template’s repeating schedule', async () => {
      const a = node(store, clock, memorySettingsBus());
      const games = a.get('skill.catalogue').games;
      const makeTen = { ...games[0]!, id: 'make_ten', plugin: 'sum10', title: { zh: '凑十', en: 'Make Ten' } };
      assert.equal(
        await codeOf(
          a.update(
            OPERATOR,
            'skill.catalogue',
            { games: [...games, { ...makeTen, plugin: 'chess' }] },
            { expectedVersion: a.version('skill.catalogue') },
          ),
        ),
        'SETTINGS_INVALID',
      );
      await a.update(OPERATOR, 'skill.catalogue', { games: [...games, makeTen] }, { expectedVersion: a.version('skill.catalogue') });
      assert.deepEqual(
        a.get('skill.catalogue').games.map((g) => g.plugin),
        ['match3', 'sum10'],
      );
      const [daily] = a.get('skill.tournament_templates').templates;
      const scheduled = { ...daily!, game: 'make_ten', schedule: { times: ['20:00'], weekdays: [6, 7], utcOffsetMinutes: 480 } };
      const expectedVersion = a.version('skill.tournament_templates');
      for (const bad of [
        { ...scheduled, schedule: { times: ['24:00'], utcOffsetMinutes: 480 } },
        { ...scheduled, schedule: { times: ['20:00'], weekdays: [0], utcOffsetMinutes: 480 } },
        // Slots two hours apart with entries open for six: two of the template's tournaments at once.
        { ...scheduled, schedule: { times: ['20:00', '22:00'], utcOffsetMinutes: 480 } },
      ]) {
        assert.equal(
          await codeOf(a.update(OPERATOR, 'skill.tournament_templates', { templates: [bad] }, { expectedVersion })),
          'SETTINGS_INVALID',
        );
      }
      await a.update(OPERATOR, 'skill.tournament_templates', { templates: [scheduled] }, { expectedVersion });
      assert.deepEqual(a.get('skill.tournament_templates').templates[0]?.schedule, scheduled.schedule);
      await a.close();
    });

    it('a change on one node reaches another through the shared bus, and through the cache re-read when the notice is lost', async () => {
      const shared = memorySettingsBus();
      const a = node(store, clock, shared);
      const b = node(store, clock, shared);
      const deaf: SettingsBus = { publish() {}, subscribe() {} };
      const c = node(store, clock, deaf);
      await Promise.all([a.start(), b.start(), c.start()]);
      const seen: number[] = [];
      b.onChange('vip', (_v, version) => seen.push(version));
      const vip = a.get('vip');
      const saved = await a.update(
        OPERATOR,
        'vip',
        { ...vip, tiers: vip.tiers.map((t) => ({ ...t, depositsFenMin: t.depositsFenMin + 1 })) },
        {
          expectedVersion: a.version('vip'),
        },
      );
      await b.settled();
      assert.equal(b.version('vip'), saved.version);
      assert.deepEqual(seen, [saved.version]);
      // Node c heard nothing; it keeps its copy until the copy is older than the cache's lifetime.
      assert.equal(c.version('vip'), saved.version - 1);
      clock.advanceMs(CACHE_TTL_MS + 1);
      c.get('vip');
      await c.settled();
      assert.equal(c.version('vip'), saved.version);
      await Promise.all([a.close(), b.close(), c.close()]);
    });
  });
}

describe('settings notices over the cluster bus (Redis pub/sub)', () => {
  it('a change saved on one node is re-read by another node that hears the broadcast', async () => {
    const backend = backends()[0]!;
    const clock = new ManualClock(Date.UTC(2026, 1, 1, 8, 0, 0));
    const store = await backend.open({ clock });
    await prepareStore(store, clock);
    const keys = new Keys(`fgtest:settings:${randomBytes(4).toString('hex')}:`);
    const redises = [new ClusterRedis({ url: REDIS_URL }), new ClusterRedis({ url: REDIS_URL })];
    const buses: Bus[] = [];
    const noticeBuses: NoticeBus[] = [];
    for (const [i, r] of redises.entries()) {
      await r.connect();
      const bus = new Bus(r, keys, `node${i}`, quiet);
      const handlers = new Map<string, (from: string, a: unknown) => void>();
      await bus.start({
        request: async () => null,
        notice: (from, op, a) => handlers.get(op)?.(from, a),
        frame() {},
        closed() {},
      });
      buses.push(bus);
      noticeBuses.push({ broadcast: (op, a) => bus.broadcast(op, a), onNotice: (op, h) => handlers.set(op, h) });
    }
    try {
      const a = node(store, clock, noticeSettingsBus(noticeBuses[0]!));
      const b = node(store, clock, noticeSettingsBus(noticeBuses[1]!));
      await Promise.all([a.start(), b.start()]);
      const heard = new Promise<number>((resolve) => b.onChange('agreement', (_v, version) => resolve(version)));
      const current = a.get('agreement');
      // The longest agreement there may be: four texts at their limit, audited before and after.
      const long = { zh: '协'.repeat(AGREEMENT_TEXT_CHARS_MAX), en: 'a'.repeat(AGREEMENT_TEXT_CHARS_MAX) };
      const longest = { version: '2026-02', terms: { ...current.terms, body: long }, privacy: { ...current.privacy, body: long } };
      await a.update(OPERATOR, 'agreement', longest, { expectedVersion: 0 });
      assert.equal(await heard, 1);
      assert.equal(b.get('agreement').version, '2026-02');
      await Promise.all([a.close(), b.close()]);
    } finally {
      for (const bus of buses) await bus.stop();
      for (const r of redises) await r.close();
      await store.close();
    }
  });
});
