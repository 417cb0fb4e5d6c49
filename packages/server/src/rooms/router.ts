// Where the room operations that need a live room run. In one process every room lives here
// (`localRoomRouter`); with several, the cluster implements this interface and sends each call to
// the node that owns the room (cluster/router.ts). The room routes call only this, so a handler
// never knows how many processes there are.
import type { Rooms } from './service.ts';

type Answer<M extends keyof Rooms> = Rooms[M] extends (...args: never[]) => Promise<infer R> ? R : never;

export interface RoomRouter {
  /** Opens a room for `playerId`, here or on the least loaded rooms node. */
  create(...args: Parameters<Rooms['create']>): Promise<Answer<'create'>>;
  /** Seats or admits `playerId` in the room with this code, on the node that owns it. */
  join(...args: Parameters<Rooms['join']>): Promise<Answer<'join'>>;
  /** The room behind a code, as its owner sees it. */
  preview(...args: Parameters<Rooms['preview']>): Promise<Answer<'preview'>>;
  /** An invitation to a room, issued by the node that owns it. */
  invite(...args: Parameters<Rooms['invite']>): Promise<Answer<'invite'>>;
  /** A player's friends and their open rooms, with seat counts of rooms other nodes hold when known. */
  friends(...args: Parameters<Rooms['friends']>): Promise<Answer<'friends'>>;
}

/** Every room lives in this process. */
export function localRoomRouter(rooms: Rooms): RoomRouter {
  return {
    create: (playerId, input, ip) => rooms.create(playerId, input, ip),
    join: (playerId, input, ip) => rooms.join(playerId, input, ip),
    preview: (code) => rooms.preview(code),
    invite: (playerId, roomId, inviteeId) => rooms.invite(playerId, roomId, inviteeId),
    friends: (playerId) => rooms.friends(playerId),
  };
}
