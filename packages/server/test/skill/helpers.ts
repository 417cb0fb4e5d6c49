// Test support for the skill domain: a store with every table the domain touches, funded
// players, and a client that plays like the browser does (local rules, a refill window,
// batched commands) against the service.
import assert from 'node:assert/strict';
import type { ManualClock } from '@fairground/core';
import { RefillWindow, type SkillCommand, type SkillEngine, skillGameFromView } from '@fairground/rules';
import { analyticsMigrations, createAnalytics } from '../../src/analytics/index.ts';
import { createMemoryLeaderboards, Leaderboards, leaderboardsMigrations } from '../../src/leaderboards/index.ts';
import { Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { createMemoryLinkedAccounts, matchmakingMigrations } from '../../src/matchmaking/index.ts';
import { createMemoryBus, Notifications, notificationsMigrations } from '../../src/notifications/index.ts';
import {
  type Ack,
  MATCH3,
  SkillCatalogue,
  type SkillGameSettings,
  SkillGames,
  type SessionState,
  type SkillGamesOptions,
  skillMigrations,
} from '../../src/skill/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';

export const TEST_GAME: SkillGameSettings = {
  ...MATCH3,
  puzzle: { ...MATCH3.puzzle, movesMax: 12, durationMs: 120_000 },
  matchWaitMs: 10 * 60_000,
};

export interface World {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly skill: SkillGames;
  readonly leaderboards: Leaderboards;
  readonly linked: ReturnType<typeof createMemoryLinkedAccounts>;
  readonly notifications: Notifications;
  readonly clock: ManualClock;
  player(fundsFen?: number): Promise<string>;
  availableFen(playerId: string): Promise<number>;
  revenueFen(): Promise<number>;
  escrowFen(kind: 'match' | 'tournament', id: string): Promise<{ posted: number; pending: number }>;
  assertInvariants(): Promise<void>;
  /** A second service on the same store, as another process (or this one after a restart) would be. */
  restarted(): SkillGames;
  close(): Promise<void>;
}

let playerSeq = 0;

export async function openWorld(
  backend: TestBackend,
  clock: ManualClock,
  games: SkillGameSettings[] = [TEST_GAME],
  extra: Partial<SkillGamesOptions> = {},
): Promise<World> {
  const store = await backend.open({ clock });
  await store.migrate([
    ...Ledger.migrations,
    ...analyticsMigrations,
    ...notificationsMigrations,
    ...leaderboardsMigrations,
    ...matchmakingMigrations,
    ...skillMigrations,
  ]);
  const ledger = new Ledger(store, { clock });
  await ledger.openSystemAccounts();
  const notifications = new Notifications({ store, bus: createMemoryBus() });
  const leaderboards = new Leaderboards({ backend: createMemoryLeaderboards(), clock });
  const linked = createMemoryLinkedAccounts();
  const make = () =>
    new SkillGames({
      store,
      ledger,
      clock,
      notifier: notifications,
      leaderboards,
      analytics: createAnalytics(store.reader),
      linked,
      catalogue: new SkillCatalogue(games),
      onBackgroundError: (e, what) => {
        throw new Error(`background failure in ${what}: ${String(e)}`);
      },
      ...extra,
    });
  const skill = make();
  const balance = async (account: string) =>
    (await ledger.balance(account)) ?? { postedFen: 0, pendingDebitsFen: 0, pendingCreditsFen: 0, availableFen: 0 };
  return {
    store,
    ledger,
    skill,
    leaderboards,
    linked,
    notifications,
    clock,
    async player(fundsFen = 10_000) {
      const id = `p_${++playerSeq}_${Math.floor(clock.nowMs() / 1000) % 100000}`;
      await store.unitOfWork((tx) => ledger.openAccount(tx, playerAccount(id, 'CNY')));
      if (fundsFen > 0) {
        await ledger.submit({
          scope: 'test.deposit',
          key: id,
          debit: systemAccount('provider_clearing', 'CNY'),
          credit: playerAccount(id, 'CNY'),
          asset: 'CNY',
          amount: fundsFen,
          code: 'deposit',
        });
      }
      return id;
    },
    async availableFen(playerId) {
      return (await balance(playerAccount(playerId, 'CNY'))).availableFen;
    },
    async revenueFen() {
      return (await balance(systemAccount('revenue', 'CNY'))).postedFen;
    },
    async escrowFen(kind, id) {
      const b = await balance(`${kind}:${id}:CNY`);
      return { posted: b.postedFen, pending: b.pendingCreditsFen };
    },
    async assertInvariants() {
      const report = await ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
    },
    restarted: make,
    close: () => store.close(),
  };
}

/** Plays like the browser: local rules with the refill window, commands sent in small batches. */
export class TestClient {
  game: SkillEngine;
  readonly window: RefillWindow;
  readonly log: SkillCommand[] = [];
  readonly world: World;
  readonly playerId: string;
  readonly state: SessionState;
  readonly batch: number;
  #pending: SkillCommand[] = [];
  #atMs = 0;
  #resync = false;
  lastAck: Ack | null = null;

  constructor(world: World, playerId: string, state: SessionState, batch = 3) {
    this.world = world;
    this.playerId = playerId;
    this.state = state;
    this.batch = batch;
    this.game = skillGameFromView(state.view);
    this.window = new RefillWindow(state.view.config.kinds, state.refills);
    this.#atMs = state.view.lastAtMs;
  }

  get sessionId(): string {
    return this.state.sessionId;
  }

  /**
   * Plays `moves` moves (or fewer if the game ends): `pick` chooses among the legal swaps; moves
   * are `stepMs` apart, or at a person's uneven pace (0.9–2.6 s) when no step is given.
   */
  async play(moves: number, pick: (legal: [number, number][]) => [number, number] = (l) => l[0]!, stepMs?: number): Promise<void> {
    for (let i = 0; i < moves && !this.game.ended; i++) {
      const [from, to] = pick(this.game.legalMoves());
      await this.send({ from, to }, stepMs ?? 900 + ((this.game.nextSeq * 7919) % 1700));
    }
    await this.flush();
  }

  /** Replays someone's exact commands (same timestamps), e.g. to tie. */
  async copy(commands: readonly SkillCommand[]): Promise<void> {
    for (const c of commands) {
      this.#atMs = c.atMs - 1000;
      await this.send(c.move, 1000);
    }
    await this.flush();
  }

  async send(move: { from: number; to: number }, stepMs: number): Promise<void> {
    this.#atMs += stepMs;
    this.world.clock.setMs(Math.max(this.world.clock.nowMs(), this.state.startedAtMs + this.#atMs));
    const cmd: SkillCommand = { seq: this.game.nextSeq, atMs: this.#atMs, move };
    let r = this.game.apply(cmd, this.window);
    if (!r.ok && r.error.code === 'PUZZLE_REFILLS_NEEDED') {
      await this.flush();
      r = this.game.apply(cmd, this.window);
    }
    this.log.push(cmd);
    this.#pending.push(cmd);
    if (!r.ok) {
      // Too far ahead of the window (a redrawn board): let the server play it and resume from its state.
      assert.equal(r.error.code, 'PUZZLE_REFILLS_NEEDED');
      this.#resync = true;
      await this.flush();
      return;
    }
    if (this.#pending.length >= this.batch || this.game.ended) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) {
      if (this.window.end() <= this.game.refillIndex) {
        const s = await this.world.skill.session(this.playerId, this.sessionId);
        this.window.add(s.refills);
      }
      return;
    }
    const ack = await this.world.skill.submit(this.playerId, this.sessionId, this.#pending);
    this.#pending = [];
    this.lastAck = ack;
    if (this.#resync) {
      this.game = skillGameFromView(ack.view);
      this.#resync = false;
    }
    assert.equal(ack.stateHash, this.game.stateHash(), 'client and server states agree after every batch');
    assert.equal(ack.score, this.game.score);
    if (ack.refills.gems.length > 0) this.window.add(ack.refills);
  }
}
