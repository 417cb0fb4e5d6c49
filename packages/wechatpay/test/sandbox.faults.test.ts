// The client under the sandbox's faults, observed exactly as the platform's payment code will see
// them: 5xx and 429 before and after the operation with their retry advice, answers slower than
// the deadline, answers that fail verification, notifications that are forged, probed, stale,
// tampered, dropped, duplicated, delayed or reordered, and the person's misbehaviour.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Fen, toFen } from '@fairground/core';
import type { WechatPayNotification } from '../src/index.ts';
import { type Delivery, failure, type Harness, harness, type KeyMode, no } from './sandbox-harness.ts';

const OPENID = 'oPlayer000000000000000000001';
const fen = (n: number): Fen => toFen(n);

function order(h: Harness, outTradeNo: string, extra: { timeExpire?: string } = {}) {
  return { description: '房卡', outTradeNo, notifyUrl: h.notifyUrl, amount: { totalFen: fen(600) }, payerOpenid: OPENID, ...extra };
}

function transfer(h: Harness, outBillNo: string) {
  return {
    outBillNo,
    transferSceneId: '1000',
    openid: OPENID,
    transferAmountFen: fen(500),
    transferRemark: '活动奖励提现',
    notifyUrl: h.notifyUrl,
    transferSceneReportInfos: [
      { infoType: '活动名称', infoContent: '新春活动' },
      { infoType: '奖励说明', infoContent: '排行榜奖励' },
    ],
  };
}

function outTradeNoOf(d: Delivery): string | undefined {
  const n = d.notification as WechatPayNotification | undefined;
  return n?.kind === 'transaction' ? n.resource.outTradeNo : undefined;
}

describe('faults on API calls: 5xx and 429, before and after the operation', () => {
  let h: Harness;
  before(async () => {
    h = await harness('publicKey');
  });
  after(() => h.close());
  afterEach(() => h.sandbox.faults.clear());

  it('http500-before: SYSTEM_ERROR, retry the same request, outcome unknown; the query shows nothing was created', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-before' });
    const outTradeNo = no('F');
    const e = await failure(h.client.createJsapiOrder(order(h, outTradeNo)));
    assert.equal(e.code, 'WECHATPAY_SYSTEM_ERROR');
    assert.equal(e.kind, 'api');
    assert.equal(e.httpStatus, 500);
    assert.equal(e.wechatCode, 'SYSTEM_ERROR');
    assert.equal(e.retrySameRequest, true);
    assert.equal(e.outcomeUnknown, true);
    assert.equal((await failure(h.client.queryOrderByOutTradeNo(outTradeNo))).code, 'WECHATPAY_ORDER_NOT_EXIST');
    assert.match((await h.client.createJsapiOrder(order(h, outTradeNo))).prepayId, /^wx/);
  });

  it('http500-after: the same error although the order exists; the same request then succeeds', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-after' });
    const outTradeNo = no('F');
    const e = await failure(h.client.createJsapiOrder(order(h, outTradeNo)));
    assert.equal(e.code, 'WECHATPAY_SYSTEM_ERROR');
    assert.equal(e.outcomeUnknown, true);
    assert.equal((await h.client.queryOrderByOutTradeNo(outTradeNo)).tradeState, 'NOTPAY');
    assert.match((await h.client.createJsapiOrder(order(h, outTradeNo))).prepayId, /^wx/);
  });

  it('http429-before and -after on a refund: FREQUENCY_LIMITED, retry the same out_refund_no, which is one refund', async () => {
    const outTradeNo = no('F');
    await h.client.createJsapiOrder(order(h, outTradeNo));
    await h.sandbox.user.pay(outTradeNo, OPENID);
    await h.sandbox.runDue();
    const request = { outRefundNo: no('R'), outTradeNo, amount: { refundFen: fen(100), totalFen: fen(600) } };

    h.sandbox.faults.inject({ endpoint: 'POST /v3/refund/domestic/refunds', kind: 'http429-before' });
    const before429 = await failure(h.client.createRefund(request));
    assert.equal(before429.code, 'WECHATPAY_FREQUENCY_LIMITED');
    assert.equal(before429.httpStatus, 429);
    assert.equal(before429.retrySameRequest, true);
    assert.equal(before429.outcomeUnknown, true);
    assert.equal((await failure(h.client.queryRefund(request.outRefundNo))).kind, 'api');

    h.sandbox.faults.inject({ endpoint: 'POST /v3/refund/domestic/refunds', kind: 'http429-after' });
    const after429 = await failure(h.client.createRefund(request));
    assert.equal(after429.code, 'WECHATPAY_FREQUENCY_LIMITED');
    const made = await h.client.queryRefund(request.outRefundNo);
    const retried = await h.client.createRefund(request);
    assert.equal(retried.refundId, made.refundId);
  });

  it('slow: an answer later than the deadline is a timeout with unknown outcome; the query finds the order', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'slow', ms: 400 });
    const outTradeNo = no('F');
    const e = await failure(h.clientWith({ timeoutMs: 100 }).createJsapiOrder(order(h, outTradeNo)));
    assert.equal(e.code, 'WECHATPAY_TIMEOUT');
    assert.equal(e.kind, 'timeout');
    assert.equal(e.outcomeUnknown, true);
    assert.equal(e.retrySameRequest, true);
    assert.equal((await h.client.queryOrderByOutTradeNo(outTradeNo)).tradeState, 'NOTPAY');
  });

  it('merchant-balance-low: a transfer bill answers NOT_ENOUGH; after a top-up the same bill goes through', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/fund-app/mch-transfer/transfer-bills', kind: 'merchant-balance-low' });
    const outBillNo = no('B');
    const e = await failure(h.client.createTransferBill(transfer(h, outBillNo)));
    assert.equal(e.code, 'WECHATPAY_NOT_ENOUGH');
    assert.equal(e.httpStatus, 403);
    assert.equal(e.retrySameRequest, true);
    assert.equal(e.outcomeUnknown, false);
    assert.equal((await h.client.createTransferBill(transfer(h, outBillNo))).state, 'WAIT_USER_CONFIRM');
  });

  it('api.weixin.qq.com 500 and 429: system busy and rate limited, both to retry', async () => {
    h.sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'http500-before' });
    h.sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'http429-before' });
    const code = h.sandbox.user.loginCode('oMiniPlayer', 'jscode');
    const busy = await failure(h.client.jscode2session(code));
    assert.equal(busy.code, 'WEIXIN_SYSTEM_BUSY');
    assert.equal(busy.retrySameRequest, true);
    const limited = await failure(h.client.jscode2session(code));
    assert.equal(limited.code, 'WEIXIN_RATE_LIMITED');
    assert.equal(limited.retrySameRequest, true);
    assert.equal((await h.client.jscode2session(code)).openid, 'oMiniPlayer');
  });
});

