// Profit sharing (分账) for direct merchants: receivers, split orders, returns, unfreeze, and the
// unsplit amount. An order paid with settle_info.profit_sharing=true keeps its amount frozen until
// it is split or unfrozen; splits are PROCESSING at once and FINISHED at the next runDue.
// Shapes follow wechatpay-go services/profitsharing.
import { type ApiRequest, type ApiResult, jsonBody, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { wx } from './errors.ts';
import { SHARING_ORDERS_MAX, SHARING_RECEIVERS_MAX, type SharingOrder, type SharingReceiverDetail, type SharingReturn } from './model.ts';
import { rfc3339 } from './time.ts';
import { arr, canonical, type Json, notifyUrl, int, optBool, optStr, str } from './validate.ts';

/** The default ceiling for direct merchants: 30 % of the order. */
export const SHARING_RATIO_MAX_BPS = 3000;
export const SHARING_RECEIVERS_PER_ORDER_MAX = 50;
export const SHARING_REQUESTS_PER_ORDER_MAX = 20;
const OUT_ORDER_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const RECEIVER_TYPES = ['MERCHANT_ID', 'PERSONAL_OPENID'];
const RELATION_TYPES = [
  'SERVICE_PROVIDER',
  'STORE',
  'STAFF',
  'STORE_OWNER',
  'PARTNER',
  'HEADQUARTER',
  'BRAND',
  'DISTRIBUTOR',
  'USER',
  'SUPPLIER',
  'CUSTOM',
];

function receiverKey(type: string, account: string): string {
  return `${type}:${account}`;
}

function detailJson(d: SharingReceiverDetail): Json {
  const out: Json = {
    amount: d.amountFen,
    description: d.description,
    type: d.type,
    account: d.account,
    result: d.result,
    create_time: rfc3339(d.createMs),
    finish_time: rfc3339(d.finishMs ?? d.createMs),
    detail_id: d.detailId,
  };
  if (d.failReason !== undefined) out.fail_reason = d.failReason;
  return out;
}

function orderJson(o: SharingOrder): Json {
  return {
    transaction_id: o.transactionId,
    out_order_no: o.outOrderNo,
    order_id: o.orderId,
    state: o.state,
    receivers: o.receivers.map(detailJson),
  };
}

function returnJson(r: SharingReturn): Json {
  const out: Json = {
    order_id: r.orderId,
    out_order_no: r.outOrderNo,
    out_return_no: r.outReturnNo,
    return_id: r.returnId,
    return_mchid: r.returnMchid,
    amount: r.amountFen,
    description: r.description,
    result: r.result,
    create_time: rfc3339(r.createMs),
    finish_time: rfc3339(r.finishMs ?? r.createMs),
  };
  if (r.failReason !== undefined) out.fail_reason = r.failReason;
  return out;
}

export function addReceiver(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  if (str(body, 'appid', { max: 32 }) !== core.keys.appid) throw wx.appidMismatch();
  const type = str(body, 'type', { max: 32 });
  if (!RECEIVER_TYPES.includes(type)) throw wx.param('type取值为MERCHANT_ID或PERSONAL_OPENID', 'type');
  const account = str(body, 'account', { max: 64 });
  const nameCipher = optStr(body, 'name', { max: 1024 });
  if (type === 'MERCHANT_ID' && nameCipher === undefined) throw wx.param('分账接收方类型为MERCHANT_ID时,name必填', 'name');
  const name = nameCipher === undefined ? undefined : core.decryptSensitive(nameCipher, req.serial, 'name');
  const relationType = str(body, 'relation_type', { max: 32 });
  if (!RELATION_TYPES.includes(relationType)) throw wx.param('relation_type取值不正确', 'relation_type');
  const customRelation = optStr(body, 'custom_relation', { max: 10 });
  if (relationType === 'CUSTOM' && customRelation === undefined)
    throw wx.param('relation_type为CUSTOM时,custom_relation必填', 'custom_relation');
  if (core.sharingReceivers.size >= SHARING_RECEIVERS_MAX && !core.sharingReceivers.has(receiverKey(type, account))) {
    throw wx.invalid('分账接收方数量已达上限');
  }
  core.sharingReceivers.set(receiverKey(type, account), { type, account, name, relationType, customRelation });
  const out: Json = { type, account, relation_type: relationType };
  if (nameCipher !== undefined) out.name = nameCipher;
  if (customRelation !== undefined) out.custom_relation = customRelation;
  return ok(out);
}

export function deleteReceiver(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  if (str(body, 'appid', { max: 32 }) !== core.keys.appid) throw wx.appidMismatch();
  const type = str(body, 'type', { max: 32 });
  const account = str(body, 'account', { max: 64 });
  core.sharingReceivers.delete(receiverKey(type, account));
  return ok({ type, account });
}

function sharableOrder(core: SandboxCore, transactionId: string) {
  const order = core.ordersByTransaction.get(transactionId);
  if (order === undefined) throw wx.resourceNotExists('订单不存在');
  if (!order.profitSharing) throw wx.invalid('非分账订单不支持分账');
  return order;
}

function settleLater(core: SandboxCore, so: SharingOrder, notify: string | undefined): void {
  core.scheduler.work(core.nowMs(), `sharing settles ${so.outOrderNo}`, () => {
    const nowMs = core.nowMs();
    for (const d of so.receivers) {
      if (d.result !== 'PENDING') continue;
      d.result = 'SUCCESS';
      d.finishMs = nowMs;
      // Unfreezing hands the merchant its own money: nothing leaves the account.
      if (!so.isUnfreeze) {
        core.ledger.move({
          atMs: nowMs,
          account: 'BASIC',
          businessNo: d.detailId,
          bizName: '分账',
          bizType: '分账',
          direction: 'OUT',
          amountFen: d.amountFen,
          applicant: 'system',
          remark: d.description,
          voucherNo: so.outOrderNo,
        });
      }
      if (notify !== undefined && !so.isUnfreeze) {
        core.notifier.enqueue({
          eventType: 'PROFITSHARING.SUCCESS',
          summary: '分账成功',
          originalType: 'profitsharing',
          resource: {
            mchid: core.keys.mchid,
            transaction_id: so.transactionId,
            order_id: so.orderId,
            out_order_no: so.outOrderNo,
            receiver: { type: d.type, account: d.account, amount: d.amountFen, description: d.description },
            success_time: rfc3339(nowMs),
          },
          notifyUrl: notify,
        });
      }
    }
    so.state = 'FINISHED';
  });
}

export function createSharingOrder(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  if (str(body, 'appid', { max: 32 }) !== core.keys.appid) throw wx.appidMismatch();
  const transactionId = str(body, 'transaction_id', { max: 32 });
  const outOrderNo = str(body, 'out_order_no', { max: 64, pattern: OUT_ORDER_NO });
  const receiversIn = arr(body, 'receivers', { min: 1, max: SHARING_RECEIVERS_PER_ORDER_MAX });
  const unfreezeUnsplit = optBool(body, 'unfreeze_unsplit');
  if (unfreezeUnsplit === undefined) throw wx.param('unfreeze_unsplit必填', 'unfreeze_unsplit');
  const notify = notifyUrl(body, 'notify_url', { required: false, allowHttp: core.options.allowHttpNotifyUrl, max: 256 });
  const parsed = receiversIn.map((item, i) => parseReceiver(core, req, item, i));
  const fingerprint = canonical({ transactionId, parsed, unfreezeUnsplit });
  const existing = core.sharingOrders.get(outOrderNo);
  if (existing !== undefined) {
    if (existing.fingerprint !== fingerprint) throw wx.invalid('商户分账单号重复,但请求参数不一致');
    return ok(orderJson(existing));
  }
  const order = sharableOrder(core, transactionId);
  if (order.state !== 'SUCCESS' && order.state !== 'REFUND') throw wx.invalid('订单未支付,不能分账');
  const requests = [...core.sharingOrders.values()].filter((s) => s.transactionId === transactionId).length;
  if (requests >= SHARING_REQUESTS_PER_ORDER_MAX) throw wx.invalid('该订单分账请求次数已达上限');
  const totalFen = parsed.reduce((sum, r) => sum + r.amountFen, 0);
  const alreadySharedFen = [...core.sharingOrders.values()]
    .filter((s) => s.transactionId === transactionId && !s.isUnfreeze)
    .reduce((sum, s) => sum + s.receivers.reduce((a, d) => a + (d.result === 'CLOSED' ? 0 : d.amountFen), 0), 0);
  if (totalFen > order.unsplitFen) throw wx.notEnough('分账金额不足,超过订单剩余可分金额');
  if ((alreadySharedFen + totalFen) * 10_000 > order.totalFen * SHARING_RATIO_MAX_BPS) throw wx.invalid('分账金额超出最大分账比例');
  if (core.sharingOrders.size >= SHARING_ORDERS_MAX) throw wx.frequency('沙盒分账单数已达上限');
  const nowMs = core.nowMs();
  const receivers = parsed.map((r) => receiverDetail(core, r, nowMs));
  const sharedFen = receivers.reduce((sum, d) => sum + (d.result === 'CLOSED' ? 0 : d.amountFen), 0);
  order.unsplitFen -= sharedFen;
  if (unfreezeUnsplit) order.unsplitFen = 0;
  const so: SharingOrder = {
    orderId: core.newSharingId(),
    outOrderNo,
    transactionId,
    state: 'PROCESSING',
    receivers,
    unfreezeUnsplit,
    isUnfreeze: false,
    fingerprint,
    createMs: nowMs,
  };
  core.sharingOrders.set(outOrderNo, so);
  settleLater(core, so, notify);
  return ok(orderJson(so));
}

/** One receiver of a sharing request, checked (its name, when given, decrypted). */
function parseReceiver(core: SandboxCore, req: ApiRequest, item: unknown, i: number): ParsedReceiver {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw wx.param('receivers格式有误', `receivers[${i}]`);
  const r = item as Json;
  const type = str(r, 'type', { max: 32, label: `receivers[${i}].type` });
  if (!RECEIVER_TYPES.includes(type)) throw wx.param('type取值为MERCHANT_ID或PERSONAL_OPENID', `receivers[${i}].type`);
  const nameCipher = optStr(r, 'name', { max: 1024, label: `receivers[${i}].name` });
  return {
    type,
    account: str(r, 'account', { max: 64, label: `receivers[${i}].account` }),
    amountFen: int(r, 'amount', { min: 1, label: `receivers[${i}].amount` }),
    description: str(r, 'description', { max: 80, label: `receivers[${i}].description` }),
    name: nameCipher === undefined ? undefined : core.decryptSensitive(nameCipher, req.serial, `receivers[${i}].name`),
  };
}

interface ParsedReceiver {
  readonly type: string;
  readonly account: string;
  readonly amountFen: number;
  readonly description: string;
  readonly name: string | undefined;
}

/** A receiver's share: pending, or closed at once when the receiver was never added or its name does not match. */
function receiverDetail(core: SandboxCore, r: ParsedReceiver, nowMs: number): SharingReceiverDetail {
  const known = core.sharingReceivers.get(receiverKey(r.type, r.account));
  const nameMismatch = r.name !== undefined && known?.name !== undefined && known.name !== r.name;
  const closed = known === undefined || nameMismatch;
  return {
    type: r.type,
    account: r.account,
    amountFen: r.amountFen,
    description: r.description,
    result: closed ? 'CLOSED' : 'PENDING',
    failReason: known === undefined ? 'NO_RELATION' : nameMismatch ? 'INVALID_REQUEST' : undefined,
    createMs: nowMs,
    finishMs: closed ? nowMs : undefined,
    detailId: core.newDetailId(),
    returnedFen: 0,
  };
}

export function querySharingOrder(core: SandboxCore, req: ApiRequest): ApiResult {
  const transactionId = req.query.get('transaction_id');
  if (transactionId === null || transactionId === '') throw wx.param('transaction_id必填', 'transaction_id');
  const so = core.sharingOrders.get(req.params[0] ?? '');
  if (so === undefined || so.transactionId !== transactionId) throw wx.resourceNotExists('记录不存在');
  return ok(orderJson(so));
}

export function unfreezeSharing(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  const transactionId = str(body, 'transaction_id', { max: 32 });
  const outOrderNo = str(body, 'out_order_no', { max: 64, pattern: OUT_ORDER_NO });
  const description = str(body, 'description', { max: 80 });
  const existing = core.sharingOrders.get(outOrderNo);
  if (existing !== undefined) {
    if (!existing.isUnfreeze || existing.transactionId !== transactionId) throw wx.invalid('商户分账单号重复,但请求参数不一致');
    return ok(orderJson(existing));
  }
  const order = sharableOrder(core, transactionId);
  if (order.unsplitFen === 0) throw wx.notEnough('分账金额为0,分账已完成,无需再请求解冻剩余资金');
  const nowMs = core.nowMs();
  const so: SharingOrder = {
    orderId: core.newSharingId(),
    outOrderNo,
    transactionId,
    state: 'PROCESSING',
    receivers: [
      {
        type: 'MERCHANT_ID',
        account: core.keys.mchid,
        amountFen: order.unsplitFen,
        description,
        result: 'PENDING',
        failReason: undefined,
        createMs: nowMs,
        finishMs: undefined,
        detailId: core.newDetailId(),
        returnedFen: 0,
      },
    ],
    unfreezeUnsplit: true,
    isUnfreeze: true,
    fingerprint: canonical({ transactionId, description }),
    createMs: nowMs,
  };
  order.unsplitFen = 0;
  core.sharingOrders.set(outOrderNo, so);
  settleLater(core, so, undefined);
  return ok(orderJson(so));
}

export function unsplitAmount(core: SandboxCore, req: ApiRequest): ApiResult {
  const order = core.ordersByTransaction.get(req.params[0] ?? '');
  if (order === undefined) throw wx.resourceNotExists('订单不存在');
  return ok({ transaction_id: order.transactionId, unsplit_amount: order.unsplitFen });
}

export function createSharingReturn(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  const orderId = optStr(body, 'order_id', { max: 64 });
  const outOrderNoIn = optStr(body, 'out_order_no', { max: 64 });
  if (orderId === undefined && outOrderNoIn === undefined) throw wx.param('order_id和out_order_no必须二选一', 'out_order_no');
  const outReturnNo = str(body, 'out_return_no', { max: 64, pattern: OUT_ORDER_NO });
  const returnMchid = str(body, 'return_mchid', { max: 32 });
  const amountFen = int(body, 'amount', { min: 1 });
  const description = str(body, 'description', { max: 80 });
  const existing = core.sharingReturns.get(outReturnNo);
  if (existing !== undefined) return ok(returnJson(existing));
  const so =
    outOrderNoIn !== undefined ? core.sharingOrders.get(outOrderNoIn) : [...core.sharingOrders.values()].find((s) => s.orderId === orderId);
  if (so === undefined || (orderId !== undefined && so.orderId !== orderId)) throw wx.resourceNotExists('分账单不存在');
  const detail = so.receivers.find((d) => d.type === 'MERCHANT_ID' && d.account === returnMchid && d.result === 'SUCCESS');
  if (detail === undefined || so.isUnfreeze) throw wx.invalid('只能对原分账请求中成功分给商户接收方进行回退');
  if (amountFen > detail.amountFen - detail.returnedFen) throw wx.invalid('回退金额超过可回退金额');
  const nowMs = core.nowMs();
  detail.returnedFen += amountFen;
  const r: SharingReturn = {
    returnId: core.newSharingId(),
    orderId: so.orderId,
    outOrderNo: so.outOrderNo,
    outReturnNo,
    returnMchid,
    amountFen,
    description,
    result: 'PROCESSING',
    failReason: undefined,
    createMs: nowMs,
    finishMs: undefined,
  };
  core.sharingReturns.set(outReturnNo, r);
  core.scheduler.work(nowMs, `sharing return ${outReturnNo}`, () => {
    if (r.result !== 'PROCESSING') return;
    r.result = 'SUCCESS';
    r.finishMs = core.nowMs();
    core.ledger.move({
      atMs: r.finishMs,
      account: 'BASIC',
      businessNo: r.returnId,
      bizName: '分账回退',
      bizType: '分账回退',
      direction: 'IN',
      amountFen,
      applicant: 'system',
      remark: description,
      voucherNo: outReturnNo,
    });
  });
  return ok(returnJson(r));
}

export function querySharingReturn(core: SandboxCore, req: ApiRequest): ApiResult {
  const outOrderNo = req.query.get('out_order_no');
  if (outOrderNo === null || outOrderNo === '') throw wx.param('out_order_no必填', 'out_order_no');
  const r = core.sharingReturns.get(req.params[0] ?? '');
  if (r === undefined || r.outOrderNo !== outOrderNo) throw wx.resourceNotExists('记录不存在');
  return ok(returnJson(r));
}
