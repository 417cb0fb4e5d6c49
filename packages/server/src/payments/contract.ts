// The payments API: player deposits, withdrawals and their limits; the console's withdrawal review
// queue, deposit refunds and reconciliation reports. Amounts are JSON integers of fen. The
// provider's notify URL is a separate raw-body route (see notify-route.ts).
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdempotencyKey, IdString, itemList, limitQuery, TimeMs } from '../http/schemas.ts';
import { LIST_PAGE_MAX, REASON_LENGTH_MAX, REASON_LENGTH_MIN } from './limits.ts';

/** An operator's reason for a money decision is bounded the same way wherever the wire carries one. */
export { REASON_LENGTH_MAX, REASON_LENGTH_MIN };
import { DEPOSIT_STATES, REFUND_STATES, WITHDRAWAL_STATES } from './model.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DepositChannelSchema = lit(['jsapi', 'h5', 'native'] as const);

export const ClientParamsBody = Type.Union([
  Type.Object({
    kind: Type.Literal('jsapi'),
    appId: Type.String(),
    timeStamp: Type.String(),
    nonceStr: Type.String(),
    package: Type.String(),
    signType: Type.String(),
    paySign: Type.String(),
  }),
  Type.Object({ kind: Type.Literal('h5'), h5Url: Type.String({ description: 'send the browser here (the cashier)' }) }),
  Type.Object({ kind: Type.Literal('native'), codeUrl: Type.String({ description: 'show as a QR code to scan in WeChat' }) }),
]);

export const DepositBody = Type.Object({
  id: Type.String(),
  amountFen: Fen({ minimum: 1 }),
  channel: DepositChannelSchema,
  state: lit(DEPOSIT_STATES),
  clientParams: Nullable(ClientParamsBody),
  expiresAtMs: TimeMs('after this the order cannot be paid'),
  createdAtMs: TimeMs(),
  paidAtMs: Nullable(TimeMs()),
  refundedFen: Fen({ minimum: 0 }),
  failureCode: Nullable(Type.String()),
  overLimit: Nullable(
    Type.Object(
      {
        code: Type.String({ description: 'the limit it broke: SELF_DEPOSIT_LIMIT, DEPOSIT_DAILY_LIMIT, PAYMENT_DAILY_LIMIT_REACHED, …' }),
        refundId: Type.String(),
      },
      { description: 'the money arrived over one of the player’s deposit limits and is refunded in full (超限退款)' },
    ),
  ),
});

export const ConfirmationBody = Type.Object({
  mchId: Type.String(),
  appId: Type.String(),
  package: Type.String({ description: 'package_info for wx.requestMerchantTransfer' }),
  openId: Type.String(),
  pageUrl: Nullable(Type.String({ description: 'the sandbox confirmation page (development only)' })),
});

export const WithdrawalBody = Type.Object({
  id: Type.String(),
  amountFen: Fen({ minimum: 1 }),
  state: lit(WITHDRAWAL_STATES),
  createdAtMs: TimeMs(),
  finishedAtMs: Nullable(TimeMs()),
  failureCode: Nullable(Type.String()),
  confirmation: Nullable(ConfirmationBody),
});

const WithdrawalLimitsBody = Type.Object({
  minFen: Fen({ minimum: 0 }),
  maxFen: Fen({ minimum: 0 }),
  dailyMaxFen: Fen({ minimum: 0 }),
  dailyCountMax: Type.Integer({ minimum: 0 }),
  usedTodayFen: Fen({ minimum: 0 }),
  countToday: Type.Integer({ minimum: 0 }),
  availableFen: Fen(),
  wageringOutstandingFen: Fen({ minimum: 0 }),
  maxNowFen: Fen({ minimum: 0, description: 'the most that can be withdrawn right now' }),
});

