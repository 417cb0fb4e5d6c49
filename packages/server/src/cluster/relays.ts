// A player connected to node B who plays in a room owned by node A: B holds the WebSocket and a
// proxy of the room (`RemoteRoom`), A holds a stand-in connection (`RemoteConn`) attached to the
// room's actor like any local one. The actor computes the player's own view, as for a local
// socket, and B relays the text unchanged: B never sees the room's state, so it cannot leak a card
// the player was not shown. Each such relay has its own id; one hop each way over the bus.
import { AppError, assert, newId } from '@fairground/core';
import { CloseCodes, type Conn } from '../rooms/index.ts';
import type { Bus } from './bus.ts';
import { ClusterErrors } from './errors.ts';
import { RELAYS_MAX } from './limits.ts';
import type { CommandFrame, LiveRoom } from './ports.ts';

interface EdgeRelay {
  readonly conn: Conn;
  readonly owner: string;
  readonly roomId: string;
}

/** Errors after which the player's socket is closed so the client reconnects (and finds the room's new owner). */
const RECONNECT_CODES = new Set([
  ClusterErrors.CLUSTER_ROOM_MOVING.code,
  ClusterErrors.CLUSTER_NODE_UNREACHABLE.code,
  ClusterErrors.CLUSTER_UNAVAILABLE.code,
]);

/** Relays of players connected here to rooms owned by other nodes. */
export class EdgeRelays {
  readonly #bus: Bus;
  readonly #byId = new Map<string, EdgeRelay>();

  constructor(bus: Bus) {
    this.#bus = bus;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** A proxy of `roomId` on `owner` for one connection. */
  room(roomId: string, owner: string): LiveRoom {
    return new RemoteRoom(this, this.#bus, roomId, owner);
  }

  add(sid: string, s: EdgeRelay): void {
    if (this.#byId.size >= RELAYS_MAX) throw new AppError(ClusterErrors.CLUSTER_BUSY);
    this.#byId.set(sid, s);
  }

  delete(sid: string): void {
    this.#byId.delete(sid);
  }

  frame(sid: string, text: string): void {
    this.#byId.get(sid)?.conn.send(text);
  }

  closed(sid: string, code: number, reason: string): void {
    const s = this.#byId.get(sid);
    if (s === undefined) return;
    this.#byId.delete(sid);
    s.conn.close(code, reason);
  }

  /** The owner node left (or Redis went away): its players reconnect and find the room's next owner. */
  drop(owner: string | null, reason: string): number {
    let n = 0;
    for (const [sid, s] of this.#byId) {
      if (owner !== null && s.owner !== owner) continue;
      this.#byId.delete(sid);
      s.conn.send(JSON.stringify({ t: 'closed', code: reason, reason: 'reconnect' }));
      s.conn.close(CloseCodes.RESTART, reason);
      n += 1;
    }
    return n;
  }
}

class RemoteRoom implements LiveRoom {
  readonly id: string;
  readonly #relays: EdgeRelays;
  readonly #bus: Bus;
  readonly #owner: string;
  readonly #sid = newId('ses');
  #conn: Conn | null = null;

  constructor(relays: EdgeRelays, bus: Bus, roomId: string, owner: string) {
    this.#relays = relays;
    this.#bus = bus;
    this.id = roomId;
    this.#owner = owner;
  }

  async attach(c: Conn): Promise<void> {
    this.#conn = c;
    this.#relays.add(this.#sid, { conn: c, owner: this.#owner, roomId: this.id });
    try {
      await this.#bus.request(this.#owner, 'attach', { roomId: this.id, sid: this.#sid, playerId: c.playerId, ip: c.ip });
    } catch (e) {
      this.#relays.delete(this.#sid);
      throw e;
    }
  }

  detach(_c: Conn): void {
    this.#relays.delete(this.#sid);
    this.#bus.notice(this.#owner, 'detach', { sid: this.#sid });
  }

  async command(_playerId: string, f: CommandFrame): Promise<number> {
    try {
      return (await this.#bus.request(this.#owner, 'cmd', { sid: this.#sid, f })) as number;
    } catch (e) {
      if (e instanceof AppError && RECONNECT_CODES.has(e.code)) {
        // The room is not (or no longer) where this relay points: after the error reaches the player, reconnect.
        const c = this.#conn;
        setImmediate(() => {
          this.#relays.delete(this.#sid);
          c?.close(CloseCodes.RESTART, e.code);
        });
      }
      throw e;
    }
  }
}

/** The owner's stand-in for a socket held by another node. */
class RemoteConn implements Conn {
  readonly playerId: string;
  readonly ip: string;
  readonly sid: string;
  readonly edge: string;
  readonly #bus: Bus;
  readonly #onClose: () => void;
  #closed = false;

  constructor(o: { sid: string; edge: string; playerId: string; ip: string; bus: Bus; onClose: () => void }) {
    this.sid = o.sid;
    this.edge = o.edge;
    this.playerId = o.playerId;
    this.ip = o.ip;
    this.#bus = o.bus;
    this.#onClose = o.onClose;
  }

  send(text: string): void {
    if (!this.#closed) this.#bus.frame(this.edge, this.sid, text);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bus.close(this.edge, this.sid, code, reason);
    this.#onClose();
  }
}

interface Hosted {
  readonly conn: RemoteConn;
  readonly room: LiveRoom;
}

const SID = /^ses_[0-9a-z]{1,40}$/;
const PLAYER = /^[A-Za-z0-9_-]{1,64}$/;

/** Relays of players connected to other nodes, attached to rooms owned here. */
export class HostedRelays {
  readonly #bus: Bus;
  readonly #byId = new Map<string, Hosted>();

  constructor(bus: Bus) {
    this.#bus = bus;
  }

  get size(): number {
    return this.#byId.size;
  }

  async attach(edge: string, a: { sid: string; playerId: string; ip: string }, room: LiveRoom): Promise<void> {
    assert(SID.test(a.sid) && PLAYER.test(a.playerId) && typeof a.ip === 'string' && a.ip.length <= 64, 'a peer sent a malformed attach');
    if (this.#byId.size >= RELAYS_MAX) throw new AppError(ClusterErrors.CLUSTER_BUSY);
    const conn = new RemoteConn({
      sid: a.sid,
      edge,
      playerId: a.playerId,
      ip: a.ip,
      bus: this.#bus,
      onClose: () => this.#byId.delete(a.sid),
    });
    this.#byId.set(a.sid, { conn, room });
    try {
      await room.attach(conn);
    } catch (e) {
      this.#byId.delete(a.sid);
      throw e;
    }
  }

  command(sid: string, f: CommandFrame): Promise<number> {
    const h = this.#byId.get(sid);
    if (h === undefined) return Promise.reject(new AppError(ClusterErrors.CLUSTER_ROOM_MOVING));
    return h.room.command(h.conn.playerId, f);
  }

  detach(sid: string): void {
    const h = this.#byId.get(sid);
    if (h === undefined) return;
    this.#byId.delete(sid);
    h.room.detach(h.conn);
  }

  /** The node holding these players' sockets left (or Redis went away): they count as disconnected. */
  drop(edge: string | null): number {
    let n = 0;
    for (const [sid, h] of this.#byId) {
      if (edge !== null && h.conn.edge !== edge) continue;
      this.#byId.delete(sid);
      h.room.detach(h.conn);
      n += 1;
    }
    return n;
  }
}
