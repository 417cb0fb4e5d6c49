// Rows of the sessions domain as typed records, converted once where they are read.
import { checkSkillConfig, type SkillCommand, type SkillConfig, type SkillEndReason } from '@fairground/rules';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { TieRule } from './catalogue.ts';
import type { SignalSummary } from './signals.ts';

export type SessionMode = 'practice' | 'match' | 'tournament';
/** `abandoned` and `timed_out` forfeit a paid game; `cancelled` belongs to a cancelled tournament. */
export type SessionStatus = 'active' | 'finished' | 'abandoned' | 'timed_out' | 'cancelled';
/** `held`: both sessions ended, but the settlement waits for an operator (linked opponents, a copied log). */
export type MatchStatus = 'open' | 'matched' | 'held' | 'settled' | 'refunded';
/** `voided`: an operator refunded a held match (no contest between linked accounts or copied play). */
export type MatchOutcome = 'host_won' | 'challenger_won' | 'tie_split' | 'tie_refund' | 'both_forfeit' | 'no_opponent' | 'voided';
export type TournamentStatus = 'open' | 'running' | 'settled' | 'cancelled';
export type EntryStatus = 'entered' | 'playing' | 'played' | 'forfeited' | 'paid' | 'refunded';

export interface SessionRow {
  readonly id: string;
  readonly playerId: string;
  readonly game: string;
  readonly mode: SessionMode;
  readonly matchId: string | null;
  readonly tournamentId: string | null;
  readonly seedHex: string;
  readonly commitment: string;
  readonly config: SkillConfig;
  readonly status: SessionStatus;
  readonly endReason: SkillEndReason | null;
  readonly startedAtMs: number;
  readonly deadlineAtMs: number;
  readonly endedAtMs: number | null;
  readonly score: number;
  readonly moves: number;
  readonly nextSeq: number;
  readonly lastAtMs: number;
  readonly refillIndex: number;
  readonly stateHash: string;
  readonly logDigest: string;
  readonly claimedScore: number | null;
  readonly flagged: boolean;
  readonly signals: SignalSummary | null;
}

export const SESSION_COLUMNS =
  'id, player_id, game, mode, match_id, tournament_id, seed_hex, commitment, config, status, end_reason, started_at_ms, deadline_at_ms, ended_at_ms, score, moves, next_seq, last_at_ms, refill_index, state_hash, log_digest, claimed_score, flagged, signals';

export function sessionFromDb(r: Record<string, unknown>): SessionRow {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    game: r.game as string,
    mode: r.mode as SessionMode,
    matchId: (r.match_id as string | null) ?? null,
    tournamentId: (r.tournament_id as string | null) ?? null,
    seedHex: r.seed_hex as string,
    commitment: r.commitment as string,
    config: checkSkillConfig(JSON.parse(r.config as string)),
    status: r.status as SessionStatus,
    endReason: (r.end_reason as SkillEndReason | null) ?? null,
    startedAtMs: intFromDb(r.started_at_ms),
    deadlineAtMs: intFromDb(r.deadline_at_ms),
    endedAtMs: intOrNullFromDb(r.ended_at_ms),
    score: intFromDb(r.score),
    moves: intFromDb(r.moves),
    nextSeq: intFromDb(r.next_seq),
    lastAtMs: intFromDb(r.last_at_ms),
    refillIndex: intFromDb(r.refill_index),
    stateHash: r.state_hash as string,
    logDigest: r.log_digest as string,
    claimedScore: intOrNullFromDb(r.claimed_score),
    flagged: intFromDb(r.flagged) === 1,
    signals: r.signals ? (JSON.parse(r.signals as string) as SignalSummary) : null,
  };
}

export interface CommandRow extends SkillCommand {
  readonly receivedAtMs: number;
}

export function commandFromDb(r: Record<string, unknown>): CommandRow {
  return {
    seq: intFromDb(r.seq),
    atMs: intFromDb(r.at_ms),
    receivedAtMs: intFromDb(r.received_at_ms),
    move: { from: intFromDb(r.from_cell), to: intFromDb(r.to_cell) },
  };
}

