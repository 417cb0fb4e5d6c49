// What matchmaking needs from elsewhere: which accounts the risk domain links to a player (same
// device, same WeChat account paying or paid, same unionid; an address alone never links). Linked
// accounts are never paired with each other. The composition root binds the risk domain's source
// (risk/links.ts); the memory one below serves unit tests.
import type { Reader } from '../storage/ports.ts';

export interface LinkedAccounts {
  /** Player ids linked to `playerId` (not including itself), read through `reader` when given (a unit's tx). */
  linkedTo(playerId: string, reader?: Reader): Promise<ReadonlySet<string>>;
}

/** Links set by hand (tests, operators' manual links); links are symmetric. */
export function createMemoryLinkedAccounts(): LinkedAccounts & { link(a: string, b: string): void } {
  const links = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    let s = links.get(a);
    if (!s) {
      s = new Set();
      links.set(a, s);
    }
    s.add(b);
  };
  return {
    link(a, b) {
      if (a === b) return;
      add(a, b);
      add(b, a);
    },
    async linkedTo(playerId) {
      // Links are followed transitively, as the risk domain's groups are.
      const group = new Set([playerId]);
      const queue = [playerId];
      for (let i = 0; i < queue.length; i++) {
        for (const q of links.get(queue[i]!) ?? []) {
          if (group.has(q)) continue;
          group.add(q);
          queue.push(q);
        }
      }
      group.delete(playerId);
      return group;
    },
  };
}
