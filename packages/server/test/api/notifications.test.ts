// The in-app inbox and its live WebSocket push, on a real listening socket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

for (const backend of backends()) {
  describe(`notifications on ${backend.name}`, () => {
    let t: TestPlatform;
    let wsUrl: string;
    before(async () => {
      t = await TestPlatform.start(backend);
      const address = await t.platform.app.listen({ port: 0, host: '127.0.0.1' });
      wsUrl = `${address.replace('http', 'ws')}/api/notifications/ws`;
    });
    after(() => t.close());

    it('pushes a committed adjustment to the player’s open socket and keeps it in the inbox', async () => {
      const p = await t.readyPlayer('live');
      const ws = await open(wsUrl);
      ws.send(JSON.stringify({ type: 'auth', token: p.token }));
      assert.deepEqual(await nextMessage(ws), { type: 'ready' });
      const pushed = nextMessage(ws);
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      const r = await t.request('POST', `/api/admin/players/${p.playerId}/adjustments`, {
        token: finance,
        body: { asset: 'POINTS', amountFen: 50, reason: 'welcome points', idempotencyKey: 'live-points-0001' },
      });
      assert.equal(r.status, 201);
      const msg = (await pushed) as { type: string; notification: { kind: string; data: unknown; id: string } };
      assert.equal(msg.type, 'notification');
      assert.equal(msg.notification.kind, 'balance_adjusted');
      assert.deepEqual(msg.notification.data, { asset: 'POINTS', amountFen: 50 });

      const inbox = await t.request('GET', '/api/notifications', { token: p.token });
      assert.equal(inbox.json.unread, 1);
      const read = await t.request('POST', `/api/notifications/${msg.notification.id}/read`, { token: p.token });
      assert.equal(read.status, 200);
      assert.equal((await t.request('GET', '/api/notifications', { token: p.token })).json.unread, 0);
      const other = await t.readyPlayer('notmine');
      const foreign = await t.request('POST', `/api/notifications/${msg.notification.id}/read`, { token: other.token });
      assert.equal(foreign.json.code, 'NOT_FOUND');
      ws.close();
    });

    it('does not push an adjustment that rolled back', async () => {
      const p = await t.readyPlayer('rollback');
      const ws = await open(wsUrl);
      ws.send(JSON.stringify({ type: 'auth', token: p.token }));
      await nextMessage(ws);
      let received = false;
      ws.on('message', () => {
        received = true;
      });
      await assert.rejects(
        t.store.unitOfWork(async (tx) => {
          await t.platform.notifications.notify(tx, p.playerId, { kind: 'balance_adjusted', data: { asset: 'CNY', amountFen: 1 } });
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      // A later committed notification arrives; the rolled-back one never did.
      const pushed = nextMessage(ws);
      await t.store.unitOfWork((tx) =>
        t.platform.notifications.notify(tx, p.playerId, { kind: 'deposit_completed', data: { amountFen: 2 } }),
      );
      const msg = (await pushed) as { notification: { kind: string } };
      assert.equal(msg.notification.kind, 'deposit_completed');
      assert.equal((await t.request('GET', '/api/notifications', { token: p.token })).json.unread, 1);
      assert.ok(received);
      ws.close();
    });

    it('closes sockets that send a bad token, a non-auth first message or an operator token', async () => {
      const bad = await open(wsUrl);
      const badClosed = closed(bad);
      bad.send(JSON.stringify({ type: 'auth', token: 'a.b.c' }));
      assert.deepEqual(await badClosed, { code: 4001, reason: 'AUTH_TOKEN_INVALID' });

      const chatty = await open(wsUrl);
      const chattyClosed = closed(chatty);
      chatty.send('hello');
      assert.equal((await chattyClosed).code, 4002);

      const opToken = await t.loginOperator(await t.createOperator(['support']));
      const op = await open(wsUrl);
      const opClosed = closed(op);
      op.send(JSON.stringify({ type: 'auth', token: opToken }));
      assert.equal((await opClosed).code, 4003);
    });
  });
}
