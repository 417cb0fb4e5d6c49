// Handlers of the payments endpoints: thin — they check ownership, call the domain and shape the
// answer. Compliance has already run (the route declarations name their actions).
import { AppError } from '@fairground/core';
import type { Static } from '@sinclair/typebox';
import { type HandlerInput, implement, type Implementation } from '../http/routes.ts';
import type { PaymentsEngine } from './engine.ts';
import {
  type AdminDepositBody,
  type AdminWithdrawalBody,
  type DepositBody,
  paymentsContract as c,
  type RefundBody,
  type WithdrawalBody,
} from './contract.ts';
import { PaymentsErrors } from './errors.ts';
import type { Deposit, Refund, Withdrawal } from './model.ts';
import type { DepositChannel } from './ports.ts';

function depositBody(d: Deposit): Static<typeof DepositBody> {
  return {
    id: d.id,
    amountFen: d.amountFen,
    channel: d.channel,
    state: d.state,
    // Payment parameters are only useful while the order can be paid.
    clientParams: d.state === 'open' ? d.clientParams : null,
    expiresAtMs: d.expiresAtMs,
    createdAtMs: d.createdAtMs,
    paidAtMs: d.paidAtMs,
    refundedFen: d.refundedFen,
    failureCode: d.failureCode,
    overLimit: d.overLimit === null ? null : { ...d.overLimit },
  };
}

function adminDepositBody(d: Deposit): Static<typeof AdminDepositBody> {
  return {
    ...depositBody(d),
    playerId: d.playerId,
    transactionId: d.transactionId,
    creditTransferId: d.creditTransferId,
    providerState: d.providerState,
    closedAtMs: d.closedAtMs,
  };
}

function adminWithdrawalBody(w: Withdrawal): Static<typeof AdminWithdrawalBody> {
  return {
    id: w.id,
    playerId: w.playerId,
    amountFen: w.amountFen,
    state: w.state,
    reviewReasons: [...w.reviewReasons],
    reviewedBy: w.reviewedBy,
    reviewNote: w.reviewNote,
    holdTransferId: w.holdTransferId,
    providerBillNo: w.providerBillNo,
    providerState: w.providerState,
    failureCode: w.failureCode,
    createdAtMs: w.createdAtMs,
    finishedAtMs: w.finishedAtMs,
  };
}

function refundBody(r: Refund): Static<typeof RefundBody> {
  return {
    id: r.id,
    depositId: r.depositId,
    amountFen: r.amountFen,
    reason: r.reason,
    cause: r.cause,
    state: r.state,
    operatorId: r.operatorId,
    providerState: r.providerState,
    failureCode: r.failureCode,
    createdAtMs: r.createdAtMs,
    finishedAtMs: r.finishedAtMs,
  };
}

