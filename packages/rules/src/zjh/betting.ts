// The betting state machine of one hand as a pure reducer: `createHand` antes and deals,
// `applyHandAction(state, action)` returns the next state or an error value naming why the
// action is illegal. Nothing here reads a clock or a random source: the deck comes in, already
// shuffled (see fair/), and the same inputs always give the same states.
import { AppError, assert, assertionFailed } from '@fairground/core';
import { fail, ok, type RulesResult } from '../result.ts';
import { isFullDeck } from './cards.ts';
import { ZjhErrors } from './errors.ts';
import type { Comparison, HandAction, HandEvent, HandResult, HandState, PlayerState, PointMovement } from './hand-state.ts';
import { categoryOfKey, compareKeys, handEvaluator } from './hands.ts';
import { showdownWinnersByKey } from './showdown.ts';
import { splitPointsEvenly } from './split.ts';
import { normalizeTableRules, type TableRulesInput } from './table-rules.ts';

export const PLAYERS_MIN = 2;
// 17 players would empty the deck; rooms seat at most 8 (research note §1.7). 12 leaves room.
export const PLAYERS_MAX = 12;
export const SEAT_MAX = 63;
// Large enough for any friend room, small enough that pot sums stay exact.
export const STACK_POINTS_MAX = 1_000_000_000_000;

export interface NewHandPlayer {
  readonly seat: number;
  // Points this player may bet in the hand; omit or null for no limit (all-in needs a limit).
  readonly stackPoints?: number | null;
}

export interface NewHand {
  readonly rules: TableRulesInput;
  readonly players: readonly NewHandPlayer[];
  // Acting and dealing start at the first seat after this one; it need not be a player's seat.
  readonly dealerSeat: number;
  // The shuffled deck, all 52 cards, dealt from deck[0] up (see fair/ and the README).
  readonly deck: readonly string[];
  // The hand's number in the room (the fair shuffle's nonce); default 0.
  readonly handNumber?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Omit<HandState, 'players'>> & { players: Mutable<PlayerState>[] };

function configError<T>(reason: string): RulesResult<T> {
  return fail(new AppError(ZjhErrors.ZJH_HAND_CONFIG_INVALID, { reason }));
}

// Antes and deals a new hand. Dealing order: players in acting order p0 … pn−1 (the first seat
// after the dealer first); card deck[k] goes to p(k mod n) for k = 0 … 3n − 1, so p0 gets deck[0],
// deck[n] and deck[2n].
export function createHand(input: NewHand): RulesResult<HandState> {
  if (input === null || typeof input !== 'object') return configError('input must be an object');
  const rules = normalizeTableRules(input.rules);
  if (typeof rules === 'string') return fail(new AppError(ZjhErrors.ZJH_RULES_INVALID, { reason: rules }));
  const handNumber = input.handNumber ?? 0;
  if (!Number.isSafeInteger(handNumber) || handNumber < 0) return configError('handNumber must be a non-negative integer');
  if (!Number.isSafeInteger(input.dealerSeat) || input.dealerSeat < 0 || input.dealerSeat > SEAT_MAX) {
    return configError(`dealerSeat must be an integer in 0..${SEAT_MAX}`);
  }
  const list = input.players;
  if (!Array.isArray(list) || list.length < PLAYERS_MIN || list.length > PLAYERS_MAX) {
    return configError(`a hand needs ${PLAYERS_MIN}..${PLAYERS_MAX} players`);
  }
  const seats = new Set<number>();
  for (const p of list) {
    if (p === null || typeof p !== 'object' || !Number.isSafeInteger(p.seat) || p.seat < 0 || p.seat > SEAT_MAX) {
      return configError(`each seat must be an integer in 0..${SEAT_MAX}`);
    }
    if (seats.has(p.seat)) return configError(`seat ${p.seat} appears twice`);
    seats.add(p.seat);
    const stack = p.stackPoints ?? null;
    if (stack !== null && (!Number.isSafeInteger(stack) || stack < rules.baseScore || stack > STACK_POINTS_MAX)) {
      return configError(`stackPoints of seat ${p.seat} must be an integer in baseScore..${STACK_POINTS_MAX}`);
    }
  }
  if (!isFullDeck(input.deck)) return fail(new AppError(ZjhErrors.ZJH_DECK_INVALID));

  const bySeat = [...list].sort((a, b) => a.seat - b.seat);
  const firstIndex = bySeat.findIndex((p) => p.seat > input.dealerSeat);
  const start = Math.max(firstIndex, 0);
  const ordered = [...bySeat.slice(start), ...bySeat.slice(0, start)];
  const n = ordered.length;
  const evaluator = handEvaluator(rules.hand);
  const players: PlayerState[] = ordered.map((p, i) => {
    const cards = [input.deck[i], input.deck[i + n], input.deck[i + 2 * n]] as string[];
    const handKey = evaluator.keyOfCards(cards);
    assert(handKey >= 0, 'a full deck deals valid hands');
    const stack = p.stackPoints ?? null;
    return {
      seat: p.seat,
      cards,
      handKey,
      status: 'active',
      seen: false,
      contributedPoints: rules.baseScore,
      stackPoints: stack === null ? null : stack - rules.baseScore,
      allIn: false,
      shownToAll: false,
      visibleTo: [],
    };
  });
  return ok({
    version: 1,
    handNumber,
    rules,
    dealerSeat: input.dealerSeat,
    players,
    phase: 'betting',
    round: 1,
    turnSeat: (players[0] as PlayerState).seat,
    stakePoints: rules.baseScore,
    potPoints: rules.baseScore * n,
    step: 0,
    lastEvent: null,
    comparisons: [],
    result: null,
  });
}

const ACTION_TYPES = new Set(['look', 'call', 'raise', 'compare', 'fold', 'all-in']);

function isSeatNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= SEAT_MAX;
}

