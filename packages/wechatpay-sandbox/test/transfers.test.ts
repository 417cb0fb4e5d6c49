// The 2025 merchant transfer bills through wechatpay-axios-plugin: creation with package_info,
// the payee confirming, declining or never confirming (24 h -> FAIL), merchant cancel, idempotency,
// scene report infos, user_name from 2,000 yuan encrypted with the plugin's Rsa, and NOT_ENOUGH.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Rsa } from 'wechatpay-axios-plugin';
import { failure, type NotifyEndpoint, no, notifyEndpoint, openNotification, type Rig, rig, transferBill } from './helpers.ts';

const PATH = 'v3/fund-app/mch-transfer/transfer-bills';

describe('transfer bills', () => {
  let r: Rig;
  let merchant: NotifyEndpoint;
  before(async () => {
    r = await rig();
    merchant = await notifyEndpoint('/wechatpay/transfer');
  });
  after(async () => {
    await r.close();
    await merchant.close();
  });
  afterEach(() => {
    r.sandbox.faults.clear();
    merchant.received.length = 0;
  });

  const create = (outBillNo: string, extra: Record<string, unknown> = {}, config?: Record<string, unknown>) =>
    r.call('POST', PATH, transferBill(r.sandbox, outBillNo, { notify_url: merchant.url, ...extra }), config);
  const query = (outBillNo: string) => r.call('GET', `${PATH}/out-bill-no/${outBillNo}`);
  const finished = () => merchant.received.map((n) => openNotification(r.sandbox, n));

  it('creates a bill waiting for the payee, with package_info, queryable by both numbers', async () => {
    const outBillNo = no('B');
    const { data } = await create(outBillNo);
    assert.equal(data.state, 'WAIT_USER_CONFIRM');
    assert.equal(data.out_bill_no, outBillNo);
    assert.match(data.transfer_bill_no, /^1330\d{30}$/);
    assert.match(data.package_info, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(data.create_time, '2026-01-05T10:00:00+08:00');
    const q = await query(outBillNo);
    assert.equal(q.data.mch_id, r.sandbox.merchant.mchid);
    assert.equal(q.data.state, 'WAIT_USER_CONFIRM');
    assert.equal(q.data.transfer_amount, 500);
    assert.equal(q.data.openid, 'oPlayer000000000000000000001');
    assert.equal(q.data.package_info, undefined);
    const byNo = await r.call('GET', `${PATH}/transfer-bill-no/${data.transfer_bill_no}`);
    assert.deepEqual(byNo.data, q.data);
  });

  it('confirmed: TRANSFERING, then SUCCESS with a MCHTRANSFER.BILL.FINISHED notification', async () => {
    const outBillNo = no('B');
    await create(outBillNo);
    await r.sandbox.user.confirmTransfer(outBillNo);
    assert.equal((await query(outBillNo)).data.state, 'TRANSFERING');
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'SUCCESS');
    const [n] = finished();
    assert.ok(n?.signatureValid);
    assert.equal(n.envelope.event_type, 'MCHTRANSFER.BILL.FINISHED');
    assert.equal(n.envelope.summary, '商家转账单据终态通知');
    assert.equal(n.envelope.resource.original_type, 'mch_payment');
    assert.equal(n.envelope.resource.associated_data, 'mch_payment');
    assert.equal(n.resource.state, 'SUCCESS');
    assert.equal(n.resource.out_bill_no, outBillNo);
    assert.equal(n.resource.mch_id, r.sandbox.merchant.mchid);
    assert.equal(n.resource.transfer_amount, 500);
    const again = await create(outBillNo);
    assert.equal(again.data.state, 'SUCCESS');
    assert.equal(again.data.package_info, undefined, 'package_info only while WAIT_USER_CONFIRM');
  });

  it('never confirmed: FAIL after 24 hours, notified, funds returned', async () => {
    const outBillNo = no('B');
    await create(outBillNo);
    r.advance(24 * 3600_000 - 1000);
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'WAIT_USER_CONFIRM');
    r.advance(1000);
    await r.sandbox.runDue();
    const q = await query(outBillNo);
    assert.equal(q.data.state, 'FAIL');
    assert.equal(q.data.fail_reason, 'OVERDUE_CLOSE');
    const [n] = finished();
    assert.equal(n?.resource.state, 'FAIL');
    await assert.rejects(r.sandbox.user.confirmTransfer(outBillNo), { code: 'SANDBOX_TRANSFER_NOT_CONFIRMABLE' });
  });

  it('user-never-confirms fault: the payee opens the page and never accepts', async () => {
    r.sandbox.faults.inject({ endpoint: `POST /${PATH}`, kind: 'user-never-confirms' });
    const outBillNo = no('B');
    await create(outBillNo);
    await r.sandbox.user.confirmTransfer(outBillNo);
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'WAIT_USER_CONFIRM');
    r.advance(24 * 3600_000);
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'FAIL');
  });

  it('declined by the payee (and the user-cancels fault): FAIL with USER_REJECT', async () => {
    const declined = no('B');
    await create(declined);
    await r.sandbox.user.declineTransfer(declined);
    assert.equal((await query(declined)).data.fail_reason, 'USER_REJECT');

    r.sandbox.faults.inject({ endpoint: `POST /${PATH}`, kind: 'user-cancels' });
    const cancelled = no('B');
    assert.equal((await create(cancelled)).data.state, 'WAIT_USER_CONFIRM');
    r.advance(1000);
    await r.sandbox.runDue();
    const q = await query(cancelled);
    assert.equal(q.data.state, 'FAIL');
    assert.equal(q.data.fail_reason, 'USER_REJECT');
    assert.deepEqual(
      finished().map((n) => n.resource.out_bill_no),
      [declined, cancelled],
    );
  });

  it('merchant cancel: CANCELING, then CANCELLED and notified; not after confirmation', async () => {
    const outBillNo = no('B');
    await create(outBillNo);
    const c = await r.call('POST', `${PATH}/out-bill-no/${outBillNo}/cancel`, {});
    assert.equal(c.data.state, 'CANCELING');
    assert.equal(c.data.out_bill_no, outBillNo);
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'CANCELLED');
    assert.equal(finished()[0]?.resource.state, 'CANCELLED');
    assert.equal((await r.call('POST', `${PATH}/out-bill-no/${outBillNo}/cancel`, {})).data.state, 'CANCELLED');

    const confirmed = no('B');
    await create(confirmed);
    await r.sandbox.user.confirmTransfer(confirmed);
    const e = await failure(r.call('POST', `${PATH}/out-bill-no/${confirmed}/cancel`, {}));
    assert.equal(e.response?.status, 400);
    assert.equal(e.response?.data.code, 'INVALID_REQUEST');
    await r.sandbox.runDue();
  });

  it('same out_bill_no with different parameters is refused', async () => {
    const outBillNo = no('B');
    await create(outBillNo);
    const e = await failure(create(outBillNo, { transfer_amount: 501 }));
    assert.equal(e.response?.status, 400);
    assert.equal(e.response?.data.code, 'INVALID_REQUEST');
    assert.equal(e.response?.data.message, '单号已存在但信息不一致,请查单后比较确认');
  });

  it('checks scene report infos, perception, amounts and numbers', async () => {
    const cases: [string, Record<string, unknown>, number, string, string?][] = [
      ['no report infos', { transfer_scene_report_infos: undefined }, 400, 'PARAM_ERROR', '需传入转账场景报备信息,请检查'],
      [
        'wrong report infos',
        { transfer_scene_report_infos: [{ info_type: '岗位类型', info_content: '主播' }] },
        400,
        'PARAM_ERROR',
        '未传入完整且对应的转账场景报备信息,请根据接口文档检查',
      ],
      ['unknown perception', { user_recv_perception: '游戏提现' }, 400, 'INVALID_REQUEST', '暂不支持展示当前传入的用户收款感知'],
      ['below 0.1 yuan', { transfer_amount: 9 }, 400, 'INVALID_REQUEST', '超过单笔转账上下限,核实产品设置是否准确'],
      ['above the configured maximum', { transfer_amount: 2_000_001, user_name: 'x' }, 400, 'INVALID_REQUEST'],
      ['float amount', { transfer_amount: 5.5 }, 400, 'PARAM_ERROR'],
      ['bad out_bill_no', { out_bill_no: 'bill-001' }, 400, 'PARAM_ERROR'],
      ['long remark', { transfer_remark: '奖'.repeat(33) }, 400, 'PARAM_ERROR'],
      ['scene not enabled', { transfer_scene_id: '1009' }, 403, 'NO_AUTH'],
    ];
    for (const [name, patch, status, code, message] of cases) {
      const e = await failure(create(no('B'), patch));
      assert.equal(e.response?.status, status, name);
      assert.equal(e.response?.data.code, code, name);
      if (message !== undefined) assert.equal(e.response?.data.message, message, name);
    }
    const scene1005 = await create(no('B'), {
      transfer_scene_id: '1005',
      user_recv_perception: '劳务报酬',
      transfer_scene_report_infos: [
        { info_type: '岗位类型', info_content: '赛事解说' },
        { info_type: '报酬说明', info_content: '一月解说报酬' },
      ],
    });
    assert.equal(scene1005.data.state, 'WAIT_USER_CONFIRM');
  });

  it('requires user_name from 2,000 yuan, encrypted for the key named in Wechatpay-Serial', async () => {
    const big = { transfer_amount: 200_000 };
    const missing = await failure(create(no('B'), big));
    assert.equal(missing.response?.data.code, 'PARAM_ERROR');
    assert.equal((await create(no('B'), { transfer_amount: 199_999 })).status, 200);

    const cipher = Rsa.encrypt('张三', Rsa.from(r.sandbox.platform.publicKeyPem, Rsa.KEY_TYPE_PUBLIC));
    const noHeader = await failure(create(no('B'), { ...big, user_name: cipher }));
    assert.equal(noHeader.response?.data.code, 'PARAM_ERROR');
    const ok = await create(no('B'), { ...big, user_name: cipher }, { headers: { 'Wechatpay-Serial': r.sandbox.platform.publicKeyId } });
    assert.equal(ok.data.state, 'WAIT_USER_CONFIRM');

    const cert = r.sandbox.platform.certificates[0];
    assert.ok(cert);
    const wrongKey = await failure(create(no('B'), { ...big, user_name: cipher }, { headers: { 'Wechatpay-Serial': cert.serialNo } }));
    assert.equal(wrongKey.response?.data.code, 'PARAM_ERROR');
    assert.equal(wrongKey.response?.data.detail.field, 'user_name');
  });

  it('merchant-balance-low: 403 NOT_ENOUGH and no bill; the same bill succeeds after top-up', async () => {
    r.sandbox.faults.inject({ endpoint: `POST /${PATH}`, kind: 'merchant-balance-low' });
    const outBillNo = no('B');
    const e = await failure(create(outBillNo));
    assert.equal(e.response?.status, 403);
    assert.equal(e.response?.data.code, 'NOT_ENOUGH');
    assert.equal((await failure(query(outBillNo))).response?.data.code, 'NOT_FOUND');
    assert.equal((await create(outBillNo)).data.state, 'WAIT_USER_CONFIRM');
  });

  it('confirmation page: shows the bill from its package_info and accepts it', async () => {
    const outBillNo = no('B');
    const { data } = await create(outBillNo);
    const qs = new URLSearchParams({ mchId: r.sandbox.merchant.mchid, appId: r.sandbox.merchant.appid, package: data.package_info });
    const html = await (await fetch(`${r.sandbox.pagesUrl}/transfer/confirm?${qs}`)).text();
    assert.match(html, /¥5\.00/);
    assert.match(html, /确认收款 \/ Accept/);
    const other = await fetch(`${r.sandbox.pagesUrl}/transfer/confirm?${qs}&openId=oSomeoneElse`);
    assert.equal(other.status, 400);
    assert.match(await other.text(), /你的微信号与商家指定的微信号不一致/);
    const form = new URLSearchParams({ package: data.package_info, action: 'confirm', redirect_url: 'https://game.example/withdrawn' });
    const res = await fetch(`${r.sandbox.pagesUrl}/transfer/confirm`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(res.status, 302);
    await r.sandbox.runDue();
    assert.equal((await query(outBillNo)).data.state, 'SUCCESS');
  });

  it('wx.requestMerchantTransfer stand-in: cancel leaves the bill waiting, confirm accepts it', async () => {
    const outBillNo = no('B');
    const { data } = await create(outBillNo);
    const post = async (action: string) =>
      (
        (await (
          await fetch(`${r.sandbox.baseUrl}/sandbox/request-merchant-transfer`, {
            method: 'POST',
            body: JSON.stringify({ mchId: r.sandbox.merchant.mchid, appId: r.sandbox.merchant.appid, package: data.package_info, action }),
          })
        ).json()) as { errMsg: string }
      ).errMsg;
    assert.equal(await post('cancel'), 'requestMerchantTransfer:fail cancel');
    assert.equal((await query(outBillNo)).data.state, 'WAIT_USER_CONFIRM');
    assert.equal(await post('confirm'), 'requestMerchantTransfer:ok');
    assert.equal((await query(outBillNo)).data.state, 'TRANSFERING');
    await r.sandbox.runDue();
  });
});

describe('transfer bills in platform-certificate mode', () => {
  it('decrypt user_name with the platform certificate key the client encrypted for', async () => {
    const r = await rig({ keyMode: 'platformCertificate' });
    try {
      const cert = r.sandbox.platform.certificates[0];
      assert.ok(cert);
      const cipher = Rsa.encrypt('李四', Rsa.from(cert.publicKeyPem, Rsa.KEY_TYPE_PUBLIC));
      const res = await r.call('POST', PATH, transferBill(r.sandbox, no('B'), { transfer_amount: 300_000, user_name: cipher }), {
        headers: { 'Wechatpay-Serial': cert.serialNo },
      });
      assert.equal(res.data.state, 'WAIT_USER_CONFIRM');
    } finally {
      await r.close();
    }
  });
});
