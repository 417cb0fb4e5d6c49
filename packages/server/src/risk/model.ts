// The risk domain's records (signals, restrictions, cases, complaints), their rows, and what its
// parts share: the options the composition root passes and each part's siblings.
import type { Clock } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import { type ComplianceAction, PLAYER_ACTIONS } from '../compliance/index.ts';
import type { HistoryItem, Ledger } from '../ledger/index.ts';
import type { RoomRiskSignal } from '../rooms/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { Cases } from './cases.ts';
import type { Complaints } from './complaints.ts';
import type { RiskConfig, SignalKind } from './config.ts';
import type { Credit } from './credit.ts';
import { EVIDENCE_BYTES_MAX } from './limits.ts';
import type { WithdrawalReviews } from './ports.ts';
import type { Restrictions } from './restrictions.ts';
import type { RoomHands } from './room-hands.ts';
import type { RiskSignals } from './signals.ts';

/** What a restriction blocks when an operator does not list actions: money out and play. */
export const RESTRICT_DEFAULT_ACTIONS: readonly ComplianceAction[] = [
  'withdraw',
  'create_room',
  'join_room',
  'start_paid_session',
  'enter_tournament',
];
/**
 * A ban blocks every money and play action a player takes (compliance's list), buying a skin
 * included: the balance stays frozen until an operator lifts the ban, and a skin is bought with it.
 */
export const BAN_ACTIONS: readonly ComplianceAction[] = PLAYER_ACTIONS;
/** Ledger codes that count as play when measuring deposits played through. */
export const PLAY_CODES = new Set(['entry_fee', 'room_fee', 'room_card_purchase', 'escrow']);

export type CaseKind = 'withdrawal' | 'signal' | 'complaint';
export type CaseStatus = 'open' | 'approved' | 'rejected' | 'closed';
export type CaseAction = 'approve' | 'reject' | 'restrict' | 'ban' | 'note' | 'close';

export interface Signal {
  readonly id: string;
  readonly playerId: string;
  readonly kind: SignalKind;
  readonly value: number;
  readonly subject: { readonly kind: string; readonly id: string } | null;
  readonly evidence: unknown;
  readonly createdAtMs: number;
}

export interface ScoreView {
  readonly score: number;
  readonly decision: 'allow' | 'review' | 'block';
  readonly signals: readonly (Signal & { readonly weight: number })[];
}

export interface Restriction {
  readonly id: string;
  readonly playerId: string;
  readonly kind: 'restrict' | 'ban';
  readonly actions: readonly ComplianceAction[];
  readonly reason: string;
  readonly caseId: string | null;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly untilMs: number | null;
}

export interface CaseSummary {
  readonly id: string;
  readonly playerId: string;
  readonly kind: CaseKind;
  readonly status: CaseStatus;
  readonly score: number;
  readonly amountFen: number | null;
  readonly summary: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly decidedBy: string | null;
}

export interface CaseEvent {
  readonly id: string;
  readonly actorKind: string;
  readonly actorName: string;
  readonly action: string;
  readonly note: string | null;
  readonly data: unknown;
  readonly atMs: number;
}

export interface CaseDetail extends CaseSummary {
  readonly evidence: unknown;
  readonly events: readonly CaseEvent[];
  readonly signals: readonly Signal[];
  readonly transfers: readonly HistoryItem[];
  readonly complaints: readonly Complaint[];
  readonly restrictions: readonly Restriction[];
  readonly credit: number;
}

export interface Complaint {
  readonly id: string;
  readonly reporterId: string;
  readonly targetPlayerId: string | null;
  readonly roomId: string | null;
  readonly reason: string;
  readonly text: string;
  readonly status: 'open' | 'upheld' | 'dismissed';
  readonly resolutionNote: string | null;
  readonly handledBy: string | null;
  readonly createdAtMs: number;
  readonly handledAtMs: number | null;
}

/** The signals rooms send: the rooms domain's port type, so the two can never drift apart. */
export type RoomSignal = RoomRiskSignal;

/** What the risk domain's policy can do to a live room (the rooms domain, bound by the composition root). */
export interface RoomControl {
  /** Dissolves the room; 'not_live' when it already ended. Throws when it could not. */
  dissolveForFairPlay(roomId: string): Promise<'dissolved' | 'not_live'>;
}

export interface RiskOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: RiskConfig;
  readonly ledger: Pick<Ledger, 'history'>;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  /** The address a player's latest request came from (compliance keeps it). */
  readonly addressOf: (playerId: string) => string | null;
  /** Withdrawals waiting for review in the payments domain: a withdrawal case's approve and reject decide them. */
  readonly withdrawals: WithdrawalReviews;
  /** Live rooms the policy may dissolve (colluders at one table). */
  readonly rooms: RoomControl;
}

export function evidenceJson(value: unknown): string {
  const text = JSON.stringify(value ?? {});
  if (text.length > EVIDENCE_BYTES_MAX) return JSON.stringify({ truncated: true, head: text.slice(0, EVIDENCE_BYTES_MAX - 100) });
  return text;
}

export type Row = Record<string, unknown>;

export function toSignal(r: Row): Signal {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind as SignalKind,
    value: intFromDb(r.value),
    subject: r.subject_kind ? { kind: r.subject_kind as string, id: r.subject_id as string } : null,
    evidence: JSON.parse(r.evidence as string) as unknown,
    createdAtMs: intFromDb(r.created_at_ms),
  };
}

export function toCase(r: Row): CaseSummary {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind as CaseKind,
    status: r.status as CaseStatus,
    score: intFromDb(r.score),
    amountFen: intOrNullFromDb(r.amount_fen),
    summary: r.summary as string,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    decidedBy: (r.decided_by as string | null) ?? null,
  };
}

export function toRestriction(r: Row): Restriction {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind === 'ban' ? 'ban' : 'restrict',
    actions: JSON.parse(r.actions as string) as ComplianceAction[],
    reason: r.reason as string,
    caseId: (r.case_id as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAtMs: intFromDb(r.created_at_ms),
    untilMs: intOrNullFromDb(r.until_ms),
  };
}

export function toComplaint(r: Row): Complaint {
  return {
    id: r.id as string,
    reporterId: r.reporter_id as string,
    targetPlayerId: (r.target_player_id as string | null) ?? null,
    roomId: (r.room_id as string | null) ?? null,
    reason: r.reason as string,
    text: r.text as string,
    status: r.status as Complaint['status'],
    resolutionNote: (r.resolution_note as string | null) ?? null,
    handledBy: (r.handled_by as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    handledAtMs: intOrNullFromDb(r.handled_at_ms),
  };
}

export const SYSTEM = { kind: 'system', id: null, name: 'risk-engine' } as const;
/** The parts of the risk domain, each reachable from the others (bound once by `Risk`). */
export interface RiskParts {
  readonly signals: RiskSignals;
  readonly restrictions: Restrictions;
  readonly cases: Cases;
  readonly credit: Credit;
  readonly complaints: Complaints;
  readonly hands: RoomHands;
}
