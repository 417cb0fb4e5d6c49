// `GET /api/rooms/ws`: the room WebSocket. The first frame is `{"t":"hello","token":…,"roomId":…}`
// (a browser cannot set headers on a WebSocket); the server answers `welcome` with the player's
// seat and the exact current view, then `room` and `hand` frames as the room changes. A command
// with a request id is answered once: by the frame that broadcasts its change to the sender, which
// then carries the id (one frame per recipient per action), or by `ok`/`error` when the command
// broadcast nothing to this connection or was refused. Every frame
// is size-checked, rate-limited and schema-checked before anything reads it; a frame that is
// malformed, oversized, forged or part of a flood closes the connection.
import { AppError } from '@fairground/core';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Authenticator } from '../accounts/index.ts';
import { type Conn, type RoomActor, withRequestId } from './actor.ts';
import { RoomErrors } from './errors.ts';
import { type ClientFrame, CloseCodes, type CommandFrame, parseFrame } from './frames.ts';
import type { TimerHandle, Timers } from './ports.ts';
import {
  FRAMES_BURST_MAX,
  FRAMES_PER_S,
  HELLO_TIMEOUT_MS,
  ROOM_CONNECTIONS_MAX,
  ROOM_FRAME_BYTES_MAX,
  SEND_BUFFER_BYTES_MAX,
  VOICE_FRAME_BYTES_MAX,
} from './limits.ts';

/** A room as the gateway drives it: the local actor, or (with several processes) a proxy of the one on the owning process. */
export type LiveRoom = Pick<RoomActor, 'id' | 'attach' | 'detach' | 'command'>;

export interface GatewayOptions {
  readonly authenticator: Authenticator;
  readonly actor: (roomId: string) => RoomActor | undefined;
  /** A room this process does not hold: a proxy of it on its owner, or undefined when no live room has this id. */
  readonly remote?: (roomId: string) => Promise<LiveRoom | undefined>;
  /** Why a room is not live (dissolved, finished, unknown): throws the matching AppError. */
  readonly whyNotLive: (roomId: string) => Promise<never>;
  /** The client's network address for the same-IP rules (the proxy-aware one in production). */
  readonly addressOf: (request: FastifyRequest) => string;
  /** The room timers: the hello deadline runs on them, so tests move it with the manual clock. */
  readonly timers: Timers;
  readonly framesPerS?: number;
  readonly framesBurstMax?: number;
  /** A monotonic clock for rate limiting, in ms. */
  readonly monotonicMs?: () => number;
}

type Def = (typeof RoomErrors)[keyof typeof RoomErrors];

const TEXT_FRAME = { binary: false } as const;

/**
 * A text message as a whole WebSocket frame from a server (FIN, opcode 1, unmasked): header and
 * payload in one buffer, so a socket sends it with one write (RFC 6455 §5.2: 7-bit length up to
 * 125 bytes, 16-bit up to 65,535, else 64-bit).
 */
export function textFrame(payload: Buffer): Buffer {
  const frame = frameWithHeader(payload.length);
  payload.copy(frame, frame.length - payload.length);
  return frame;
}

/** The same frame made from the text itself: the text is encoded straight after the header, with no buffer of its own to copy. */
export function textFrameOf(text: string): Buffer {
  const n = Buffer.byteLength(text, 'utf8');
  const frame = frameWithHeader(n);
  frame.write(text, frame.length - n, 'utf8');
  return frame;
}

/** A buffer for a text frame of `n` payload bytes, its header written. */
function frameWithHeader(n: number): Buffer {
  const headerBytes = n <= 125 ? 2 : n <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + n);
  frame[0] = 0x81;
  if (headerBytes === 2) frame[1] = n;
  else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(n, 6);
  }
  return frame;
}

/**
 * The two frames framed last, as bytes. A broadcast hands the same string to every seat that sees
 * the same thing, one after another, so it is encoded and framed once and each socket writes the
 * same buffer (a server never masks, and the sockets only read it). Two, because a broadcast that
 * changes the room's header sends every connection the room frame and then its hand frame: with
 * one entry the room frame would be framed again for each connection. A different string (by
 * content) is framed anew.
 */
