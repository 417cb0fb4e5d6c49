// Full rooms of 2 to 6 bots over real WebSockets, each playing every configured hand to the end,
// on SQLite and PostgreSQL. Parameters, fee modes and payers are covered pairwise (each pair of
// values appears in some room) rather than exhaustively. After each room: points sum to zero,
// the fees are in the ledger exactly as configured, the ledger's invariants hold, every deck
// re-derives from its revealed seeds, and no frame carried a card its receiver could not see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { systemAccount } from '../../src/ledger/index.ts';
import { assertEveryFrameChecked, botRng, checkFairness, checkNoHiddenCards, handRecords, playRoom } from './bots.ts';
import { BACKENDS, type Client, type Player, TestDatabase, TestServer } from './harness.ts';

interface Config {
  readonly name: string;
  readonly params: Record<string, unknown>;
  readonly fee: { mode: 'room_card' | 'cash'; payer: 'owner' | 'aa' };
  /** Points each payer spends (cash only). */
  readonly points: number;
  readonly seedSeats: readonly number[];
  /** Seats that commit a seed and then withhold the reveal. */
  readonly withholdSeats?: readonly number[];
}

// Pairwise over seats × rounds × mode × base score × fee mode × payer × points × auto-play × client seeds.
const CONFIGS: readonly Config[] = [
  {
    name: 'classic 3 seats, 8 hands, room cards, owner pays',
    params: {},
    fee: { mode: 'room_card', payer: 'owner' },
    points: 0,
    seedSeats: [],
  },
  {
    name: 'custom 2 seats, 9 hands, base 10, cash AA with points',
    params: { mode: 'custom', seats: 2, rounds: 9, baseScore: 10 },
    fee: { mode: 'cash', payer: 'aa' },
    points: 100,
    seedSeats: [0, 1],
  },
  {
    name: 'custom 4 seats, 12 hands, room cards AA, auto-play, client seeds, one reveal withheld',
    params: { mode: 'custom', seats: 4, rounds: 12, baseScore: 3, trusteeship: 'call', turnTimeS: 15 },
    fee: { mode: 'room_card', payer: 'aa' },
    points: 0,
    seedSeats: [1, 3],
    withholdSeats: [3],
  },
  {
    name: 'custom 5 seats, 16 hands, cash owner pays with points, special-hand multipliers',
    params: { mode: 'custom', seats: 5, rounds: 16, baseScore: 5, leopardMultiplier: 5, straightFlushMultiplier: 3, stakeCapMultiple: 4 },
    fee: { mode: 'cash', payer: 'owner' },
    points: 300,
    seedSeats: [],
  },
  {
    name: 'custom 6 seats, 8 hands, cash AA, blind round, all seats seed',
    params: { mode: 'custom', seats: 6, rounds: 8, baseScore: 2, blindRounds: 1, compareFromRound: 3, bettingRoundsMax: 6 },
    fee: { mode: 'cash', payer: 'aa' },
    points: 0,
    seedSeats: [0, 1, 2, 3, 4, 5],
  },
  {
    name: 'classic 3 seats, 16 hands, base 10, cash owner pays',
    params: { mode: 'classic', rounds: 16, baseScore: 10, trusteeship: 'call', bettingRoundsMax: 10 },
    fee: { mode: 'cash', payer: 'owner' },
    points: 0,
    seedSeats: [2],
  },
  {
    name: 'custom 6 seats, 16 hands, room cards owner pays, compare from round 1',
    params: { mode: 'custom', seats: 6, rounds: 16, compareFromRound: 1, leopardMultiplier: 10, turnTimeS: 60 },
    fee: { mode: 'room_card', payer: 'owner' },
    points: 0,
    seedSeats: [],
  },
  {
    name: 'custom 2 seats, 16 hands, base 5, room cards AA',
    params: { mode: 'custom', seats: 2, rounds: 16, baseScore: 5, bettingRoundsMax: 30 },
    fee: { mode: 'room_card', payer: 'aa' },
    points: 0,
    seedSeats: [0],
  },
];

