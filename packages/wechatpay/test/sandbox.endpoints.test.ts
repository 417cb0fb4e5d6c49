// Every endpoint of the client against the WeChat Pay sandbox, once in WeChat Pay public-key mode
// and once in platform-certificate mode: orders of all three kinds, payment, refunds, transfer
// bills with the payee's confirmation, profit sharing, bills, certificates, notifications through a
// real notify_url, login and the JS-SDK (the sign-in side in full is weixin.sandbox.test.ts).
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Fen, toFen } from '@fairground/core';
import { jsSdkSignature, keyModeOf, type WechatPayNotification } from '../src/index.ts';
import { failure, type Harness, harness, type KeyMode, no } from './sandbox-harness.ts';

const OPENID = 'oPlayer000000000000000000001';
const fen = (n: number): Fen => toFen(n);

for (const keyMode of ['publicKey', 'platformCertificate'] as const satisfies readonly KeyMode[]) {
  describe(`client against the sandbox (${keyMode})`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(keyMode);
    });
    after(() => h.close());

    function delivered(kind: WechatPayNotification['kind']): WechatPayNotification[] {
      return h.deliveries.filter((d) => d.notification?.kind === kind).map((d) => d.notification as WechatPayNotification);
    }

    async function paidOrder(totalFen: number, profitSharing = false): Promise<{ outTradeNo: string; transactionId: string }> {
      const outTradeNo = no('P');
      await h.client.createJsapiOrder({
        description: '房卡',
        outTradeNo,
        notifyUrl: h.notifyUrl,
        amount: { totalFen: fen(totalFen) },
        payerOpenid: OPENID,
        profitSharing,
      });
      await h.sandbox.user.pay(outTradeNo, OPENID);
      await h.sandbox.runDue();
      const t = await h.client.queryOrderByOutTradeNo(outTradeNo);
      assert.equal(t.tradeState, 'SUCCESS');
      assert.ok(t.transactionId);
      return { outTradeNo, transactionId: t.transactionId };
    }

    it('JSAPI: creates, hands out a paySign the merchant key verifies, and re-enters with the same number', async () => {
      const outTradeNo = no('J');
      const input = {
        description: '房卡 x10',
        outTradeNo,
        notifyUrl: h.notifyUrl,
        amount: { totalFen: fen(600) },
        payerOpenid: OPENID,
        attach: 'room-cards',
      };
      const created = await h.client.createJsapiOrder(input);
      assert.match(created.prepayId, /^wx/);
      const p = created.paymentParams;
      assert.equal(p.package, `prepay_id=${created.prepayId}`);
      assert.equal(p.timeStamp, String(Math.floor(h.clock.nowMs() / 1000)));
      const merchantKey = createPublicKey(h.sandbox.merchant.certificatePem);
      const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
      assert.ok(verify('sha256', Buffer.from(message), merchantKey, Buffer.from(p.paySign, 'base64')));
      const again = await h.client.createJsapiOrder(input);
      assert.match(again.prepayId, /^wx/);
      const t = await h.client.queryOrderByOutTradeNo(outTradeNo);
      assert.equal(t.tradeState, 'NOTPAY');
      assert.equal(t.amount.totalFen, 600);
      assert.equal(t.attach, 'room-cards');
      assert.equal(t.transactionId, undefined);
    });

    it('JSAPI: the payer pays; TRANSACTION.SUCCESS arrives signed in this key mode; queries by both numbers agree', async () => {
      const before = h.deliveries.length;
      const { outTradeNo, transactionId } = await paidOrder(1234);
      const fresh = h.deliveries.slice(before);
      assert.equal(fresh.length, 1);
      assert.equal(fresh[0]?.status, 204);
      const n = fresh[0]?.notification;
      assert.equal(n?.kind, 'transaction');
      if (n?.kind !== 'transaction') return;
      assert.equal(n.eventType, 'TRANSACTION.SUCCESS');
      assert.equal(keyModeOf(n.signedBy), keyMode);
      assert.equal(n.resource.outTradeNo, outTradeNo);
      assert.equal(n.resource.transactionId, transactionId);
      assert.equal(n.resource.amount.totalFen, 1234);
      assert.equal(n.resource.payerOpenid, OPENID);
      const byId = await h.client.queryOrderByTransactionId(transactionId);
      assert.equal(byId.outTradeNo, outTradeNo);
      assert.equal(byId.tradeState, 'SUCCESS');
      assert.equal(byId.tradeType, 'JSAPI');
      assert.equal(byId.amount.payerTotalFen, 1234);
    });

    it('H5 and Native: create (h5_url, code_url), close, and the query says CLOSED', async () => {
      const h5No = no('H');
      const { h5Url } = await h.client.createH5Order({
        description: '房卡',
        outTradeNo: h5No,
        notifyUrl: h.notifyUrl,
        amount: { totalFen: fen(100) },
        sceneInfo: { payerClientIp: '127.0.0.1', h5Info: { type: 'Wap' } },
      });
      assert.ok(h5Url.startsWith(h.sandbox.pagesUrl), h5Url);
      const nativeNo = no('N');
      const { codeUrl } = await h.client.createNativeOrder({
        description: '房卡',
        outTradeNo: nativeNo,
        notifyUrl: h.notifyUrl,
        amount: { totalFen: fen(100) },
      });
      assert.ok(codeUrl.length > 0);
      assert.equal((await h.client.queryOrderByOutTradeNo(h5No)).tradeState, 'NOTPAY');
      await h.client.closeOrder(nativeNo);
      assert.equal((await h.client.queryOrderByOutTradeNo(nativeNo)).tradeState, 'CLOSED');
      const e = await failure(h.client.queryOrderByOutTradeNo(no('X')));
      assert.equal(e.code, 'WECHATPAY_ORDER_NOT_EXIST');
      assert.equal(e.httpStatus, 404);
      assert.equal(e.retrySameRequest, false);
    });

    it('refunds: PROCESSING, then SUCCESS with a REFUND.SUCCESS notification; the same number is the same refund', async () => {
      const paid = await paidOrder(600);
      const outRefundNo = no('R');
      const request = {
        outRefundNo,
        transactionId: paid.transactionId,
        notifyUrl: h.notifyUrl,
        amount: { refundFen: fen(200), totalFen: fen(600) },
      };
      const r = await h.client.createRefund(request);
      assert.equal(r.status, 'PROCESSING');
      assert.equal(r.amount.refundFen, 200);
      assert.equal(r.outTradeNo, paid.outTradeNo);
      const same = await h.client.createRefund(request);
      assert.equal(same.refundId, r.refundId);
      await h.sandbox.runDue();
      const q = await h.client.queryRefund(outRefundNo);
      assert.equal(q.status, 'SUCCESS');
      const n = delivered('refund').at(-1);
      assert.equal(n?.kind, 'refund');
      if (n?.kind !== 'refund') return;
      assert.equal(n.eventType, 'REFUND.SUCCESS');
      assert.equal(n.resource.outRefundNo, outRefundNo);
      assert.equal(n.resource.amount.refundFen, 200);
      assert.equal(n.resource.amount.totalFen, 600);
      const tooMuch = await failure(
        h.client.createRefund({ outRefundNo: no('R'), outTradeNo: paid.outTradeNo, amount: { refundFen: fen(401), totalFen: fen(600) } }),
      );
      assert.equal(tooMuch.kind, 'api');
      assert.equal(tooMuch.retrySameRequest, false);
    });

    it('transfer bills: user_name encrypted for this mode, package_info, queries, confirmation and MCHTRANSFER.BILL.FINISHED', async () => {
      const outBillNo = no('B');
      const created = await h.client.createTransferBill({
        outBillNo,
        transferSceneId: '1000',
        openid: OPENID,
        userName: '张三',
        transferAmountFen: fen(200_000),
        transferRemark: '活动奖励提现',
        userRecvPerception: '现金奖励',
        notifyUrl: h.notifyUrl,
        transferSceneReportInfos: [
          { infoType: '活动名称', infoContent: '新春活动' },
          { infoType: '奖励说明', infoContent: '排行榜奖励' },
        ],
      });
      assert.equal(created.state, 'WAIT_USER_CONFIRM');
      assert.ok(created.packageInfo);
      const confirm = h.client.transferConfirmParams(created.packageInfo, { openid: OPENID });
      assert.deepEqual(confirm, {
        mchId: h.sandbox.merchant.mchid,
        appId: h.sandbox.merchant.appid,
        package: created.packageInfo,
        openId: OPENID,
      });
      const byOut = await h.client.queryTransferBillByOutBillNo(outBillNo);
      const byNo = await h.client.queryTransferBillByTransferBillNo(created.transferBillNo);
      assert.deepEqual(byNo.raw, byOut.raw);
      assert.equal(byOut.state, 'WAIT_USER_CONFIRM');
      assert.equal(byOut.transferAmountFen, 200_000);
      assert.equal(byOut.mchId, h.sandbox.merchant.mchid);
      await h.sandbox.user.confirmTransfer(outBillNo);
      assert.equal((await h.client.queryTransferBillByOutBillNo(outBillNo)).state, 'TRANSFERING');
      await h.sandbox.runDue();
      assert.equal((await h.client.queryTransferBillByOutBillNo(outBillNo)).state, 'SUCCESS');
      const n = delivered('transfer-bill').at(-1);
      assert.equal(n?.kind, 'transfer-bill');
      if (n?.kind !== 'transfer-bill') return;
      assert.equal(n.resource.outBillNo, outBillNo);
      assert.equal(n.resource.state, 'SUCCESS');
      assert.equal(n.resource.transferAmountFen, 200_000);
      assert.equal(keyModeOf(n.signedBy), keyMode);
    });

    it('transfer bills: cancel before confirmation (CANCELING, then CANCELLED); a changed resend is refused', async () => {
      const outBillNo = no('C');
      const input = {
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
      await h.client.createTransferBill(input);
      const changed = await failure(h.client.createTransferBill({ ...input, transferAmountFen: fen(501) }));
      assert.equal(changed.code, 'WECHATPAY_INVALID_REQUEST');
      const c = await h.client.cancelTransferBill(outBillNo);
      assert.equal(c.state, 'CANCELING');
      await h.sandbox.runDue();
      assert.equal((await h.client.queryTransferBillByOutBillNo(outBillNo)).state, 'CANCELLED');
      assert.equal((await h.client.cancelTransferBill(outBillNo)).state, 'CANCELLED');
      const n = delivered('transfer-bill').at(-1);
      assert.equal(n?.kind === 'transfer-bill' && n.resource.state, 'CANCELLED');
    });

    it('profit sharing: receiver, order, query, remaining amount, return, unfreeze, receiver removal', async () => {
      const receiver = await h.client.addProfitSharingReceiver({
        type: 'MERCHANT_ID',
        account: '1900000109',
        name: '赛事运营有限公司',
        relationType: 'PARTNER',
      });
      assert.equal(receiver.account, '1900000109');
      const paid = await paidOrder(10_000, true);
      const outOrderNo = no('O');
      const order = await h.client.createProfitSharingOrder({
        transactionId: paid.transactionId,
        outOrderNo,
        receivers: [
          { type: 'MERCHANT_ID', account: '1900000109', name: '赛事运营有限公司', amountFen: fen(1000), description: '平台服务费' },
        ],
        unfreezeUnsplit: false,
      });
      assert.equal(order.state, 'PROCESSING');
      assert.equal(order.receivers[0]?.amountFen, 1000);
      await h.sandbox.runDue();
      const q = await h.client.queryProfitSharingOrder(outOrderNo, paid.transactionId);
      assert.equal(q.state, 'FINISHED');
      assert.equal(q.receivers[0]?.result, 'SUCCESS');
      assert.equal((await h.client.queryProfitSharingRemaining(paid.transactionId)).unsplitAmountFen, 9000);
      const outReturnNo = no('T');
      const ret = await h.client.createProfitSharingReturn({
        outOrderNo,
        outReturnNo,
        returnMchid: '1900000109',
        amountFen: fen(400),
        description: '服务费回退',
      });
      assert.equal(ret.result, 'PROCESSING');
      await h.sandbox.runDue();
      const rq = await h.client.queryProfitSharingReturn(outReturnNo, outOrderNo);
      assert.equal(rq.result, 'SUCCESS');
      assert.equal(rq.amountFen, 400);
      const unfreeze = await h.client.unfreezeProfitSharing({
        transactionId: paid.transactionId,
        outOrderNo: no('U'),
        description: '解冻剩余资金',
      });
      assert.equal(unfreeze.receivers[0]?.amountFen, 9000);
      const nothing = await failure(
        h.client.unfreezeProfitSharing({ transactionId: paid.transactionId, outOrderNo: no('U'), description: 'again' }),
      );
      assert.equal(nothing.code, 'WECHATPAY_NOT_ENOUGH');
      await h.client.deleteProfitSharingReceiver({ type: 'MERCHANT_ID', account: '1900000109' });
      await h.sandbox.runDue();
    });

    it('certificates: the platform certificates decrypt in certificate mode; none in public-key mode', async () => {
      const certs = await h.client.downloadCertificates();
      if (keyMode === 'publicKey') {
        assert.deepEqual(certs, []);
        return;
      }
      assert.deepEqual(certs.map((c) => c.serialNo).sort(), h.sandbox.platform.certificates.map((c) => c.serialNo).sort());
      for (const c of certs) {
        assert.equal(c.certificatePem, h.sandbox.platform.certificates.find((s) => s.serialNo === c.serialNo)?.certificatePem);
      }
    });

    it('api.weixin.qq.com through the payment client: jscode2session, access_token, jsapi_ticket and wx.config', async () => {
      const session = await h.client.jscode2session(h.sandbox.user.loginCode('oMiniPlayer', 'jscode'));
      assert.equal(session.openid, 'oMiniPlayer');
      assert.match(session.sessionKey.reveal(), /^[A-Za-z0-9+/]{22}==$/);
      const used = await failure(h.client.jscode2session('not-a-code'));
      assert.equal(used.code, 'WEIXIN_CODE_INVALID');

      const cfg = await h.client.jsSdkConfig({ url: 'https://game.example/withdraw?x=1#top', jsApiList: ['requestMerchantTransfer'] });
      const ticket = await h.client.jsapiTicket();
      assert.equal(
        cfg.signature,
        jsSdkSignature({
          jsapiTicket: ticket,
          nonceStr: cfg.nonceStr,
          timestampSeconds: cfg.timestamp,
          url: 'https://game.example/withdraw?x=1',
        }),
      );
      assert.equal(cfg.appId, h.sandbox.merchant.appid);
    });

    it('bills: the next morning, trade (ALL, SUCCESS gzip) and fund-flow bills download, verify and add up in fen', async () => {
      // Everything above happened on 2026-01-05 (Beijing); bills for it are ready at 10:00 the next day.
      await h.advance(24 * 3600_000);
      const all = await h.client.downloadTradeBill({ billDate: '2026-01-05', billType: 'ALL' });
      const payments = all.rows.filter((r) => r.tradeState === 'SUCCESS');
      const refunds = all.rows.filter((r) => r.tradeState === 'REFUND');
      assert.ok(payments.some((r) => r.settlementTotalFen === 1234));
      assert.ok(refunds.some((r) => r.refundFen === 200));
      assert.equal(all.summary.tradeCount, all.rows.length);
      const success = await h.client.downloadTradeBill({ billDate: '2026-01-05', billType: 'SUCCESS', gzip: true });
      assert.ok(success.rows.every((r) => r.tradeState === 'SUCCESS'));
      assert.equal(success.rows.length, payments.length);
      const basic = await h.client.downloadFundFlowBill({ billDate: '2026-01-05' });
      assert.ok(basic.rows.some((r) => r.amountFen === 1234 && r.direction === '收入'));
      const operation = await h.client.downloadFundFlowBill({ billDate: '2026-01-05', accountType: 'OPERATION' });
      assert.ok(operation.rows.some((r) => r.amountFen === 200_000 && r.direction === '支出'));
      const info = await h.client.applyTradeBill({ billDate: '2026-01-05' });
      const file = await h.client.downloadBill(info);
      assert.deepEqual([...file.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const empty = await failure(h.client.applyTradeBill({ billDate: '2026-01-04' }));
      assert.equal(empty.kind, 'api');
    });

    it('accepted every notification the sandbox sent, first time, with a 204', () => {
      assert.ok(h.deliveries.length >= 6);
      assert.deepEqual(
        h.deliveries.filter((d) => d.status !== 204).map((d) => d.error?.message),
        [],
      );
    });
  });
}