let recentText = '';
let recentFrame = textFrame(Buffer.alloc(0));
let olderText = '';
let olderFrame = recentFrame;
function framed(text: string): Buffer {
  if (text === recentText) return recentFrame;
  if (text === olderText) return olderFrame;
  const frame = textFrameOf(text);
  olderText = recentText;
  olderFrame = recentFrame;
  recentText = text;
  recentFrame = frame;
  return frame;
}

/** What of `ws`'s socket the direct write needs (not in its types; checked at each use, see `Connection.send`). */
interface WsInternals {
  readonly _socket?: { readonly writable: boolean; write(chunk: Buffer): boolean; cork(): void; uncork(): void } | null;
  readonly _sender?: { readonly _state?: unknown } | null;
}
/** `ws`'s sender state in which it writes each frame straight to the socket (it queues in no other). */
const WS_SENDER_IDLE = 0;

class Connection implements Conn {
  readonly socket: WebSocket;
  readonly ip: string;
  playerId = '';
  actor: LiveRoom | null = null;
  helloPending = false;
  closed = false;
  /**
   * Request ids answered by a broadcast frame (see `sendReply`); each is taken once by the command's
   * continuation. Made at the first such answer: an idle or watching connection never needs it.
   */
  #answered: Set<string> | null = null;
  #tokens: number;
  #refilledAtMs: number;
  readonly #rate: { perS: number; burst: number; now: () => number };

  constructor(socket: WebSocket, ip: string, rate: { perS: number; burst: number; now: () => number }) {
    this.socket = socket;
    this.ip = ip;
    this.#rate = rate;
    this.#tokens = rate.burst;
    this.#refilledAtMs = rate.now();
  }

  /** Token bucket: false when the client is sending faster than the room allows. */
  take(): boolean {
    const now = this.#rate.now();
    this.#tokens = Math.min(this.#rate.burst, this.#tokens + ((now - this.#refilledAtMs) * this.#rate.perS) / 1000);
    this.#refilledAtMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  send(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    // A client that stops reading is dropped before its backlog grows without bound.
    if (this.socket.bufferedAmount > SEND_BUFFER_BYTES_MAX) {
      this.close(CloseCodes.SLOW, 'too slow');
      return;
    }
    // The finished frame goes straight to the TCP socket: one write of one buffer, no per-socket
    // header or cork. `ws` writes its own frames (pongs, the close) to the same socket in order, and
    // queues frames only while compressing (never: permessage-deflate is off) or reading a Blob
    // (never sent here); when its sender is not idle, or a future `ws` has other internals, the
    // frame goes through `ws` as before. `bufferedAmount` counts both paths.
    const ws = this.socket as unknown as WsInternals;
    const tcp = ws._socket;
    if (tcp?.writable && ws._sender?._state === WS_SENDER_IDLE) tcp.write(framed(text));
    else this.socket.send(text, TEXT_FRAME);
  }

  sendReply(text: string, id: string): void {
    this.send(withRequestId(text, id));
    this.#answered ??= new Set();
    this.#answered.add(id);
  }

  /**
   * Two frames in one write to the socket (corked: one `writev`, not two `write`s). Each is still a
   * frame of its own, so the client reads two messages as before; `reply` answers request `id` with
   * the second, as `sendReply` does.
   */
  sendPair(first: string, second: string, replyId?: string): void {
    const tcp = (this.socket as unknown as WsInternals)._socket;
    tcp?.cork();
    try {
      this.send(first);
      if (replyId === undefined) this.send(second);
      else this.sendReply(second, replyId);
    } finally {
      tcp?.uncork();
    }
  }

  /** Whether a broadcast already answered request `id` (forgets it: ids are answered once). */
  answered(id: string): boolean {
    return this.#answered?.delete(id) ?? false;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  error(def: Def | AppError, id?: string, details?: Record<string, unknown>): void {
    const e = def instanceof AppError ? def : new AppError(def, details);
    this.send(
      JSON.stringify({
        t: 'error',
        ...(id !== undefined ? { id } : {}),
        code: e.code,
        message: e.message,
        ...(e.details ? { details: e.details } : {}),
      }),
    );
  }

  /** Refuses an abusive frame: says why, then closes. */
  abuse(def: Def, closeCode: number, details?: Record<string, unknown>): void {
    this.error(def, undefined, details);
    this.close(closeCode, def.code);
  }
}

const monotonic = () => performance.now();

