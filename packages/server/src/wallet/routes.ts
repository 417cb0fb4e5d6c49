// Handlers for the wallet endpoints.
import { AppError, type Clock, present } from '@fairground/core';
import type { Static } from '@sinclair/typebox';
import type { Players } from '../accounts/index.ts';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { HandlerInput } from '../http/routes.ts';
import { implement, type Implementation } from '../http/routes.ts';
import { ASSETS, type Balance, type HistoryItem, type Ledger, parseAccountId, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store } from '../storage/ports.ts';
import { type BalanceBody, type HistoryItemBody, type HistoryQuery, walletContract as c } from './contract.ts';
import { WalletErrors } from './errors.ts';

export interface WalletRouteDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly players: Players;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly analytics: Analytics;
  readonly clock: Clock;
}

/** The idempotency scope of operator adjustments in the ledger. */
export const ADJUSTMENT_SCOPE = 'admin.adjustment';

function balanceBody(asset: (typeof ASSETS)[number], b: Balance | undefined | null): Static<typeof BalanceBody> {
  return {
    asset,
    postedFen: b?.postedFen ?? 0,
    pendingDebitsFen: b?.pendingDebitsFen ?? 0,
    pendingCreditsFen: b?.pendingCreditsFen ?? 0,
    availableFen: b?.availableFen ?? 0,
  };
}

async function balancesOf(ledger: Ledger, playerId: string): Promise<Static<typeof BalanceBody>[]> {
  const byAsset = new Map((await ledger.balances('player', playerId)).map((b) => [b.asset, b]));
  return ASSETS.map((asset) => balanceBody(asset, byAsset.get(asset)));
}

/**
 * See HistoryItemBody.group. One order (a room fee and its commission, a card purchase) is one
 * group whether its parts were posted at once or held and later posted or voided; a hold without
 * an order is its own group with its post or void. `holdOrder` is the order of the hold a post or
 * void closes (closing transfers carry no metadata of their own).
 */
function historyGroup(item: HistoryItem, holdOrder: ReadonlyMap<string, string>): string | null {
  const orderId = item.metadata?.orderId;
  if (typeof orderId === 'string') return `order:${orderId}`;
  if (item.kind === 'pending') return `hold:${item.id}`;
  if (item.pendingId !== null) {
    const ofHold = holdOrder.get(item.pendingId);
    return ofHold === undefined ? `hold:${item.pendingId}` : `order:${ofHold}`;
  }
  return null;
}

/** The order of each hold the page's posts and voids close, read from the holds themselves. */
async function holdOrders(ledger: Ledger, items: readonly HistoryItem[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const i of items) {
    const orderId = i.metadata?.orderId;
    if (i.kind === 'pending' && typeof orderId === 'string') out.set(i.id, orderId);
  }
  // Holds on an older page: one read each, at most a page's worth.
  const onPage = new Set(items.map((i) => i.id));
  const missing = [...new Set(items.flatMap((i) => (i.pendingId !== null && !onPage.has(i.pendingId) ? [i.pendingId] : [])))];
  for (const id of missing) {
    const orderId = (await ledger.getTransfer(id))?.metadata?.orderId;
    if (typeof orderId === 'string') out.set(id, orderId);
  }
  return out;
}

function historyItem(item: HistoryItem, holdOrder: ReadonlyMap<string, string>): Static<typeof HistoryItemBody> {
  const other = parseAccountId(item.counterparty);
  return {
    id: item.id,
    asset: item.asset,
    direction: item.direction,
    amountFen: item.amount,
    code: item.code,
    kind: item.kind,
    pendingState: item.pendingState,
    counterparty: other.ownerKind === 'system' ? other.ownerId : other.ownerKind,
    tag: item.metadata?.overLimit === true ? 'over_limit' : null,
    group: historyGroup(item, holdOrder),
    createdAtMs: item.createdAtMs,
  };
}

async function historyOf(ledger: Ledger, playerId: string, q: Static<typeof HistoryQuery>) {
  const page = await ledger.history({
    ownerKind: 'player',
    ownerId: playerId,
    ...(q.asset !== undefined ? { asset: q.asset } : {}),
    ...(q.code !== undefined ? { code: q.code } : {}),
    ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}),
    ...(q.toMs !== undefined ? { toMs: q.toMs } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    limit: q.limit ?? 20,
  });
  const holdOrder = await holdOrders(ledger, page.items);
  return { items: page.items.map((i) => historyItem(i, holdOrder)), nextCursor: page.nextCursor };
}

