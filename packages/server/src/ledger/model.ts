// The ledger's vocabulary: assets, account ids, transfer codes and flags.
import { AppError } from '@fairground/core';
import { LedgerErrors } from './errors.ts';

/**
 * CNY is fen. ROOM_CARD counts room cards. POINTS are platform reward points: they can pay part of a
 * fee but are never transferable between players or redeemable for money. BONUS is promotional
 * money subject to a wagering requirement before it can be withdrawn.
 */
export const ASSETS = ['CNY', 'ROOM_CARD', 'POINTS', 'BONUS'] as const;
export type Asset = (typeof ASSETS)[number];

export const TRANSFER_CODES = [
  'deposit',
  'withdrawal',
  'entry_fee',
  'prize',
  'rake',
  'room_fee',
  'room_card_purchase',
  'room_card_consume',
  'refund',
  'adjustment',
  'bonus',
  'points_grant',
  'points_redeem',
  'commission',
  'escrow',
  'skin_purchase',
  'provider_fee',
] as const;
export type TransferCode = (typeof TRANSFER_CODES)[number];

export const SYSTEM_ACCOUNTS = [
  'provider_clearing',
  'revenue',
  'escrow',
  'withdrawals_in_flight',
  'adjustments',
  'room_card_issuance',
  'points_issuance',
  'promotions',
  'refunds_in_flight',
  /** What payment providers keep as their fee (WeChat's platform fee on virtual payment), booked from their bills. */
  'provider_fees',
] as const;
export type SystemAccountName = (typeof SYSTEM_ACCOUNTS)[number];

export type AccountId = string;

/** Account flags (TigerBeetle's names). */
export const AccountFlags = {
  none: 0,
  /** No overdraft: debits (posted + pending) may never exceed posted credits. Player wallets. */
  debitsMustNotExceedCredits: 1,
  /** The mirror image: credits (posted + pending) may never exceed posted debits. */
  creditsMustNotExceedDebits: 2,
} as const;

export const TransferFlags = {
  none: 0,
  pending: 1,
  post: 2,
  void: 4,
  /** A void made by the expiry sweep rather than by the domain that created the hold. */
  expired: 8,
} as const;

const OWNER_KINDS = ['player', 'system', 'operator', 'room', 'match', 'tournament'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];
const ACCOUNT_PATTERN = /^(player|system|operator|room|match|tournament):([A-Za-z0-9_-]{1,64}):(CNY|ROOM_CARD|POINTS|BONUS)$/;

export interface ParsedAccountId {
  readonly ownerKind: OwnerKind;
  readonly ownerId: string;
  readonly asset: Asset;
}

export function parseAccountId(id: unknown): ParsedAccountId {
  const m = typeof id === 'string' ? ACCOUNT_PATTERN.exec(id) : null;
  const ownerId = m?.[2];
  if (!m || ownerId === undefined)
    throw new AppError(LedgerErrors.LEDGER_ACCOUNT_INVALID, { account: typeof id === 'string' ? id.slice(0, 80) : typeof id });
  return { ownerKind: m[1] as OwnerKind, ownerId, asset: m[3] as Asset };
}

/**
 * The asset of a well-formed account id, checked as `parseAccountId` checks it (and failing with
 * the same error) without building its parts: transfers check two ids each on the hot path.
 */
export function accountAsset(id: unknown): Asset {
  if (typeof id !== 'string' || !ACCOUNT_PATTERN.test(id)) parseAccountId(id);
  return (id as string).slice((id as string).lastIndexOf(':') + 1) as Asset;
}

export function accountId(ownerKind: OwnerKind, ownerId: string, asset: Asset): AccountId {
  const id = `${ownerKind}:${ownerId}:${asset}`;
  accountAsset(id);
  return id;
}

/** A player's wallet for one asset. Opened with no-overdraft. */
export function playerAccount(playerId: string, asset: Asset): AccountId {
  return accountId('player', playerId, asset);
}

export function systemAccount(name: SystemAccountName, asset: Asset): AccountId {
  return accountId('system', name, asset);
}

/** Default flags by owner: players (and match/tournament escrow per owner) can never go below zero. */
export function defaultFlags(ownerKind: OwnerKind): number {
  return ownerKind === 'system' ? AccountFlags.none : AccountFlags.debitsMustNotExceedCredits;
}

export function isAsset(v: unknown): v is Asset {
  return typeof v === 'string' && (ASSETS as readonly string[]).includes(v);
}

export function isTransferCode(v: unknown): v is TransferCode {
  return typeof v === 'string' && (TRANSFER_CODES as readonly string[]).includes(v);
}
