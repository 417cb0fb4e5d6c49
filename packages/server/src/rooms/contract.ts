// Room endpoints. Creating and joining a room are `play` routes (compliance first, current user
// agreement required); buying room cards is a `money` route. Room parameters are typed here but
// not ranged: the rooms domain checks each value itself and answers with that parameter's own code.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdempotencyKey, IdString, TimeMs } from '../http/schemas.ts';
import { RulesChanges } from './frames.ts';
import { HAND_HISTORY_PAGE_MAX, ORDERS_PAGE_MAX, REPORT_TEXT_LENGTH_MAX } from './limits.ts';

const FeeBody = Type.Object(
  {
    mode: Type.Optional(Type.String({ maxLength: 16, description: "'room_card' (default) or 'cash'" })),
    payer: Type.Optional(Type.String({ maxLength: 16, description: "'owner' (default) or 'aa'" })),
    points: Type.Optional(Type.Integer({ description: 'platform points to cover part of a cash fee (1 point = 1 fen)' })),
  },
  { additionalProperties: false },
);

export const CreateRoomBody = Type.Object(
  {
    params: Type.Optional(RulesChanges),
    fee: Type.Optional(FeeBody),
    expectedFee: Type.Optional(Type.Object({ cards: Type.Integer(), cashFen: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const SeatPrice = Type.Object({ cards: Type.Integer(), cashFen: Fen({ minimum: 0 }) });
const FeeQuoteBody = Type.Object({
  mode: Type.String(),
  payer: Type.String(),
  perSeat: SeatPrice,
  owner: SeatPrice,
  joiner: SeatPrice,
  commissionBps: Type.Integer(),
  pointsCoverBpsMax: Type.Integer(),
  roomCardPriceFen: Fen({ minimum: 0 }),
});
const ParamsOut = Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer(), Type.Boolean()]));
const RoomParamsPath = Type.Object({ roomId: IdString() });

const OrderBody = Type.Object({
  orderId: Type.String(),
  kind: Type.String(),
  roomId: Type.Union([Type.String(), Type.Null()]),
  roomCode: Type.Union([Type.String(), Type.Null()]),
  mode: Type.String(),
  cards: Type.Integer(),
  points: Type.Integer(),
  cashFen: Fen(),
  commissionFen: Fen(),
  remainderFen: Fen(),
  status: Type.String(),
  createdAtMs: TimeMs(),
  updatedAtMs: TimeMs(),
  retainUntilMs: TimeMs(),
});

export const roomsContract = contract({
  roomQuote: {
    method: 'POST',
    url: '/api/rooms/quote',
    summary: 'Step 2 of creating a room: the checked parameters and the fee the owner would pay (nothing is created)',
    tags: ['rooms'],
    auth: 'player',
    body: CreateRoomBody,
    response: Type.Object({ params: ParamsOut, fee: FeeQuoteBody, pointsMax: Type.Integer() }),
  },
  roomCreate: {
    method: 'POST',
    url: '/api/rooms',
    summary: 'Step 3: create the room (the fee is held until the first hand), get its six-digit code and share link',
    tags: ['rooms'],
    auth: 'player',
    kind: 'play',
    action: 'create_room',
    example: { body: { params: { seats: 3, rounds: 8, baseScore: 1 }, fee: { mode: 'room_card', payer: 'owner' } } },
    body: CreateRoomBody,
    response: Type.Object({
      roomId: Type.String(),
      code: Type.String(),
      params: ParamsOut,
      fee: FeeQuoteBody,
      orderId: Type.Union([Type.String(), Type.Null()]),
      invite: Type.Object({ token: Type.String(), path: Type.String() }),
    }),
    status: 201,
  },
  roomByCode: {
    method: 'GET',
    url: '/api/rooms/code/:code',
    summary: 'A room by its six-digit code: what joining it means (parameters, fee per seat, seats taken)',
    tags: ['rooms'],
    auth: 'player',
    params: Type.Object({ code: Type.String({ maxLength: 16 }) }),
    response: Type.Object({
      roomId: Type.String(),
      code: Type.String(),
      status: Type.String(),
      ownerNickname: Type.String(),
      params: ParamsOut,
      fee: FeeQuoteBody,
      seated: Type.Integer(),
      observers: Type.Integer(),
      handsPlayed: Type.Integer(),
    }),
  },
  roomJoin: {
    method: 'POST',
    url: '/api/rooms/join',
    summary: 'Join a room by code (a seat as a member, or as a spectator); AA rooms hold the seat’s fee until the first hand',
    tags: ['rooms'],
    auth: 'player',
    kind: 'play',
    action: 'join_room',
    example: { body: { code: '123456', role: 'member' } },
    body: Type.Object(
      {
        code: Type.String({ maxLength: 16 }),
        role: Type.Optional(Type.Union([Type.Literal('member'), Type.Literal('observer')])),
        invite: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
        points: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({
      roomId: Type.String(),
      code: Type.String(),
      role: Type.String(),
      seat: Type.Union([Type.Integer(), Type.Null()]),
      created: Type.Boolean(),
    }),
  },
  roomInvite: {
    method: 'POST',
    url: '/api/rooms/:roomId/invites',
    summary: 'A share link for the room; naming a player makes it personal (and lets a removed player back, from the owner or an admin)',
    tags: ['rooms'],
    auth: 'player',
    params: RoomParamsPath,
    body: Type.Object({ playerId: Type.Optional(IdString()) }, { additionalProperties: false }),
    response: Type.Object({ token: Type.String(), path: Type.String(), expiresAtMs: TimeMs() }),
    status: 201,
  },
  roomSummary: {
    method: 'GET',
    url: '/api/rooms/:roomId',
    summary: 'A room the player was in: status, members, scoreboard, last hand',
    tags: ['rooms'],
    auth: 'player',
    params: RoomParamsPath,
    response: Type.Object({
      id: Type.String(),
      code: Type.String(),
      status: Type.String(),
      ownerId: Type.String(),
      params: ParamsOut,
      handsPlayed: Type.Integer(),
      scores: Type.Array(Type.Object({ playerId: Type.String(), nickname: Type.String(), points: Type.Integer(), hands: Type.Integer() })),
      members: Type.Array(
        Type.Object({
          playerId: Type.String(),
          nickname: Type.String(),
          role: Type.String(),
          seat: Type.Union([Type.Integer(), Type.Null()]),
        }),
      ),
      endReason: Type.Union([Type.String(), Type.Null()]),
      createdAtMs: TimeMs(),
      endedAtMs: Type.Union([TimeMs(), Type.Null()]),
      chainHash: Type.String(),
    }),
  },
  roomHands: {
    method: 'GET',
    url: '/api/rooms/:roomId/hands',
    summary: 'Finished hands of a room with their fairness data (commitment, revealed seeds, cards, actions, result)',
    tags: ['rooms'],
    auth: 'player',
    params: RoomParamsPath,
    query: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
    response: Type.Object({ hands: Type.Array(Type.Unknown(), { maxItems: HAND_HISTORY_PAGE_MAX }) }),
  },
  roomReport: {
    method: 'POST',
    url: '/api/rooms/:roomId/reports',
    summary: 'Report a room or a player in it (feeds the complaint rate and the credit score)',
    tags: ['rooms'],
    auth: 'player',
    params: RoomParamsPath,
    body: Type.Object(
      {
        targetPlayerId: Type.Optional(IdString()),
        reason: Type.String({ maxLength: 32, description: 'cheating, collusion, abuse, gambling or other' }),
        text: Type.Optional(Type.String({ maxLength: REPORT_TEXT_LENGTH_MAX * 2 })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ reportId: Type.String() }),
    status: 201,
  },
  roomFriends: {
    method: 'GET',
    url: '/api/rooms/friends',
    summary: 'Friends (shared a room or joined by invitation) and their open rooms that friends may see',
    tags: ['rooms'],
    auth: 'player',
    response: Type.Object({
      friends: Type.Array(
        Type.Object({
          playerId: Type.String(),
          nickname: Type.String(),
          source: Type.String(),
          sinceMs: TimeMs(),
          rooms: Type.Array(
            Type.Object({
              roomId: Type.String(),
              code: Type.String(),
              status: Type.String(),
              mode: Type.String(),
              seats: Type.Integer(),
              seated: Type.Integer(),
            }),
          ),
        }),
      ),
    }),
  },
  roomsMine: {
    method: 'GET',
    url: '/api/rooms/mine',
    summary: 'The player’s rooms, newest first (live ones to return to)',
    tags: ['rooms'],
    auth: 'player',
    response: Type.Object({
      rooms: Type.Array(
        Type.Object({
          roomId: Type.String(),
          code: Type.String(),
          status: Type.String(),
          role: Type.String(),
          active: Type.Boolean(),
          createdAtMs: TimeMs(),
          endedAtMs: Type.Union([TimeMs(), Type.Null()]),
          handsPlayed: Type.Integer(),
          rounds: Type.Integer(),
        }),
      ),
    }),
  },
  roomOrders: {
    method: 'GET',
    url: '/api/rooms/orders',
    summary: 'The player’s room fee and room-card orders (kept at least 180 days), newest first',
    tags: ['rooms'],
    auth: 'player',
    query: Type.Object(
      { beforeMs: Type.Optional(TimeMs()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ORDERS_PAGE_MAX })) },
      { additionalProperties: false },
    ),
    response: Type.Object({ orders: Type.Array(OrderBody) }),
  },
  roomCards: {
    method: 'GET',
    url: '/api/rooms/cards',
    summary: 'The room-card product (price) and the player’s room cards',
    tags: ['rooms'],
    auth: 'player',
    response: Type.Object({ priceFen: Fen({ minimum: 1 }), perPurchaseMax: Type.Integer(), cards: Type.Integer(), points: Type.Integer() }),
  },
  roomCardsBuy: {
    method: 'POST',
    url: '/api/rooms/cards/purchase',
    summary: 'Buy room cards with the CNY balance (idempotent by key)',
    tags: ['rooms'],
    auth: 'player',
    kind: 'money',
    action: 'buy_room_cards',
    example: { body: { quantity: 1, idempotencyKey: 'example-cards-0001' } },
    body: Type.Object({ quantity: Type.Integer(), idempotencyKey: IdempotencyKey }, { additionalProperties: false }),
    response: Type.Object({ order: OrderBody, replayed: Type.Boolean() }),
    status: 201,
  },
  faceCheckTicket: {
    method: 'POST',
    url: '/api/sandbox/face-check/tickets',
    summary: 'Stand-in only: a one-time face-check ticket for the signed-in player (stands in for a face-check provider’s SDK)',
    tags: ['sandbox'],
    auth: 'player',
    response: Type.Object({ ticket: Type.String(), expiresAtMs: TimeMs() }),
    status: 201,
  },
});
