// Notification delivery on the sandbox clock: success only on 200/204, the documented retry
// schedule, and the notification faults (drop, duplicate, delay, reorder, bad signatures).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { RETRY_SCHEDULE_MS } from '../src/index.ts';
import { jsapiOrder, type NotifyEndpoint, no, notifyEndpoint, openNotification, type Rig, rig } from './helpers.ts';

describe('notification delivery', () => {
  let r: Rig;
  let merchant: NotifyEndpoint;
  before(async () => {
    r = await rig();
    merchant = await notifyEndpoint();
  });
  after(async () => {
    await r.close();
    await merchant.close();
  });
  afterEach(() => {
    r.sandbox.faults.clear();
    merchant.statuses.length = 0;
    merchant.received.length = 0;
  });

  async function paidOrder(): Promise<string> {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
    await r.sandbox.user.pay(outTradeNo);
    return outTradeNo;
  }

  it('documents the schedule 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h (24h4m)', () => {
    const minutes = RETRY_SCHEDULE_MS.map((ms) => ms / 60_000);
    assert.deepEqual(minutes, [0.25, 0.25, 0.5, 3, 10, 20, 30, 30, 30, 60, 180, 180, 180, 360, 360]);
    assert.equal(
      RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0),
      (24 * 60 + 4) * 60_000,
    );
  });

  it('retries a failing merchant exactly on the schedule, then gives up', async () => {
    merchant.statuses.push(...Array(40).fill(500));
    await paidOrder();
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 1);
    for (const [i, waitMs] of RETRY_SCHEDULE_MS.entries()) {
      r.advance(waitMs - 1000);
      await r.sandbox.runDue();
      assert.equal(merchant.received.length, i + 1, `no attempt before retry ${i + 1} is due`);
      r.advance(1000);
      await r.sandbox.runDue();
      assert.equal(merchant.received.length, i + 2, `retry ${i + 1} after ${waitMs / 1000}s`);
    }
    r.advance(7 * 86_400_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 16, 'one attempt and fifteen retries');
    const ids = new Set(merchant.received.map((n) => openNotification(r.sandbox, n).envelope.id));
    assert.equal(ids.size, 1, 'every retry carries the same notification id');
    const stamps = new Set(merchant.received.map((n) => n.headers['wechatpay-timestamp']));
    assert.equal(stamps.size, 16, 'every retry is signed afresh');
    assert.ok(merchant.received.every((n) => openNotification(r.sandbox, n).signatureValid));
    assert.equal(r.sandbox.notifications().at(-1)?.state, 'abandoned');
  });

  it('delivers every attempt a long jump of the clock covered', async () => {
    merchant.statuses.push(500, 500, 500, 503);
    await paidOrder();
    await r.sandbox.runDue();
    r.advance(60_000);
    await r.sandbox.runDue();
    // Attempts at 0, 15 s, 30 s and 60 s fail; the one at 4 min succeeds.
    assert.equal(merchant.received.length, 4);
    r.advance(3 * 60_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 5);
    assert.equal(r.sandbox.notifications().at(-1)?.state, 'delivered');
  });

  it('counts 204 as received and any other status (even 2xx or 3xx) as failed', async () => {
    merchant.statuses.push(204);
    await paidOrder();
    await r.sandbox.runDue();
    r.advance(3600_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 1);

    merchant.received.length = 0;
    merchant.statuses.push(202, 302, 200);
    await paidOrder();
    await r.sandbox.runDue();
    r.advance(15_000);
    await r.sandbox.runDue();
    r.advance(15_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 3);
    assert.deepEqual(
      r.sandbox
        .notifications()
        .at(-1)
        ?.attempts.map((a) => a.status),
      [202, 302, 200],
    );
  });

  it('retries when the merchant cannot be reached', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, 'http://127.0.0.1:1/notify'));
    await r.sandbox.user.pay(outTradeNo);
    await r.sandbox.runDue();
    const record = r.sandbox.notifications().at(-1);
    assert.equal(record?.state, 'pending');
    assert.equal(record?.attempts[0]?.status, null);
    assert.equal(record?.nextAttemptMs, r.clock.nowMs() + 15_000);
  });

  it('drop-notification: the merchant never hears of the payment, which a query still shows', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind: 'drop-notification' });
    const outTradeNo = await paidOrder();
    await r.sandbox.runDue();
    r.advance(25 * 3600_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 0);
    assert.equal(r.sandbox.notifications().at(-1)?.state, 'dropped');
    const q = await r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, {
      params: { mchid: r.sandbox.merchant.mchid },
    });
    assert.equal(q.data.trade_state, 'SUCCESS');
  });

  it('duplicate-notification: the same notification arrives twice', async () => {
    r.sandbox.faults.inject({ endpoint: '*', kind: 'duplicate-notification' });
    await paidOrder();
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 2);
    const [a, b] = merchant.received.map((n) => openNotification(r.sandbox, n));
    assert.equal(a?.envelope.id, b?.envelope.id);
    assert.deepEqual(a?.resource, b?.resource);
  });

  it('delay-notification: nothing until the delay has passed on the sandbox clock', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind: 'delay-notification', ms: 90_000 });
    await paidOrder();
    await r.sandbox.runDue();
    r.advance(89_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 0);
    r.advance(1000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 1);
  });

  it('reorder-notifications: the held notification arrives after the next one', async () => {
    r.sandbox.faults.inject({ endpoint: '*', kind: 'reorder-notifications' });
    const first = await paidOrder();
    const second = await paidOrder();
    await r.sandbox.runDue();
    const order = merchant.received.map((n) => openNotification(r.sandbox, n).resource.out_trade_no);
    assert.deepEqual(order, [second, first]);
  });

  it('reorder-notifications: a held notification is released after its hold time if nothing follows', async () => {
    r.sandbox.faults.inject({ endpoint: '*', kind: 'reorder-notifications', ms: 30_000 });
    await paidOrder();
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 0);
    r.advance(30_000);
    await r.sandbox.runDue();
    assert.equal(merchant.received.length, 1);
  });

  for (const kind of ['bad-signature', 'signtest', 'stale-timestamp'] as const) {
    it(`${kind}: the first delivery fails verification; the retry is signed correctly`, async () => {
      r.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind });
      merchant.statuses.push(401);
      await paidOrder();
      await r.sandbox.runDue();
      const [bad] = merchant.received;
      assert.ok(bad);
      const opened = openNotification(r.sandbox, bad);
      if (kind === 'stale-timestamp') {
        assert.ok(opened.signatureValid, 'the signature itself is good');
        assert.equal(opened.timestamp, Math.floor(r.clock.nowMs() / 1000) - 600);
      } else {
        assert.equal(opened.signatureValid, false);
      }
      if (kind === 'signtest') assert.ok(opened.signature.startsWith('WECHATPAY/SIGNTEST/'));
      r.advance(15_000);
      await r.sandbox.runDue();
      const good = merchant.received[1];
      assert.ok(good);
      const reopened = openNotification(r.sandbox, good);
      assert.ok(reopened.signatureValid);
      assert.equal(reopened.timestamp, Math.floor(r.clock.nowMs() / 1000));
    });
  }
});

describe('notifications in platform-certificate mode', () => {
  it('are signed with the platform certificate', async () => {
    const r = await rig({ keyMode: 'platformCertificate' });
    const merchant = await notifyEndpoint();
    try {
      const outTradeNo = no();
      await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
      await r.sandbox.user.pay(outTradeNo);
      await r.sandbox.runDue();
      const [n] = merchant.received;
      assert.ok(n);
      const opened = openNotification(r.sandbox, n);
      assert.equal(opened.serial, r.sandbox.platform.certificates[0]?.serialNo);
      assert.ok(opened.signatureValid);
    } finally {
      await r.close();
      await merchant.close();
    }
  });
});
