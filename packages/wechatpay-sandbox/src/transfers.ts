// The 2025 merchant transfer bills (商家转账, /v3/fund-app/mch-transfer/transfer-bills).
// A created bill waits for the payee (WAIT_USER_CONFIRM, with package_info for the confirmation
// page) for 24 hours; confirmed it goes TRANSFERING -> SUCCESS, unconfirmed it ends FAIL, and the
// merchant may cancel it before confirmation (CANCELING -> CANCELLED). Final states notify
// MCHTRANSFER.BILL.FINISHED. Funds leave the operation account on creation and come back on
// FAIL or CANCELLED.
import { AppError } from '@fairground/core';
import { type ApiRequest, type ApiResult, jsonBody, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { SandboxErrors, wx } from './errors.ts';
import { TRANSFERS_MAX, type TransferBill, type TransferState } from './model.ts';
import { SIMULATED_USER_DELAY_MS } from './payments.ts';
import { rfc3339 } from './time.ts';
import { arr, canonical, type Json, notifyUrl, int, optStr, str } from './validate.ts';

/** "用户收款的时效是24小时". */
export const TRANSFER_CONFIRM_WINDOW_MS = 24 * 3600_000;
/** The fixed minimum of the product: 0.1 yuan. */
export const TRANSFER_MIN_FEN = 10;
/** From this amount (2,000 yuan) the payee's real name is required. */
export const TRANSFER_NAME_REQUIRED_FEN = 200_000;
/** Only the last 30 days can be queried. */
export const TRANSFER_QUERY_WINDOW_MS = 30 * 86_400_000;
export const REPORT_INFOS_MAX = 10;

interface SceneRule {
  /** The info_type values the scene's report infos must carry, exactly. */
  reportTypes: readonly string[];
  /** Allowed user_recv_perception values; the first is the default. */
  perceptions: readonly string[];
}

// 1000 from the official scene page; 1005 from community answers (unverified, see README).
const SCENE_RULES: Record<string, SceneRule> = {
  '1000': { reportTypes: ['活动名称', '奖励说明'], perceptions: ['活动奖励', '现金奖励'] },
  '1005': { reportTypes: ['岗位类型', '报酬说明'], perceptions: ['劳务报酬', '报酬'] },
};

const FINAL: readonly TransferState[] = ['SUCCESS', 'FAIL', 'CANCELLED'];

function billAnswer(b: TransferBill): Json {
  const out: Json = { out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, create_time: rfc3339(b.createMs), state: b.state };
  if (b.failReason !== undefined) out.fail_reason = b.failReason;
  // "package_info 仅当 state 为 WAIT_USER_CONFIRM 时返回".
  if (b.state === 'WAIT_USER_CONFIRM') out.package_info = b.packageInfo;
  return out;
}

function billQueryJson(core: SandboxCore, b: TransferBill): Json {
  const out: Json = {
    mch_id: core.keys.mchid,
    out_bill_no: b.outBillNo,
    transfer_bill_no: b.transferBillNo,
    appid: b.appid,
    state: b.state,
    transfer_amount: b.amountFen,
    transfer_remark: b.remark,
    openid: b.openid,
    create_time: rfc3339(b.createMs),
    update_time: rfc3339(b.updateMs),
  };
  if (b.failReason !== undefined) out.fail_reason = b.failReason;
  return out;
}

function finishedResource(core: SandboxCore, b: TransferBill): Json {
  const out: Json = {
    out_bill_no: b.outBillNo,
    transfer_bill_no: b.transferBillNo,
    state: b.state,
    mch_id: core.keys.mchid,
    transfer_amount: b.amountFen,
    openid: b.openid,
    create_time: rfc3339(b.createMs),
    update_time: rfc3339(b.updateMs),
  };
  if (b.failReason !== undefined) out.fail_reason = b.failReason;
  return out;
}

/** Moves a bill to a final state: funds back on FAIL/CANCELLED, and the terminal notification. */
function finish(core: SandboxCore, b: TransferBill, state: 'SUCCESS' | 'FAIL' | 'CANCELLED', failReason?: string): void {
  if (FINAL.includes(b.state)) return;
  const nowMs = core.nowMs();
  b.state = state;
  b.failReason = failReason;
  b.updateMs = nowMs;
  if (state !== 'SUCCESS' && b.fundsLocked) {
    core.ledger.move({
      atMs: nowMs,
      account: 'OPERATION',
      businessNo: b.transferBillNo,
      bizName: '商家转账',
      bizType: '商家转账退回',
      direction: 'IN',
      amountFen: b.amountFen,
      applicant: 'system',
      remark: b.remark,
      voucherNo: b.outBillNo,
    });
  }
  b.fundsLocked = false;
  if (b.notifyUrl !== undefined) {
    core.notifier.enqueue({
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      originalType: 'mch_payment',
      resource: finishedResource(core, b),
      notifyUrl: b.notifyUrl,
    });
  }
}

function readReportInfos(body: Json): { info_type: string; info_content: string }[] {
  if (body.transfer_scene_report_infos === undefined || body.transfer_scene_report_infos === null) {
    throw wx.param('需传入转账场景报备信息,请检查', 'transfer_scene_report_infos');
  }
  const list = arr(body, 'transfer_scene_report_infos', { max: REPORT_INFOS_MAX, min: 1 });
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw wx.param('转账场景报备信息格式有误', `transfer_scene_report_infos[${i}]`);
    const o = item as Json;
    return {
      info_type: str(o, 'info_type', { max: 15, label: `transfer_scene_report_infos[${i}].info_type` }),
      info_content: str(o, 'info_content', { max: 32, label: `transfer_scene_report_infos[${i}].info_content` }),
    };
  });
}

