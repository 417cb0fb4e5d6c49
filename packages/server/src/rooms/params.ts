// Room parameters (seed §二 and its table): what a host sets in step one of creating a room, with
// the seed's defaults (3 seats, 8 rounds, base score 1, advanced rules off, the owner pays).
// Every value is checked here, on the server, and each invalid one has its own error code.
import { AppError } from '@fairground/core';
import type { TableRulesInput } from '@fairground/rules';
import { DEFAULT_FEE, DEFAULT_PARAMS } from './defaults.ts';
import { RoomErrors } from './errors.ts';
import {
  BASE_SCORE_MAX,
  BASE_SCORE_MIN,
  BETTING_ROUNDS_MAX,
  BETTING_ROUNDS_MIN,
  BLIND_ROUNDS_MAX,
  CLASSIC_SEATS,
  COMPARE_FROM_ROUND_MAX,
  ROUNDS_MAX,
  ROUNDS_MIN,
  SEATS_MAX,
  SEATS_MIN,
  SPECIAL_MULTIPLIER_MAX,
  STAKE_CAP_MULTIPLE_MAX,
  STAKE_CAP_MULTIPLE_MIN,
  TURN_TIME_CHOICES_S,
} from './limits.ts';

export type RoomMode = 'classic' | 'custom';
/** 托管规则: 'off' folds a player whose turn timer runs out; 'call' keeps calling for them. */
export type Trusteeship = 'off' | 'call';
export type FeeMode = 'room_card' | 'cash';
export type FeePayer = 'owner' | 'aa';

export interface RoomParams {
  readonly mode: RoomMode;
  readonly seats: number;
  /** 局数: hands the room plays before its scoreboard is final. */
  readonly rounds: number;
  /** 底分: ante and opening stake, in points. */
  readonly baseScore: number;
  readonly spectators: boolean;
  readonly friendsVisible: boolean;
  /** Seated players may talk at the table (the voice domain, `src/voice/`); spectators listen in the mini-game when `spectators` is on. */
  readonly voiceChat: boolean;
  readonly turnTimeS: number;
  readonly trusteeship: Trusteeship;
  /** 封顶: the highest unit stake, as a multiple of the base score. */
  readonly stakeCapMultiple: number;
  /** 轮数封顶: betting rounds before the players still in are compared. */
  readonly bettingRoundsMax: number;
  readonly compareFromRound: number;
  readonly blindRounds: number;
  /** 牌型倍数 (custom mode): 喜牌 paid to a leopard / straight-flush holder by each other player, × base score. */
  readonly leopardMultiplier: number;
  readonly straightFlushMultiplier: number;
  /** Seed §五: players from one network address may not sit together unless the host allows it. */
  readonly sameIpAllowed: boolean;
  /** Seed §五: ask every player for an identity (face) check before each hand. */
  readonly identityCheck: boolean;
}

export interface FeeChoice {
  readonly mode: FeeMode;
  readonly payer: FeePayer;
}

export { DEFAULT_FEE, DEFAULT_PARAMS };

/** What a client may send: any subset; absent fields take the defaults. */
export type RoomParamsInput = { readonly [K in keyof RoomParams]?: unknown };

/** Parameters that fix the fee or the table and cannot change once the room exists. */
export const LOCKED_PARAMS: readonly (keyof RoomParams)[] = ['mode', 'seats', 'rounds'];

function isIntIn(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max;
}

type Def = (typeof RoomErrors)[keyof typeof RoomErrors];

function fail(def: Def, field: string, value: unknown): never {
  throw new AppError(def, { field, value: typeof value === 'string' ? value.slice(0, 40) : ((value as number | boolean | null) ?? null) });
}

function bool(input: RoomParamsInput, key: keyof RoomParams, fallback: boolean): boolean {
  const v = input[key];
  if (v === undefined) return fallback;
  // The HTTP schema already types these; a WebSocket rules frame is checked by its schema too.
  if (typeof v !== 'boolean') throw new AppError(RoomErrors.ROOM_FLAG_INVALID, { field: key });
  return v;
}

/**
 * Fills defaults over `base` and checks every value. Throws AppError with the parameter's own code
 * (`details.field` names it). `base` is the room's current parameters when rules change.
 */
