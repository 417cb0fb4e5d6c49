// The games being played on this process, kept in memory so a command costs one rules step and
// one small write instead of a replay. The database stays the record: a game missing here (a
// restart, another process served the previous command, the cache dropped it) is rebuilt from
// its seed and command log. Commands for one session run one at a time (a per-session queue).
import { newSkillGame, type SeededRefills, type SkillEngine } from '@fairground/rules';
import type { Hash } from 'node:crypto';
import { assertionFailed } from '@fairground/core';
import { logHasher, seedBytes } from './digest.ts';
import { LIVE_SESSIONS_MAX } from './limits.ts';
import type { CommandRow, SessionRow } from './rows.ts';

export interface LiveSession {
  row: SessionRow;
  readonly game: SkillEngine;
  readonly refills: SeededRefills;
  /** Accepted commands by sequence number (to tell a retransmission from a conflicting replay). */
  readonly log: CommandRow[];
  /** The running digest of `log` (see digest.ts). */
  readonly hasher: Hash;
}

export function rebuild(row: SessionRow, commands: readonly CommandRow[]): LiveSession {
  const seed = seedBytes(row.seedHex);
  const { game, refills } = newSkillGame(seed, row.config);
  for (const c of commands) {
    const r = game.apply(c, refills);
    if (!r.ok) assertionFailed(`stored command ${c.seq} of session ${row.id} is refused on replay (${r.error.code})`);
  }
  if (row.status !== 'active' && row.endReason !== null && (row.endReason === 'time' || row.endReason === 'stopped'))
    game.end(row.endReason);
  return { row, game, refills, log: [...commands], hasher: logHasher(commands) };
}

export class LiveSessions {
  readonly #map = new Map<string, LiveSession>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #max: number;

  constructor(max = LIVE_SESSIONS_MAX) {
    this.#max = max;
  }

  get(id: string): LiveSession | undefined {
    const live = this.#map.get(id);
    if (live) {
      this.#map.delete(id);
      this.#map.set(id, live);
    }
    return live;
  }

  put(live: LiveSession): void {
    this.#map.delete(live.row.id);
    this.#map.set(live.row.id, live);
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
  }

  drop(id: string): void {
    this.#map.delete(id);
  }

  get size(): number {
    return this.#map.size;
  }

  /** Runs `fn` after every earlier call for the same session has finished. */
  serialize<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return run;
  }
}
