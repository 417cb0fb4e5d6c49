// The skill domain as the platform wires it: the service on the platform's store, leaderboards on
// Redis when one is configured (else on the store), routes, the WebSocket and the periodic sweep.
import type { Clock } from '@fairground/core';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { Authenticator } from '../http/actors.ts';
import type { Implementation } from '../http/routes.ts';
import {
  createRedisLeaderboards,
  createSqlLeaderboards,
  leaderboardRoutes,
  Leaderboards,
  type LeaderboardBackend,
} from '../leaderboards/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { LinkedAccounts, MatchmakingPolicy } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store } from '../storage/ports.ts';
import type { SkillCatalogue } from './catalogue.ts';
import { skillRoutes } from './routes.ts';
import { SkillGames, type SkillRiskPort } from './service.ts';
import { registerSkillSocket } from './socket.ts';

/** What a caller of `createPlatform` may set for skill games (tests: a catalogue, linked accounts, no sweeper). */
export interface SkillPlatformOptions {
  /** How often the sweep runs (timeouts, unjoined matches, tournaments, old boards); 0 turns the loop off (tests call `sweep()`). Default 5 s. */
  readonly sweepIntervalMs?: number;
  readonly catalogue?: SkillCatalogue;
  readonly linked?: LinkedAccounts;
  readonly matchmaking?: MatchmakingPolicy;
  readonly leaderboards?: LeaderboardBackend;
  /** Where flagged sessions and move timing go (the platform connects its risk domain). */
  readonly risk?: SkillRiskPort;
}

export interface SkillPlatformDeps extends SkillPlatformOptions {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly analytics: Analytics;
  readonly audit: AuditLog;
  readonly players: { require(id: string): Promise<{ nickname: string }> };
  readonly redisUrl: string | undefined;
  readonly log: FastifyBaseLogger;
}

export interface SkillPlatform {
  readonly skill: SkillGames;
  readonly leaderboards: Leaderboards;
  readonly routes: Record<string, Implementation>;
  registerSocket(app: FastifyInstance, authenticator: Authenticator): void;
  close(): Promise<void>;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/** Nicknames looked up for one answer at most (a leaderboard page, a tournament's standings). */
const NICKNAMES_MAX = 256;

export function createSkillPlatform(d: SkillPlatformDeps): SkillPlatform {
  const backend = d.leaderboards ?? (d.redisUrl ? createRedisLeaderboards({ redis: d.redisUrl }) : createSqlLeaderboards(d.store));
  const leaderboards = new Leaderboards({ backend, clock: d.clock });
  const nicknames = async (ids: readonly string[]) => {
    const out = new Map<string, string>();
    await Promise.all(
      [...new Set(ids)].slice(0, NICKNAMES_MAX).map(async (id) => {
        out.set(
          id,
          await d.players.require(id).then(
            (p) => p.nickname,
            () => `player-${id.slice(-4)}`,
          ),
        );
      }),
    );
    return out;
  };
  const skill = new SkillGames({
    store: d.store,
    ledger: d.ledger,
    clock: d.clock,
    notifier: d.notifier,
    analytics: d.analytics,
    audit: d.audit,
    leaderboards,
    nicknames,
    ...(d.catalogue ? { catalogue: d.catalogue } : {}),
    ...(d.linked ? { linked: d.linked } : {}),
    ...(d.matchmaking ? { matchmaking: d.matchmaking } : {}),
    ...(d.risk ? { risk: d.risk } : {}),
    onBackgroundError: (err, what) => d.log.error({ err, what }, 'skill background work failed'),
  });
  const interval = d.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const stopSweeper = interval > 0 ? skill.startSweeper(interval) : async () => {};
  let socket: { close(): void } | null = null;
  return {
    skill,
    leaderboards,
    routes: { ...skillRoutes({ skill }), ...leaderboardRoutes({ leaderboards, nicknames }) },
    registerSocket(app, authenticator) {
      socket = registerSkillSocket(app, authenticator, skill);
    },
    async close() {
      socket?.close();
      await stopSweeper();
      await backend.close();
    },
  };
}
