// The Colyseus baseline of the rooms benchmark: a plain Colyseus 0.18 server (public packages
// `@colyseus/core`, `@colyseus/schema`, `@colyseus/ws-transport`) playing the same load shape as
// Fairground's rooms — 5-seat tables in memory, nothing persisted — with minimal rules: turn order
// round the table, look / call / raise / compare / fold, a hand over when one player is left or
// after 20 betting rounds, the next hand when all five click ready.
//
// Written the way a Colyseus room usually is: the public table is schema state, sent as binary
// patches; a player's own cards (after a look) go to that client alone as a message. Patches are
// sent as soon as an action is applied (`broadcastPatch()`; no patch interval), so latency is
// the server's, not a tick's. Started by run.ts (`--target colyseus`); prints `READY <url>`.
import { Room, Server, type Client } from '@colyseus/core';
import { ArraySchema, schema, t } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';

const SEATS = 5;
const BETTING_ROUNDS_MAX = 20;
const COMPARE_FROM_ROUND = 4;

const Seat = schema({
  seat: t.uint8(),
  stake: t.number(),
  status: t.string(), // active | folded | lost
  seen: t.boolean(),
  ready: t.boolean(),
});
type Seat = InstanceType<typeof Seat>;

const Table = schema({
  handNumber: t.number(),
  phase: t.string(), // waiting | betting | over
  step: t.number(),
  round: t.number(),
  turnSeat: t.int8(),
  pot: t.number(),
  currentStake: t.number(),
  seats: t.array(Seat),
});
type Table = InstanceType<typeof Table>;

// Bots need variety, not secrecy: a small deterministic generator, as in the load generator.
let rngState = 0x9e3779b9;
function rand(): number {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) / 4294967296;
}

interface ActMessage {
  readonly action?: { readonly type?: string; readonly targetSeat?: number; readonly toStakePoints?: number };
}

class TableRoom extends Room<{ state: Table }> {
  override maxClients = SEATS;
  // Set-up on a busy machine can take longer than the default 15 s between a seat's reservation and
  // its socket; a table never empties during a run, so it is not disposed when briefly empty either.
  override seatReservationTimeout = 120;
  override autoDispose = false;
  readonly #seatOf = new Map<string, number>();
  readonly #clientOf = new Map<number, Client>();
  #cards: number[][] = [];

  override onCreate(): void {
    this.state = new Table();
    this.state.handNumber = 0;
    this.state.phase = 'waiting';
    this.state.step = 0;
    this.state.round = 0;
    this.state.turnSeat = -1;
    this.state.pot = 0;
    this.state.currentStake = 0;
    this.state.seats = new ArraySchema<Seat>();
    // No patch interval: every change is pushed right after it is applied.
    this.patchRate = null;
    this.onMessage('act', (client, m: ActMessage) => this.#act(client, m));
    this.onMessage('ready', (client) => this.#ready(client));
  }

  override onJoin(client: Client): void {
    const seat = this.state.seats.length;
    const s = new Seat();
    s.seat = seat;
    s.stake = 0;
    s.status = 'active';
    s.seen = false;
    s.ready = false;
    this.state.seats.push(s);
    this.#seatOf.set(client.sessionId, seat);
    this.#clientOf.set(seat, client);
    client.send('you', { seat });
    if (this.state.seats.length === SEATS) void this.lock();
    this.broadcastPatch();
  }

  override onLeave(client: Client): void {
    const seat = this.#seatOf.get(client.sessionId);
    if (seat !== undefined) this.#clientOf.delete(seat);
  }

  #ready(client: Client): void {
    const seat = this.#seatOf.get(client.sessionId);
    const st = this.state;
    if (seat === undefined || st.phase === 'betting') return;
    const s = st.seats[seat] as Seat;
    s.ready = true;
    if (st.seats.length === SEATS && st.seats.every((x) => x.ready)) this.#deal();
    this.broadcastPatch();
  }

  #deal(): void {
    const st = this.state;
    st.handNumber += 1;
    st.phase = 'betting';
    st.round = 1;
    st.step = 0;
    st.pot = SEATS;
    st.currentStake = 1;
    st.turnSeat = st.handNumber % SEATS;
    this.#cards = [];
    for (const s of st.seats) {
      s.ready = false;
      s.stake = 1;
      s.status = 'active';
      s.seen = false;
      this.#cards.push([Math.floor(rand() * 52), Math.floor(rand() * 52), Math.floor(rand() * 52)]);
    }
  }