export function normalizeParams(input: RoomParamsInput, base: RoomParams = DEFAULT_PARAMS): RoomParams {
  const mode = input.mode ?? base.mode;
  if (mode !== 'classic' && mode !== 'custom') fail(RoomErrors.ROOM_MODE_INVALID, 'mode', mode);
  // Classic locks the table to three seats (seed §二); a host who switches to classic gets three.
  const seatsIn = input.seats ?? (mode === 'classic' ? CLASSIC_SEATS : base.seats);
  if (!isIntIn(seatsIn, SEATS_MIN, SEATS_MAX)) fail(RoomErrors.ROOM_SEATS_INVALID, 'seats', seatsIn);
  if (mode === 'classic' && seatsIn !== CLASSIC_SEATS) fail(RoomErrors.ROOM_CLASSIC_SEATS_LOCKED, 'seats', seatsIn);
  const rounds = input.rounds ?? base.rounds;
  if (!isIntIn(rounds, ROUNDS_MIN, ROUNDS_MAX)) fail(RoomErrors.ROOM_ROUNDS_INVALID, 'rounds', rounds);
  const baseScore = input.baseScore ?? base.baseScore;
  if (!isIntIn(baseScore, BASE_SCORE_MIN, BASE_SCORE_MAX)) fail(RoomErrors.ROOM_BASE_SCORE_INVALID, 'baseScore', baseScore);
  const turnTimeS = input.turnTimeS ?? base.turnTimeS;
  if (typeof turnTimeS !== 'number' || !(TURN_TIME_CHOICES_S as readonly number[]).includes(turnTimeS)) {
    fail(RoomErrors.ROOM_TURN_TIME_INVALID, 'turnTimeS', turnTimeS);
  }
  const trusteeship = input.trusteeship ?? base.trusteeship;
  if (trusteeship !== 'off' && trusteeship !== 'call') fail(RoomErrors.ROOM_TRUSTEESHIP_INVALID, 'trusteeship', trusteeship);
  const stakeCapMultiple = input.stakeCapMultiple ?? base.stakeCapMultiple;
  if (!isIntIn(stakeCapMultiple, STAKE_CAP_MULTIPLE_MIN, STAKE_CAP_MULTIPLE_MAX)) {
    fail(RoomErrors.ROOM_STAKE_CAP_INVALID, 'stakeCapMultiple', stakeCapMultiple);
  }
  const bettingRoundsMax = input.bettingRoundsMax ?? base.bettingRoundsMax;
  if (!isIntIn(bettingRoundsMax, BETTING_ROUNDS_MIN, BETTING_ROUNDS_MAX)) {
    fail(RoomErrors.ROOM_BETTING_ROUNDS_INVALID, 'bettingRoundsMax', bettingRoundsMax);
  }
  const compareFromRound = input.compareFromRound ?? base.compareFromRound;
  if (!isIntIn(compareFromRound, 1, Math.min(COMPARE_FROM_ROUND_MAX, bettingRoundsMax))) {
    fail(RoomErrors.ROOM_COMPARE_ROUND_INVALID, 'compareFromRound', compareFromRound);
  }
  const blindRounds = input.blindRounds ?? base.blindRounds;
  if (!isIntIn(blindRounds, 0, Math.min(BLIND_ROUNDS_MAX, bettingRoundsMax - 1))) {
    fail(RoomErrors.ROOM_BLIND_ROUNDS_INVALID, 'blindRounds', blindRounds);
  }
  const multipliers: Record<'leopardMultiplier' | 'straightFlushMultiplier', number> = { leopardMultiplier: 0, straightFlushMultiplier: 0 };
  for (const key of ['leopardMultiplier', 'straightFlushMultiplier'] as const) {
    // Switching to classic drops the custom multipliers the room had; sending one is an error.
    const v = input[key] ?? (mode === 'custom' ? base[key] : 0);
    if (!isIntIn(v, 0, SPECIAL_MULTIPLIER_MAX)) fail(RoomErrors.ROOM_MULTIPLIER_INVALID, key, v);
    if (mode === 'classic' && v !== 0) fail(RoomErrors.ROOM_MULTIPLIERS_CUSTOM_ONLY, key, v);
    multipliers[key] = v;
  }
  return {
    mode,
    seats: seatsIn,
    rounds,
    baseScore,
    spectators: bool(input, 'spectators', base.spectators),
    friendsVisible: bool(input, 'friendsVisible', base.friendsVisible),
    voiceChat: bool(input, 'voiceChat', base.voiceChat),
    turnTimeS,
    trusteeship,
    stakeCapMultiple,
    bettingRoundsMax,
    compareFromRound,
    blindRounds,
    ...multipliers,
    sameIpAllowed: bool(input, 'sameIpAllowed', base.sameIpAllowed),
    identityCheck: bool(input, 'identityCheck', base.identityCheck),
  };
}

export function normalizeFee(
  input: { mode?: unknown; payer?: unknown } | undefined,
  defaultPayer: FeeChoice['payer'] = DEFAULT_FEE.payer,
): FeeChoice {
  const mode = input?.mode ?? DEFAULT_FEE.mode;
  if (mode !== 'room_card' && mode !== 'cash') fail(RoomErrors.ROOM_FEE_MODE_INVALID, 'fee.mode', mode);
  const payer = input?.payer ?? defaultPayer;
  if (payer !== 'owner' && payer !== 'aa') fail(RoomErrors.ROOM_FEE_PAYER_INVALID, 'fee.payer', payer);
  return { mode, payer };
}

/** A rule change between hands: the changed parameters, checked against the room's current ones. */
export function applyRuleChanges(current: RoomParams, changes: RoomParamsInput): { params: RoomParams; changed: (keyof RoomParams)[] } {
  for (const key of LOCKED_PARAMS) {
    if (changes[key] !== undefined && changes[key] !== current[key]) {
      throw new AppError(RoomErrors.ROOM_RULE_LOCKED, { field: key });
    }
  }
  const params = normalizeParams(changes, current);
  const changed = (Object.keys(params) as (keyof RoomParams)[]).filter((k) => params[k] !== current[k]);
  return { params, changed };
}

/** The rules module's table rules for the room's parameters. */
export function tableRulesOf(p: RoomParams): TableRulesInput {
  return {
    baseScore: p.baseScore,
    stakeCapPoints: p.baseScore * p.stakeCapMultiple,
    roundsMax: p.bettingRoundsMax,
    compareFromRound: p.compareFromRound,
    blindRounds: p.blindRounds,
    // With no per-hand stack limit friend-room scores may go negative and all-in never applies;
    // when the policy caps points per hand, the caps become stacks and all-in applies.
    allIn: 'compare-all',
    bonus: { leopardPoints: p.leopardMultiplier * p.baseScore, straightFlushPoints: p.straightFlushMultiplier * p.baseScore },
  };
}
