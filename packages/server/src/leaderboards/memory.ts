// Leaderboards in process memory: a sorted array per board (binary search, splice). For tests,
// benchmarks and a single process that does not need the boards to survive a restart.
import { type LeaderboardBackend, type LeaderboardEntry, type LeaderboardUpdate, checkUpdate, compareEntries } from './ports.ts';
import { MEMORY_BOARD_ENTRIES_MAX, MEMORY_BOARDS_MAX } from './limits.ts';

interface Board {
  readonly sorted: { playerId: string; value: number }[];
  readonly values: Map<string, number>;
  expireAtMs: number | null;
}

function position(sorted: readonly { playerId: string; value: number }[], item: { playerId: string; value: number }): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(sorted[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMemoryLeaderboards(): LeaderboardBackend {
  const boards = new Map<string, Board>();
  const boardOf = (name: string, create: boolean): Board | undefined => {
    let b = boards.get(name);
    if (!b && create) {
      if (boards.size >= MEMORY_BOARDS_MAX) throw new Error('memory leaderboards: too many boards');
      b = { sorted: [], values: new Map(), expireAtMs: null };
      boards.set(name, b);
    }
    return b;
  };
  const entryAt = (b: Board, i: number): LeaderboardEntry => ({ playerId: b.sorted[i]!.playerId, value: b.sorted[i]!.value, rank: i + 1 });
  return {
    kind: 'memory',
    async submit(updates: readonly LeaderboardUpdate[]) {
      for (const u of updates) {
        checkUpdate(u);
        const b = boardOf(u.board, true)!;
        if (u.expireAtMs !== null) b.expireAtMs = Math.max(b.expireAtMs ?? 0, u.expireAtMs);
        const old = b.values.get(u.playerId);
        if (old !== undefined) {
          if (u.mode === 'best' && u.value <= old) continue;
          b.sorted.splice(position(b.sorted, { playerId: u.playerId, value: old }), 1);
        } else if (b.values.size >= MEMORY_BOARD_ENTRIES_MAX) throw new Error('memory leaderboards: board full');
        const item = { playerId: u.playerId, value: u.value };
        b.sorted.splice(position(b.sorted, item), 0, item);
        b.values.set(u.playerId, u.value);
      }
    },
    async top(board, offset, limit) {
      const b = boardOf(board, false);
      if (!b) return [];
      const out: LeaderboardEntry[] = [];
      for (let i = offset; i < Math.min(b.sorted.length, offset + limit); i++) out.push(entryAt(b, i));
      return out;
    },
    async entry(board, playerId) {
      const b = boardOf(board, false);
      const value = b?.values.get(playerId);
      if (!b || value === undefined) return null;
      return entryAt(b, position(b.sorted, { playerId, value }));
    },
    async around(board, playerId, radius) {
      const b = boardOf(board, false);
      const value = b?.values.get(playerId);
      if (!b || value === undefined) return [];
      const i = position(b.sorted, { playerId, value });
      const out: LeaderboardEntry[] = [];
      for (let k = Math.max(0, i - radius); k <= Math.min(b.sorted.length - 1, i + radius); k++) out.push(entryAt(b, k));
      return out;
    },
    async size(board) {
      return boardOf(board, false)?.sorted.length ?? 0;
    },
    async prune(nowMs) {
      let n = 0;
      for (const [name, b] of boards) {
        if (b.expireAtMs !== null && b.expireAtMs <= nowMs) {
          boards.delete(name);
          n++;
        }
      }
      return n;
    },
    async close() {
      boards.clear();
    },
  };
}
