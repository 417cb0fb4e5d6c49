// What a player may do now, and the action the room takes for a player who timed out or handed
// play to the system (托管). Both are derived from the reducer's own checks, so they can never
// offer an action the reducer would refuse.
import type { HandAction, HandState, PlayerState } from './hand-state.ts';
import { callCostPoints, compareCostPoints, isLegalAction } from './betting.ts';

export interface LegalActions {
  readonly look: boolean;
  readonly fold: boolean;
  readonly call: { readonly costPoints: number } | null;
  // Unit stakes the player may raise to (every whole number in the range, or `steps` when the
  // room has raise buttons); a seen player pays `costPerStakePoint` = 2 per stake point.
  readonly raise: {
    readonly minStakePoints: number;
    readonly maxStakePoints: number;
    readonly steps: readonly number[] | null;
    readonly costPerStakePoint: 1 | 2;
  } | null;
  readonly compare: { readonly targetSeats: readonly number[]; readonly costPoints: number } | null;
  readonly allIn: { readonly costPoints: number } | null;
}

/** Raise choices listed at most: the widest range (stake cap 20 × base 10) fits under it. */
const RAISE_CHOICES_MAX = 400;

/**
 * Every stake the player may raise to, with no gaps, lowest first: the room's steps when it has
 * raise buttons, else each whole stake from the minimum to the maximum (the rules cap the range at
 * a small multiple of the base score, so the list stays short). Both clients offer these.
 */
export function raiseChoices(raise: LegalActions['raise']): number[] {
  if (raise === null) return [];
  if (raise.steps !== null) return [...raise.steps];
  const count = Math.max(0, Math.min(RAISE_CHOICES_MAX, raise.maxStakePoints - raise.minStakePoints + 1));
  return Array.from({ length: count }, (_, i) => raise.minStakePoints + i);
}

const NOTHING: LegalActions = { look: false, fold: false, call: null, raise: null, compare: null, allIn: null };

/**
 * The options asked about, one object per kind for the module: filled with the seat (and stake or
 * target) before each question, read by `isLegalAction` and not kept (the rules are synchronous).
 * The list is made for the turn's seat after every action, and an object per option is garbage.
 */
const probe = {
  look: { type: 'look' as const, seat: 0 },
  fold: { type: 'fold' as const, seat: 0 },
  call: { type: 'call' as const, seat: 0 },
  allIn: { type: 'all-in' as const, seat: 0 },
  raise: { type: 'raise' as const, seat: 0, toStakePoints: 0 },
  compare: { type: 'compare' as const, seat: 0, targetSeat: 0 },
};

function raiseLegal(state: HandState, seat: number, toStakePoints: number): boolean {
  probe.raise.seat = seat;
  probe.raise.toStakePoints = toStakePoints;
  return isLegalAction(state, probe.raise);
}

function compareLegal(state: HandState, seat: number, targetSeat: number): boolean {
  probe.compare.seat = seat;
  probe.compare.targetSeat = targetSeat;
  return isLegalAction(state, probe.compare);
}

function simpleLegal(
  state: HandState,
  action: { readonly type: 'look' | 'fold' | 'call' | 'all-in'; seat: number },
  seat: number,
): boolean {
  action.seat = seat;
  return isLegalAction(state, action);
}

export function legalActions(state: HandState, seat: number): LegalActions {
  let me: PlayerState | undefined;
  for (const p of state.players) {
    if (p.seat === seat) {
      me = p;
      break;
    }
  }
  if (me === undefined || state.phase === 'over' || me.status !== 'active') return NOTHING;
  const factor: 1 | 2 = me.seen ? 2 : 1;

  let raise: LegalActions['raise'] = null;
  const steps = state.rules.raiseSteps;
  if (steps !== null) {
    let candidates: number[] | null = null;
    for (const s of steps) {
      if (!raiseLegal(state, seat, s)) continue;
      if (candidates === null) candidates = [s];
      else candidates.push(s);
    }
    if (candidates !== null) {
      raise = {
        minStakePoints: candidates[0] as number,
        maxStakePoints: candidates[candidates.length - 1] as number,
        steps: candidates,
        costPerStakePoint: factor,
      };
    }
  } else {
    const min = state.stakePoints + 1;
    const affordable = me.stackPoints === null ? state.rules.stakeCapPoints : Math.floor(me.stackPoints / factor);
    const max = Math.min(state.rules.stakeCapPoints, affordable);
    if (raiseLegal(state, seat, min) && max >= min) {
      raise = { minStakePoints: min, maxStakePoints: max, steps: null, costPerStakePoint: factor };
    }
  }

  let targets: number[] | null = null;
  for (const p of state.players) {
    if (p.seat === seat || !compareLegal(state, seat, p.seat)) continue;
    if (targets === null) targets = [p.seat];
    else targets.push(p.seat);
  }
  return {
    look: simpleLegal(state, probe.look, seat),
    fold: simpleLegal(state, probe.fold, seat),
    call: simpleLegal(state, probe.call, seat) ? { costPoints: callCostPoints(state, me) } : null,
    raise,
    compare: targets !== null ? { targetSeats: targets, costPoints: compareCostPoints(state, me) } : null,
    allIn: simpleLegal(state, probe.allIn, seat) ? { costPoints: me.stackPoints ?? 0 } : null,
  };
}

export type AutoPlayRule =
  // Timed out (the room's auto-fold timer): fold.
  | 'fold'
  // 托管: keep calling while the points allow, otherwise fold. Never raises, compares or looks.
  | 'call';

// The action the room applies for `seat` under `rule`, or null when the seat has nothing to do
// (not its turn, out of the hand, or the hand is over). The action carries the current `step`,
// so it is refused as stale if the player acted in the meantime.
export function autoAction(state: HandState, seat: number, rule: AutoPlayRule): HandAction | null {
  if (state.phase === 'over' || state.turnSeat !== seat) return null;
  if (rule === 'call') {
    const call: HandAction = { type: 'call', seat, step: state.step };
    if (isLegalAction(state, call)) return call;
  }
  return { type: 'fold', seat, step: state.step };
}