function malformed(action: unknown): string | null {
  if (action === null || typeof action !== 'object') return 'action must be an object';
  const a = action as Record<string, unknown>;
  if (typeof a.type !== 'string' || !ACTION_TYPES.has(a.type)) return 'unknown action type';
  if (!isSeatNumber(a.seat)) return 'seat must be a seat number';
  if (a.step !== undefined && !(typeof a.step === 'number' && Number.isSafeInteger(a.step) && a.step >= 0))
    return 'step must be a non-negative integer';
  if (a.type === 'raise' && !(typeof a.toStakePoints === 'number' && Number.isSafeInteger(a.toStakePoints)))
    return 'toStakePoints must be an integer';
  if (a.type === 'compare' && !isSeatNumber(a.targetSeat)) return 'targetSeat must be a seat number';
  return null;
}

type ZjhErrorDef = (typeof ZjhErrors)[keyof typeof ZjhErrors];

// The multiplier a player pays on the unit stake: 2 once they have looked (看牌), else 1.
function priceFactor(p: PlayerState): 1 | 2 {
  return p.seen ? 2 : 1;
}

export function callCostPoints(state: HandState, p: PlayerState): number {
  return state.stakePoints * priceFactor(p);
}

export function compareCostPoints(state: HandState, p: PlayerState): number {
  return state.stakePoints * priceFactor(p) * state.rules.compareCostMultiplier;
}

function activeCount(players: readonly PlayerState[]): number {
  let n = 0;
  for (const p of players) if (p.status === 'active') n++;
  return n;
}

function canAfford(p: PlayerState, costPoints: number): boolean {
  return p.stackPoints === null || p.stackPoints >= costPoints;
}

function indexOfSeat(players: readonly PlayerState[], seat: number): number {
  for (let i = 0; i < players.length; i++) if ((players[i] as PlayerState).seat === seat) return i;
  return -1;
}

// Checks an action against the state without applying it: the error value, or null when legal.
export function checkHandAction(state: HandState, action: HandAction): AppError | null {
  const refusal = judge(state, action);
  return refusal === null ? null : refusalError(refusal, state, action);
}

/**
 * Whether an action is legal now, without building the error that says why not: the legal-action
 * list asks about every option of the turn's seat after every action and only wants yes or no.
 */
export function isLegalAction(state: HandState, action: HandAction): boolean {
  return judge(state, action) === null;
}

