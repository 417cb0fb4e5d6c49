// Plain implementations of the rooms ports for tests and the composition root: a permissive risk
// gate and a fixed policy (tests), the analytics log for room signals, and timers on the system
// clock or on a manual clock (tests).
import type { Clock, ManualClock } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { RiskGate, RiskSignals, RoomPolicy, RoomPolicyLimits, TimerHandle, Timers } from './ports.ts';

export const permissiveRiskGate: RiskGate = {
  async allows() {
    return { allow: true };
  },
};

/** Signals go to the analytics log, where the risk domain will read them. */
export function analyticsRiskSignals(analytics: Analytics): RiskSignals {
  return {
    async record(tx, signal) {
      // A hand's summary is the risk domain's evidence, not an operating event: the hand itself is logged as hand_finished.
      if (signal.kind === 'hand_finished') return;
      const { kind, ...rest } = signal;
      const data: Record<string, string | number | boolean | null> = {};
      for (const [k, v] of Object.entries(rest)) data[k] = Array.isArray(v) ? v.join(',') : (v as string | null);
      await analytics.append(tx, {
        kind: `room_risk_${kind}`,
        ...('playerId' in signal ? { actor: { kind: 'player' as const, id: signal.playerId } } : {}),
        data,
      });
    },
  };
}

export const DEVELOPMENT_ROOM_LIMITS: RoomPolicyLimits = {
  handPointsMax: null,
  dayPointsMax: null,
  cashRemainder: 'service_fee',
  cashModeAllowed: true,
  faceCheck: 'optional',
};

export function fixedRoomPolicy(limits: RoomPolicyLimits = DEVELOPMENT_ROOM_LIMITS, windows?: Map<string, number>): RoomPolicy {
  return {
    limits: () => limits,
    async playWindowEndMs(playerId) {
      return windows?.get(playerId) ?? null;
    },
  };
}

interface SystemHandle extends TimerHandle {
  timeout: ReturnType<typeof setTimeout>;
}

/** Timers on the real clock. Long delays are fine: Node clamps only above 24.8 days. */
export function systemTimers(clock: Clock): Timers {
  return {
    nowMs: () => clock.nowMs(),
    schedule(atMs, fn) {
      const timeout = setTimeout(fn, Math.max(0, atMs - clock.nowMs()));
      timeout.unref?.();
      return { atMs, timeout } as SystemHandle;
    },
    cancel(handle) {
      clearTimeout((handle as SystemHandle).timeout);
    },
  };
}

interface ManualHandle extends TimerHandle {
  readonly id: number;
  readonly fn: () => void;
}

/** Timers driven by a manual clock: `advance` moves time and fires what falls due, in time order. */
export class ManualTimers implements Timers {
  readonly clock: ManualClock;
  readonly #pending = new Map<number, ManualHandle>();
  #next = 0;
  constructor(clock: ManualClock) {
    this.clock = clock;
  }
  nowMs(): number {
    return this.clock.nowMs();
  }
  schedule(atMs: number, fn: () => void): TimerHandle {
    this.#next += 1;
    const h: ManualHandle = { atMs, id: this.#next, fn };
    this.#pending.set(h.id, h);
    return h;
  }
  cancel(handle: TimerHandle): void {
    this.#pending.delete((handle as ManualHandle).id);
  }
  get pending(): number {
    return this.#pending.size;
  }
  /**
   * Moves the clock forward by `deltaMs`, firing each timer that falls due at its own time and
   * awaiting `settle` after each (so the rooms process what the timer queued before the next fires).
   */
  async advance(deltaMs: number, settle: () => Promise<void> = async () => {}): Promise<void> {
    const target = this.clock.nowMs() + deltaMs;
    for (let fired = 0; fired < 100_000; fired++) {
      let due: ManualHandle | null = null;
      for (const h of this.#pending.values())
        if (h.atMs <= target && (due === null || h.atMs < due.atMs || (h.atMs === due.atMs && h.id < due.id))) due = h;
      if (due === null) break;
      this.#pending.delete(due.id);
      if (due.atMs > this.clock.nowMs()) this.clock.setMs(due.atMs);
      due.fn();
      await settle();
    }
    if (target > this.clock.nowMs()) this.clock.setMs(target);
    await settle();
  }
}
