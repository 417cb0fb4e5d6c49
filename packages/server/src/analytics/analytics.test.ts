// The analytics domain inside the real platform, on SQLite and PostgreSQL: events appended by the
// domains, tiers, the operating report, alerts with a loopback webhook, CSV exports with their
// role checks and audit entries, and the Prometheus families.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../../test/helpers/platform.ts';
import { playerAccount, systemAccount } from '../ledger/index.ts';
import { backends } from '../adapters/testing.ts';
import type { AnalyticsEvent } from './index.ts';
import { DAY_MS, EXPORT_RETENTION_MS } from './limits.ts';

interface Hook {
  readonly url: string;
  readonly received: { event: string; text: string; alert: { metric: string; state: string } }[];
  status: number;
  close(): Promise<void>;
}

async function webhook(): Promise<Hook> {
  const received: Hook['received'] = [];
  const hook = { status: 200 } as { status: number };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (hook.status === 200) received.push(JSON.parse(body) as Hook['received'][number]);
      res.statusCode = hook.status;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  return Object.assign(hook, {
    url,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

for (const backend of backends()) {
  describe(`analytics on ${backend.name}`, () => {
    let t: TestPlatform;
    let hook: Hook;
    let admin: string;
    let support: string;
    let finance: string;
    let player: { token: string; playerId: string };

    const append = (event: AnalyticsEvent) => t.store.unitOfWork((tx) => t.platform.analytics.append(tx, event));
    const report = async () => {
      const r = await t.request('GET', '/api/admin/analytics/report', { token: admin });
      assert.equal(r.status, 200, r.text);
      return r.json as unknown as {
        metrics: { id: string; value: number | null; sample: number; status: string; byTier: { key: string; sample: number }[] }[];
        money: {
          deposits: { count: number; fen: number };
          withdrawalsCompleted: { count: number; fen: number };
          netInflowFen: number;
          revenueBySource: { source: string; fen: number }[];
          revenueFen: number;
        };
        activePlayers: number;
      };
    };
    const metric = async (id: string) => {
      const m = (await report()).metrics.find((x) => x.id === id);
      assert.ok(m);
      return m;
    };

    before(async () => {
      hook = await webhook();
      t = await TestPlatform.start(backend, { config: { alertWebhookUrl: hook.url, alertSampleMin: 2, vipDepositsFen: 10_000 } });
      admin = await t.loginOperator(await t.createOperator(['admin']));
      support = await t.loginOperator(await t.createOperator(['support']));
      finance = await t.loginOperator(await t.createOperator(['finance']));
      player = await t.readyPlayer('analyticsplayer');
    });
    after(async () => {
      await t?.close();
      await hook?.close();
    });

    it('a player’s tier follows their credited deposits: new, paying, then VIP at the configured line', async () => {
      const tier = async () => (await t.request('GET', '/api/me/tier', { token: player.token })).json;
      assert.deepEqual(await tier(), { tier: 'new', depositsFen: 0, vipFromFen: 10_000, vipSinceMs: null });
      await append({
        kind: 'deposit_credited',
        actor: { kind: 'player', id: player.playerId },
        data: { depositId: 'd1', amountFen: 5000 },
      });
      assert.equal((await tier()).tier, 'paying');
      t.clock.advanceMs(60_000);
      await append({
        kind: 'deposit_credited',
        actor: { kind: 'player', id: player.playerId },
        data: { depositId: 'd2', amountFen: 5000 },
      });
      const vip = await tier();
      assert.equal(vip.tier, 'vip');
      assert.equal(vip.depositsFen, 10_000);
      assert.equal(vip.vipSinceMs, t.clock.nowMs());
    });

    it('room creation attempts reach the report: a refused creation counts against the success rate', async () => {
      // No room cards: the default fee mode refuses, and the attempt is logged as failed.
      const refused = await t.request('POST', '/api/rooms', {
        token: player.token,
        body: { params: { seats: 3, rounds: 8, baseScore: 1 } },
      });
      assert.equal(refused.status >= 400, true, refused.text);
      const failed = await t.platform.analytics.list({ kind: 'room_create_failed' });
      assert.equal(failed.length, 1);
      const m = await metric('room_creation_success_rate');
      assert.equal(m.sample, 1);
      assert.equal(m.value, 0);
      assert.equal(m.byTier.find((s) => s.key === 'vip')?.sample, 1, 'attributed to the player’s tier at the attempt');
    });

    it('money: deposits and completed withdrawals from the log, revenue by source from the ledger', async () => {
      await append({
        kind: 'withdrawal_completed',
        actor: { kind: 'player', id: player.playerId },
        data: { withdrawalId: 'w1', amountFen: 2000 },
      });
      const adjust = await t.request('POST', `/api/admin/players/${player.playerId}/adjustments`, {
        token: admin,
        body: { asset: 'CNY', amountFen: 3000, reason: 'fund the analytics test', idempotencyKey: 'analytics-fund-0001' },
      });
      assert.equal(adjust.status, 201, adjust.text);
      await t.store.unitOfWork((tx) =>
        t.platform.ledger.transfer(tx, {
          scope: 'test',
          key: 'commission-1',
          debit: playerAccount(player.playerId, 'CNY'),
          credit: systemAccount('revenue', 'CNY'),
          asset: 'CNY',
          amount: 150,
          code: 'commission',
        }),
      );
      const r = await report();
      assert.deepEqual(r.money.deposits, { count: 2, fen: 10_000 });
      assert.deepEqual(r.money.withdrawalsCompleted, { count: 1, fen: 2000 });
      assert.equal(r.money.netInflowFen, 8000);
      assert.deepEqual(r.money.revenueBySource, [{ source: 'commission', fen: 150, transfers: 1 }]);
      assert.equal(r.money.revenueFen, 150);
      assert.ok(r.activePlayers >= 1);
    });

    it('refuses a window that ends before it starts or is longer than a month', async () => {
      const now = t.clock.nowMs();
      for (const q of [`fromMs=${now}&toMs=${now - 1}`, `fromMs=${now - 40 * DAY_MS}&toMs=${now}`]) {
        const r = await t.request('GET', `/api/admin/analytics/report?${q}`, { token: admin });
        assert.equal(r.status, 400);
        assert.equal(r.json.code, 'ANALYTICS_WINDOW_INVALID');
      }
    });

    it('an alert opens past its line, reaches the webhook, shows in the console, and resolves when the rate recovers', async () => {
      const actor = { kind: 'player' as const, id: player.playerId };
      await append({ kind: 'room_created', actor, data: { roomId: 'rm_ok_1' } });
      // 1 of 2 attempts succeeded: 50 % < 90 %, with the configured sample of 2.
      const first = await t.platform.operating.alerts.run();
      assert.ok(first >= 2, 'opened and delivered');
      assert.deepEqual(
        hook.received.map((h) => [h.event, h.alert.metric]),
        [['opened', 'room_creation_success_rate']],
      );
      assert.match(hook.received[0]!.text, /房间创建成功率/);
      const listed = await t.request('GET', '/api/admin/analytics/alerts', { token: support });
      assert.equal(listed.status, 200);
      const items = listed.json.items as { metric: string; state: string; deliveries: { event: string; state: string }[] }[];
      assert.equal(items[0]?.metric, 'room_creation_success_rate');
      assert.equal(items[0]?.state, 'open');
      assert.deepEqual(items[0]?.deliveries, [{ event: 'opened', state: 'sent', attempts: 1 }]);
      assert.equal(listed.json.webhookConfigured, true);

      // Still failing: no second alert and no second delivery.
      await t.platform.operating.alerts.run();
      assert.equal(hook.received.length, 1);

      for (let i = 2; i < 40; i++) await append({ kind: 'room_created', actor, data: { roomId: `rm_ok_${i}` } });
      // The webhook is down when the alert resolves: the delivery waits and is retried with backoff.
      hook.status = 503;
      await t.platform.operating.alerts.run();
      assert.equal(hook.received.length, 1);
      const pending = (await t.platform.operating.alerts.list())[0]!;
      assert.equal(pending.state, 'resolved');
      assert.deepEqual(
        pending.deliveries.map((d) => [d.event, d.state, d.attempts]),
        [
          ['opened', 'sent', 1],
          ['resolved', 'pending', 1],
        ],
      );
      hook.status = 200;
      await t.platform.operating.alerts.run();
      assert.equal(hook.received.length, 1, 'not before its backoff');
      t.clock.advanceMs(60_000);
      await t.platform.operating.alerts.run();
      assert.deepEqual(
        hook.received.map((h) => [h.event, h.alert.state]),
        [
          ['opened', 'open'],
          ['resolved', 'resolved'],
        ],
      );
    });

    it('exports transfers as CSV for finance, audited; support may not, and periods older than 180 days are refused', async () => {
      const now = t.clock.nowMs();
      const q = `fromMs=${now - DAY_MS}&toMs=${now + 1}`;
      const res = await t.platform.app.inject({
        method: 'GET',
        url: `/api/admin/exports/transfers?${q}`,
        headers: { authorization: `Bearer ${finance}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), /attachment; filename="fairground-transfers-/);
      const lines = res.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      assert.match(lines[0]!, /^seq,id,created_at,debit_account,credit_account,asset,amount,amount_yuan,code/);
      const adjustment = lines.find((l) => l.includes(',adjustment,'));
      assert.ok(adjustment, 'the operator adjustment is exported');
      assert.match(adjustment, /,CNY,3000,30\.00,adjustment,posted,/);
      assert.ok(lines.some((l) => l.includes(',150,1.50,commission,')));

      const denied = await t.request('GET', `/api/admin/exports/transfers?${q}`, { token: support });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.code, 'ANALYTICS_EXPORT_ROLE_MISSING');
      const old = await t.request('GET', `/api/admin/exports/orders?fromMs=${now - EXPORT_RETENTION_MS - DAY_MS}&toMs=${now}`, {
        token: admin,
      });
      assert.equal(old.status, 400);
      assert.equal(old.json.code, 'ANALYTICS_EXPORT_PERIOD_INVALID');

      const audit = await t.request('GET', '/api/admin/audit?action=analytics.export', { token: admin });
      const entries = audit.json.items as { action: string; after: { kind: string; rows: number } }[];
      assert.equal(entries.length, 1, 'refused exports write nothing');
      assert.equal(entries[0]?.after.kind, 'transfers');
      assert.equal(entries[0]?.after.rows, lines.length - 1);
    });

    it('exports orders and hand histories (opened from their sealed records) for the period', async () => {
      const now = t.clock.nowMs();
      const roomId = 'rm_export_1';
      const record = {
        v: 1,
        roomId,
        handNumber: 1,
        aborted: false,
        serverCommitment: 'c0ffee',
        serverSeed: 'beef',
        clientSeed: 'cafe',
        players: [{ seat: 0, playerId: player.playerId, cards: ['AS', 'KS', 'QS'] }],
        actions: [],
        result: null,
      };
      const sealed = t.platform.rooms.sealer.sealRecord(JSON.stringify(record), roomId, 1);
      await t.store.unitOfWork(async (tx) => {
        await tx.run(
          'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [roomId, 1, sealed, 'rh1', 'ph0', 'ch1', now],
        );
        await tx.run(
          'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [roomId, 2, 'not-a-sealed-record', 'rh2', 'ch1', 'ch2', now],
        );
      });
      const q = `fromMs=${now - DAY_MS}&toMs=${now + 1}`;
      const hands = await t.platform.app.inject({
        method: 'GET',
        url: `/api/admin/exports/hands?${q}`,
        headers: { authorization: `Bearer ${support}` },
      });
      assert.equal(hands.statusCode, 200, hands.body);
      const rows = hands.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      assert.equal(rows.length, 3);
      assert.match(rows[1]!, /^rm_export_1,,1,.*,false,c0ffee,beef,cafe,"\[\{""seat"":0/);
      assert.match(rows[2]!, /^rm_export_1,,2,.*,unreadable,/, 'a record that does not open is listed, flagged');
      const orders = await t.platform.app.inject({
        method: 'GET',
        url: `/api/admin/exports/orders?${q}`,
        headers: { authorization: `Bearer ${finance}` },
      });
      assert.equal(orders.statusCode, 200, orders.body);
      assert.match(
        orders.body,
        /^\uFEFFkind,id,player_id,amount_fen,amount_yuan,state,reference,created_at,updated_at,finished_at,detail\r\n/,
      );
    });

    it('writes each time with its zone: UTC (Z) by default, the operator’s offset when the console sends it', async () => {
      const now = t.clock.nowMs();
      const q = `fromMs=${now - DAY_MS}&toMs=${now + 1}`;
      const createdAt = (body: string) =>
        body
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\r\n')
          .slice(1)
          .map((l) => l.split(',')[2]!);
      const utc = await t.platform.app.inject({
        method: 'GET',
        url: `/api/admin/exports/transfers?${q}`,
        headers: { authorization: `Bearer ${finance}` },
      });
      const beijing = await t.platform.app.inject({
        method: 'GET',
        url: `/api/admin/exports/transfers?${q}&utcOffsetMinutes=480`,
        headers: { authorization: `Bearer ${finance}` },
      });
      assert.equal(beijing.statusCode, 200, beijing.body);
      const [utcTimes, localTimes] = [createdAt(utc.body), createdAt(beijing.body)];
      assert.ok(utcTimes.length > 0);
      for (const x of utcTimes) assert.match(x, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      for (const x of localTimes) assert.match(x, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      // The same instants, written on two clocks.
      assert.deepEqual(
        localTimes.map((x) => Date.parse(x)),
        utcTimes.map((x) => Date.parse(x)),
      );
      const bad = await t.request('GET', `/api/admin/exports/transfers?${q}&utcOffsetMinutes=900`, { token: finance });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 'VALIDATION_FAILED');
    });

    it('operators see live rooms as spectators do, and a finished hand in full only with an audit entry', async () => {
      const created = await t.request('POST', '/api/rooms', {
        token: player.token,
        body: { params: { seats: 3, rounds: 8, baseScore: 1 }, fee: { mode: 'cash', payer: 'owner' } },
      });
      assert.equal(created.status, 201, created.text);
      const roomId = created.json.roomId as string;
      const code = created.json.code as string;
      const live = await t.request('GET', `/api/admin/rooms?state=live&code=${code}`, { token: support });
      assert.equal(live.status, 200, live.text);
      assert.deepEqual(
        (live.json.items as { id: string; status: string; members: number }[]).map((r) => [r.id, r.status, r.members]),
        [[roomId, 'waiting', 1]],
      );
      const view = await t.request('GET', `/api/admin/rooms/${roomId}`, { token: support });
      assert.equal(view.status, 200, view.text);
      assert.equal(view.json.live, true);
      assert.equal(view.json.hand, null);
      assert.deepEqual(
        (view.json.members as { playerId: string; role: string }[]).map((m) => [m.playerId, m.role]),
        [[player.playerId, 'owner']],
      );
      const missing = await t.request('GET', `/api/admin/rooms/${roomId}/hands/1`, { token: support });
      assert.equal(missing.status, 404);
      assert.equal(missing.json.code, 'ANALYTICS_HAND_NOT_FOUND');
      assert.equal((await t.request('GET', '/api/admin/rooms?state=live', { token: finance })).status, 403, 'finance does not watch rooms');

      const record = { v: 1, roomId, handNumber: 1, players: [{ seat: 0, playerId: player.playerId, cards: ['AH', 'AD', 'AC'] }] };
      await t.store.unitOfWork((tx) =>
        tx.run(
          'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [roomId, 1, t.platform.rooms.sealer.sealRecord(JSON.stringify(record), roomId, 1), 'rh', 'ph', 'ch', t.clock.nowMs()],
        ),
      );
      const hand = await t.request('GET', `/api/admin/rooms/${roomId}/hands/1`, { token: support });
      assert.equal(hand.status, 200, hand.text);
      assert.deepEqual(hand.json.record, record);
      const audit = await t.request('GET', `/api/admin/audit?action=rooms.view_hand&targetId=${roomId}`, { token: admin });
      assert.equal((audit.json.items as unknown[]).length, 1);
    });

    it('feedback that names no room or player reaches support’s list', async () => {
      const sent = await t.request('POST', '/api/feedback', { token: player.token, body: { topic: 'payments', text: '到账提示不明显' } });
      assert.equal(sent.status, 201, sent.text);
      const list = await t.request('GET', '/api/admin/feedback', { token: support });
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        (list.json.items as { feedbackId: string; playerId: string; topic: string; text: string }[]).map((f) => [
          f.feedbackId,
          f.playerId,
          f.topic,
          f.text,
        ]),
        [[sent.json.feedbackId, player.playerId, 'payments', '到账提示不明显']],
      );
      assert.equal((await t.request('GET', '/api/admin/feedback', { token: finance })).status, 403);
    });

    it('the ledger overview lists the platform’s accounts and the newest transfers', async () => {
      const r = await t.request('GET', '/api/admin/ledger/overview?limit=5', { token: finance });
      assert.equal(r.status, 200, r.text);
      const system = r.json.system as { accountId: string; postedFen: number }[];
      assert.equal(system.find((a) => a.accountId === 'system:revenue:CNY')?.postedFen, 150);
      const recent = r.json.recent as { seq: number; code: string }[];
      assert.ok(recent.length > 0 && recent.length <= 5);
      assert.ok(
        recent.every((x, i) => i === 0 || x.seq < recent[i - 1]!.seq),
        'newest first',
      );
      assert.equal((await t.request('GET', '/api/admin/ledger/overview', { token: support })).status, 403);
    });

    it('Prometheus shows rooms, ledger transfers by code, provider errors, the breaker and open alerts', async () => {
      const res = await t.platform.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /^fg_rooms_live 1$/m);
      assert.match(res.body, /^fg_rooms\{status="waiting"\} \d+$/m);
      assert.match(res.body, /^fg_ledger_transfers_total\{asset="CNY",code="adjustment"\} 1$/m);
      assert.match(
        res.body,
        /^fg_ledger_transfers_total\{asset="CNY",code="commission"\} 2$/m,
        "the test's transfer and the room fee's hold",
      );
      assert.match(res.body, /^fg_payment_provider_errors\{kind="provider_refused"\} 0$/m);
      assert.match(res.body, /^fg_payment_breaker_state 0$/m);
      assert.match(res.body, /^fg_alerts_open 0$/m);
    });
  });
}
