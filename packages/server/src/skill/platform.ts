// The skill domain as the platform wires it: the service on the platform's store, leaderboards on
// the backend the composition root chose, routes and the WebSocket. Its periodic sweep is the
// `skill.sweep` job of the composition root.
import type { Clock } from '@fairground/core';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { Authenticator } from '../accounts/index.ts';
import type { Implementation } from '../http/routes.ts';
import { leaderboardRoutes, Leaderboards, type LeaderboardBackend } from '../leaderboards/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { LinkedAccounts, MatchmakingPolicy } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store } from '../storage/ports.ts';
import type { SkillCatalogue } from './catalogue.ts';
import { skillRoutes } from './routes.ts';
import { SkillGames, type SkillRiskPort } from './service.ts';
import { registerSkillSocket } from './socket.ts';

/** What a caller of `createPlatform` may set for skill games (tests: a catalogue, a matchmaking policy). */
export interface SkillPlatformOptions {
  readonly catalogue?: SkillCatalogue;
  readonly matchmaking?: MatchmakingPolicy;
}

export interface SkillPlatformDeps extends SkillPlatformOptions {
  /** Accounts one person controls (the risk domain's source). */
  readonly linked: LinkedAccounts;
  readonly leaderboards: LeaderboardBackend;
  /** Where flagged sessions and move timing go (the risk domain). */
  readonly risk: SkillRiskPort;
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly analytics: Analytics;
  readonly audit: AuditLog;
  readonly players: { require(id: string): Promise<{ nickname: string }> };
  readonly log: FastifyBaseLogger;
}

export interface SkillPlatform {
  readonly skill: SkillGames;
  readonly leaderboards: Leaderboards;
  readonly routes: Record<string, Implementation>;
  registerSocket(app: FastifyInstance, authenticator: Authenticator): void;
  close(): Promise<void>;
}

/** Nicknames looked up for one answer at most (a leaderboard page, a tournament's standings). */
const NICKNAMES_MAX = 256;

export function createSkillPlatform(d: SkillPlatformDeps): SkillPlatform {
  const leaderboards = new Leaderboards({ backend: d.leaderboards, clock: d.clock });
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
    linked: d.linked,
    ...(d.matchmaking ? { matchmaking: d.matchmaking } : {}),
    risk: d.risk,
    onBackgroundError: (err, what) => d.log.error({ err, what }, 'skill background work failed'),
  });
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
      await d.leaderboards.close();
    },
  };
}