/**
 * What `judge` found a legal action does: the acting player's index, what it pays and its
 * comparison target's index (-1: none). One for the module, filled by each `judge` that finds the
 * action legal and read straight after it (the rules are synchronous): the legal-action list asks
 * about every option of the turn's seat after every action, and an object per answer is garbage.
 */
const verdict = { index: -1, costPoints: 0, targetIndex: -1 };

/** A legal action's `verdict`; null (no refusal) for `judge` to return. */
function legal(index: number, costPoints: number, targetIndex: number): null {
  verdict.index = index;
  verdict.costPoints = costPoints;
  verdict.targetIndex = targetIndex;
  return null;
}

/**
 * The one place that says whether an action is legal: null when it is (what it does is then in
 * `verdict`), or the error definition that refuses it. The refusal's details are built apart
 * (`refusalError`), only for a refusal someone reads, so a yes/no question builds none.
 */
function judge(state: HandState, action: HandAction): ZjhErrorDef | null {
  if (malformed(action) !== null) return ZjhErrors.ZJH_ACTION_INVALID;
  if (action.step !== undefined && action.step !== state.step) return ZjhErrors.ZJH_STALE_ACTION;
  if (state.phase === 'over') return ZjhErrors.ZJH_HAND_OVER;
  const index = indexOfSeat(state.players, action.seat);
  if (index < 0) return ZjhErrors.ZJH_NOT_IN_HAND;
  const me = state.players[index] as PlayerState;
  if (me.status === 'folded') return ZjhErrors.ZJH_PLAYER_FOLDED;
  if (me.status === 'lost') return ZjhErrors.ZJH_PLAYER_OUT;
  const myTurn = state.turnSeat === me.seat;
  const rules = state.rules;
  switch (action.type) {
    case 'look': {
      if (me.seen) return ZjhErrors.ZJH_ALREADY_LOOKED;
      if (state.round <= rules.blindRounds) return ZjhErrors.ZJH_MUST_STAY_BLIND;
      if (rules.lookInTurnOnly && !myTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      return legal(index, 0, -1);
    }
    case 'fold': {
      if (!myTurn && !rules.foldOutOfTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      return legal(index, 0, -1);
    }
    case 'call': {
      if (!myTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      const cost = callCostPoints(state, me);
      if (!canAfford(me, cost)) return ZjhErrors.ZJH_INSUFFICIENT_POINTS;
      return legal(index, cost, -1);
    }
    case 'raise': {
      if (!myTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      const to = action.toStakePoints;
      if (to <= state.stakePoints) return ZjhErrors.ZJH_RAISE_NOT_ABOVE_STAKE;
      if (to > rules.stakeCapPoints) return ZjhErrors.ZJH_RAISE_ABOVE_CAP;
      if (rules.raiseSteps !== null && !rules.raiseSteps.includes(to)) return ZjhErrors.ZJH_RAISE_NOT_ON_LADDER;
      const cost = to * priceFactor(me);
      if (!canAfford(me, cost)) return ZjhErrors.ZJH_INSUFFICIENT_POINTS;
      return legal(index, cost, -1);
    }
    case 'compare':
      if (!myTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      return judgeCompare(state, me, index, action.targetSeat);
    case 'all-in': {
      if (!myTurn) return ZjhErrors.ZJH_NOT_YOUR_TURN;
      if (rules.allIn === 'off' || me.stackPoints === null || me.stackPoints >= callCostPoints(state, me)) {
        return ZjhErrors.ZJH_ALL_IN_NOT_ALLOWED;
      }
      return legal(index, me.stackPoints, -1);
    }
  }
}

/** A compare in turn: against another player still in the hand, from the round the rules allow, and affordable. */
function judgeCompare(state: HandState, me: PlayerState, index: number, targetSeat: number): ZjhErrorDef | null {
  const rules = state.rules;
  if (targetSeat === me.seat) return ZjhErrors.ZJH_COMPARE_SELF;
  const targetIndex = indexOfSeat(state.players, targetSeat);
  if (targetIndex < 0) return ZjhErrors.ZJH_COMPARE_TARGET_NOT_IN_HAND;
  const target = state.players[targetIndex] as PlayerState;
  if (target.status === 'folded') return ZjhErrors.ZJH_COMPARE_TARGET_FOLDED;
  if (target.status === 'lost') return ZjhErrors.ZJH_COMPARE_TARGET_OUT;
  const headsUp = rules.compareHeadsUpAnyRound && activeCount(state.players) === 2;
  if (state.round < rules.compareFromRound && !headsUp) return ZjhErrors.ZJH_COMPARE_TOO_EARLY;
  const cost = compareCostPoints(state, me);
  if (!canAfford(me, cost)) return ZjhErrors.ZJH_INSUFFICIENT_POINTS;
  return legal(index, cost, targetIndex);
}

/** The error a player gets for an action `judge` refused with `def`, with the details that say why. */
function refusalError(def: ZjhErrorDef, state: HandState, action: HandAction): AppError {
  return new AppError(def, refusalDetails(def, state, action));
}

function refusalDetails(def: ZjhErrorDef, state: HandState, action: HandAction): Record<string, unknown> {
  const rules = state.rules;
  // Asked only for the refusals past the checks that the action is well formed and that its seat
  // is a player of the hand.
  const me = (): PlayerState => state.players[indexOfSeat(state.players, action.seat)] as PlayerState;
  switch (def) {
    case ZjhErrors.ZJH_ACTION_INVALID:
      return { reason: malformed(action) };
    case ZjhErrors.ZJH_STALE_ACTION:
      return { step: action.step, currentStep: state.step };
    case ZjhErrors.ZJH_HAND_OVER:
      return {};
    case ZjhErrors.ZJH_NOT_IN_HAND:
      return { seat: action.seat };
    case ZjhErrors.ZJH_PLAYER_FOLDED:
    case ZjhErrors.ZJH_PLAYER_OUT:
    case ZjhErrors.ZJH_ALREADY_LOOKED:
    case ZjhErrors.ZJH_COMPARE_SELF:
      return { seat: me().seat };
    case ZjhErrors.ZJH_MUST_STAY_BLIND:
      return { round: state.round, blindRounds: rules.blindRounds };
    case ZjhErrors.ZJH_NOT_YOUR_TURN:
      return { seat: me().seat, turnSeat: state.turnSeat };
    case ZjhErrors.ZJH_RAISE_NOT_ABOVE_STAKE:
      return { toStakePoints: raiseTo(action), stakePoints: state.stakePoints };
    case ZjhErrors.ZJH_RAISE_ABOVE_CAP:
      return { toStakePoints: raiseTo(action), stakeCapPoints: rules.stakeCapPoints };
    case ZjhErrors.ZJH_RAISE_NOT_ON_LADDER:
      return { toStakePoints: raiseTo(action), raiseSteps: rules.raiseSteps };
    case ZjhErrors.ZJH_COMPARE_TARGET_NOT_IN_HAND:
    case ZjhErrors.ZJH_COMPARE_TARGET_FOLDED:
    case ZjhErrors.ZJH_COMPARE_TARGET_OUT:
      return { targetSeat: action.type === 'compare' ? action.targetSeat : null };
    case ZjhErrors.ZJH_COMPARE_TOO_EARLY:
      return { round: state.round, compareFromRound: rules.compareFromRound };
    case ZjhErrors.ZJH_INSUFFICIENT_POINTS: {
      const cost =
        action.type === 'raise'
          ? action.toStakePoints * priceFactor(me())
          : action.type === 'compare'
            ? compareCostPoints(state, me())
            : callCostPoints(state, me());
      return { costPoints: cost, stackPoints: me().stackPoints };
    }
    case ZjhErrors.ZJH_ALL_IN_NOT_ALLOWED:
      return { allIn: rules.allIn, stackPoints: me().stackPoints, callCostPoints: callCostPoints(state, me()) };
  }
  return assertionFailed(`the rules never refuse an action with "${def.message}"`);
}

function raiseTo(action: HandAction): number | null {
  return action.type === 'raise' ? action.toStakePoints : null;
}

/** A working copy of `state` whose players are still those of `state` until `own` copies one to change it. */
function draftOf(state: HandState): Draft {
  return { ...state, players: state.players.slice() as Mutable<PlayerState>[] };
}

/** The draft's player at `index`, copied from `before` the first time it is to change. */
function own(d: Draft, before: HandState, index: number): Mutable<PlayerState> {
  const p = d.players[index] as Mutable<PlayerState>;
  if (p !== before.players[index]) return p;
  const copy = { ...p };
  d.players[index] = copy;
  return copy;
}

function pay(d: Draft, p: Mutable<PlayerState>, costPoints: number): void {
  p.contributedPoints += costPoints;
  if (p.stackPoints !== null) p.stackPoints -= costPoints;
  d.potPoints += costPoints;
  assert(p.stackPoints === null || p.stackPoints >= 0, 'a player never pays more than the stack');
}

// Records a comparison: the two players see each other's cards; the loser is out. A tie goes
// against the challenger (主动比牌者负).
function compareInto(d: Draft, before: HandState, challengerIndex: number, targetIndex: number): Mutable<PlayerState> {
  const challenger = own(d, before, challengerIndex);
  const target = own(d, before, targetIndex);
  const loser = compareKeys(challenger.handKey, target.handKey) > 0 ? target : challenger;
  loser.status = 'lost';
  if (!challenger.visibleTo.includes(target.seat)) challenger.visibleTo = [...challenger.visibleTo, target.seat];
  if (!target.visibleTo.includes(challenger.seat)) target.visibleTo = [...target.visibleTo, challenger.seat];
  const record: Comparison = { challengerSeat: challenger.seat, targetSeat: target.seat, loserSeat: loser.seat };
  d.comparisons = [...d.comparisons, record];
  return loser;
}

// Applies one action. Returns the next state, or the reason the action is illegal; never throws
// for anything a client can send, and never changes `state`.
export function applyHandAction(state: HandState, action: HandAction): RulesResult<HandState> {
  const refusal = judge(state, action);
  if (refusal !== null) return fail(refusalError(refusal, state, action));
  const { index, costPoints, targetIndex } = verdict;
  const d = draftOf(state);
  const me = own(d, state, index);
  d.step += 1;
  let event: HandEvent;
  let passTurn = true;
  switch (action.type) {
    case 'look':
      me.seen = true;
      event = { type: 'look', seat: me.seat };
      passTurn = false;
      break;
    case 'fold':
      me.status = 'folded';
      event = { type: 'fold', seat: me.seat };
      passTurn = d.turnSeat === me.seat;
      break;
    case 'call':
      pay(d, me, costPoints);
      event = { type: 'call', seat: me.seat, costPoints };
      break;
    case 'raise':
      pay(d, me, costPoints);
      d.stakePoints = action.toStakePoints;
      event = { type: 'raise', seat: me.seat, costPoints, toStakePoints: action.toStakePoints };
      break;
    case 'compare': {
      pay(d, me, costPoints);
      const loser = compareInto(d, state, index, targetIndex);
      event = { type: 'compare', seat: me.seat, targetSeat: action.targetSeat, costPoints, loserSeat: loser.seat };
      break;
    }
    case 'all-in': {
      pay(d, me, costPoints);
      me.allIn = true;
      const loserSeats: number[] = [];
      const n = d.players.length;
      for (let k = 1; k < n && me.status === 'active'; k++) {
        const other = (index + k) % n;
        if ((d.players[other] as PlayerState).status !== 'active') continue;
        loserSeats.push(compareInto(d, state, index, other).seat);
      }
      event = { type: 'all-in', seat: me.seat, costPoints, loserSeats };
      break;
    }
  }
  d.lastEvent = event;
  if (activeCount(d.players) === 1) {
    settle(d, state, 'last-standing');
  } else if (passTurn) {
    passTurnFrom(d, state, index);
  }
  return ok(sharingUnchanged(state, d));
}

/**
 * The drafted state with every player the action left as it was being the player object of the
 * state before: an action changes one or two players, and the others stay the very same objects (a
 * room keeps its state between actions, and the broadcast knows an unchanged player by identity).
 * The draft copies a player only to change it (`own`); a copy that ended equal field by field (a
 * settlement owns every player) is swapped back. Array fields are compared by reference: the draft
 * copies them only when it changes them.
 */
function sharingUnchanged(before: HandState, d: Draft): HandState {
  const players = d.players;
  for (let i = 0; i < players.length; i++) {
    const p = players[i] as PlayerState;
    const q = before.players[i];
    if (q === undefined || p === q) continue;
    let same = true;
    for (const k in p) {
      if (p[k as keyof PlayerState] !== q[k as keyof PlayerState]) {
        same = false;
        break;
      }
    }
    if (same) players[i] = q;
  }
  return d as HandState;
}

// Moves the turn to the next active player after position `from`. Passing the start of the acting
// order begins a new round; past the round cap the players still in are compared.
function passTurnFrom(d: Draft, before: HandState, from: number): void {
  const n = d.players.length;
  for (let k = 1; k <= n; k++) {
    const j = (from + k) % n;
    if ((d.players[j] as PlayerState).status !== 'active') continue;
    if (j <= from) d.round += 1;
    if (d.round > d.rules.roundsMax) {
      d.round = d.rules.roundsMax;
      settle(d, before, 'showdown');
      return;
    }
    d.turnSeat = (d.players[j] as PlayerState).seat;
    return;
  }
  assert(false, 'passTurnFrom needs an active player');
}

function settle(d: Draft, before: HandState, reason: HandResult['reason']): void {
  // Settling may change any player (the showdown, the pot, the bonuses): each is owned once here.
  for (let i = 0; i < d.players.length; i++) own(d, before, i);
  const active = d.players.filter((p) => p.status === 'active');
  let winners: Mutable<PlayerState>[];
  let showdownSeats: number[] = [];
  if (reason === 'showdown') {
    for (const p of active) p.shownToAll = true;
    showdownSeats = active.map((p) => p.seat);
    winners = showdownWinnersByKey(
      active.map((p) => p.handKey),
      d.rules.showdown,
    ).map((i) => active[i] as Mutable<PlayerState>);
  } else {
    winners = active;
  }
  assert(winners.length >= 1, 'a hand has a winner');

  const movements: PointMovement[] = [];
  for (const p of d.players) if (p.contributedPoints > 0) movements.push({ seat: p.seat, points: -p.contributedPoints, reason: 'stake' });
  const shares = splitPointsEvenly(d.potPoints, winners.length);
  winners.forEach((w, i) => {
    const share = shares[i] as number;
    movements.push({ seat: w.seat, points: share, reason: 'pot' });
    if (w.stackPoints !== null) w.stackPoints += share;
  });

  // 喜牌: each other player dealt in pays the bonus to a leopard or straight-flush holder who
  // did not fold; a payer with a points limit pays at most what they still hold.
  const bonus = d.rules.bonus;
  for (const holder of d.players) {
    if (holder.status === 'folded') continue;
    const category = categoryOfKey(holder.handKey);
    const bonusPoints = category === 'leopard' ? bonus.leopardPoints : category === 'straight_flush' ? bonus.straightFlushPoints : 0;
    if (bonusPoints === 0) continue;
    for (const payer of d.players) {
      if (payer === holder) continue;
      const paid = payer.stackPoints === null ? bonusPoints : Math.min(bonusPoints, payer.stackPoints);
      if (paid === 0) continue;
      if (payer.stackPoints !== null) payer.stackPoints -= paid;
      if (holder.stackPoints !== null) holder.stackPoints += paid;
      movements.push({ seat: payer.seat, points: -paid, reason: 'bonus' });
      movements.push({ seat: holder.seat, points: paid, reason: 'bonus' });
    }
  }

  const deltas = d.players.map((p) => ({ seat: p.seat, points: 0 }));
  for (const m of movements) {
    const entry = deltas.find((x) => x.seat === m.seat);
    assert(entry !== undefined, 'movements name dealt seats');
    entry.points += m.points;
  }
  let total = 0;
  for (const m of movements) total += m.points;
  assert(total === 0, 'settlement movements sum to zero');

  d.phase = 'over';
  d.turnSeat = null;
  d.result = {
    reason,
    winnerSeats: winners.map((w) => w.seat),
    showdownSeats,
    movements,
    deltas,
  };
}
