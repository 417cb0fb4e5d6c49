// Subscription messages in the domain, on both backends, with a sender that answers what the test
// says: a consent is spent by exactly one message (two events, one consent: one message); no
// consent or no template queues nothing; the same event queues once; WeChat's errcodes settle a
// message as the service says (43101 spent and not retried, 40003 dropped, 45009/-1/token and no
// answer retried later with a doubling back-off, anything else given up).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { notificationsMigrations } from '../../src/notifications/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';
import {
  SUBSCRIBE_ATTEMPTS_MAX,
  SUBSCRIBE_BACKOFF_MS,
  type SendOutcome,
  type SubscribeSender,
  Subscriptions,
  subscriptionsMigrations,
} from '../../src/subscriptions/index.ts';

const TEMPLATES = { report_handled: 'TPL_report', withdrawal_arrived: 'TPL_withdrawal' } as const;

interface Harness {
  store: Store;
  clock: ManualClock;
  subs: Subscriptions;
  sent: Parameters<SubscribeSender['send']>[0][];
  /** What the sender answers, per recipient, first in first out (then ok). */
  answers: Map<string, (SendOutcome | Error)[]>;
}

async function harness(open: (o: { clock: ManualClock }) => Promise<Store>): Promise<Harness> {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const store = await open({ clock });
  await store.migrate([...notificationsMigrations, ...subscriptionsMigrations]);
  const sent: Harness['sent'] = [];
  const answers: Harness['answers'] = new Map();
  const sender: SubscribeSender = {
    appId: 'wxapp',
    async send(m) {
      sent.push(m);
      const a = answers.get(m.touser)?.shift() ?? { ok: true };
      if (a instanceof Error) throw a;
      return a;
    },
  };
  const subs = new Subscriptions({
    store,
    templates: TEMPLATES,
    sender,
    openidOf: async (playerId) => (playerId === 'p_noid' ? null : `o_${playerId}`),
    nowMs: () => clock.nowMs(),
  });
  return { store, clock, subs, sent, answers };
}

const queueOne = (h: Harness, playerId: string, key: string, kind: 'report_handled' | 'turn_away' = 'report_handled') =>
  h.store.unitOfWork((tx) => h.subs.queue(tx, { playerId, kind, key, page: 'inbox', data: { thing1: 'x' } }));

async function rows(h: Harness, playerId: string) {
  return h.store.reader.query<{ state: string; attempts: unknown; last_errcode: unknown; next_at_ms: unknown }>(
    'SELECT state, attempts, last_errcode, next_at_ms FROM subscribe_sends WHERE player_id = ? ORDER BY created_at_ms, id',
    [playerId],
  );
}