/**
 * Lets the upgrade's request and response go once the socket is open. `@fastify/websocket` keeps
 * both alive as long as the socket lives: its socket `error` listener closes over the Fastify
 * request and reply, and the TCP socket still points at the HTTP response it was assigned for the
 * upgrade (which holds the request, its headers and its logger). The gateway reads the address at
 * the upgrade and nothing else of them; its own `error` listener, added next, replaces the plugin's.
 */
export function releaseUpgrade(socket: WebSocket, request: FastifyRequest): void {
  socket.removeAllListeners('error');
  const tcp = request.raw.socket as (typeof request.raw.socket & { _httpMessage?: ServerResponse | null }) | null;
  const response = tcp?._httpMessage;
  if (tcp && response) response.detachSocket(tcp);
}

/** The hello frame: authenticates the player, then attaches the connection to its room (here or on the node that holds it). */
async function hello(o: GatewayOptions, c: Connection, token: string, roomId: string): Promise<void> {
  let playerId: string;
  try {
    const actor = await o.authenticator.authenticate(`Bearer ${token}`);
    if (actor.kind !== 'player') throw new AppError(RoomErrors.ROOM_NOT_MEMBER);
    playerId = actor.playerId;
  } catch (e) {
    c.error(e instanceof AppError ? e : new AppError(RoomErrors.ROOM_HELLO_REQUIRED));
    c.close(CloseCodes.HELLO, 'authentication failed');
    return;
  }
  try {
    const room = o.actor(roomId) ?? (o.remote ? await o.remote(roomId) : undefined);
    if (room === undefined) await o.whyNotLive(roomId);
    const live = room as LiveRoom;
    c.playerId = playerId;
    await live.attach(c);
    c.actor = live;
    if (c.closed) live.detach(c);
  } catch (e) {
    const err = e instanceof AppError ? e : new AppError(RoomErrors.ROOM_NOT_FOUND);
    c.error(err);
    // A retryable refusal (the room is moving, the server restarting) asks the client to come back.
    const code = err.code === RoomErrors.ROOM_KICKED.code ? CloseCodes.KICKED : err.retryable ? CloseCodes.RESTART : CloseCodes.NOT_FOUND;
    c.close(code, err.code);
  }
}

/** Checks one incoming frame's size, rate and JSON shape; a bad frame is answered (and the socket closed) here and gives null. */
function readFrame(c: Connection, raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, framesPerS: number): ClientFrame | null {
  const size = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : raw.byteLength;
  if (isBinary) {
    c.abuse(RoomErrors.ROOM_FRAME_MALFORMED, CloseCodes.MALFORMED, { reason: 'binary frame' });
    return null;
  }
  // A voice offer or answer carries a session description and may be larger than any other frame.
  if (size > VOICE_FRAME_BYTES_MAX) {
    c.abuse(RoomErrors.ROOM_FRAME_TOO_LARGE, CloseCodes.TOO_LARGE, { bytesMax: VOICE_FRAME_BYTES_MAX });
    return null;
  }
  if (!c.take()) {
    c.abuse(RoomErrors.ROOM_RATE_LIMITED, CloseCodes.FLOOD, { framesPerS });
    return null;
  }
  let value: unknown;
  try {
    // `ws` hands a text message over as a Buffer: read it where it is (`Buffer.from` of a Buffer copies it).
    const text = Array.isArray(raw)
      ? Buffer.concat(raw).toString('utf8')
      : Buffer.isBuffer(raw)
        ? raw.toString('utf8')
        : Buffer.from(raw).toString('utf8');
    value = JSON.parse(text);
  } catch {
    if (size > ROOM_FRAME_BYTES_MAX) c.abuse(RoomErrors.ROOM_FRAME_TOO_LARGE, CloseCodes.TOO_LARGE, { bytesMax: ROOM_FRAME_BYTES_MAX });
    else c.abuse(RoomErrors.ROOM_FRAME_MALFORMED, CloseCodes.MALFORMED);
    return null;
  }
  if (size > ROOM_FRAME_BYTES_MAX && (value as { t?: unknown } | null)?.t !== 'voice_signal') {
    c.abuse(RoomErrors.ROOM_FRAME_TOO_LARGE, CloseCodes.TOO_LARGE, { bytesMax: ROOM_FRAME_BYTES_MAX });
    return null;
  }
  const parsed = parseFrame(value);
  if (!parsed.ok) {
    c.abuse(RoomErrors.ROOM_FRAME_INVALID, CloseCodes.MALFORMED, { reason: parsed.reason });
    return null;
  }
  return parsed.frame;
}

