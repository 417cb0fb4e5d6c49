// The room directory and presence in Redis: which node owns each live room (a lease that expires
// unless renewed), each room's public facts (code, status, seats taken), the code → room index,
// and the friends-visible index (player → the friends-visible live rooms they are in), read by
// key for a friends list: nothing here ever scans the keyspace.
import type { RoomState } from '../rooms/index.ts';
import { FRIENDS_LOOKUP_MAX, RENEW_BATCH_MAX, ROOMS_PER_FRIEND_MAX } from './limits.ts';
import type { ClusterRedis, Keys } from './redis.ts';

/** What a room shows the rest of the cluster. */
export interface Presence {
  readonly roomId: string;
  readonly code: string;
  readonly status: string;
  readonly mode: string;
  readonly seats: number;
  readonly seated: number;
  readonly observers: number;
  readonly friendsVisible: boolean;
  /** Members listed in the friends-visible index for this room (none unless the room is friends-visible and live). */
  readonly fvMembers: readonly string[];
}

export function presenceOf(s: RoomState): Presence {
  const live = s.status === 'waiting' || s.status === 'playing';
  const fv = live && s.params.friendsVisible;
  return {
    roomId: s.id,
    code: s.code,
    status: s.status,
    mode: s.params.mode,
    seats: s.params.seats,
    seated: s.members.filter((m) => m.seat !== null).length,
    observers: s.members.filter((m) => m.role === 'observer').length,
    friendsVisible: s.params.friendsVisible,
    fvMembers: fv ? s.members.filter((m) => m.role !== 'observer').map((m) => m.playerId) : [],
  };
}

export interface FriendRoom {
  readonly roomId: string;
  readonly code: string;
  readonly status: string;
  readonly mode: string;
  readonly seats: number;
  readonly seated: number;
}

export class Directory {
  readonly #redis: ClusterRedis;
  readonly #keys: Keys;
  readonly #owner: string;
  readonly #nodeId: string;
  readonly #leaseMs: number;

