// Chat endpoints. Messages themselves travel over the room WebSocket (`chat` frames, rooms/frames.ts);
// here a player reads what the picker offers and reports a message, and the console works the
// queue of reported messages and reads a room's chat beside its hands.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdString, itemList, TimeMs } from '../http/schemas.ts';
import { CHAT_PAGE_MAX, REPORT_REASON_CHARS_MAX } from './limits.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const ChatMessageBody = Type.Object({
  id: Type.String(),
  roomId: Type.String(),
  handNumber: NullableInt,
  playerId: Type.String(),
  seat: NullableInt,
  kind: Type.Union([Type.Literal('phrase'), Type.Literal('emoji'), Type.Literal('text')]),
  phraseId: Nullable(Type.String()),
  text: Type.String(),
  textEn: Nullable(Type.String()),
  atMs: TimeMs(),
});

const StoredMessageBody = Type.Composite([
  ChatMessageBody,
  Type.Object({
    status: Type.Union([Type.Literal('delivered'), Type.Literal('refused')]),
    checkSuggest: Nullable(Type.String()),
    checkLabel: NullableInt,
  }),
]);

const ReportBody = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  roomId: Type.String(),
  handNumber: NullableInt,
  reporterId: Type.String(),
  senderId: Type.String(),
  reason: Type.String(),
  message: Type.Union([StoredMessageBody, Type.Null()]),
  context: Type.Array(ChatMessageBody),
  status: Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('upheld')]),
  resolutionNote: Nullable(Type.String()),
  handledBy: Nullable(Type.String()),
  handledAtMs: Type.Union([TimeMs(), Type.Null()]),
  createdAtMs: TimeMs(),
});

const READERS = ['support', 'risk', 'admin'] as const;

export const chatContract = contract({
  chatOffer: {
    method: 'GET',
    url: '/api/chat/offer',
    summary: 'What the table chat offers me: the quick phrases, the emoji, and whether I may type (and if not, the code saying why)',
    tags: ['chat'],
    auth: 'player',
    response: Type.Object({
      phrases: Type.Array(Type.Object({ id: Type.String(), zh: Type.String(), en: Type.String() })),
      emoji: Type.Array(Type.String()),
      freeText: Type.Object({ allowed: Type.Boolean(), reason: Nullable(Type.String()) }),
    }),
  },
  chatRecent: {
    method: 'GET',
    url: '/api/chat/rooms/:roomId/messages',
    summary: 'The latest messages delivered at a table I am or was at, oldest first (what a reopened page shows again)',
    tags: ['chat'],
    auth: 'player',
    params: Type.Object({ roomId: IdString() }),
    response: itemList(ChatMessageBody),
  },
  chatReport: {
    method: 'POST',
    url: '/api/chat/reports',
    summary: 'Report a chat message from a room I am or was in: it reaches the console review queue with the conversation and the hand',
    tags: ['chat'],
    auth: 'player',
    body: Type.Object(
      {
        messageId: IdString(),
        reason: Type.String({ minLength: 1, maxLength: REPORT_REASON_CHARS_MAX }),
      },
      { additionalProperties: false },
    ),
    status: 201,
    response: Type.Object({ reportId: Type.String() }),
  },
  chatReports: {
    method: 'GET',
    url: '/api/admin/chat/reports',
    summary: 'Reported chat messages, newest first, each with the conversation around it and its room and hand',
    tags: ['admin', 'chat'],
    auth: 'operator',
    roles: [...READERS],
    query: Type.Object(
      {
        status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('upheld')])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAT_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: itemList(ReportBody),
  },
  chatReportResolve: {
    method: 'POST',
    url: '/api/admin/chat/reports/:reportId/resolve',
    summary: "Decide a chat report: dismiss it, or uphold it (the sender's chat is restricted for a day). Audited",
    tags: ['admin', 'chat'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ reportId: IdString() }),
    body: Type.Object(
      {
        action: Type.Union([Type.Literal('dismiss'), Type.Literal('uphold')]),
        note: Type.String({ minLength: 3, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
    response: ReportBody,
  },
  chatRoom: {
    method: 'GET',
    url: '/api/admin/chat/rooms/:roomId',
    summary: "A room's chat for its hand and dispute view: every message, refused ones marked with the content check's verdict",
    tags: ['admin', 'chat'],
    auth: 'operator',
    roles: [...READERS],
    params: Type.Object({ roomId: IdString() }),
    query: Type.Object({ hand: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, { additionalProperties: false }),
    response: itemList(StoredMessageBody),
  },
});
