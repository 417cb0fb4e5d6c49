// The rooms domain's router on a node that may not own the room asked about. A new room is opened
// here when this node takes rooms, else on the least loaded rooms node; joining, previewing and
// inviting go to the room's owner (one request over the bus); a friends list reads friends' open
// rooms from the friends-visible index in Redis. Everything else the rooms routes answer reads the
// database and works on any node. Compliance and authentication have already run here, at the edge.
import { AppError } from '@fairground/core';
import type { RoomRouter } from '../rooms/index.ts';
import type { Cluster } from './cluster.ts';
import { ClusterErrors } from './errors.ts';

export function clusterRoomRouter(local: RoomRouter, cluster: Cluster): RoomRouter {
  // The owner ran the same `Rooms` method this node would have; its answer crossed the bus as JSON.
  const call = <M extends keyof RoomRouter>(
    owner: string,
    op: M & ('create' | 'join' | 'preview' | 'invite'),
    args: Record<string, unknown>,
  ) => cluster.call(owner, op, args) as ReturnType<RoomRouter[M]>;
  return {
    async create(playerId, input, ip) {
      if (cluster.createsLocally) {
        const r = await local.create(playerId, input, ip);
        await cluster.announced(r.roomId);
        return r;
      }
      const target = cluster.pickRoomNode();
      if (target === null) throw new AppError(ClusterErrors.CLUSTER_NO_ROOM_NODE);
      // Not retried elsewhere: a node that died after creating the room has already taken the fee.
      return call(target.owner, 'create', { playerId, input, ip });
    },
    async join(playerId, input, ip) {
      const w = await cluster.locateCode(input.code);
      if (w.kind !== 'remote') return local.join(playerId, input, ip);
      return call(w.owner, 'join', { playerId, input, ip });
    },
    async preview(code) {
      const w = await cluster.locateCode(code);
      if (w.kind !== 'remote') return local.preview(code);
      return call(w.owner, 'preview', { code });
    },
    async invite(playerId, roomId, inviteeId) {
      const w = await cluster.locate(roomId);
      if (w.kind !== 'remote') return local.invite(playerId, roomId, inviteeId);
      return call(w.owner, 'invite', { playerId, roomId, inviteeId: inviteeId ?? null });
    },
    async friends(playerId) {
      const friends = await local.friends(playerId);
      try {
        const index = await cluster.directory.friendRooms(friends.map((f) => f.playerId));
        return friends.map((f) => ({ ...f, rooms: index.get(f.playerId) ?? f.rooms }));
      } catch {
        // Redis is away: the database's answer (without seat counts of other nodes' rooms) is better than none.
        return friends;
      }
    },
  };
}
