// What every part of the skill domain shares: the platform's store, ledger and clock, the live
// sessions of this process, and the ports the composition root binds (risk, linked accounts).
import type { Clock } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Leaderboards } from '../leaderboards/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { LinkedAccounts, MatchmakingPolicy, Ratings } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import type { SkillCatalogue } from './catalogue.ts';
import type { LiveSessions } from './live.ts';
import type { SessionMode } from './rows.ts';
import type { SignalSummary } from './signals.ts';

/** What the risk domain hears from skill games. */
export interface SkillRiskPort {
  /** In the unit that closes a session with flags (so a signal commits with the session). */
  sessionFlagged(
    tx: Tx,
    s: {
      readonly playerId: string;
      readonly sessionId: string;
      readonly mode: SessionMode;
      readonly flags: readonly string[];
      readonly summary: SignalSummary;
      /** The flag's own evidence when it was raised after the session closed (a copy's similarity, a linked group). */
      readonly detail?: Readonly<Record<string, string | number>>;
    },
  ): Promise<void>;
  /** After the session closed: its intervals between moves, for the risk domain's own timing model. */
  sessionTiming?(playerId: string, sessionId: string, intervalsMs: readonly number[]): Promise<unknown>;
}

export interface SkillContext {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly catalogue: SkillCatalogue;
  readonly ratings: Ratings;
  readonly leaderboards: Leaderboards;
  readonly live: LiveSessions;
  readonly notifier: Notifier;
  readonly analytics: Analytics | undefined;
  readonly linked: LinkedAccounts;
  readonly policy: MatchmakingPolicy;
  readonly nicknames: (ids: readonly string[]) => Promise<Map<string, string>>;
  readonly onError: (error: unknown, what: string) => void;
  readonly risk: SkillRiskPort | undefined;
}

/** Entry fees of abandoned and timed-out sessions are lost: a forfeit. */
export const FORFEITS = ['abandoned', 'timed_out'] as const;
export const isForfeit = (s: string): boolean => (FORFEITS as readonly string[]).includes(s);
