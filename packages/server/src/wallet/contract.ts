// Wallet endpoints: a player's balances and history; an operator's view of them, balance
// adjustments and the ledger's invariant check. Every amount is a JSON integer of minor units
// (fen for CNY and BONUS, a count for ROOM_CARD and POINTS).
import { Type } from '@sinclair/typebox';
import { ASSETS, TRANSFER_CODES } from '../ledger/index.ts';
import { contract } from '../http/endpoint.ts';
import { Fen, IdempotencyKey, IdString, pagedList, TimeMs } from '../http/schemas.ts';
import { ADJUSTMENT_FEN_MAX, HISTORY_PAGE_MAX, REASON_LENGTH_MAX, REASON_LENGTH_MIN } from './limits.ts';

export const AssetSchema = Type.Union(ASSETS.map((a) => Type.Literal(a)));
export const TransferCodeSchema = Type.Union(TRANSFER_CODES.map((c) => Type.Literal(c)));

export const BalanceBody = Type.Object({
  asset: AssetSchema,
  postedFen: Fen({ description: 'settled balance' }),
  pendingDebitsFen: Fen({ minimum: 0, description: 'held for outgoing transfers not yet settled' }),
  pendingCreditsFen: Fen({ minimum: 0, description: 'incoming, not yet settled' }),
  availableFen: Fen({ description: 'what can be spent now: posted minus pending debits' }),
});

export const HistoryItemBody = Type.Object({
  id: Type.String(),
  asset: AssetSchema,
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  amountFen: Fen({ minimum: 1 }),
  code: TransferCodeSchema,
  kind: Type.Union([Type.Literal('posted'), Type.Literal('pending'), Type.Literal('post'), Type.Literal('void'), Type.Literal('expired')]),
  pendingState: Type.Union([Type.Literal('open'), Type.Literal('posted'), Type.Literal('voided'), Type.Literal('expired'), Type.Null()]),
  /** The other side, by role only (`adjustments`, `provider_clearing`, `player`): never another player's id. */
  counterparty: Type.String(),
  /** Why the platform moved this by itself: `over_limit` on a deposit that arrived over a deposit limit and its refund (超限退款). */
  tag: Type.Union([Type.Literal('over_limit'), Type.Null()]),
  /**
   * Lines with the same group are one event for the player: a hold and the post or void that
   * settled it (`hold:<pending id>`), or the transfers of one order (`order:<id>`: a room fee and
   * its commission — held, then posted or voided, all of it one group — a room-card purchase's cash
   * and cards). Null: a line of its own.
   */
  group: Type.Union([Type.String(), Type.Null()]),
  createdAtMs: TimeMs(),
});

export const HistoryQuery = Type.Object(
  {
    asset: Type.Optional(AssetSchema),
    code: Type.Optional(TransferCodeSchema),
    fromMs: Type.Optional(TimeMs('inclusive')),
    toMs: Type.Optional(TimeMs('exclusive')),
    cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX })),
  },
  { additionalProperties: false },
);

const HistoryPage = pagedList(HistoryItemBody);
const PlayerParams = Type.Object({ playerId: IdString() });

export const InvariantReportBody = Type.Object({
  ok: Type.Boolean(),
  problems: Type.Array(Type.String()),
  accounts: Type.Integer({ minimum: 0 }),
  transfers: Type.Integer({ minimum: 0 }),
  assets: Type.Array(Type.Object({ asset: AssetSchema, postedSumFen: Fen(), pendingDebitsFen: Fen(), pendingCreditsFen: Fen() })),
  chainSeq: Type.Integer({ minimum: 0 }),
  chainHash: Type.String(),
  checkedAtMs: TimeMs(),
});

export const walletContract = contract({
  balances: {
    method: 'GET',
    url: '/api/wallet/balances',
    summary: 'The signed-in player’s balance of every asset',
    tags: ['wallet'],
    auth: 'player',
    response: Type.Object({ balances: Type.Array(BalanceBody) }),
  },
  history: {
    method: 'GET',
    url: '/api/wallet/history',
    summary: 'The signed-in player’s transfers, newest first, filtered by asset, code and time',
    tags: ['wallet'],
    auth: 'player',
    query: HistoryQuery,
    response: HistoryPage,
  },
  playerBalances: {
    method: 'GET',
    url: '/api/admin/players/:playerId/balances',
    summary: 'A player’s balances (operators)',
    tags: ['admin', 'wallet'],
    auth: 'operator',
    roles: ['support', 'risk', 'finance', 'admin'],
    params: PlayerParams,
    response: Type.Object({ balances: Type.Array(BalanceBody) }),
  },
  playerHistory: {
    method: 'GET',
    url: '/api/admin/players/:playerId/history',
    summary: 'A player’s transfers (operators)',
    tags: ['admin', 'wallet'],
    auth: 'operator',
    roles: ['support', 'risk', 'finance', 'admin'],
    params: PlayerParams,
    query: HistoryQuery,
    response: HistoryPage,
  },
  adjustBalance: {
    method: 'POST',
    url: '/api/admin/players/:playerId/adjustments',
    summary: 'Credit (positive) or debit (negative) a player’s balance with a reason; audited, idempotent by key',
    tags: ['admin', 'wallet'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    kind: 'money',
    action: 'adjust_balance',
    example: {
      params: { playerId: 'p_example' },
      body: { asset: 'CNY', amountFen: 100, reason: 'goodwill credit for a failed match', idempotencyKey: 'example-adjust-0001' },
    },
    params: PlayerParams,
    body: Type.Object(
      {
        asset: AssetSchema,
        amountFen: Fen({ minimum: -ADJUSTMENT_FEN_MAX, maximum: ADJUSTMENT_FEN_MAX, description: 'non-zero; positive credits the player' }),
        reason: Type.String({ minLength: REASON_LENGTH_MIN, maxLength: REASON_LENGTH_MAX }),
        idempotencyKey: IdempotencyKey,
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ transferId: Type.String(), replayed: Type.Boolean(), balance: BalanceBody }),
    status: 201,
  },
  checkInvariants: {
    method: 'POST',
    url: '/api/admin/ledger/invariants',
    summary: 'Run the ledger invariant check (every asset sums to zero, no account breaks its limit, the hash chain verifies)',
    tags: ['admin', 'ledger'],
    auth: 'operator',
    roles: ['finance', 'risk', 'admin'],
    response: InvariantReportBody,
  },
});
