// Refunds, and the trade and fund-flow bills parsed by wechatpay-axios-plugin's castCsvBill.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Formatter } from 'wechatpay-axios-plugin';
import { failure, jsapiOrder, type NotifyEndpoint, no, notifyEndpoint, openNotification, type Rig, rig, transferBill } from './helpers.ts';

describe('refunds and bills', () => {
  let r: Rig;
  let merchant: NotifyEndpoint;
  const paid: { outTradeNo: string; transactionId: string; totalFen: number }[] = [];
  before(async () => {
    r = await rig({ refundIntervalMs: 60_000 });
    merchant = await notifyEndpoint();
  });
  after(async () => {
    await r.close();
    await merchant.close();
  });

  async function pay(totalFen: number): Promise<{ outTradeNo: string; transactionId: string; totalFen: number }> {
    const outTradeNo = no('P');
    await r.call(
      'POST',
      'v3/pay/transactions/jsapi',
      jsapiOrder(r.sandbox, outTradeNo, merchant.url, { amount: { total: totalFen }, description: '金币,礼包', attach: 'uid=1' }),
    );
    await r.sandbox.user.pay(outTradeNo);
    const q = await r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, {
      params: { mchid: r.sandbox.merchant.mchid },
    });
    const p = { outTradeNo, transactionId: q.data.transaction_id as string, totalFen };
    paid.push(p);
    return p;
  }

  const refund = (body: Record<string, unknown>) => r.call('POST', 'v3/refund/domestic/refunds', body);

  it('refunds: PROCESSING, then SUCCESS at runDue with a REFUND.SUCCESS notification', async () => {
    const p = await pay(600);
    const outRefundNo = no('R');
    const res = await refund({
      out_trade_no: p.outTradeNo,
      out_refund_no: outRefundNo,
      notify_url: merchant.url,
      amount: { refund: 200, total: 600, currency: 'CNY' },
    });
    assert.equal(res.data.status, 'PROCESSING');
    assert.match(res.data.refund_id, /^50\d{27}$/);
    assert.equal(res.data.amount.refund, 200);
    assert.equal(res.data.channel, 'ORIGINAL');
    const order = await r.call('GET', `v3/pay/transactions/out-trade-no/${p.outTradeNo}`, undefined, {
      params: { mchid: r.sandbox.merchant.mchid },
    });
    assert.equal(order.data.trade_state, 'REFUND');
    merchant.received.length = 0;
    await r.sandbox.runDue();
    const q = await r.call('GET', `v3/refund/domestic/refunds/${outRefundNo}`);
    assert.equal(q.data.status, 'SUCCESS');
    assert.ok(q.data.success_time);
    const n = merchant.received.map((x) => openNotification(r.sandbox, x)).find((x) => x.envelope.event_type === 'REFUND.SUCCESS');
    assert.ok(n?.signatureValid);
    assert.equal(n.envelope.event_type, 'REFUND.SUCCESS');
    assert.equal(n.envelope.resource.original_type, 'refund');
    assert.equal(n.resource.refund_status, 'SUCCESS');
    assert.equal(n.resource.out_refund_no, outRefundNo);
    assert.deepEqual(n.resource.amount, { total: 600, refund: 200, payer_total: 600, payer_refund: 200 });
  });

  it('answers the same out_refund_no with the one refund it made', async () => {
    const p = await pay(300);
    const outRefundNo = no('R');
    const body = { transaction_id: p.transactionId, out_refund_no: outRefundNo, amount: { refund: 300, total: 300, currency: 'CNY' } };
    const a = await refund(body);
    const b = await refund(body);
    assert.equal(a.data.refund_id, b.data.refund_id);
    await r.sandbox.runDue();
  });

  it('refuses refunds beyond the refundable amount, of unpaid orders, and too soon after the last', async () => {
    const p = await pay(100);
    const over = await failure(
      refund({ out_trade_no: p.outTradeNo, out_refund_no: no('R'), amount: { refund: 101, total: 100, currency: 'CNY' } }),
    );
    assert.equal(over.response?.data.code, 'INVALID_REQUEST');
    await refund({ out_trade_no: p.outTradeNo, out_refund_no: no('R'), amount: { refund: 40, total: 100, currency: 'CNY' } });
    const soon = await failure(
      refund({ out_trade_no: p.outTradeNo, out_refund_no: no('R'), amount: { refund: 10, total: 100, currency: 'CNY' } }),
    );
    assert.equal(soon.response?.status, 429);
    assert.equal(soon.response?.data.code, 'FREQUENCY_LIMITED');
    const unknown = await failure(
      refund({ out_trade_no: 'nosuchorder', out_refund_no: no('R'), amount: { refund: 1, total: 1, currency: 'CNY' } }),
    );
    assert.equal(unknown.response?.status, 404);
    assert.equal(unknown.response?.data.code, 'RESOURCE_NOT_EXISTS');
    const unpaid = no('P');
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, unpaid, merchant.url));
    const e = await failure(refund({ out_trade_no: unpaid, out_refund_no: no('R'), amount: { refund: 1, total: 100, currency: 'CNY' } }));
    assert.equal(e.response?.data.code, 'INVALID_REQUEST');
    const missing = await failure(r.call('GET', 'v3/refund/domestic/refunds/nosuchrefund'));
    assert.equal(missing.response?.status, 404);
    await r.sandbox.runDue();
  });

  it('merchant-balance-low: a refund answers 403 NOT_ENOUGH', async () => {
    const p = await pay(100);
    r.sandbox.faults.inject({ endpoint: 'POST /v3/refund/', kind: 'merchant-balance-low' });
    const e = await failure(
      refund({ out_trade_no: p.outTradeNo, out_refund_no: no('R'), amount: { refund: 1, total: 100, currency: 'CNY' } }),
    );
    assert.equal(e.response?.status, 403);
    assert.equal(e.response?.data.code, 'NOT_ENOUGH');
  });

  it('has no bill for today yet, and none before 10:00 the next day', async () => {
    const today = await failure(r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-05' } }));
    assert.equal(today.response?.data.code, 'PARAM_ERROR');
    await r.call('POST', 'v3/fund-app/mch-transfer/transfer-bills', transferBill(r.sandbox, no('B')));
    r.advance(23 * 3600_000 + 59 * 60_000);
    const early = await failure(r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-05' } }));
    assert.equal(early.response?.data.code, 'STATEMENT_CREATING');
    r.advance(60_000);
  });

  async function download(billUrl: string, hash: string, gzip: boolean): Promise<Buffer> {
    const token = new URL(billUrl).searchParams.get('token');
    assert.ok(billUrl.startsWith(`${r.sandbox.baseUrl}/v3/billdownload/file?token=`));
    const res = await r.call('GET', 'v3/billdownload/file', undefined, { params: { token }, responseType: 'arraybuffer' });
    assert.equal(res.headers['wechatpay-signature'], undefined, 'the bill file is not signed');
    const raw = Buffer.from(res.data as ArrayBuffer);
    const plain = gzip ? gunzipSync(raw) : raw;
    assert.equal(createHash('sha1').update(plain).digest('hex'), hash);
    return plain;
  }

  it('produces the ALL trade bill: BOM, CRLF, backticks, yuan, totals; castCsvBill reads it', async () => {
    const apply = await r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-05', bill_type: 'ALL' } });
    assert.equal(apply.data.hash_type, 'SHA1');
    const file = await download(apply.data.download_url, apply.data.hash_value, false);
    assert.deepEqual([...file.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = file.subarray(3).toString('utf8');
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n').length, text.split('\n').length, 'every line ends CRLF');
    const { rows, summary } = Formatter.castCsvBill(file) as { rows: Record<string, string>[]; summary: Record<string, string> };
    const payments = rows.filter((row) => row.交易状态 === 'SUCCESS');
    const refunds = rows.filter((row) => row.交易状态 === 'REFUND');
    assert.equal(payments.length, paid.length);
    assert.equal(refunds.length, 3);
    const first = payments.find((row) => row.商户订单号 === paid[0]?.outTradeNo);
    assert.ok(first);
    assert.equal(first.应结订单金额, '6.00');
    assert.equal(first.订单金额, '6.00');
    assert.equal(first.手续费, '0.04000');
    assert.equal(first.费率, '0.60%');
    assert.equal(first.特约商户号, '0');
    assert.equal(first.微信退款单号, '0');
    assert.equal(first.商品名称, '金币,礼包');
    assert.equal(first.交易时间, '2026-01-05 10:00:00');
    assert.equal(first.微信订单号, paid[0]?.transactionId);
    const r1 = refunds.find((row) => row.商户订单号 === paid[0]?.outTradeNo);
    assert.equal(r1?.退款金额, '2.00');
    assert.equal(r1?.申请退款金额, '2.00');
    assert.equal(r1?.退款状态, 'SUCCESS');
    assert.equal(r1?.应结订单金额, '0.00');
    const totalFen = paid.reduce((a, p) => a + p.totalFen, 0);
    assert.equal(summary.总交易单数, String(rows.length));
    assert.equal(summary.应结订单总金额, (totalFen / 100).toFixed(2));
    assert.equal(summary.订单总金额, (totalFen / 100).toFixed(2));
    assert.equal(summary.退款总金额, '5.40');
    assert.equal(summary.充值券退款总金额, '0.00');
    assert.match(summary.手续费总金额 ?? '', /^\d+\.\d{5}$/);
  });

  it('produces SUCCESS and REFUND bills with their own columns, and GZIP on request', async () => {
    const success = await r.call('GET', 'v3/bill/tradebill', undefined, {
      params: { bill_date: '2026-01-05', bill_type: 'SUCCESS', tar_type: 'GZIP' },
    });
    const sFile = await download(success.data.download_url, success.data.hash_value, true);
    const s = Formatter.castCsvBill(sFile) as { rows: Record<string, string>[]; summary: Record<string, string> };
    assert.equal(s.rows.length, paid.length);
    assert.equal(Object.keys(s.rows[0] ?? {}).length, 20);
    assert.deepEqual(Object.keys(s.summary), ['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额']);
    const refundBill = await r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-05', bill_type: 'REFUND' } });
    const rb = Formatter.castCsvBill(await download(refundBill.data.download_url, refundBill.data.hash_value, false)) as {
      rows: Record<string, string>[];
    };
    assert.equal(rb.rows.length, 3);
    assert.equal(rb.rows[0]?.退款申请时间, '2026-01-05 10:00:00');
    assert.ok(rb.rows[0]?.退款成功时间);
  });

  it('produces fund-flow bills per account; an empty one does not exist', async () => {
    const basic = await r.call('GET', 'v3/bill/fundflowbill', undefined, { params: { bill_date: '2026-01-05' } });
    const file = await download(basic.data.download_url, basic.data.hash_value, false);
    const { rows, summary } = Formatter.castCsvBill(file) as { rows: Record<string, string>[]; summary: Record<string, string> };
    const income = rows.filter((row) => row.收支类型 === '收入');
    assert.ok(rows.some((row) => row.业务名称 === '交易' && row['收支金额(元)'] === '6.00'));
    assert.ok(rows.some((row) => row.业务名称 === '退款' && row.收支类型 === '支出'));
    assert.equal(summary.资金流水总笔数, String(rows.length));
    assert.equal(summary.收入笔数, String(income.length));
    const operation = await r.call('GET', 'v3/bill/fundflowbill', undefined, {
      params: { bill_date: '2026-01-05', account_type: 'OPERATION' },
    });
    const op = Formatter.castCsvBill(await download(operation.data.download_url, operation.data.hash_value, false)) as {
      rows: Record<string, string>[];
    };
    assert.equal(op.rows[0]?.业务名称, '商家转账');
    const fees = await failure(
      r.call('GET', 'v3/bill/fundflowbill', undefined, { params: { bill_date: '2026-01-05', account_type: 'FEES' } }),
    );
    assert.equal(fees.response?.data.code, 'NO_STATEMENT_EXIST');
    const empty = await failure(r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-04' } }));
    assert.equal(empty.response?.data.code, 'NO_STATEMENT_EXIST');
  });

  it('requires a signed request for the download, and expires the link after 5 minutes', async () => {
    const apply = await r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: '2026-01-05' } });
    assert.equal((await fetch(apply.data.download_url)).status, 401);
    r.advance(5 * 60_000);
    const token = new URL(apply.data.download_url).searchParams.get('token');
    const e = await failure(r.call('GET', 'v3/billdownload/file', undefined, { params: { token } }));
    assert.equal(e.response?.status, 400);
  });

  it('validates bill parameters', async () => {
    for (const params of [
      { bill_date: '2026-1-5' },
      { bill_date: '2026-02-30' },
      { bill_date: '2026-01-05', bill_type: 'XYZ' },
      { bill_date: '2026-01-05', tar_type: 'ZIP' },
    ]) {
      const e = await failure(r.call('GET', 'v3/bill/tradebill', undefined, { params }));
      assert.equal(e.response?.data.code, 'PARAM_ERROR', JSON.stringify(params));
    }
  });
});