const LimitsBody = Type.Object({
  providerAvailable: Type.Boolean({ description: 'false while the provider is failing (new payments are paused)' }),
  channels: Type.Array(DepositChannelSchema, { description: 'deposit channels open to this player' }),
  deposit: Type.Object({
    minFen: Fen({ minimum: 0 }),
    maxFen: Fen({ minimum: 0 }),
    dailyMaxFen: Fen({ minimum: 0 }),
    usedTodayFen: Fen({ minimum: 0 }),
    leftFen: Fen({
      minimum: 0,
      description:
        'the most this player can deposit now under every limit: one order’s maximum, the platform’s daily cap, and the compliance policy’s and the player’s own day and month limits, less what they already count',
    }),
    binding: Nullable(
      Type.Object(
        { code: Type.String(), maxFen: Fen({ minimum: 0 }), usedFen: Fen({ minimum: 0 }) },
        { description: 'the limit that sets leftFen (its reason code, e.g. SELF_DEPOSIT_LIMIT), or null when one order’s maximum does' },
      ),
    ),
  }),
  withdrawal: WithdrawalLimitsBody,
});

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_PAGE_MAX })),
    beforeMs: Type.Optional(TimeMs('only items created before this')),
  },
  { additionalProperties: false },
);

export const AdminDepositBody = Type.Object({
  ...DepositBody.properties,
  playerId: Type.String(),
  transactionId: Nullable(Type.String()),
  creditTransferId: Nullable(Type.String()),
  providerState: Nullable(Type.String()),
  closedAtMs: Nullable(TimeMs()),
});

export const AdminWithdrawalBody = Type.Object({
  id: Type.String(),
  playerId: Type.String(),
  amountFen: Fen({ minimum: 1 }),
  state: lit(WITHDRAWAL_STATES),
  reviewReasons: Type.Array(Type.String()),
  reviewedBy: Nullable(Type.String()),
  reviewNote: Nullable(Type.String()),
  holdTransferId: Type.String(),
  providerBillNo: Nullable(Type.String()),
  providerState: Nullable(Type.String()),
  failureCode: Nullable(Type.String()),
  createdAtMs: TimeMs(),
  finishedAtMs: Nullable(TimeMs()),
});

/** An operator's review decision: the withdrawal after it, and whether this was a retry of a decision already made. */
const DecisionBody = Type.Composite([
  AdminWithdrawalBody,
  Type.Object({ replayed: Type.Boolean({ description: 'true when this operator already made this decision with this note' }) }),
]);

export const RefundBody = Type.Object({
  id: Type.String(),
  depositId: Type.String(),
  amountFen: Fen({ minimum: 1 }),
  reason: Type.String(),
  cause: Type.Union([Type.Literal('operator'), Type.Literal('over_limit')], {
    description: '`over_limit`: sent back by itself, the money arrived over a deposit limit (operatorId is `system`)',
  }),
  state: lit(REFUND_STATES),
  operatorId: Type.String(),
  providerState: Nullable(Type.String()),
  failureCode: Nullable(Type.String()),
  createdAtMs: TimeMs(),
  finishedAtMs: Nullable(TimeMs()),
});

const EventBody = Type.Object({ kind: Type.String(), subjectKind: Type.String(), detail: Type.Unknown(), atMs: TimeMs() });

const ReconciliationSummaryBody = Type.Record(Type.String(), Type.Integer());
const ReconciliationHead = Type.Object({
  billDate: Type.String(),
  state: lit(['clean', 'mismatches'] as const),
  summary: ReconciliationSummaryBody,
  runs: Type.Integer({ minimum: 1 }),
  runAtMs: TimeMs(),
  mismatches: Type.Integer({ minimum: 0 }),
});
const ReconciliationItemBody = Type.Object({
  kind: Type.String(),
  ref: Type.String(),
  expectedFen: Nullable(Fen()),
  actualFen: Nullable(Fen()),
  detail: Type.String(),
});
const ReconciliationReportBody = Type.Object({ ...ReconciliationHead.properties, items: Type.Array(ReconciliationItemBody) });
const BillDateParams = Type.Object({ billDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) });

const Reason = Type.String({ minLength: REASON_LENGTH_MIN, maxLength: REASON_LENGTH_MAX });
const Note = Type.String({ minLength: 0, maxLength: REASON_LENGTH_MAX });

