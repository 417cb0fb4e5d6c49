// The load generator's thin adapter to the Colyseus baseline: it speaks Colyseus's wire protocol
// (seat reservation over HTTP, then a WebSocket with a binary handshake, schema state patches and
// msgpack messages) and hands the bots the same frames Fairground sends them — `welcome`, `room`
// and `hand` with the fields the bots read — so one bot drives both servers.
import { decode, encode, Reflection } from '@colyseus/schema';
import { Packr, unpack } from 'msgpackr';
import WebSocket from 'ws';

const JOIN_ROOM = 10;
const ERROR = 11;
const ROOM_DATA = 13;
const ROOM_STATE = 14;
const ROOM_STATE_PATCH = 15;
const COMPARE_FROM_ROUND = 4;

// biome-ignore lint/suspicious/noExplicitAny: frames are read field by field
type Frame = Record<string, any>;

interface SeatState {
  readonly seat: number;
  readonly status: string;
  readonly seen: boolean;
  readonly ready: boolean;
}
interface TableState {
  readonly handNumber: number;
  readonly phase: string;
  readonly step: number;
  readonly round: number;
  readonly turnSeat: number;
  readonly seats: Iterable<SeatState> & { readonly length: number };
}

/** Frames and bytes every link received (the generator reads them over its measured window). */
export const received = { frames: 0, bytes: 0 };

export interface Reservation {
  readonly sessionId: string;
  readonly roomId: string;
  readonly processId: string;
}

const RESERVE_TRIES_MAX = 3;

/**
 * Reserves a seat: a new table (`roomId` undefined) or the given one. A request that finds its
 * kept-alive connection closed under it (the server's idle timeout racing the client's reuse, which
 * a busy machine makes likely) is tried again, at most RESERVE_TRIES_MAX times.
 */
export async function reserve(baseUrl: string, roomId?: string): Promise<Reservation> {
  const path = roomId === undefined ? '/matchmake/create/table' : `/matchmake/joinById/${roomId}`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    } catch (e) {
      if (attempt >= RESERVE_TRIES_MAX) throw e;
      continue;
    }
    const json = (await res.json()) as Reservation;
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}

const packr = new Packr({ useRecords: false });

function dataFrame(type: string, message: unknown): Buffer {
  const head = Buffer.alloc(64);
  head[0] = ROOM_DATA;
  const it = { offset: 1 };
  encode.string(head, type, it);
  return Buffer.concat([head.subarray(0, it.offset), packr.pack(message)]);
}

export class ColyseusLink {
  ws!: WebSocket;
  #decoder: { state: TableState; decode(bytes: Uint8Array, it: { offset: number }): unknown } | null = null;
  #seat = -1;
  #onFrame: (f: Frame) => void = () => undefined;

  readonly wsBase: string;
  readonly reservation: Reservation;

  constructor(wsBase: string, reservation: Reservation) {
    this.wsBase = wsBase;
    this.reservation = reservation;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  open(onFrame: (f: Frame) => void): Promise<void> {
    this.#onFrame = onFrame;
    const r = this.reservation;
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(`${this.wsBase}/${r.processId}/${r.roomId}?sessionId=${r.sessionId}`, { perMessageDeflate: false });
      this.ws.binaryType = 'nodebuffer';
      this.ws.once('error', reject);
      this.ws.once('open', () => resolve());
      this.ws.on('message', (data: Buffer) => {
        received.frames += 1;
        received.bytes += data.length;
        this.#onMessage(data);
      });
    });
  }

  send(f: Frame): void {
    if (f.t === 'act') this.ws.send(dataFrame('act', { action: f.action }));
    else if (f.t === 'ready') this.ws.send(dataFrame('ready', {}));
  }

  close(): void {
    this.ws.terminate();
  }

  #onMessage(buf: Buffer): void {
    const code = buf[0];
    const it = { offset: 1 };
    if (code === JOIN_ROOM) {
      const rtLength = buf[it.offset++] as number;
      it.offset += rtLength;
      const serializerLength = buf[it.offset++] as number;
      it.offset += serializerLength;
      const handshakeLength = decode.number(buf, it);
      if (handshakeLength > 0) this.#decoder = Reflection.decode(buf.subarray(it.offset, it.offset + handshakeLength)) as never;
      this.ws.send(Buffer.from([JOIN_ROOM]));
      return;
    }
    if (code === ROOM_STATE || code === ROOM_STATE_PATCH) {
      this.#decoder?.decode(buf, it);
      if (this.#seat >= 0) this.#emitState();
      return;
    }
    if (code === ROOM_DATA) {
      const type = decode.stringCheck(buf, it) ? decode.string(buf, it) : decode.number(buf, it);
      const message = buf.byteLength > it.offset ? (unpack(buf.subarray(it.offset)) as Frame) : undefined;
      if (type === 'you') {
        this.#seat = message?.seat as number;
        this.#onFrame({ t: 'welcome', you: { seat: this.#seat }, room: this.#roomFrame().patch, hand: this.#handFrame().hand });
      } else if (type === 'error') this.#onFrame({ t: 'error', code: message?.code });
      return;
    }
    if (code === ERROR) this.#onFrame({ t: 'error', code: 'COLYSEUS_ERROR' });
  }

  // The hand first: a deal resets every seat's ready mark and starts hand N in one patch, and a bot
  // that read that room frame (next hand N + 1, not ready) beside the previous hand's frame would
  // click ready for N + 1 at once, be ignored mid-hand, and never click again when N ends.
  #emitState(): void {
    this.#onFrame(this.#handFrame());
    this.#onFrame(this.#roomFrame());
  }

  #roomFrame(): Frame {
    const s = this.#decoder?.state as TableState;
    const members: Frame[] = [];
    for (const x of s.seats) members.push({ seat: x.seat, ready: x.ready });
    return {
      t: 'room',
      patch: { status: s.seats.length === 5 ? 'playing' : 'waiting', next: { handNumber: (s.handNumber ?? 0) + 1 }, members },
    };
  }

  #handFrame(): Frame {
    const s = this.#decoder?.state as TableState;
    if (s.phase !== 'betting' && s.phase !== 'over') return { t: 'hand', hand: null };
    let legal: Frame | null = null;
    if (s.phase === 'betting' && s.turnSeat === this.#seat) {
      let mine: SeatState | undefined;
      const targets: number[] = [];
      for (const x of s.seats) {
        if (x.seat === this.#seat) mine = x;
        else if (x.status === 'active') targets.push(x.seat);
      }
      legal = {
        look: mine !== undefined && !mine.seen,
        call: true,
        compare: s.round >= COMPARE_FROM_ROUND && targets.length > 0 ? { targetSeats: targets } : null,
      };
    }
    return { t: 'hand', hand: { view: { phase: s.phase, turnSeat: s.turnSeat, step: s.step, round: s.round }, legal } };
  }
}
