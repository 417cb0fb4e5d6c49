// Where each player's latest request came from, and the region that address lies in. Compliance
// notes it on every authenticated request; the region rules, risk (shared addresses), promotions
// (self-referrals) and analytics (events by region) read it. Kept in this process's memory, bounded
// (the oldest entries go first): an address is a fresh fact, re-noted at the player's next request.
import type { Geo, Region } from './geo.ts';
import { ADDRESS_CACHE_MAX } from './limits.ts';

export class PlayerAddresses {
  readonly #byPlayer = new Map<string, string>();
  readonly #geo: Geo;

  constructor(geo: Geo) {
    this.#geo = geo;
  }

  note(playerId: string, ip: string): void {
    if (this.#byPlayer.get(playerId) === ip) return;
    this.#byPlayer.delete(playerId);
    this.#byPlayer.set(playerId, ip);
    if (this.#byPlayer.size > ADDRESS_CACHE_MAX) {
      const oldest = this.#byPlayer.keys().next().value;
      if (oldest !== undefined) this.#byPlayer.delete(oldest);
    }
  }

  lastOf(playerId: string): string | null {
    return this.#byPlayer.get(playerId) ?? null;
  }

  regionOf(playerId: string): Region | null {
    const ip = this.#byPlayer.get(playerId);
    return ip === undefined ? null : this.#geo.lookup(ip);
  }
}