for (const keyMode of ['publicKey', 'platformCertificate'] as const satisfies readonly KeyMode[]) {
  describe(`answers and notifications that must not be trusted (${keyMode})`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(keyMode);
    });
    after(() => h.close());
    afterEach(() => {
      h.sandbox.faults.clear();
      h.deliveries.length = 0;
    });

    for (const kind of ['bad-signature', 'signtest', 'stale-timestamp', 'wrong-serial'] as const) {
      it(`${kind} on an answer: a verification failure with unknown outcome; the order was made and the same request works`, async () => {
        h.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind });
        const outTradeNo = no('V');
        const e = await failure(h.client.createJsapiOrder(order(h, outTradeNo)));
        assert.equal(e.code, 'WECHATPAY_VERIFICATION_FAILED');
        assert.equal(e.kind, 'verification');
        assert.equal(e.outcomeUnknown, true);
        assert.equal(e.retrySameRequest, true);
        const reason = String(e.details?.reason);
        const expected = {
          'bad-signature': /does not match/,
          signtest: /SIGNTEST/,
          'stale-timestamp': /±300 s/,
          'wrong-serial': /no platform key/,
        }[kind];
        assert.match(reason, expected);
        assert.equal((await h.client.queryOrderByOutTradeNo(outTradeNo)).tradeState, 'NOTPAY');
        assert.match((await h.client.createJsapiOrder(order(h, outTradeNo))).prepayId, /^wx/);
      });
    }

    for (const kind of ['bad-signature', 'signtest', 'stale-timestamp'] as const) {
      it(`${kind} on a notification: our route answers 401; WeChat's retry 15 s later is accepted`, async () => {
        h.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind });
        const outTradeNo = no('V');
        await h.client.createJsapiOrder(order(h, outTradeNo));
        await h.sandbox.user.pay(outTradeNo, OPENID);
        await h.sandbox.runDue();
        assert.equal(h.deliveries.length, 1);
        assert.equal(h.deliveries[0]?.status, 401);
        assert.equal(h.deliveries[0]?.error?.kind, 'verification');
        await h.advance(15_000);
        assert.equal(h.deliveries.length, 2);
        assert.equal(h.deliveries[1]?.status, 204);
        assert.equal(outTradeNoOf(h.deliveries[1] as Delivery), outTradeNo);
      });
    }

    it('a notification changed in transit, or decrypted with the wrong APIv3 key, is rejected', async () => {
      const outTradeNo = no('V');
      await h.client.createJsapiOrder(order(h, outTradeNo));
      await h.sandbox.user.pay(outTradeNo, OPENID);
      await h.sandbox.runDue();
      const good = h.deliveries[0];
      assert.ok(good?.notification);
      const envelope = JSON.parse(good.rawBody.toString('utf8')) as { resource: { ciphertext: string } };
      const c = envelope.resource.ciphertext;
      envelope.resource.ciphertext = `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}`;
      const tampered = JSON.stringify(envelope);
      assert.throws(
        () => h.client.parseNotification(good.headers, tampered),
        (e: unknown) => (e as { kind?: string }).kind === 'verification',
      );
      const wrongKey = h.clientWith({ apiV3Key: 'Z'.repeat(32) });
      assert.throws(
        () => wrongKey.parseNotification(good.headers, good.rawBody),
        (e: unknown) => (e as { kind?: string; message?: string }).kind === 'verification' && /decrypt/.test(String((e as Error).message)),
      );
      // The untouched bytes still verify: the rejection came from the change, not the replay.
      assert.equal(h.client.parseNotification(good.headers, good.rawBody).kind, 'transaction');
    });
  });
}