function toFenOrProblem(value: string, problems: string[], label: string): number {
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n;
  problems.push(`${label} ${value} is outside the safe integer range`);
  return n > 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

// tidy: route table
export function walletRoutes(d: WalletRouteDeps): Record<keyof typeof c, Implementation> {
  return {
    balances: implement(c.balances, async ({ actor }) => ({ balances: await balancesOf(d.ledger, actor.playerId) })),
    history: implement(c.history, async ({ actor, query }) => historyOf(d.ledger, actor.playerId, query)),
    playerBalances: implement(c.playerBalances, async ({ params }) => {
      await d.players.require(params.playerId);
      return { balances: await balancesOf(d.ledger, params.playerId) };
    }),
    playerHistory: implement(c.playerHistory, async ({ params, query }) => {
      await d.players.require(params.playerId);
      return historyOf(d.ledger, params.playerId, query);
    }),
    adjustBalance: implement(
      c.adjustBalance,
      async ({ actor, params, body, request }) => {
        if (body.amountFen === 0) throw new AppError(WalletErrors.ADJUSTMENT_AMOUNT_ZERO);
        const player = await d.players.require(params.playerId);
        const account = playerAccount(player.id, body.asset);
        const house = systemAccount('adjustments', body.asset);
        const credit = body.amountFen > 0;
        // Read before the unit: a unit may only await its tx. Before/after in the audit entry are
        // therefore the balance as last committed plus this amount; the transfer id pins the exact entry.
        const beforeFen = (await d.ledger.balance(account))?.postedFen ?? 0;
        const result = await d.store.unitOfWork(
          async (tx) => {
            const r = await d.ledger.transfer(tx, {
              scope: ADJUSTMENT_SCOPE,
              key: body.idempotencyKey,
              debit: credit ? house : account,
              credit: credit ? account : house,
              asset: body.asset,
              amount: Math.abs(body.amountFen),
              code: 'adjustment',
              metadata: { reason: body.reason, operatorId: actor.operatorId },
            });
            if (r.replayed) return r;
            const transferId = present(r.transfers[0], 'a one-transfer batch returns its transfer').id;
            await d.audit.record(tx, {
              operator: { id: actor.operatorId, username: actor.username },
              action: 'wallet.adjust',
              target: { kind: 'player', id: player.id },
              reason: body.reason,
              before: { asset: body.asset, postedFen: beforeFen },
              after: { asset: body.asset, postedFen: beforeFen + body.amountFen, amountFen: body.amountFen, transferId },
              requestId: request.id,
              ip: request.ip,
            });
            await d.notifier.notify(tx, player.id, { kind: 'balance_adjusted', data: { asset: body.asset, amountFen: body.amountFen } });
            await d.analytics.append(tx, {
              kind: 'balance_adjusted',
              actor: { kind: 'operator', id: actor.operatorId },
              data: { playerId: player.id, asset: body.asset, amountFen: body.amountFen },
            });
            return r;
          },
          { label: 'wallet.adjust' },
        );
        return {
          transferId: present(result.transfers[0], 'a one-transfer batch returns its transfer').id,
          replayed: result.replayed,
          balance: balanceBody(body.asset, await d.ledger.balance(account)),
        };
      },
      {
        complianceContext: ({ params, body }: HandlerInput<typeof c.adjustBalance>) => ({
          playerId: params.playerId,
          asset: body.asset,
          amountFen: body.amountFen,
        }),
      },
    ),
    checkInvariants: implement(c.checkInvariants, async ({ actor, request }) => {
      const report = await d.ledger.checkInvariants();
      const problems = [...report.problems];
      const assets = report.assets.map((a) => ({
        asset: a.asset,
        postedSumFen: toFenOrProblem(a.postedSum, problems, `${a.asset} posted sum`),
        pendingDebitsFen: toFenOrProblem(a.pendingDebits, problems, `${a.asset} pending debits`),
        pendingCreditsFen: toFenOrProblem(a.pendingCredits, problems, `${a.asset} pending credits`),
      }));
      const checkedAtMs = d.clock.nowMs();
      await d.store.unitOfWork(
        (tx) =>
          d.audit.record(tx, {
            operator: { id: actor.operatorId, username: actor.username },
            action: 'ledger.check_invariants',
            after: {
              ok: problems.length === 0 && report.ok,
              problems: problems.length,
              transfers: report.transfers,
              chainSeq: report.chainSeq,
            },
            requestId: request.id,
            ip: request.ip,
          }),
        { label: 'ledger.checkInvariantsAudit' },
      );
      return {
        ok: report.ok && problems.length === report.problems.length,
        problems,
        accounts: report.accounts,
        transfers: report.transfers,
        assets,
        chainSeq: report.chainSeq,
        chainHash: report.chainHash,
        checkedAtMs,
      };
    }),
  };
}