export function createTransferBill(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  const appid = str(body, 'appid', { max: 32 });
  if (appid !== core.keys.appid) throw wx.appidMismatch();
  const outBillNo = str(body, 'out_bill_no', { max: 32, pattern: /^[0-9A-Za-z]+$/ });
  const sceneId = str(body, 'transfer_scene_id', { max: 36, pattern: /^\d+$/ });
  if (!core.options.transferScenes.includes(sceneId)) throw wx.noAuth('该转账场景未开通或已失效,请在商户平台确认');
  const openid = str(body, 'openid', { max: 64 });
  const amountFen = int(body, 'transfer_amount', { min: 1 });
  const remark = str(body, 'transfer_remark', { max: 32 });
  const notify = notifyUrl(body, 'notify_url', { required: false, allowHttp: core.options.allowHttpNotifyUrl, max: 256 });
  const rule = SCENE_RULES[sceneId];
  const perception = optStr(body, 'user_recv_perception', { max: 32 });
  if (perception !== undefined && rule !== undefined && !rule.perceptions.includes(perception)) {
    throw wx.invalid('暂不支持展示当前传入的用户收款感知');
  }
  const reportInfos = readReportInfos(body);
  if (rule !== undefined) {
    const types = reportInfos.map((r) => r.info_type).sort();
    const wanted = [...rule.reportTypes].sort();
    if (canonical(types) !== canonical(wanted))
      throw wx.param('未传入完整且对应的转账场景报备信息,请根据接口文档检查', 'transfer_scene_report_infos');
  }
  if (amountFen < TRANSFER_MIN_FEN || amountFen > core.options.transferAmountMaxFen)
    throw wx.invalid('超过单笔转账上下限,核实产品设置是否准确');
  const userNameCipher = optStr(body, 'user_name', { max: 1024 });
  if (userNameCipher === undefined && amountFen >= TRANSFER_NAME_REQUIRED_FEN) {
    throw wx.param('转账金额>=2,000元时,收款用户姓名user_name必填', 'user_name');
  }
  const userName = userNameCipher === undefined ? undefined : core.decryptSensitive(userNameCipher, req.serial, 'user_name');
  const fingerprint = canonical({ appid, openid, amountFen, remark, sceneId, perception, reportInfos, notify, userName });

  const existing = core.transfers.get(outBillNo);
  if (existing !== undefined) {
    if (existing.fingerprint !== fingerprint) throw wx.invalid('单号已存在但信息不一致,请查单后比较确认');
    return ok(billAnswer(existing));
  }
  if (core.transfers.size >= TRANSFERS_MAX) throw wx.frequency('沙盒转账单数已达上限');
  if (core.faults.take(['merchant-balance-low'], req.method, req.path) !== null || core.ledger.balanceFen('OPERATION') < amountFen) {
    throw wx.notEnough('商户运营账户资金不足,请充值后原单重试');
  }
  const nowMs = core.nowMs();
  const bill: TransferBill = {
    outBillNo,
    transferBillNo: core.newTransferBillNo(),
    appid,
    openid,
    userName,
    amountFen,
    remark,
    notifyUrl: notify,
    perception: perception ?? rule?.perceptions[0],
    sceneId,
    reportInfos,
    fingerprint,
    createMs: nowMs,
    updateMs: nowMs,
    state: 'WAIT_USER_CONFIRM',
    failReason: undefined,
    packageInfo: core.newPackageInfo(),
    neverConfirm: core.faults.take(['user-never-confirms'], req.method, req.path) !== null,
    fundsLocked: true,
  };
  openBill(core, req, bill);
  return ok(billAnswer(bill));
}

