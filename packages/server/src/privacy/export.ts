// A player's own data, as one JSON document they download (PIPL Art. 45: a copy of one's personal
// information). Every section comes from the domain that keeps it, through ports bound in the
// composition root; each list is bounded (the ledger keeps every entry; the export carries the
// newest EXPORT_LEDGER_ENTRIES_MAX and says whether there were more).
import { EXPORT_LEDGER_ENTRIES_MAX, EXPORT_LEDGER_PAGE, EXPORT_RECORDS_MAX } from './limits.ts';

export interface ExportPorts {
  profile(playerId: string): Promise<unknown>;
  identities(playerId: string): Promise<unknown[]>;
  realName(playerId: string): Promise<unknown>;
  balances(playerId: string): Promise<unknown[]>;
  ledgerPage(playerId: string, cursor: string | undefined, limit: number): Promise<{ items: unknown[]; nextCursor: string | null }>;
  deposits(playerId: string, limit: number): Promise<unknown[]>;
  withdrawals(playerId: string, limit: number): Promise<unknown[]>;
  roomOrders(playerId: string, limit: number): Promise<unknown[]>;
  rooms(playerId: string): Promise<unknown[]>;
  responsiblePlay(playerId: string): Promise<unknown>;
}

export interface PlayerExport {
  readonly format: 'fairground.player-export.v1';
  readonly exportedAtMs: number;
  readonly player: unknown;
  readonly wechatIdentities: unknown[];
  readonly realName: unknown;
  readonly balances: unknown[];
  readonly ledgerEntries: unknown[];
  readonly ledgerEntriesTruncated: boolean;
  readonly deposits: unknown[];
  readonly withdrawals: unknown[];
  readonly roomOrders: unknown[];
  readonly rooms: unknown[];
  readonly responsiblePlay: unknown;
}

export async function exportPlayer(ports: ExportPorts, playerId: string, nowMs: number): Promise<PlayerExport> {
  const ledgerEntries: unknown[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (let page = 0; page * EXPORT_LEDGER_PAGE < EXPORT_LEDGER_ENTRIES_MAX; page++) {
    const r = await ports.ledgerPage(playerId, cursor, EXPORT_LEDGER_PAGE);
    ledgerEntries.push(...r.items);
    if (r.nextCursor === null) break;
    cursor = r.nextCursor;
    truncated = (page + 1) * EXPORT_LEDGER_PAGE >= EXPORT_LEDGER_ENTRIES_MAX;
  }
  const [player, wechatIdentities, realName, balances, deposits, withdrawals, roomOrders, rooms, responsiblePlay] = await Promise.all([
    ports.profile(playerId),
    ports.identities(playerId),
    ports.realName(playerId),
    ports.balances(playerId),
    ports.deposits(playerId, EXPORT_RECORDS_MAX),
    ports.withdrawals(playerId, EXPORT_RECORDS_MAX),
    ports.roomOrders(playerId, EXPORT_RECORDS_MAX),
    ports.rooms(playerId),
    ports.responsiblePlay(playerId),
  ]);
  return {
    format: 'fairground.player-export.v1',
    exportedAtMs: nowMs,
    player,
    wechatIdentities,
    realName,
    balances,
    ledgerEntries,
    ledgerEntriesTruncated: truncated,
    deposits,
    withdrawals,
    roomOrders,
    rooms,
    responsiblePlay,
  };
}