const CASH_START_FEN = 100_000;

for (const backend of BACKENDS) {
  describe(`full rooms on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 2, 6, 12)));
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    for (const [i, cfg] of CONFIGS.entries()) {
      it(`plays to the end: ${cfg.name}`, async () => {
        const seats = (cfg.params.seats as number | undefined) ?? 3;
        const rounds = (cfg.params.rounds as number | undefined) ?? 8;
        const blocks = Math.ceil(rounds / 8);
        const players: Player[] = [];
        for (let s = 0; s < seats; s++) {
          const p = await server.player(`${backend.slice(0, 2)}c${i}p${s}`, `10.${i}.0.${s + 1}`);
          await server.fund(p.id, 'CNY', CASH_START_FEN);
          await server.fund(p.id, 'POINTS', 1000);
          players.push(p);
        }
        // Room cards are bought from the wallet through the product endpoint.
        const cardsEach = cfg.fee.mode === 'room_card' ? (cfg.fee.payer === 'owner' ? seats * blocks : blocks) : 0;
        const buyers = cfg.fee.payer === 'owner' ? players.slice(0, 1) : players;
        for (const p of buyers) {
          if (cardsEach === 0) break;
          const r = await p.http('POST', '/api/rooms/cards/purchase', { quantity: cardsEach, idempotencyKey: `cards-${p.handle}` });
          assert.equal(r.status, 201, JSON.stringify(r.json));
          assert.match(r.json.order.orderId, /^rc[0-9]{20}$/);
        }
        const revenueBefore = (await server.platform.ledger.balance(systemAccount('revenue', 'CNY')))?.postedFen ?? 0;
        const before = await Promise.all(
          players.map(async (p) => ({
            cny: await server.balance(p.id, 'CNY'),
            pts: await server.balance(p.id, 'POINTS'),
            cards: await server.balance(p.id, 'ROOM_CARD'),
          })),
        );

        const owner = players[0] as Player;
        const quote = await owner.http('POST', '/api/rooms/quote', {
          params: cfg.params,
          fee: { ...cfg.fee, points: cfg.fee.payer === 'owner' ? cfg.points : 0 },
        });
        assert.equal(quote.status, 200, JSON.stringify(quote.json));
        const room = await owner.createRoom({
          params: cfg.params,
          fee: { ...cfg.fee, points: cfg.fee.payer === 'owner' || cfg.fee.payer === 'aa' ? cfg.points : 0 },
          expectedFee: quote.json.fee.owner,
        });
        assert.match(room.code, /^[0-9]{6}$/);
        for (const p of players.slice(1)) {
          const r = await p.join(room.code, { invite: room.invite.token, ...(cfg.fee.payer === 'aa' ? { points: cfg.points } : {}) });
          assert.equal(r.status, 200, JSON.stringify(r.json));
        }
        const clients: Client[] = [];
        for (const p of players) clients.push(await p.connect(room.roomId));
        const spectator = await server.player(`${backend.slice(0, 2)}c${i}obs`, `10.${i}.9.9`);
        const sj = await spectator.join(room.code, { role: 'observer' });
        assert.equal(sj.status, 200, JSON.stringify(sj.json));
        const watch = await spectator.connect(room.roomId);

        await playRoom(server, [...clients, watch], room.roomId, botRng(`${backend}-${i}`), {
          seedSeats: cfg.seedSeats,
          ...(cfg.withholdSeats ? { withholdSeats: cfg.withholdSeats } : {}),
        });

        const state = server.rooms.actor(room.roomId)?.state;
        assert.ok(state);
        assert.equal(state.status, 'finished');
        assert.equal(state.handsPlayed, rounds, 'every configured hand was played');
        assert.equal(
          state.scores.reduce((a, l) => a + l.points, 0),
          0,
          'the scoreboard sums to zero',
        );
        const records = await handRecords(server, room.roomId, owner.id);
        assert.equal(records.size, rounds);
        // A withheld reveal neither stops the deal nor leaves the seat out of it: the deal is made from the commitments.
        for (const seat of cfg.withholdSeats ?? [])
          for (const r of records.values()) {
            assert.ok(
              r.clientCommitments?.some((c) => c.seat === seat),
              `hand ${r.handNumber}: seat ${seat}'s commitment counts`,
            );
            assert.ok(!r.clientSeeds.some((c) => c.seat === seat), `hand ${r.handNumber}: seat ${seat} never revealed`);
          }
        for (const r of records.values())
          assert.equal(
            r.deltas.reduce((a, d) => a + d.points, 0),
            0,
            `hand ${r.handNumber} sums to zero`,
          );

        // Fees, exactly as configured: who paid, in which asset, and where it went.
        const perSeatFen = blocks * 200;
        let cashToRevenue = 0;
        for (const [k, p] of players.entries()) {
          const pays = cfg.fee.payer === 'aa' || k === 0;
          const now = {
            cny: await server.balance(p.id, 'CNY'),
            pts: await server.balance(p.id, 'POINTS'),
            cards: await server.balance(p.id, 'ROOM_CARD'),
          };
          const was = before[k] as (typeof before)[number];
          if (cfg.fee.mode === 'room_card') {
            assert.equal(now.cards.posted, was.cards.posted - (pays ? cardsEach : 0), `${p.handle} room cards`);
            assert.equal(now.cny.posted, was.cny.posted, `${p.handle} pays no cash in a room-card room`);
          } else {
            const feeFen = pays ? (cfg.fee.payer === 'owner' ? seats * perSeatFen : perSeatFen) : 0;
            const points = pays ? cfg.points : 0;
            assert.equal(now.cny.posted, was.cny.posted - (feeFen - points), `${p.handle} cash`);
            assert.equal(now.pts.posted, was.pts.posted - points, `${p.handle} points`);
            cashToRevenue += feeFen - points;
          }
          assert.equal(now.cny.available, now.cny.posted, 'no hold is left open');
        }
        const revenueAfter = (await server.platform.ledger.balance(systemAccount('revenue', 'CNY')))?.postedFen ?? 0;
        assert.equal(
          revenueAfter - revenueBefore,
          cashToRevenue,
          'the whole cash fee is the platform’s service fee under the default policy',
        );
        const orders = await owner.http('GET', '/api/rooms/orders');
        const roomOrders = (
          orders.json.orders as { roomId: string; orderId: string; status: string; commissionFen: number; cashFen: number }[]
        ).filter((o) => o.roomId === room.roomId);
        assert.equal(roomOrders.length, 1, 'the owner sees their room order in their history');
        assert.match(roomOrders[0]?.orderId ?? '', /^rf[0-9]{20}$/);
        assert.equal(roomOrders[0]?.status, 'charged');
        if (cfg.fee.mode === 'cash') {
          const o = roomOrders[0] as (typeof roomOrders)[number];
          assert.equal(o.commissionFen, Math.floor((o.cashFen * 1000) / 10_000), 'commission 10 % of the cash part only');
        }
        const inv = await server.platform.ledger.checkInvariants();
        assert.ok(inv.ok, inv.problems.join('; '));

        assert.equal(await checkFairness(server, room.roomId, owner.id), rounds);
        assert.ok((await checkNoHiddenCards(server, room.roomId, owner.id)) > 0);
        await server.attestHands();
        const chain = await server.rooms.verifyChain(room.roomId);
        assert.ok(chain.ok, chain.problems.join('; '));
        assert.equal(chain.notarised, rounds);
        for (const c of [...clients, watch]) c.close();
      });
    }
  });
}

after(() => assertEveryFrameChecked());