describe('notifications that come late, twice, out of order or never', () => {
  let h: Harness;
  before(async () => {
    h = await harness('publicKey');
  });
  after(() => h.close());
  afterEach(() => {
    h.sandbox.faults.clear();
    h.deliveries.length = 0;
  });

  async function pay(): Promise<string> {
    const outTradeNo = no('L');
    await h.client.createJsapiOrder(order(h, outTradeNo));
    await h.sandbox.user.pay(outTradeNo, OPENID);
    return outTradeNo;
  }

  it('duplicate-notification: both copies verify and carry the same id, for the platform to process once', async () => {
    h.sandbox.faults.inject({ endpoint: '*', kind: 'duplicate-notification' });
    await pay();
    await h.sandbox.runDue();
    assert.equal(h.deliveries.length, 2);
    assert.equal(h.deliveries[0]?.notification?.id, h.deliveries[1]?.notification?.id);
    assert.deepEqual(
      h.deliveries.map((d) => d.status),
      [204, 204],
    );
  });

  it('delay-notification and reorder-notifications: they verify whenever and in whatever order they arrive', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind: 'delay-notification', ms: 90_000 });
    const late = await pay();
    await h.sandbox.runDue();
    assert.equal(h.deliveries.length, 0);
    await h.advance(90_000);
    assert.equal(outTradeNoOf(h.deliveries[0] as Delivery), late);
    assert.equal(h.deliveries[0]?.status, 204);

    h.deliveries.length = 0;
    h.sandbox.faults.inject({ endpoint: '*', kind: 'reorder-notifications' });
    const first = await pay();
    const second = await pay();
    await h.sandbox.runDue();
    assert.deepEqual(h.deliveries.map(outTradeNoOf), [second, first]);
    assert.ok(h.deliveries.every((d) => d.status === 204));
  });

  it('drop-notification: nothing ever arrives; the query is how the platform learns of the payment', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /wechatpay/notify', kind: 'drop-notification' });
    const outTradeNo = await pay();
    await h.advance(25 * 3600_000);
    assert.equal(h.deliveries.length, 0);
    assert.equal((await h.client.queryOrderByOutTradeNo(outTradeNo)).tradeState, 'SUCCESS');
  });

  it('paid-after-expiry: a payment after time_expire (and after close) is still reported as SUCCESS', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'paid-after-expiry' });
    const outTradeNo = no('L');
    const expireMs = h.clock.nowMs() + 10 * 60_000;
    const timeExpire = new Date(expireMs + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
    await h.client.createJsapiOrder(order(h, outTradeNo, { timeExpire }));
    await h.advance(10 * 60_000);
    await h.client.closeOrder(outTradeNo);
    await h.advance(1000);
    const t = await h.client.queryOrderByOutTradeNo(outTradeNo);
    assert.equal(t.tradeState, 'SUCCESS');
    assert.ok(Date.parse(t.successTime ?? '') > expireMs);
    assert.equal(outTradeNoOf(h.deliveries.at(-1) as Delivery), outTradeNo);
  });

  it('user-never-confirms and user-cancels: the transfer bill ends FAIL and MCHTRANSFER.BILL.FINISHED says so', async () => {
    h.sandbox.faults.inject({ endpoint: 'POST /v3/fund-app/mch-transfer/transfer-bills', kind: 'user-never-confirms' });
    const ignored = no('B');
    await h.client.createTransferBill(transfer(h, ignored));
    await h.sandbox.user.confirmTransfer(ignored);
    await h.sandbox.runDue();
    assert.equal((await h.client.queryTransferBillByOutBillNo(ignored)).state, 'WAIT_USER_CONFIRM');
    await h.advance(24 * 3600_000);
    const expired = await h.client.queryTransferBillByOutBillNo(ignored);
    assert.equal(expired.state, 'FAIL');

    h.sandbox.faults.inject({ endpoint: 'POST /v3/fund-app/mch-transfer/transfer-bills', kind: 'user-cancels' });
    const declined = no('B');
    await h.client.createTransferBill(transfer(h, declined));
    await h.advance(1000);
    assert.equal((await h.client.queryTransferBillByOutBillNo(declined)).state, 'FAIL');
    const finished = h.deliveries.flatMap((d) => (d.notification?.kind === 'transfer-bill' ? [d.notification.resource] : []));
    assert.deepEqual(
      finished.map((r) => [r.outBillNo, r.state]),
      [
        [ignored, 'FAIL'],
        [declined, 'FAIL'],
      ],
    );
    assert.equal(expired.failReason, finished[0]?.failReason);
  });
});