/** Hands a command frame to the player's room and answers it: `ok` with the room's value, or the refusal (closing the socket for a forged seat, a kick or a player no longer in the room). */
function runCommand(app: FastifyInstance, c: Connection, actor: LiveRoom, f: CommandFrame): void {
  actor.command(c.playerId, f, c).then(
    // A command is answered when it asked to be (carries an id): by the broadcast of its change
    // when the room folded the answer into it, else by an `ok` of its own.
    (v) => {
      if (f.id !== undefined && !c.answered(f.id)) c.send(`{"t":"ok","id":${JSON.stringify(f.id)},"v":${v}}`);
    },
    (e: unknown) => {
      if (f.id !== undefined && c.answered(f.id)) return;
      const err = e instanceof AppError ? e : new AppError(RoomErrors.ROOM_BUSY);
      if (!(e instanceof AppError)) app.log.error({ err: e, roomId: actor.id }, 'room command failed');
      c.error(err, f.id);
      if (err.code === RoomErrors.ROOM_SEAT_FORGED.code) c.close(CloseCodes.FORGED, err.code);
      else if (err.code === RoomErrors.ROOM_KICKED.code) c.close(CloseCodes.KICKED, err.code);
      else if (err.code === RoomErrors.ROOM_NOT_MEMBER.code) c.close(CloseCodes.LEFT, err.code);
    },
  );
}

export function registerRoomSocket(app: FastifyInstance, o: GatewayOptions): { connections: () => number; closeAll: () => void } {
  const open = new Set<Connection>();
  const rate = { perS: o.framesPerS ?? FRAMES_PER_S, burst: o.framesBurstMax ?? FRAMES_BURST_MAX, now: o.monotonicMs ?? monotonic };

  const onFrame = (c: Connection, raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    if (c.closed) return;
    const f = readFrame(c, raw, isBinary, rate.perS);
    if (f === null) return;
    if (f.t === 'ping') {
      c.send(JSON.stringify({ t: 'pong', ...(f.id !== undefined ? { id: f.id } : {}) }));
      return;
    }
    if (f.t === 'hello') {
      if (c.actor !== null || c.helloPending) {
        c.abuse(RoomErrors.ROOM_FRAME_INVALID, CloseCodes.MALFORMED, { reason: 'hello twice' });
        return;
      }
      c.helloPending = true;
      void hello(o, c, f.token, f.roomId).finally(() => {
        c.helloPending = false;
      });
      return;
    }
    const actor = c.actor;
    if (actor === null) {
      if (c.helloPending) {
        c.error(RoomErrors.ROOM_HELLO_REQUIRED, f.id, { reason: 'wait for welcome' });
        return;
      }
      c.abuse(RoomErrors.ROOM_HELLO_REQUIRED, CloseCodes.HELLO);
      return;
    }
    runCommand(app, c, actor, f as CommandFrame);
  };

  app.get('/api/rooms/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket, request: FastifyRequest) => {
    const c = new Connection(socket, o.addressOf(request), rate);
    releaseUpgrade(socket, request);
    socket.on('error', () => c.close(1011, 'socket error'));
    if (open.size >= ROOM_CONNECTIONS_MAX) {
      c.close(CloseCodes.FULL, 'try again later');
      return;
    }
    open.add(c);
    const timer: TimerHandle = o.timers.schedule(o.timers.nowMs() + HELLO_TIMEOUT_MS, () => {
      if (c.actor === null && !c.helloPending) c.abuse(RoomErrors.ROOM_HELLO_REQUIRED, CloseCodes.HELLO);
    });
    socket.on('message', (raw, isBinary) => onFrame(c, raw as Buffer, isBinary));
    socket.on('close', () => {
      o.timers.cancel(timer);
      c.closed = true;
      open.delete(c);
      c.actor?.detach(c);
    });
  });

  return {
    connections: () => open.size,
    closeAll: () => {
      for (const c of open) c.close(CloseCodes.RESTART, 'server stopping');
      open.clear();
    },
  };
}
