// The three state machines as stored rows, read back with their integers checked.
//
// Deposit:     creating → open → paid                    (credited once, keyed by the provider transaction id)
//                       ↘ closing → closed (→ paid when the provider says it was paid after all)
//              creating → failed                          (the provider refused the order; nothing was created)
// Withdrawal:  review → submitting | rejected             (the hold is placed before either)
//              submitting → awaiting_confirmation → processing → succeeded | failed | cancelled
// Refund:      submitting → processing → succeeded | failed
// Holds are posted or voided only when the provider has said the final word.
import { createHash } from 'node:crypto';
import { fenFromDb } from '@fairground/core';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { ClientParams, DepositChannel, TransferReportInfo } from './ports.ts';

export const DEPOSIT_STATES = ['creating', 'open', 'paid', 'closing', 'closed', 'failed'] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];
export const WITHDRAWAL_STATES = [
  'review',
  'submitting',
  'awaiting_confirmation',
  'processing',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
] as const;
export type WithdrawalState = (typeof WITHDRAWAL_STATES)[number];
export const WITHDRAWAL_FINAL: readonly WithdrawalState[] = ['succeeded', 'failed', 'rejected', 'cancelled'];
export const REFUND_STATES = ['submitting', 'processing', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export interface Deposit {
  readonly id: string;
  readonly playerId: string;
  readonly idemKey: string;
  readonly requestHash: string;
  readonly amountFen: number;
  readonly channel: DepositChannel;
  readonly appId: string;
  readonly merchantId: string;
  readonly payerOpenid: string | null;
  readonly clientIp: string;
  readonly description: string;
  readonly state: DepositState;
  readonly clientParams: ClientParams | null;
  readonly transactionId: string | null;
  readonly creditTransferId: string | null;
  readonly providerState: string | null;
  readonly failureCode: string | null;
  readonly refundedFen: number;
  /**
   * Set when the money arrived over one of the player's deposit limits and was sent back at once:
   * the limit's reason code and the automatic refund.
   */
  readonly overLimit: { readonly code: string; readonly refundId: string } | null;
  readonly expiresAtMs: number;
  readonly paidAtMs: number | null;
  readonly creditedAtMs: number | null;
  readonly closedAtMs: number | null;
  readonly nextCheckAtMs: number | null;
  readonly checks: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export const DEPOSIT_COLUMNS =
  'id, player_id, idem_key, request_hash, amount_fen, channel, app_id, merchant_id, payer_openid, client_ip, description, state, client_params, transaction_id, credit_transfer_id, provider_state, failure_code, refunded_fen, limit_code, limit_refund_id, expires_at_ms, paid_at_ms, credited_at_ms, closed_at_ms, next_check_at_ms, checks, created_at_ms, updated_at_ms';

type R = Record<string, unknown>;
const str = (v: unknown): string => String(v);
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function depositFromRow(r: R): Deposit {
  return {
    id: str(r.id),
    playerId: str(r.player_id),
    idemKey: str(r.idem_key),
    requestHash: str(r.request_hash),
    amountFen: fenFromDb(r.amount_fen),
    channel: str(r.channel) as DepositChannel,
    appId: str(r.app_id),
    merchantId: str(r.merchant_id),
    payerOpenid: optStr(r.payer_openid),
    clientIp: str(r.client_ip),
    description: str(r.description),
    state: str(r.state) as DepositState,
    clientParams: r.client_params === null || r.client_params === undefined ? null : (JSON.parse(str(r.client_params)) as ClientParams),
    transactionId: optStr(r.transaction_id),
    creditTransferId: optStr(r.credit_transfer_id),
    providerState: optStr(r.provider_state),
    failureCode: optStr(r.failure_code),
    refundedFen: fenFromDb(r.refunded_fen),
    overLimit:
      r.limit_refund_id === null || r.limit_refund_id === undefined ? null : { code: str(r.limit_code), refundId: str(r.limit_refund_id) },
    expiresAtMs: intFromDb(r.expires_at_ms),
    paidAtMs: intOrNullFromDb(r.paid_at_ms),
    creditedAtMs: intOrNullFromDb(r.credited_at_ms),
    closedAtMs: intOrNullFromDb(r.closed_at_ms),
    nextCheckAtMs: intOrNullFromDb(r.next_check_at_ms),
    checks: intFromDb(r.checks),
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
  };
}

export interface Withdrawal {
  readonly id: string;
  readonly playerId: string;
  readonly idemKey: string;
  readonly requestHash: string;
  readonly amountFen: number;
  readonly appId: string;
  readonly merchantId: string;
  readonly openid: string;
  readonly state: WithdrawalState;
  readonly reviewReasons: readonly string[];
  readonly reviewedBy: string | null;
  readonly reviewNote: string | null;
  readonly reviewedAtMs: number | null;
  readonly holdTransferId: string;
  readonly settleTransferId: string | null;
  readonly sceneId: string;
  readonly reportInfos: readonly TransferReportInfo[];
  readonly userRecvPerception: string | null;
  readonly remark: string;
  readonly providerBillNo: string | null;
  readonly providerState: string | null;
  readonly packageInfo: string | null;
  readonly failReason: string | null;
  readonly failureCode: string | null;
  readonly providerCreatedAtMs: number | null;
  readonly providerFinishedAtMs: number | null;
  readonly submitDeadlineMs: number | null;
  readonly finishedAtMs: number | null;
  readonly nextCheckAtMs: number | null;
  readonly checks: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export const WITHDRAWAL_COLUMNS =
  'id, player_id, idem_key, request_hash, amount_fen, app_id, merchant_id, openid, state, review_reasons, reviewed_by, review_note, reviewed_at_ms, hold_transfer_id, settle_transfer_id, scene_id, report_infos, user_recv_perception, remark, provider_bill_no, provider_state, package_info, fail_reason, failure_code, provider_created_at_ms, provider_finished_at_ms, submit_deadline_ms, finished_at_ms, next_check_at_ms, checks, created_at_ms, updated_at_ms';

export function withdrawalFromRow(r: R): Withdrawal {
  return {
    id: str(r.id),
    playerId: str(r.player_id),
    idemKey: str(r.idem_key),
    requestHash: str(r.request_hash),
    amountFen: fenFromDb(r.amount_fen),
    appId: str(r.app_id),
    merchantId: str(r.merchant_id),
    openid: str(r.openid),
    state: str(r.state) as WithdrawalState,
    reviewReasons: r.review_reasons === null || r.review_reasons === undefined ? [] : (JSON.parse(str(r.review_reasons)) as string[]),
    reviewedBy: optStr(r.reviewed_by),
    reviewNote: optStr(r.review_note),
    reviewedAtMs: intOrNullFromDb(r.reviewed_at_ms),
    holdTransferId: str(r.hold_transfer_id),
    settleTransferId: optStr(r.settle_transfer_id),
    sceneId: str(r.scene_id),
    reportInfos: JSON.parse(str(r.report_infos)) as TransferReportInfo[],
    userRecvPerception: optStr(r.user_recv_perception),
    remark: str(r.remark),
    providerBillNo: optStr(r.provider_bill_no),
    providerState: optStr(r.provider_state),
    packageInfo: optStr(r.package_info),
    failReason: optStr(r.fail_reason),
    failureCode: optStr(r.failure_code),
    providerCreatedAtMs: intOrNullFromDb(r.provider_created_at_ms),
    providerFinishedAtMs: intOrNullFromDb(r.provider_finished_at_ms),
    submitDeadlineMs: intOrNullFromDb(r.submit_deadline_ms),
    finishedAtMs: intOrNullFromDb(r.finished_at_ms),
    nextCheckAtMs: intOrNullFromDb(r.next_check_at_ms),
    checks: intFromDb(r.checks),
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
  };
}

export interface Refund {
  readonly id: string;
  readonly depositId: string;
  readonly playerId: string;
  readonly operatorId: string;
  readonly idemKey: string;
  readonly requestHash: string;
  readonly amountFen: number;
  readonly reason: string;
  /** `operator`: a finance operator asked for it; `over_limit`: money that arrived over a deposit limit, sent back by itself. */
  readonly cause: RefundCause;
  readonly state: RefundState;
  readonly holdTransferId: string;
  readonly settleTransferId: string | null;
  readonly providerRefundId: string | null;
  readonly providerState: string | null;
  readonly failureCode: string | null;
  readonly providerCreatedAtMs: number | null;
  readonly succeededAtMs: number | null;
  readonly finishedAtMs: number | null;
  readonly nextCheckAtMs: number | null;
  readonly checks: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type RefundCause = 'operator' | 'over_limit';

export const REFUND_COLUMNS =
  'id, deposit_id, player_id, operator_id, idem_key, request_hash, amount_fen, reason, cause, state, hold_transfer_id, settle_transfer_id, provider_refund_id, provider_state, failure_code, provider_created_at_ms, succeeded_at_ms, finished_at_ms, next_check_at_ms, checks, created_at_ms, updated_at_ms';

export function refundFromRow(r: R): Refund {
  return {
    id: str(r.id),
    depositId: str(r.deposit_id),
    playerId: str(r.player_id),
    operatorId: str(r.operator_id),
    idemKey: str(r.idem_key),
    requestHash: str(r.request_hash),
    amountFen: fenFromDb(r.amount_fen),
    reason: str(r.reason),
    cause: r.cause === 'over_limit' ? 'over_limit' : 'operator',
    state: str(r.state) as RefundState,
    holdTransferId: str(r.hold_transfer_id),
    settleTransferId: optStr(r.settle_transfer_id),
    providerRefundId: optStr(r.provider_refund_id),
    providerState: optStr(r.provider_state),
    failureCode: optStr(r.failure_code),
    providerCreatedAtMs: intOrNullFromDb(r.provider_created_at_ms),
    succeededAtMs: intOrNullFromDb(r.succeeded_at_ms),
    finishedAtMs: intOrNullFromDb(r.finished_at_ms),
    nextCheckAtMs: intOrNullFromDb(r.next_check_at_ms),
    checks: intFromDb(r.checks),
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
  };
}

/** Our ids double as the provider's numbers: out_trade_no allows `_`, out_bill_no only letters and digits. */
export function newPaymentNo(prefix: 'D' | 'W' | 'R'): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = prefix;
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** A stable fingerprint of a request's content, to tell a replay from a different request under the same key. */
export function requestHash(value: object): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
