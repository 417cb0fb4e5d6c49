// Handlers for the room endpoints, and the room WebSocket served beside them.
import { AppError } from '@fairground/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../accounts/index.ts';
import { implement, type Implementation } from '../http/routes.ts';
import type { Ledger } from '../ledger/index.ts';
import { roomsContract as c } from './contract.ts';
import { RoomErrors } from './errors.ts';
import { type LiveRoom, registerRoomSocket } from './gateway.ts';
import { ROOM_CARDS_PER_PURCHASE_MAX } from './limits.ts';
import type { OrderRow } from './money.ts';
import type { RoomParamsInput } from './params.ts';
import type { RoomRouter } from './router.ts';
import type { Rooms, RoomsOptions } from './service.ts';

export interface RoomRouteDeps {
  readonly rooms: Rooms;
  /** Where creating, joining, previewing, inviting and friends' rooms run: this process, or the cluster's owner node. */
  readonly router: RoomRouter;
  readonly ledger: Ledger;
  readonly addressOf: (request: FastifyRequest) => string;
  /** The face-check stand-in's ticket issuer when that stand-in is bound; else its route answers ROOM_FACE_CHECK_UNAVAILABLE. */
  readonly faceCheckTickets: { issueTicket(playerId: string): { ticket: string; expiresAtMs: number } } | null;
}

/** What the composition root's caller may set for rooms (tests: timers on a manual clock, a fixed policy, client addresses). */
export interface PlatformRoomsOptions
  extends Partial<Pick<RoomsOptions, 'timers' | 'policy' | 'riskGate' | 'feeSchedule' | 'eventWrites'>> {
  /** The client's network address for the same-IP rules; default `clientAddress` (a loopback proxy's X-Forwarded-For, else the request's address). */
  readonly addressOf?: (request: FastifyRequest) => string;
  readonly framesPerS?: number;
  readonly framesBurstMax?: number;
}

/** Serves `GET /api/rooms/ws` (see gateway.ts) for this process's rooms. */
export function registerRoomsSocket(
  app: FastifyInstance,
  rooms: Rooms,
  authenticator: Authenticator,
  o: {
    addressOf: (request: FastifyRequest) => string;
    framesPerS?: number;
    framesBurstMax?: number;
    /** With several processes: a proxy of a room another process holds. */
    remote?: (roomId: string) => Promise<LiveRoom | undefined>;
  },
): void {
  rooms.attachGateway(
    registerRoomSocket(app, {
      authenticator,
      ...rooms.socketSource(),
      ...(o.remote ? { remote: o.remote } : {}),
      addressOf: o.addressOf,
      ...(o.framesPerS !== undefined ? { framesPerS: o.framesPerS } : {}),
      ...(o.framesBurstMax !== undefined ? { framesBurstMax: o.framesBurstMax } : {}),
    }),
  );
}

function orderBody(o: OrderRow & { roomCode?: string | null }) {
  return { ...o, roomCode: o.roomCode ?? null };
}

// tidy: route table
export function roomRoutes(d: RoomRouteDeps): Record<keyof typeof c, Implementation> {
  const { rooms } = d;
  return {
    roomQuote: implement(c.roomQuote, async ({ body }) => {
      const q = rooms.quote({ ...body, params: body.params as RoomParamsInput });
      return { params: { ...q.params }, fee: q.fee, pointsMax: q.pointsMax };
    }),
    roomCreate: implement(
      c.roomCreate,
      async ({ actor, body, request }) => {
        const r = await d.router.create(actor.playerId, { ...body, params: body.params as RoomParamsInput }, d.addressOf(request));
        return { ...r, params: { ...r.params } };
      },
      { complianceContext: ({ body }) => ({ feeMode: String(body.fee?.mode ?? 'room_card'), payer: String(body.fee?.payer ?? 'owner') }) },
    ),
    roomByCode: implement(c.roomByCode, async ({ params }) => {
      const p = await d.router.preview(params.code);
      return { ...p, params: { ...p.params } };
    }),
    roomJoin: implement(c.roomJoin, async ({ actor, body, request }) => d.router.join(actor.playerId, body, d.addressOf(request)), {
      complianceContext: ({ body }) => ({ role: body.role ?? 'member' }),
    }),
    roomInvite: implement(c.roomInvite, async ({ actor, params, body }) => d.router.invite(actor.playerId, params.roomId, body.playerId)),
    roomSummary: implement(c.roomSummary, async ({ actor, params }) => {
      const s = await rooms.summary(actor.playerId, params.roomId);
      return {
        id: s.id,
        code: s.code,
        status: s.status,
        ownerId: s.ownerId,
        params: { ...s.params },
        handsPlayed: s.handsPlayed,
        scores: [...s.scores],
        members: s.members.map((m) => ({ playerId: m.playerId, nickname: m.nickname, role: m.role, seat: m.seat })),
        endReason: s.endReason,
        createdAtMs: s.createdAtMs,
        endedAtMs: s.endedAtMs,
        chainHash: s.chainHash,
      };
    }),
    roomHands: implement(c.roomHands, async ({ actor, params, query }) => ({
      hands: await rooms.hands(actor.playerId, params.roomId, query.after ?? 0),
    })),
    roomReport: implement(c.roomReport, async ({ actor, params, body }) => rooms.report(actor.playerId, params.roomId, body)),
    roomFriends: implement(c.roomFriends, async ({ actor }) => ({ friends: await d.router.friends(actor.playerId) })),
    roomsMine: implement(c.roomsMine, async ({ actor }) => ({ rooms: await rooms.mine(actor.playerId) })),
    roomOrders: implement(c.roomOrders, async ({ actor, query }) => ({
      orders: (await rooms.orders(actor.playerId, query)).map(orderBody),
    })),
    roomCards: implement(c.roomCards, async ({ actor }) => {
      const balances = await d.ledger.balances('player', actor.playerId);
      const of = (asset: string) => balances.find((b) => b.asset === asset)?.availableFen ?? 0;
      return {
        priceFen: rooms.schedule.roomCardPriceFen,
        perPurchaseMax: ROOM_CARDS_PER_PURCHASE_MAX,
        cards: of('ROOM_CARD'),
        points: of('POINTS'),
      };
    }),
    roomCardsBuy: implement(
      c.roomCardsBuy,
      async ({ actor, body }) => {
        const r = await rooms.buyCards(actor.playerId, body);
        return { order: orderBody(r.order), replayed: r.replayed };
      },
      { complianceContext: ({ body }) => ({ quantity: body.quantity }) },
    ),
    faceCheckTicket: implement(c.faceCheckTicket, async ({ actor }) => {
      if (d.faceCheckTickets === null) throw new AppError(RoomErrors.ROOM_FACE_CHECK_UNAVAILABLE);
      return d.faceCheckTickets.issueTicket(actor.playerId);
    }),
  };
}