for (const backend of backends()) {
  describe(`subscription consents on ${backend.name}`, () => {
    it('spends one consent per message: two events with one consent make one message', async () => {
      const h = await harness(backend.open);
      try {
        await assert.rejects(h.subs.accept('p1', ['TPL_nope']), { code: 'SUBSCRIBE_TEMPLATE_UNKNOWN' });
        assert.deepEqual(
          (await h.subs.mine('p1')).map((x) => x.remaining),
          [0, 0],
          'a refused call changed nothing',
        );
        const mine = await h.subs.accept('p1', ['TPL_report']);
        assert.deepEqual(
          mine.map((x) => [x.kind, x.templateId, x.remaining]),
          [
            ['withdrawal_arrived', 'TPL_withdrawal', 0],
            ['report_handled', 'TPL_report', 1],
          ],
        );
        assert.equal(await queueOne(h, 'p1', 'e1'), true);
        assert.equal(await queueOne(h, 'p1', 'e2'), false, 'the one consent is spent');
        assert.equal(await queueOne(h, 'p2', 'e3'), false, 'no consent, no message');
        assert.equal(await queueOne(h, 'p1', 'e4', 'turn_away'), false, 'no template for the kind');
        assert.equal(await h.subs.sendDue(), 1);
        assert.equal(h.sent.length, 1);
        assert.deepEqual(h.sent[0], { touser: 'o_p1', templateId: 'TPL_report', page: 'inbox', data: { thing1: 'x' }, lang: 'zh_CN' });
        assert.equal(await h.subs.sendDue(), 0, 'sent once');

        await h.subs.accept('p1', ['TPL_report']);
        await h.subs.accept('p1', ['TPL_report']);
        assert.equal((await h.subs.mine('p1')).find((x) => x.kind === 'report_handled')?.remaining, 2, 'consents add up');
        assert.equal(await queueOne(h, 'p1', 'e1'), false, 'an event queues at most once');
        assert.equal((await h.subs.mine('p1')).find((x) => x.kind === 'report_handled')?.remaining, 2, 'and spends nothing then');
        await h.subs.withdraw('p1');
        assert.equal(await queueOne(h, 'p1', 'e5'), false, 'withdrawn consents are gone');
      } finally {
        await h.store.close();
      }
    });

    it('a completed withdrawal notified through reaching() queues a withdrawal_arrived message with one consent', async () => {
      const h = await harness(backend.open);
      try {
        const inner: { playerId: string; kind: string }[] = [];
        const notifier = h.subs.reaching({ notify: async (_tx, playerId, n) => void inner.push({ playerId, kind: n.kind }) });
        const completed = (id: string) =>
          h.store.unitOfWork((tx) =>
            notifier.notify(tx, 'p1', { kind: 'withdrawal_completed', data: { withdrawalId: id, amountFen: 12345 } }),
          );
        await completed('w0');
        assert.equal((await rows(h, 'p1')).length, 0, 'no consent: the inbox only');
        await h.subs.accept('p1', ['TPL_withdrawal']);
        await completed('w1');
        await completed('w2');
        assert.equal(inner.length, 3, 'every event reaches the inbox');
        assert.equal(await h.subs.sendDue(), 1);
        assert.deepEqual(
          h.sent.map((m) => [m.templateId, m.page, m.data.amount1]),
          [['TPL_withdrawal', 'wallet', '¥123.45']],
        );
      } finally {
        await h.store.close();
      }
    });

    it('a consent spent in a unit that rolls back is not spent', async () => {
      const h = await harness(backend.open);
      try {
        await h.subs.accept('p1', ['TPL_report']);
        await assert.rejects(
          h.store.unitOfWork(async (tx) => {
            assert.equal(
              await h.subs.queue(tx, { playerId: 'p1', kind: 'report_handled', key: 'r1', page: 'inbox', data: { thing1: 'x' } }),
              true,
            );
            throw new Error('the event failed');
          }),
          /the event failed/,
        );
        assert.equal((await h.subs.mine('p1')).find((x) => x.kind === 'report_handled')?.remaining, 1);
        assert.equal((await rows(h, 'p1')).length, 0);
      } finally {
        await h.store.close();
      }
    });

    it('settles each errcode as WeChat means it', async () => {
      const h = await harness(backend.open);
      try {
        const one = async (playerId: string, answer: SendOutcome | Error) => {
          await h.subs.accept(playerId, ['TPL_report']);
          assert.equal(await queueOne(h, playerId, `k-${playerId}`), true);
          h.answers.set(`o_${playerId}`, [answer]);
        };
        await one('p_refused', { ok: false, errcode: 43101 });
        await one('p_badid', { ok: false, errcode: 40003 });
        await one('p_quota', { ok: false, errcode: 45009 });
        await one('p_busy', { ok: false, errcode: -1 });
        await one('p_token', { ok: false, errcode: 40001 });
        await one('p_silent', new Error('timeout'));
        await one('p_template', { ok: false, errcode: 40037 });
        await h.subs.accept('p_noid', ['TPL_report']);
        await queueOne(h, 'p_noid', 'k-p_noid');
        assert.equal(await h.subs.sendDue(), 8);
        assert.equal(h.sent.length, 7, 'a player without an openid is not sent to');
        const state = async (p: string) =>
          (await rows(h, p)).map((r) => [r.state, Number(r.attempts), r.last_errcode === null ? null : Number(r.last_errcode)]);
        assert.deepEqual(await state('p_refused'), [['refused', 1, 43101]]);
        assert.deepEqual(await state('p_badid'), [['dropped', 1, 40003]]);
        assert.deepEqual(await state('p_noid'), [['dropped', 1, 40003]]);
        assert.deepEqual(await state('p_template'), [['failed', 1, 40037]]);
        for (const p of ['p_quota', 'p_busy', 'p_token', 'p_silent']) {
          const r = (await rows(h, p))[0]!;
          assert.equal(r.state, 'queued', p);
          assert.equal(Number(r.next_at_ms), h.clock.nowMs() + SUBSCRIBE_BACKOFF_MS, p);
        }
        assert.equal(await h.subs.sendDue(), 0, 'nothing is due before the back-off');
        h.answers.set('o_p_quota', [{ ok: false, errcode: 45009 }]);
        h.clock.advanceMs(SUBSCRIBE_BACKOFF_MS);
        assert.equal(await h.subs.sendDue(), 4, 'the four retryable come back; 45009 again for the first');
        const quota = (await rows(h, 'p_quota'))[0]!;
        assert.equal(quota.state, 'queued');
        assert.equal(Number(quota.next_at_ms), h.clock.nowMs() + 2 * SUBSCRIBE_BACKOFF_MS, 'the back-off doubles');
        for (const p of ['p_busy', 'p_token', 'p_silent']) assert.equal((await rows(h, p))[0]?.state, 'sent', p);
        assert.equal(h.sent.filter((m) => m.touser === 'o_p_refused').length, 1, 'a refused message is not retried');

        // A message that keeps meeting the quota is given up after SUBSCRIBE_ATTEMPTS_MAX attempts.
        for (let i = 2; i < SUBSCRIBE_ATTEMPTS_MAX; i += 1) {
          h.answers.set('o_p_quota', [{ ok: false, errcode: 45009 }]);
          h.clock.advanceMs(3600_000);
          await h.subs.sendDue();
        }
        assert.deepEqual(await state('p_quota'), [['failed', SUBSCRIBE_ATTEMPTS_MAX, 45009]]);
      } finally {
        await h.store.close();
      }
    });
  });
}