  constructor(redis: ClusterRedis, keys: Keys, o: { owner: string; nodeId: string; leaseMs: number }) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = o.owner;
    this.#nodeId = o.nodeId;
    this.#leaseMs = o.leaseMs;
  }

  /** 1 claimed, 2 already ours, 0 another node holds it. */
  async claim(roomId: string): Promise<0 | 1 | 2> {
    const k = this.#keys;
    const r = await this.#redis.script(
      'fgClaim',
      [k.lease(roomId), k.leases, k.room(roomId)],
      [this.#owner, this.#leaseMs, roomId, this.#nodeId],
    );
    return Number(r) as 0 | 1 | 2;
  }

  /** Renews leases; per room 1 renewed, 2 taken again (Redis had lost it), 0 lost to another node. */
  async renew(roomIds: readonly string[]): Promise<Map<string, 0 | 1 | 2>> {
    const out = new Map<string, 0 | 1 | 2>();
    for (let i = 0; i < roomIds.length; i += RENEW_BATCH_MAX) {
      const chunk = roomIds.slice(i, i + RENEW_BATCH_MAX);
      const r = (await this.#redis.script(
        'fgRenew',
        [this.#keys.leases],
        [this.#owner, this.#leaseMs, this.#keys.lease(''), ...chunk],
      )) as number[];
      for (const [j, id] of chunk.entries()) out.set(id, Number(r[j]) as 0 | 1 | 2);
    }
    return out;
  }

  async release(roomId: string, delayMs = 0): Promise<boolean> {
    const k = this.#keys;
    return Number(await this.#redis.script('fgRelease', [k.lease(roomId), k.leases], [this.#owner, roomId, delayMs])) === 1;
  }

  /** The room ended: its lease, listing, presence, code and friends-visible entries go. */
  async forget(roomId: string, fvMembers: readonly string[]): Promise<void> {
    const k = this.#keys;
    const done = Number(
      await this.#redis.script('fgForget', [k.lease(roomId), k.leases, k.room(roomId)], [this.#owner, roomId, k.code('')]),
    );
    if (done !== 1 || fvMembers.length === 0) return;
    await this.#redis.call((r) => {
      const p = r.pipeline();
      for (const m of fvMembers) p.srem(k.friendsVisible(m), roomId);
      return p.exec();
    });
  }

  /** Rooms due for claiming (lease expired or handed over). */
  async due(limit: number): Promise<string[]> {
    return (await this.#redis.script('fgDue', [this.#keys.leases], [limit])) as string[];
  }

  async offerOrphans(roomIds: readonly string[], graceMs: number): Promise<number> {
    if (roomIds.length === 0) return 0;
    return Number(await this.#redis.script('fgOrphans', [this.#keys.leases], [this.#keys.lease(''), graceMs, ...roomIds]));
  }

  /** The owner token holding a room's lease, or null. */
  async ownerOf(roomId: string): Promise<string | null> {
    return this.#redis.call((r) => r.get(this.#keys.lease(roomId)));
  }

  /** The live room with this code and its owner ('' while nobody holds its lease), or null. */
  async lookupCode(code: string): Promise<{ roomId: string; owner: string } | null> {
    const r = (await this.#redis.script('fgLookupCode', [this.#keys.code(code)], [this.#keys.lease('')])) as string[];
    if (r.length < 2) return null;
    return { roomId: r[0] as string, owner: r[1] as string };
  }

  /** The friends-visible members this room was last published with (a new owner removes the ones gone since). */
  async publishedMembers(roomId: string): Promise<string[]> {
    const v = await this.#redis.call((r) => r.hget(this.#keys.room(roomId), 'fvm'));
    return v ? v.split(',').filter((x) => x !== '') : [];
  }

  /** Writes rooms' presence: facts, code index, and the friends-visible index differences. */
  async publish(items: readonly { presence: Presence; before: readonly string[] }[]): Promise<void> {
    if (items.length === 0) return;
    const k = this.#keys;
    await this.#redis.call((r) => {
      const p = r.pipeline();
      for (const { presence: x, before } of items) {
        p.hset(k.room(x.roomId), {
          owner: this.#owner,
          node: this.#nodeId,
          code: x.code,
          status: x.status,
          mode: x.mode,
          seats: x.seats,
          seated: x.seated,
          observers: x.observers,
          fv: x.friendsVisible ? 1 : 0,
          fvm: x.fvMembers.join(','),
        });
        if (x.status === 'waiting' || x.status === 'playing') p.set(k.code(x.code), x.roomId);
        const now = new Set(x.fvMembers);
        for (const m of x.fvMembers) if (!before.includes(m)) p.sadd(k.friendsVisible(m), x.roomId);
        for (const m of before) if (!now.has(m)) p.srem(k.friendsVisible(m), x.roomId);
      }
      return p.exec();
    });
  }

  /** Each friend's friends-visible live rooms, read by key: one set per friend, one hash per room. */
  async friendRooms(friendIds: readonly string[]): Promise<Map<string, FriendRoom[]>> {
    const k = this.#keys;
    const ids = friendIds.slice(0, FRIENDS_LOOKUP_MAX);
    const out = new Map<string, FriendRoom[]>();
    if (ids.length === 0) return out;
    const sets = await this.#redis.call((r) => {
      const p = r.pipeline();
      for (const id of ids) p.srandmember(k.friendsVisible(id), ROOMS_PER_FRIEND_MAX);
      return p.exec();
    });
    const roomIds = new Set<string>();
    const perFriend = ids.map((_, i) => ((sets?.[i]?.[1] as string[] | null) ?? []).slice(0, ROOMS_PER_FRIEND_MAX));
    for (const list of perFriend) for (const r of list) roomIds.add(r);
    const rooms = [...roomIds];
    const hashes =
      rooms.length === 0
        ? []
        : await this.#redis.call((r) => {
            const p = r.pipeline();
            for (const id of rooms) p.hmget(k.room(id), 'code', 'status', 'mode', 'seats', 'seated', 'fv');
            return p.exec();
          });
    const byId = new Map<string, FriendRoom>();
    rooms.forEach((id, i) => {
      const h = (hashes?.[i]?.[1] as (string | null)[] | undefined) ?? [];
      const [code, status, mode, seats, seated, fv] = h;
      // Stale entries (a room that ended while its owner was down) are skipped here and cleaned by its next owner.
      if (!code || (status !== 'waiting' && status !== 'playing') || fv !== '1') return;
      byId.set(id, { roomId: id, code, status, mode: mode ?? '', seats: Number(seats ?? 0), seated: Number(seated ?? 0) });
    });
    ids.forEach((id, i) => {
      const list = (perFriend[i] ?? []).map((r) => byId.get(r)).filter((x): x is FriendRoom => x !== undefined);
      out.set(id, list);
    });
    return out;
  }

  /** Seats taken in rooms (presence), for rooms this node does not hold. */
  async seated(roomIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (roomIds.length === 0) return out;
    const r = await this.#redis.call((c) => {
      const p = c.pipeline();
      for (const id of roomIds) p.hget(this.#keys.room(id), 'seated');
      return p.exec();
    });
    roomIds.forEach((id, i) => {
      const v = r?.[i]?.[1];
      if (typeof v === 'string') out.set(id, Number(v));
    });
    return out;
  }
}