// tidy: route table
export function paymentsRoutes(e: PaymentsEngine): Record<keyof typeof c, Implementation> {
  const withdrawalBody = (w: Withdrawal): Static<typeof WithdrawalBody> => {
    const confirmation =
      w.state === 'awaiting_confirmation' && w.packageInfo !== null && e.ctx.hasProvider
        ? e.ctx.provider().transferConfirmation(w.packageInfo, w.openid)
        : null;
    return {
      id: w.id,
      amountFen: w.amountFen,
      state: w.state,
      createdAtMs: w.createdAtMs,
      finishedAtMs: w.finishedAtMs,
      failureCode: w.failureCode,
      confirmation: confirmation === null ? null : { ...confirmation, pageUrl: confirmation.pageUrl ?? null },
    };
  };
  const ownDeposit = async (playerId: string, id: string) => {
    const d = await e.deposits.get(id);
    if (d === null || d.playerId !== playerId) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND);
    return d;
  };
  const meta = (
    input: HandlerInput<typeof c.approveWithdrawal> | HandlerInput<typeof c.rejectWithdrawal> | HandlerInput<typeof c.createRefund>,
  ) => ({
    requestId: input.request.id,
    ip: input.request.ip,
  });

  return {
    paymentLimits: implement(c.paymentLimits, async ({ actor }) => {
      const withdrawal = await e.withdrawals.limits(actor.playerId);
      const s = e.ctx.settings;
      const channels: DepositChannel[] = ['h5', 'native'];
      if (e.ctx.hasProvider && (await e.ctx.openidOf(actor.playerId, e.ctx.provider().appId)) !== null) channels.unshift('jsapi');
      return {
        providerAvailable: e.ctx.hasProvider && e.ctx.breaker.state !== 'open',
        channels,
        deposit: {
          minFen: s.depositMinFen,
          maxFen: s.depositMaxFen,
          dailyMaxFen: s.depositDailyMaxFen,
          usedTodayFen: await e.deposits.usedTodayFen(actor.playerId),
          ...(await e.deposits.headroom(actor.playerId)),
        },
        withdrawal,
      };
    }),
    createDeposit: implement(
      c.createDeposit,
      async ({ actor, body, request }) => {
        const { deposit, replayed } = await e.deposits.create({
          playerId: actor.playerId,
          amountFen: body.amountFen,
          channel: body.channel,
          idempotencyKey: body.idempotencyKey,
          clientIp: request.ip,
        });
        return { deposit: depositBody(deposit), replayed };
      },
      { complianceContext: ({ body }) => ({ amountFen: body.amountFen, channel: body.channel }) },
    ),
    listDeposits: implement(c.listDeposits, async ({ actor, query }) => ({
      items: (
        await e.deposits.list({
          playerId: actor.playerId,
          limit: query.limit ?? 20,
          ...(query.beforeMs !== undefined ? { beforeMs: query.beforeMs } : {}),
        })
      ).map(depositBody),
    })),
    getDeposit: implement(c.getDeposit, async ({ actor, params }) => depositBody(await ownDeposit(actor.playerId, params.depositId))),
    createWithdrawal: implement(
      c.createWithdrawal,
      async ({ actor, body }) => {
        const { withdrawal, replayed } = await e.withdrawals.create({
          playerId: actor.playerId,
          amountFen: body.amountFen,
          idempotencyKey: body.idempotencyKey,
        });
        return { withdrawal: withdrawalBody(withdrawal), replayed };
      },
      { complianceContext: ({ body }) => ({ amountFen: body.amountFen }) },
    ),
    listWithdrawals: implement(c.listWithdrawals, async ({ actor, query }) => ({
      items: (
        await e.withdrawals.list({
          playerId: actor.playerId,
          limit: query.limit ?? 20,
          ...(query.beforeMs !== undefined ? { beforeMs: query.beforeMs } : {}),
        })
      ).map(withdrawalBody),
    })),
    getWithdrawal: implement(c.getWithdrawal, async ({ actor, params }) => {
      const w = await e.withdrawals.get(params.withdrawalId);
      if (w === null || w.playerId !== actor.playerId) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND);
      return withdrawalBody(w);
    }),
    adminWithdrawals: implement(c.adminWithdrawals, async ({ query }) => ({
      items: (
        await e.withdrawals.list({
          ...(query.state !== undefined ? { state: query.state } : {}),
          ...(query.playerId !== undefined ? { playerId: query.playerId } : {}),
          limit: query.limit ?? 50,
          oldestFirst: query.state === 'review',
        })
      ).map(adminWithdrawalBody),
    })),
    approveWithdrawal: implement(
      c.approveWithdrawal,
      async (input) => {
        const r = await e.withdrawals.approve(input.actor, input.params.withdrawalId, input.body.note, meta(input));
        return { ...adminWithdrawalBody(r.withdrawal), replayed: r.replayed };
      },
      { complianceContext: ({ params }) => ({ withdrawalId: params.withdrawalId, decision: 'approve' }) },
    ),
    rejectWithdrawal: implement(
      c.rejectWithdrawal,
      async (input) => {
        const r = await e.withdrawals.reject(input.actor, input.params.withdrawalId, input.body.reason, meta(input));
        return { ...adminWithdrawalBody(r.withdrawal), replayed: r.replayed };
      },
      { complianceContext: ({ params }) => ({ withdrawalId: params.withdrawalId, decision: 'reject' }) },
    ),
    adminDeposits: implement(c.adminDeposits, async ({ query }) => ({
      items: (
        await e.deposits.list({
          ...(query.playerId !== undefined ? { playerId: query.playerId } : {}),
          ...(query.state !== undefined ? { state: query.state } : {}),
          limit: query.limit ?? 50,
        })
      ).map(adminDepositBody),
    })),
    adminDeposit: implement(c.adminDeposit, async ({ params }) => {
      const d = await e.deposits.get(params.depositId);
      if (d === null) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND);
      const refunds = await e.refunds.forDeposit(d.id);
      return {
        deposit: adminDepositBody(d),
        refunds: refunds.map(refundBody),
        events: await e.events([d.id, ...refunds.map((r) => r.id)]),
      };
    }),
    createRefund: implement(
      c.createRefund,
      async (input) => {
        const { refund, replayed } = await e.refunds.create(input.actor, input.params.depositId, input.body, meta(input));
        return { refund: refundBody(refund), replayed };
      },
      { complianceContext: ({ params, body }) => ({ depositId: params.depositId, amountFen: body.amountFen }) },
    ),
    adminRefunds: implement(c.adminRefunds, async ({ query }) => ({
      items: (await e.refunds.list({ ...(query.state !== undefined ? { state: query.state } : {}), limit: query.limit ?? 50 })).map(
        refundBody,
      ),
    })),
    reconciliations: implement(c.reconciliations, async ({ query }) => ({
      items: (await e.reconciler.list(query.limit ?? 30)).map((r) => ({ ...r, summary: { ...r.summary } })),
    })),
    reconciliation: implement(c.reconciliation, async ({ params }) => {
      const r = await e.reconciler.report(params.billDate);
      if (r === null) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND, { billDate: params.billDate });
      return { ...r, summary: { ...r.summary }, items: [...r.items] };
    }),
    runReconciliation: implement(c.runReconciliation, async ({ actor, params, request }) => {
      const r = await e.reconciler.reconcileDay(params.billDate);
      await e.ctx.store.unitOfWork((tx) =>
        e.ctx.audit.record(tx, {
          operator: { id: actor.operatorId, username: actor.username },
          action: 'payments.reconcile',
          target: { kind: 'bill_date', id: params.billDate },
          after: { state: r.state, mismatches: r.items.length, runs: r.runs },
          requestId: request.id,
          ip: request.ip,
        }),
      );
      return { ...r, summary: { ...r.summary }, items: [...r.items] };
    }),
    paymentsStatus: implement(c.paymentsStatus, async () => {
      const s = e.ctx.settings;
      const provider = e.ctx.hasProvider ? e.ctx.provider() : null;
      const review = await e.ctx.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM payment_withdrawals WHERE state = 'review'`);
      return {
        provider: provider?.name ?? null,
        merchantId: provider?.merchantId ?? null,
        appId: provider?.appId ?? null,
        breaker: e.ctx.breaker.state,
        breakerRetryAtMs: e.ctx.breaker.retryAtMs,
        outboxPending: await e.outbox.pendingCount(),
        reviewQueue: Number(review[0]?.n ?? 0),
        settings: {
          depositMinFen: s.depositMinFen,
          depositMaxFen: s.depositMaxFen,
          depositDailyMaxFen: s.depositDailyMaxFen,
          withdrawalMinFen: s.withdrawalMinFen,
          withdrawalMaxFen: s.withdrawalMaxFen,
          withdrawalDailyMaxFen: s.withdrawalDailyMaxFen,
          withdrawalDailyCountMax: s.withdrawalDailyCountMax,
          withdrawalReviewFromFen: s.withdrawalReviewFromFen,
          transferSceneId: s.transfer.sceneId,
          transferReportInfos: s.transfer.reportInfos.map((i) => ({ ...i })),
          userRecvPerception: s.transfer.userRecvPerception ?? null,
        },
      };
    }),
  };
}
