// The room routes on a node that may not own the room asked about. A new room is opened here when
// this node takes rooms, else on the least loaded rooms node; joining, previewing and inviting go
// to the room's owner (one request over the bus); a friends list reads friends' open rooms from the
// friends-visible index in Redis. Everything else the rooms routes answer reads the database and
// works on any node. Compliance and authentication have already run here, at the edge.
import type { FastifyRequest } from 'fastify';
import { AppError, assert } from '@fairground/core';
import type { Implementation } from '../http/routes.ts';
import type { Cluster } from './cluster.ts';
import { ClusterErrors } from './errors.ts';

type Handler = Implementation['handler'];
type Input = Parameters<Handler>[0];

function playerIdOf(input: Input): string {
  return (input.actor as unknown as { playerId: string }).playerId;
}

export function clusterRoomRoutes(
  routes: Record<string, Implementation>,
  cluster: Cluster,
  addressOf: (request: FastifyRequest) => string,
): Record<string, Implementation> {
  const out = { ...routes };
  const wrap = (name: string, handler: (input: Input, inner: Handler) => Promise<unknown>) => {
    const impl = routes[name];
    assert(impl !== undefined, `room route ${name} exists`);
    out[name] = { ...impl, handler: (input) => handler(input, impl.handler) };
  };

  wrap('roomCreate', async (input, inner) => {
    if (cluster.createsLocally) {
      const r = (await inner(input)) as { roomId: string };
      await cluster.announced(r.roomId);
      return r;
    }
    const target = cluster.pickRoomNode();
    if (target === null) throw new AppError(ClusterErrors.CLUSTER_NO_ROOM_NODE);
    // Not retried elsewhere: a node that died after creating the room has already taken the fee.
    return cluster.call(target.owner, 'create', { playerId: playerIdOf(input), input: input.body, ip: addressOf(input.request) });
  });

  wrap('roomJoin', async (input, inner) => {
    const body = input.body as unknown as { code: string };
    const w = await cluster.locateCode(body.code);
    if (w.kind !== 'remote') return inner(input);
    return cluster.call(w.owner, 'join', { playerId: playerIdOf(input), input: body, ip: addressOf(input.request) });
  });

  wrap('roomByCode', async (input, inner) => {
    const code = (input.params as unknown as { code: string }).code;
    const w = await cluster.locateCode(code);
    if (w.kind !== 'remote') return inner(input);
    return cluster.call(w.owner, 'preview', { code });
  });

  wrap('roomInvite', async (input, inner) => {
    const roomId = (input.params as unknown as { roomId: string }).roomId;
    const w = await cluster.locate(roomId);
    if (w.kind !== 'remote') return inner(input);
    const inviteeId = (input.body as unknown as { playerId?: string }).playerId ?? null;
    return cluster.call(w.owner, 'invite', { playerId: playerIdOf(input), roomId, inviteeId });
  });

  wrap('roomFriends', async (input, inner) => {
    const r = (await inner(input)) as { friends: { playerId: string; rooms: unknown[] }[] };
    try {
      const index = await cluster.directory.friendRooms(r.friends.map((f) => f.playerId));
      return { friends: r.friends.map((f) => ({ ...f, rooms: index.get(f.playerId) ?? f.rooms })) };
    } catch {
      // Redis is away: the database's answer (without seat counts of other nodes' rooms) is better than none.
      return r;
    }
  });

  return out;
}