/** Takes the bill's amount from the operation account and registers the bill, to expire unconfirmed (or be declined by a simulated user). */
function openBill(core: SandboxCore, req: ApiRequest, bill: TransferBill): void {
  const nowMs = bill.createMs;
  const { outBillNo, amountFen, remark } = bill;
  core.ledger.move({
    atMs: nowMs,
    account: 'OPERATION',
    businessNo: bill.transferBillNo,
    bizName: '商家转账',
    bizType: '商家转账',
    direction: 'OUT',
    amountFen,
    applicant: 'system',
    remark,
    voucherNo: outBillNo,
  });
  core.transfers.set(outBillNo, bill);
  core.transfersByNo.set(bill.transferBillNo, bill);
  core.transfersByPackage.set(bill.packageInfo, bill);
  core.scheduler.deadline(nowMs + TRANSFER_CONFIRM_WINDOW_MS, `transfer expiry ${outBillNo}`, () => {
    if (bill.state === 'WAIT_USER_CONFIRM') finish(core, bill, 'FAIL', 'OVERDUE_CLOSE');
  });
  if (core.faults.take(['user-cancels'], req.method, req.path) !== null) {
    core.scheduler.work(nowMs + SIMULATED_USER_DELAY_MS, `user declines ${outBillNo}`, () => {
      if (bill.state === 'WAIT_USER_CONFIRM') finish(core, bill, 'FAIL', USER_REJECT);
    });
  }
}

/** fail_reason when the payee refuses a bill; no documented value exists (see README). */
export const USER_REJECT = 'USER_REJECT';

function queryable(core: SandboxCore, b: TransferBill | undefined): TransferBill {
  if (b === undefined || core.nowMs() - b.createMs > TRANSFER_QUERY_WINDOW_MS) throw wx.notFound('记录不存在');
  return b;
}

export function queryTransferByOutBillNo(core: SandboxCore, req: ApiRequest): ApiResult {
  return ok(billQueryJson(core, queryable(core, core.transfers.get(req.params[0] ?? ''))));
}

export function queryTransferByBillNo(core: SandboxCore, req: ApiRequest): ApiResult {
  return ok(billQueryJson(core, queryable(core, core.transfersByNo.get(req.params[0] ?? ''))));
}

export function cancelTransfer(core: SandboxCore, req: ApiRequest): ApiResult {
  jsonBody(req);
  const b = core.transfers.get(req.params[0] ?? '');
  if (b === undefined) throw wx.notFound('记录不存在');
  if (b.state === 'ACCEPTED' || b.state === 'PROCESSING' || b.state === 'WAIT_USER_CONFIRM') {
    b.state = 'CANCELING';
    b.updateMs = core.nowMs();
    core.scheduler.work(core.nowMs(), `cancel ${b.outBillNo}`, () => {
      if (b.state === 'CANCELING') finish(core, b, 'CANCELLED');
    });
  } else if (b.state !== 'CANCELING' && b.state !== 'CANCELLED') {
    throw wx.invalid('当前转账单状态不支持撤销');
  }
  return ok({ out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, state: b.state, update_time: rfc3339(b.updateMs) });
}

function findBill(core: SandboxCore, outBillNo: string): TransferBill {
  core.runDueTimers();
  const b = core.transfers.get(outBillNo);
  if (b === undefined) throw new AppError(SandboxErrors.SANDBOX_TRANSFER_NOT_FOUND, { outBillNo });
  return b;
}

/** The payee presses 确认收款: WAIT_USER_CONFIRM -> TRANSFERING now, -> SUCCESS at the next runDue. */
export function userConfirmTransfer(core: SandboxCore, outBillNo: string): void {
  const b = findBill(core, outBillNo);
  if (b.state === 'TRANSFERING') return;
  if (b.state !== 'WAIT_USER_CONFIRM') throw new AppError(SandboxErrors.SANDBOX_TRANSFER_NOT_CONFIRMABLE, { outBillNo, state: b.state });
  // A 'user-never-confirms' payee opens the page and never presses the button.
  if (b.neverConfirm) return;
  b.state = 'TRANSFERING';
  b.updateMs = core.nowMs();
  core.scheduler.work(core.nowMs(), `transfer settles ${outBillNo}`, () => {
    if (b.state === 'TRANSFERING') finish(core, b, 'SUCCESS');
  });
}

/** The payee refuses the bill: it ends FAIL with fail_reason USER_REJECT and the funds go back. */
export function userDeclineTransfer(core: SandboxCore, outBillNo: string): void {
  const b = findBill(core, outBillNo);
  if (b.state !== 'WAIT_USER_CONFIRM') throw new AppError(SandboxErrors.SANDBOX_TRANSFER_NOT_CONFIRMABLE, { outBillNo, state: b.state });
  finish(core, b, 'FAIL', USER_REJECT);
}
