// What analytics reads of other domains' tables, in its own terms. Each owning domain exposes a
// read function over its tables: rooms/reads.ts and payments/reads.ts answer in these shapes (they
// sit above analytics), ledger/transfer-reads.ts in the ledger's own (it sits below). The
// composition root binds them, so analytics runs no SQL on tables it does not own.
import type { HandState } from '@fairground/rules';
import type { TransferReads } from '../ledger/index.ts';

/** The operator asking (accounts' `OperatorActor`): who to audit, and the roles an export needs. */
export interface OperatorRef {
  readonly operatorId: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** What the operators' spectator view reads of a room this process holds live (the rooms domain's `RoomState`). */
export interface LiveRoomState {
  readonly scores: readonly { readonly playerId: string; readonly points: number; readonly hands: number }[];
  readonly hand: {
    readonly handNumber: number;
    readonly commitment: string;
    readonly startedAtMs: number;
    readonly state: HandState;
  } | null;
}

/** A room as the operators' list shows it. */
export interface RoomListItem {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly ownerId: string;
  readonly ownerNickname: string | null;
  readonly seats: number;
  readonly rounds: number;
  readonly feeMode: string;
  readonly feePayer: string;
  readonly handsPlayed: number;
  readonly members: number;
  readonly createdAtMs: number;
  readonly endedAtMs: number | null;
  readonly endReason: string | null;
}

/** A stored hand: its sealed record (opened with the rooms domain's sealer) and hashes. */
export interface SealedHandRow {
  readonly roomId: string;
  readonly roomCode: string | null;
  readonly handNumber: number;
  readonly sealed: string;
  readonly recordHash: string;
  readonly chainHash: string;
  readonly createdAtMs: number;
}

export interface RoomTables {
  list(q: { statuses: readonly string[]; code?: string; limit: number }): Promise<RoomListItem[]>;
  room(roomId: string): Promise<RoomListItem | null>;
  members(
    roomId: string,
  ): Promise<readonly { playerId: string; nickname: string | null; role: string; seat: number | null; status: string }[]>;
  hands(
    roomId: string,
    limit: number,
  ): Promise<readonly { handNumber: number; endedAtMs: number; recordHash: string; chainHash: string }[]>;
  sealedHand(roomId: string, handNumber: number): Promise<{ sealed: string; recordHash: string } | null>;
  handsCount(fromMs: number, toMs: number): Promise<number>;
  handsAfter(toMs: number, after: { at: number; room: string; hand: number }, limit: number): Promise<readonly SealedHandRow[]>;
  ordersCount(fromMs: number, toMs: number): Promise<number>;
  orders(fromMs: number, toMs: number): Promise<readonly RoomOrderRow[]>;
  countsByStatus(): Promise<readonly { status: string; rooms: number }[]>;
}

export interface RoomOrderRow {
  readonly orderId: string;
  readonly kind: string;
  readonly roomId: string | null;
  readonly playerId: string;
  readonly mode: string;
  readonly cards: number;
  readonly points: number;
  readonly cashFen: number;
  readonly commissionFen: number;
  readonly status: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** The ledger's reads of its transfer log (the ledger sits below analytics, so its own types serve). */
export type TransferTables = TransferReads;

/** A deposit, withdrawal or refund as the order exports list it. */
export interface PaymentOrderLine {
  readonly kind: 'deposit' | 'withdrawal' | 'refund';
  readonly id: string;
  readonly playerId: string;
  readonly amountFen: number;
  readonly state: string;
  readonly providerRef: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly finishedAtMs: number | null;
  readonly detail: string | null;
}

export interface PaymentTables {
  ordersCount(fromMs: number, toMs: number): Promise<number>;
  orders(fromMs: number, toMs: number): Promise<readonly PaymentOrderLine[]>;
  /** Provider failures and disagreements since `sinceMs`, one entry per kind (0 when none). */
  providerErrorsSince(sinceMs: number): Promise<readonly { kind: string; events: number }[]>;
}

/** The read ports analytics is bound to. */
export interface AnalyticsReads {
  readonly rooms: RoomTables;
  readonly transfers: TransferTables;
  readonly payments: PaymentTables;
}