export const paymentsContract = contract({
  paymentLimits: {
    method: 'GET',
    url: '/api/payments/limits',
    summary: 'Deposit and withdrawal limits, today’s use and what can be withdrawn now (shown before the player types an amount)',
    tags: ['payments'],
    auth: 'player',
    response: LimitsBody,
  },
  createDeposit: {
    method: 'POST',
    url: '/api/payments/deposits',
    summary:
      'Start a deposit: our order and the WeChat Pay order; answers what the client needs to pay (JSAPI parameters, cashier URL or QR text)',
    tags: ['payments'],
    auth: 'player',
    kind: 'money',
    action: 'deposit',
    example: { body: { amountFen: 5000, channel: 'h5', idempotencyKey: 'example-deposit-0001' } },
    body: Type.Object(
      { amountFen: Fen({ minimum: 1 }), channel: DepositChannelSchema, idempotencyKey: IdempotencyKey },
      { additionalProperties: false },
    ),
    response: Type.Object({ deposit: DepositBody, replayed: Type.Boolean() }),
    status: 201,
  },
  listDeposits: {
    method: 'GET',
    url: '/api/payments/deposits',
    summary: 'The signed-in player’s deposits, newest first',
    tags: ['payments'],
    auth: 'player',
    query: ListQuery,
    response: itemList(DepositBody),
  },
  getDeposit: {
    method: 'GET',
    url: '/api/payments/deposits/:depositId',
    summary: 'One of the signed-in player’s deposits (poll it after paying)',
    tags: ['payments'],
    auth: 'player',
    params: Type.Object({ depositId: IdString() }),
    response: DepositBody,
  },
  createWithdrawal: {
    method: 'POST',
    url: '/api/payments/withdrawals',
    summary:
      'Withdraw to the player’s WeChat balance: checks, a hold on the amount, maybe an operator review, then a transfer the player confirms in WeChat',
    tags: ['payments'],
    auth: 'player',
    kind: 'money',
    action: 'withdraw',
    example: { body: { amountFen: 2000, idempotencyKey: 'example-withdraw-0001' } },
    body: Type.Object({ amountFen: Fen({ minimum: 1 }), idempotencyKey: IdempotencyKey }, { additionalProperties: false }),
    response: Type.Object({ withdrawal: WithdrawalBody, replayed: Type.Boolean() }),
    status: 201,
  },
  listWithdrawals: {
    method: 'GET',
    url: '/api/payments/withdrawals',
    summary: 'The signed-in player’s withdrawals, newest first',
    tags: ['payments'],
    auth: 'player',
    query: ListQuery,
    response: itemList(WithdrawalBody),
  },
  getWithdrawal: {
    method: 'GET',
    url: '/api/payments/withdrawals/:withdrawalId',
    summary: 'One of the signed-in player’s withdrawals, with what WeChat needs to confirm receipt while it waits for the player',
    tags: ['payments'],
    auth: 'player',
    params: Type.Object({ withdrawalId: IdString() }),
    response: WithdrawalBody,
  },
  adminWithdrawals: {
    method: 'GET',
    url: '/api/admin/payments/withdrawals',
    summary: 'Withdrawals by state (state=review is the review queue, oldest first)',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['risk', 'finance', 'support', 'admin'],
    query: Type.Object(
      {
        state: Type.Optional(lit(WITHDRAWAL_STATES)),
        playerId: Type.Optional(IdString()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(AdminWithdrawalBody),
  },
  approveWithdrawal: {
    method: 'POST',
    url: '/api/admin/payments/withdrawals/:withdrawalId/approve',
    summary:
      'Approve a withdrawal waiting for review: the transfer bill is made; audited. The same operator approving again with the same note is answered with the withdrawal (`replayed`); any other request on a decided withdrawal is PAYMENT_STATE_INVALID',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['risk', 'finance', 'admin'],
    kind: 'money',
    action: 'review_withdrawal',
    example: { params: { withdrawalId: 'W0example' }, body: { note: 'checked' } },
    params: Type.Object({ withdrawalId: IdString() }),
    body: Type.Object({ note: Note }, { additionalProperties: false }),
    response: DecisionBody,
  },
  rejectWithdrawal: {
    method: 'POST',
    url: '/api/admin/payments/withdrawals/:withdrawalId/reject',
    summary:
      'Reject a withdrawal waiting for review: the hold is released to the player; audited. The same operator rejecting again with the same reason is answered with the withdrawal (`replayed`); any other request on a decided withdrawal is PAYMENT_STATE_INVALID',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['risk', 'finance', 'admin'],
    kind: 'money',
    action: 'review_withdrawal',
    example: { params: { withdrawalId: 'W0example' }, body: { reason: 'suspected account takeover' } },
    params: Type.Object({ withdrawalId: IdString() }),
    body: Type.Object({ reason: Reason }, { additionalProperties: false }),
    response: DecisionBody,
  },
  adminDeposits: {
    method: 'GET',
    url: '/api/admin/payments/deposits',
    summary: 'Deposits, newest first, by player or state',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'support', 'risk', 'admin'],
    query: Type.Object(
      {
        playerId: Type.Optional(IdString()),
        state: Type.Optional(lit(DEPOSIT_STATES)),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(AdminDepositBody),
  },
  adminDeposit: {
    method: 'GET',
    url: '/api/admin/payments/deposits/:depositId',
    summary: 'One deposit with its refunds and every step it went through',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'support', 'risk', 'admin'],
    params: Type.Object({ depositId: IdString() }),
    response: Type.Object({ deposit: AdminDepositBody, refunds: Type.Array(RefundBody), events: Type.Array(EventBody) }),
  },
  createRefund: {
    method: 'POST',
    url: '/api/admin/payments/deposits/:depositId/refunds',
    summary: 'Refund (part of) a paid deposit to the payer: the amount is held in the wallet, refunded by WeChat Pay, then posted; audited',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    kind: 'money',
    action: 'refund_deposit',
    example: {
      params: { depositId: 'D0example' },
      body: { amountFen: 100, reason: 'paid twice by mistake', idempotencyKey: 'example-refund-0001' },
    },
    params: Type.Object({ depositId: IdString() }),
    body: Type.Object({ amountFen: Fen({ minimum: 1 }), reason: Reason, idempotencyKey: IdempotencyKey }, { additionalProperties: false }),
    response: Type.Object({ refund: RefundBody, replayed: Type.Boolean() }),
    status: 201,
  },
  adminRefunds: {
    method: 'GET',
    url: '/api/admin/payments/refunds',
    summary: 'Refunds, newest first',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'support', 'admin'],
    query: Type.Object(
      { state: Type.Optional(lit(REFUND_STATES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_PAGE_MAX })) },
      { additionalProperties: false },
    ),
    response: itemList(RefundBody),
  },
  reconciliations: {
    method: 'GET',
    url: '/api/admin/payments/reconciliations',
    summary: 'Daily reconciliation reports, newest day first',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    query: limitQuery(LIST_PAGE_MAX),
    response: itemList(ReconciliationHead),
  },
  reconciliation: {
    method: 'GET',
    url: '/api/admin/payments/reconciliations/:billDate',
    summary: 'One day’s reconciliation report with every mismatch',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    params: BillDateParams,
    response: ReconciliationReportBody,
  },
  runReconciliation: {
    method: 'POST',
    url: '/api/admin/payments/reconciliations/:billDate/run',
    summary: 'Download that day’s trade and fund-flow bills and reconcile them now (replaces the day’s report); audited',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    params: BillDateParams,
    response: ReconciliationReportBody,
  },
  paymentsStatus: {
    method: 'GET',
    url: '/api/admin/payments/status',
    summary: 'The provider, its circuit breaker, pending provider calls and the configured limits and transfer scene',
    tags: ['admin', 'payments'],
    auth: 'operator',
    roles: ['finance', 'risk', 'support', 'admin'],
    response: Type.Object({
      provider: Nullable(Type.String()),
      merchantId: Nullable(Type.String()),
      appId: Nullable(Type.String()),
      breaker: lit(['closed', 'open', 'half_open'] as const),
      breakerRetryAtMs: Nullable(TimeMs()),
      outboxPending: Type.Integer({ minimum: 0 }),
      reviewQueue: Type.Integer({ minimum: 0 }),
      settings: Type.Object({
        depositMinFen: Fen(),
        depositMaxFen: Fen(),
        depositDailyMaxFen: Fen(),
        withdrawalMinFen: Fen(),
        withdrawalMaxFen: Fen(),
        withdrawalDailyMaxFen: Fen(),
        withdrawalDailyCountMax: Type.Integer(),
        withdrawalReviewFromFen: Fen(),
        transferSceneId: Type.String(),
        transferReportInfos: Type.Array(Type.Object({ infoType: Type.String(), infoContent: Type.String() })),
        userRecvPerception: Nullable(Type.String()),
      }),
    }),
  },
});
