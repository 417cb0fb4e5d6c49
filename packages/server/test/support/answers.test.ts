// Customer service both ways, on both backends: an operator's answer to a player's feedback or
// report reaches that player's inbox, is audited, and the conversations export as CSV and JSON;
// the service hours are a setting the console changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

for (const backend of backends()) {
  describe(`customer service on ${backend.name}`, () => {
    let t: TestPlatform;
    let support: string;
    before(async () => {
      t = await TestPlatform.start(backend);
      support = await t.loginOperator(await t.createOperator(['support']));
    });
    after(() => t.close());

    it('answers a feedback into the player’s inbox, audited, and only the author hears it', async () => {
      const p = await t.readyPlayer('cs-feedback');
      const other = await t.readyPlayer('cs-other');
      const filed = await t.request('POST', '/api/feedback', { token: p.token, body: { topic: 'payments', text: 'Where is my deposit?' } });
      assert.equal(filed.status, 201);
      const feedbackId = filed.json.feedbackId as string;

      const list = await t.request('GET', '/api/admin/support/threads', { token: support });
      assert.equal(list.status, 200);
      const thread = (list.json.items as { id: string; status: string; playerId: string }[]).find((x) => x.id === feedbackId);
      assert.equal(thread?.status, 'open');
      assert.equal(thread?.playerId, p.playerId);

      const r = await t.request('POST', `/api/admin/support/threads/feedback/${feedbackId}/answers`, {
        token: support,
        body: { text: 'It arrived at 10:02; see your wallet.' },
      });
      assert.equal(r.status, 201);
      assert.equal(r.json.status, 'answered');
      assert.equal((r.json.answers as unknown[]).length, 1);

      const inbox = await t.request('GET', '/api/notifications', { token: p.token });
      assert.equal(inbox.json.unread, 1);
      const item = (inbox.json.items as { kind: string; data: Record<string, unknown> }[])[0]!;
      assert.equal(item.kind, 'support_answer');
      assert.equal(item.data.text, 'It arrived at 10:02; see your wallet.');
      assert.equal(item.data.threadId, feedbackId);
      assert.equal((await t.request('GET', '/api/notifications', { token: other.token })).json.unread, 0);

      const rows = await t.store.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM admin_audit WHERE action = 'support.answer'");
      assert.equal(Number(rows[0]?.n), 1);
    });

    it('answers a report to its reporter', async () => {
      const reporter = await t.readyPlayer('cs-reporter');
      const target = await t.readyPlayer('cs-target');
      const filed = await t.request('POST', '/api/complaints', {
        token: reporter.token,
        body: { targetPlayerId: target.playerId, reason: 'abuse', text: 'rude in chat' },
      });
      assert.equal(filed.status, 201);
      const r = await t.request('POST', `/api/admin/support/threads/report/${filed.json.id}/answers`, {
        token: support,
        body: { text: 'We are looking into it.' },
      });
      assert.equal(r.status, 201);
      assert.equal(r.json.playerId, reporter.playerId);
      const inbox = await t.request('GET', '/api/notifications', { token: reporter.token });
      assert.equal((inbox.json.items as { kind: string }[])[0]?.kind, 'support_answer');
      assert.equal((await t.request('GET', '/api/notifications', { token: target.token })).json.unread, 0);
    });

    it('refuses an unknown thread and other roles, changing nothing', async () => {
      const before = await t.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM support_answers');
      const missing = await t.request('POST', '/api/admin/support/threads/feedback/fb_nope/answers', {
        token: support,
        body: { text: 'hello' },
      });
      assert.equal(missing.status, 404);
      assert.equal(missing.json.code, 'SUPPORT_THREAD_NOT_FOUND');
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      const refused = await t.request('POST', '/api/admin/support/threads/feedback/fb_nope/answers', {
        token: finance,
        body: { text: 'hello' },
      });
      assert.equal(refused.status, 403);
      const p = await t.readyPlayer('cs-player-try');
      const asPlayer = await t.request('GET', '/api/admin/support/threads', { token: p.token });
      assert.ok(asPlayer.status === 401 || asPlayer.status === 403);
      const afterRows = await t.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM support_answers');
      assert.equal(Number(afterRows[0]?.n), Number(before[0]?.n));
    });

    it('exports the conversations as CSV and JSON, audited', async () => {
      const csv = await t.platform.app.inject({
        method: 'GET',
        url: '/api/admin/support/export?format=csv',
        headers: { authorization: `Bearer ${support}` },
      });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /^thread_kind,thread_id,player_id,from,topic_or_status,text,at\r\n/);
      assert.match(csv.body, /operator:[^,]+,,It arrived at 10:02; see your wallet\./);
      const json = await t.request('GET', '/api/admin/support/export?format=json', { token: support });
      assert.equal(json.status, 200);
      const doc = JSON.parse(json.text) as { threads: { answers: unknown[] }[] };
      assert.ok(doc.threads.some((x) => x.answers.length === 1));
      const rows = await t.store.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM admin_audit WHERE action = 'support.export'");
      assert.equal(Number(rows[0]?.n), 2);
    });

    it('serves the hours the console set: 24/7 by default, then daily hours in China time', async () => {
      const p = await t.readyPlayer('cs-hours');
      const first = await t.request('GET', '/api/support', { token: p.token });
      assert.equal(first.json.alwaysOpen, true);
      assert.equal(first.json.openNow, true);
      const admin = await t.loginOperator(await t.createOperator(['admin']));
      const bad = await t.request('PUT', '/api/admin/settings/support', {
        token: admin,
        body: { expectedVersion: 0, value: { alwaysOpen: false, opensAt: '25:00', closesAt: '21:00', escalation: 'x' } },
      });
      assert.equal(bad.json.code, 'SETTINGS_INVALID');
      const denied = await t.request('PUT', '/api/admin/settings/support', {
        token: support,
        body: { expectedVersion: 0, value: { alwaysOpen: true, opensAt: '09:00', closesAt: '21:00', escalation: 'x' } },
      });
      assert.equal(denied.status, 403);
      // Open 09:00–21:00 China time; the clock is moved to 03:00 China time (19:00 UTC).
      const saved = await t.request('PUT', '/api/admin/settings/support', {
        token: admin,
        body: {
          expectedVersion: 0,
          value: { alwaysOpen: false, opensAt: '09:00', closesAt: '21:00', escalation: '400-800-1234' },
          reason: 'night shift ends',
        },
      });
      assert.equal(saved.status, 200);
      await t.platform.settings.settled();
      const day = 86_400_000;
      const now = t.clock.nowMs();
      t.clock.advanceMs((((19 * 3_600_000 - (now % day)) % day) + day) % day);
      const again = await t.loginPlayer('cs-hours');
      const night = await t.request('GET', '/api/support', { token: again.token });
      assert.equal(night.json.openNow, false);
      assert.equal(night.json.escalation, '400-800-1234');
      t.clock.advanceMs(8 * 3_600_000); // 11:00 China time
      const morning = await t.loginPlayer('cs-hours');
      assert.equal((await t.request('GET', '/api/support', { token: morning.token })).json.openNow, true);
    });
  });
}