describe('a refund made the day after its payment', () => {
  let r: Rig;
  let merchant: NotifyEndpoint;
  before(async () => {
    r = await rig({ refundIntervalMs: 60_000 });
    merchant = await notifyEndpoint();
  });
  after(async () => {
    await r.close();
    await merchant.close();
  });

  async function bill(date: string, billType: string): Promise<Record<string, string>[]> {
    const apply = await r.call('GET', 'v3/bill/tradebill', undefined, { params: { bill_date: date, bill_type: billType } });
    const token = new URL(apply.data.download_url).searchParams.get('token');
    const res = await r.call('GET', 'v3/billdownload/file', undefined, { params: { token }, responseType: 'arraybuffer' });
    return (Formatter.castCsvBill(Buffer.from(res.data as ArrayBuffer)) as { rows: Record<string, string>[] }).rows;
  }

  it('is dated by the refund in 交易时间, and appears in the later day’s bill only', async () => {
    // START_MS is 10:00 on 2026-01-05 Beijing time: pay now, refund at 09:30 the next day.
    const outTradeNo = no('P');
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url, { amount: { total: 800 } }));
    await r.sandbox.user.pay(outTradeNo);
    r.advance(23 * 3600_000 + 30 * 60_000);
    const outRefundNo = no('R');
    await r.call('POST', 'v3/refund/domestic/refunds', {
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      notify_url: merchant.url,
      amount: { refund: 300, total: 800, currency: 'CNY' },
    });
    await r.sandbox.runDue();
    r.advance(24 * 3600_000 + 60 * 60_000);

    const first = await bill('2026-01-05', 'ALL');
    assert.deepEqual(
      first.map((row) => [row.交易状态, row.交易时间]),
      [['SUCCESS', '2026-01-05 10:00:00']],
    );
    const second = await bill('2026-01-06', 'ALL');
    assert.equal(second.length, 1);
    assert.equal(second[0]?.交易状态, 'REFUND');
    assert.equal(second[0]?.商户退款单号, outRefundNo);
    assert.equal(second[0]?.交易时间, '2026-01-06 09:30:00', 'the refund’s own time, not the payment’s');
    const refunds = await bill('2026-01-06', 'REFUND');
    assert.equal(refunds[0]?.交易时间, '2026-01-06 09:30:00');
    assert.equal(refunds[0]?.退款申请时间, '2026-01-06 09:30:00');
  });
});