export interface MatchRow {
  readonly id: string;
  readonly game: string;
  readonly entryFeeFen: number;
  readonly rakeBps: number;
  readonly tieRule: TieRule;
  readonly seedHex: string;
  readonly commitment: string;
  readonly config: SkillConfig;
  readonly status: MatchStatus;
  readonly outcome: MatchOutcome | null;
  readonly hostPlayerId: string;
  readonly hostSessionId: string;
  readonly hostHoldId: string;
  readonly hostRating: number;
  readonly challengerPlayerId: string | null;
  readonly challengerSessionId: string | null;
  readonly challengerHoldId: string | null;
  readonly winnerPlayerId: string | null;
  readonly rakeFen: number | null;
  readonly createdAtMs: number;
  readonly matchedAtMs: number | null;
  readonly expiresAtMs: number;
  readonly closedAtMs: number | null;
}

export function matchFromDb(r: Record<string, unknown>): MatchRow {
  return {
    id: r.id as string,
    game: r.game as string,
    entryFeeFen: intFromDb(r.entry_fee_fen),
    rakeBps: intFromDb(r.rake_bps),
    tieRule: r.tie_rule as TieRule,
    seedHex: r.seed_hex as string,
    commitment: r.commitment as string,
    config: checkSkillConfig(JSON.parse(r.config as string)),
    status: r.status as MatchStatus,
    outcome: (r.outcome as MatchOutcome | null) ?? null,
    hostPlayerId: r.host_player_id as string,
    hostSessionId: r.host_session_id as string,
    hostHoldId: r.host_hold_id as string,
    hostRating: intFromDb(r.host_rating),
    challengerPlayerId: (r.challenger_player_id as string | null) ?? null,
    challengerSessionId: (r.challenger_session_id as string | null) ?? null,
    challengerHoldId: (r.challenger_hold_id as string | null) ?? null,
    winnerPlayerId: (r.winner_player_id as string | null) ?? null,
    rakeFen: intOrNullFromDb(r.rake_fen),
    createdAtMs: intFromDb(r.created_at_ms),
    matchedAtMs: intOrNullFromDb(r.matched_at_ms),
    expiresAtMs: intFromDb(r.expires_at_ms),
    closedAtMs: intOrNullFromDb(r.closed_at_ms),
  };
}

export interface TournamentRow {
  readonly id: string;
  readonly game: string;
  readonly title: string;
  readonly entryFeeFen: number;
  readonly rakeBps: number;
  readonly prizeWeights: readonly number[];
  readonly playersMin: number;
  readonly playersMax: number;
  readonly seedHex: string;
  readonly commitment: string;
  readonly config: SkillConfig;
  readonly status: TournamentStatus;
  readonly entries: number;
  readonly entryClosesAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly closedAtMs: number | null;
  readonly closeReason: string | null;
  readonly poolFen: number | null;
  readonly rakeFen: number | null;
}

export function tournamentFromDb(r: Record<string, unknown>): TournamentRow {
  return {
    id: r.id as string,
    game: r.game as string,
    title: r.title as string,
    entryFeeFen: intFromDb(r.entry_fee_fen),
    rakeBps: intFromDb(r.rake_bps),
    prizeWeights: JSON.parse(r.prize_weights as string) as number[],
    playersMin: intFromDb(r.players_min),
    playersMax: intFromDb(r.players_max),
    seedHex: r.seed_hex as string,
    commitment: r.commitment as string,
    config: checkSkillConfig(JSON.parse(r.config as string)),
    status: r.status as TournamentStatus,
    entries: intFromDb(r.entries),
    entryClosesAtMs: intFromDb(r.entry_closes_at_ms),
    endsAtMs: intFromDb(r.ends_at_ms),
    createdBy: r.created_by as string,
    createdAtMs: intFromDb(r.created_at_ms),
    closedAtMs: intOrNullFromDb(r.closed_at_ms),
    closeReason: (r.close_reason as string | null) ?? null,
    poolFen: intOrNullFromDb(r.pool_fen),
    rakeFen: intOrNullFromDb(r.rake_fen),
  };
}

export interface EntryRow {
  readonly tournamentId: string;
  readonly playerId: string;
  readonly holdId: string;
  readonly sessionId: string | null;
  readonly status: EntryStatus;
  readonly enteredAtMs: number;
  readonly score: number | null;
  readonly rank: number | null;
  readonly prizeFen: number | null;
}

export function entryFromDb(r: Record<string, unknown>): EntryRow {
  return {
    tournamentId: r.tournament_id as string,
    playerId: r.player_id as string,
    holdId: r.hold_id as string,
    sessionId: (r.session_id as string | null) ?? null,
    status: r.status as EntryStatus,
    enteredAtMs: intFromDb(r.entered_at_ms),
    score: intOrNullFromDb(r.score),
    rank: intOrNullFromDb(r.rank),
    prizeFen: intOrNullFromDb(r.prize_fen),
  };
}
