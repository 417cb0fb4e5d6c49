// What the cluster needs from the rooms domain on this node, in the cluster's own terms. The
// rooms service (`Rooms`) provides all of it; tests may stand in smaller fakes.
import type { ClientFrame, Conn, RoomDirectory, RoomLiveness, Rooms, RoomState } from '../rooms/index.ts';

export type CommandFrame = Exclude<ClientFrame, { t: 'hello' } | { t: 'ping' }>;

/** A room as the WebSocket gateway drives it: a local actor, or a proxy to the node that owns it. */
export interface LiveRoom {
  readonly id: string;
  attach(c: Conn): Promise<void>;
  detach(c: Conn): void;
  command(playerId: string, f: CommandFrame): Promise<number>;
}

export interface RoomHost extends Pick<Rooms, 'create' | 'join' | 'preview' | 'invite' | 'dissolveForFairPlay'> {
  /** The live room if this node holds it in memory. */
  actor(roomId: string): (LiveRoom & { readonly state: RoomState }) | undefined;
  /** Rebuilds a room from its event log and holds it ('ended' if the log says it is over; nothing is held then). */
  adopt(roomId: string): Promise<'adopted' | 'present' | 'ended'>;
  /** Lets a room go without ending it: queued commands finish (each is on disk first), players are told to reconnect. */
  release(roomId: string): Promise<void>;
}

/** Which rooms the database calls live (the rooms domain's reads): the orphan sweep and the "moving" answer. */
export type RoomTableReads = RoomLiveness;

/** How the rooms service tells the cluster about its rooms (implemented by the cluster, called by `Rooms`). */
export type RoomDirectoryPort = RoomDirectory;
