// What matchmaking needs from elsewhere: which accounts the risk domain links to a player (same
// device, same payment identity, same network…). Linked accounts are never paired with each
// other. The risk domain provides the real implementation; until it does, nothing is linked.

export interface LinkedAccounts {
  /** Player ids linked to `playerId` (not including itself). */
  linkedTo(playerId: string): Promise<ReadonlySet<string>>;
}

export const noLinkedAccounts: LinkedAccounts = {
  async linkedTo() {
    return new Set();
  },
};

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
      return new Set(links.get(playerId) ?? []);
    },
  };
}