  #act(client: Client, m: ActMessage): void {
    const st = this.state;
    const seat = this.#seatOf.get(client.sessionId);
    const type = m?.action?.type;
    if (seat === undefined || st.phase !== 'betting') return void client.send('error', { code: 'NOT_BETTING' });
    const me = st.seats[seat] as Seat;
    if (type === 'look') {
      if (me.seen || me.status !== 'active') return void client.send('error', { code: 'ILLEGAL' });
      me.seen = true;
      st.step += 1;
      // Hidden state goes to its owner only.
      client.send('cards', { cards: this.#cards[seat] });
      this.broadcastPatch();
      return;
    }
    if (st.turnSeat !== seat) return void client.send('error', { code: 'NOT_YOUR_TURN' });
    const unit = me.seen ? 2 : 1;
    switch (type) {
      case 'call':
        me.stake += st.currentStake * unit;
        st.pot += st.currentStake * unit;
        break;
      case 'raise': {
        const to = Math.max(st.currentStake + 1, Math.min(m.action?.toStakePoints ?? st.currentStake + 1, 100));
        st.currentStake = to;
        me.stake += to * unit;
        st.pot += to * unit;
        break;
      }
      case 'compare': {
        const target = st.seats[m.action?.targetSeat ?? -1];
        if (st.round < COMPARE_FROM_ROUND || target === undefined || target.status !== 'active' || target.seat === seat)
          return void client.send('error', { code: 'ILLEGAL' });
        me.stake += st.currentStake * unit * 2;
        st.pot += st.currentStake * unit * 2;
        const loser = rand() < 0.5 ? me : target;
        loser.status = 'lost';
        break;
      }
      case 'fold':
        me.status = 'folded';
        break;
      default:
        return void client.send('error', { code: 'ILLEGAL' });
    }
    st.step += 1;
    this.#advance(seat);
    this.broadcastPatch();
  }

  /** The next active seat after `from`; the hand ends with one player left or after the last round. */
  #advance(from: number): void {
    const st = this.state;
    let active = 0;
    for (const s of st.seats) if (s.status === 'active') active += 1;
    if (active <= 1) {
      this.#end();
      return;
    }
    let next = from;
    for (let i = 0; i < SEATS; i++) {
      next = (next + 1) % SEATS;
      if ((st.seats[next] as Seat).status === 'active') break;
    }
    // Wrapped round the table: a new betting round.
    if (next <= from) st.round += 1;
    if (st.round > BETTING_ROUNDS_MAX) this.#end();
    else st.turnSeat = next;
  }

  #end(): void {
    const st = this.state;
    st.phase = 'over';
    st.turnSeat = -1;
    // The hand is over: every card is shown.
    this.broadcast('showdown', { handNumber: st.handNumber, cards: this.#cards });
  }
}

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;

const transport = new WebSocketTransport({ perMessageDeflate: false, maxPayload: 4096 });
const server = new Server({ transport, greet: false, gracefullyShutdown: false });
server.define('table', TableRoom);
await server.listen(port, '127.0.0.1');
const address = transport.server?.address();
const actual = typeof address === 'object' && address !== null ? address.port : port;
process.stdout.write(`READY http://127.0.0.1:${actual}\n`);

process.on('SIGTERM', () => {
  void server.gracefullyShutdown(false).finally(() => process.exit(0));
});
