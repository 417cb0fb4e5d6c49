// The room WebSocket protocol. Every client frame is a JSON object with a type `t`, checked
// against its schema (compiled once) before anything reads it. Commands that change the room
// carry `v`, the room version the client acted on; a stale one is refused. Frames never name the
// sender's seat: the seat comes from the authenticated connection (a frame that names another
// seat is a forgery and closes the connection).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { BODY_CONTROL, controlCharacterAt } from '../http/text.ts';
import { VOICE_CANDIDATE_CHARS_MAX, VOICE_SDP_CHARS_MAX } from './limits.ts';

const RequestId = Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }));
const Version = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const PlayerIdField = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const SeatField = Type.Integer({ minimum: 0, maximum: 63 });

function frame<const T extends string, P extends Record<string, TSchema>>(t: T, props: P) {
  return Type.Object({ t: Type.Literal(t), id: RequestId, ...props }, { additionalProperties: false });
}

export const HelloFrame = frame('hello', {
  token: Type.String({ minLength: 1, maxLength: 1500 }),
  roomId: PlayerIdField,
});

export const ActFrame = frame('act', {
  v: Version,
  action: Type.Object(
    {
      type: Type.Union([
        Type.Literal('look'),
        Type.Literal('call'),
        Type.Literal('raise'),
        Type.Literal('compare'),
        Type.Literal('fold'),
        Type.Literal('all-in'),
      ]),
      toStakePoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
      targetSeat: Type.Optional(SeatField),
      /** Never needed; when present it must be the sender's own seat. */
      seat: Type.Optional(SeatField),
    },
    { additionalProperties: false },
  ),
});

export const RulesChanges = Type.Object(
  {
    mode: Type.Optional(Type.String({ maxLength: 16 })),
    seats: Type.Optional(Type.Integer()),
    rounds: Type.Optional(Type.Integer()),
    baseScore: Type.Optional(Type.Integer()),
    spectators: Type.Optional(Type.Boolean()),
    friendsVisible: Type.Optional(Type.Boolean()),
    voiceChat: Type.Optional(Type.Boolean()),
    turnTimeS: Type.Optional(Type.Integer()),
    trusteeship: Type.Optional(Type.String({ maxLength: 16 })),
    stakeCapMultiple: Type.Optional(Type.Integer()),
    bettingRoundsMax: Type.Optional(Type.Integer()),
    compareFromRound: Type.Optional(Type.Integer()),
    blindRounds: Type.Optional(Type.Integer()),
    leopardMultiplier: Type.Optional(Type.Integer()),
    straightFlushMultiplier: Type.Optional(Type.Integer()),
    sameIpAllowed: Type.Optional(Type.Boolean()),
    identityCheck: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Quick phrase ids, as the `chat.phrases` setting spells them. */
const PhraseIdField = Type.String({ pattern: '^[a-z0-9_]{1,24}$' });

/**
 * A chat message: a quick phrase, an emoji, or typed text (allowed only where the policy says so,
 * and delivered only when WeChat's content check passes it). Carries no `v`: chat does not change
 * the room. The sender comes from the connection, never from the frame.
 */
export const ChatFrame = Type.Union([
  frame('chat', { kind: Type.Literal('phrase'), phraseId: PhraseIdField }),
  frame('chat', { kind: Type.Literal('emoji'), emoji: Type.String({ minLength: 1, maxLength: 8 }) }),
  frame('chat', { kind: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: 200 }) }),
]);

/**
 * Table voice (WebRTC signalling, relayed by the room between seated players of a room with voice
 * on): a session description or an ICE candidate addressed to the seat of another player in the
 * call. Opaque to the room, never read as game state, and no version: voice changes nothing in the room.
 */
const VoiceTo = SeatField;
export const VoiceSignalFrame = Type.Union([
  frame('voice_signal', {
    to: VoiceTo,
    kind: Type.Union([Type.Literal('offer'), Type.Literal('answer')]),
    sdp: Type.String({ minLength: 1, maxLength: VOICE_SDP_CHARS_MAX }),
  }),
  frame('voice_signal', {
    to: VoiceTo,
    kind: Type.Literal('ice'),
    candidate: Type.Object(
      {
        candidate: Type.String({ maxLength: VOICE_CANDIDATE_CHARS_MAX }),
        sdpMid: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
        sdpMLineIndex: Type.Union([Type.Integer({ minimum: 0, maximum: 63 }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
  }),
]);

export const FRAME_SCHEMAS = {
  hello: HelloFrame,
  act: ActFrame,
  ready: frame('ready', { v: Version, ready: Type.Boolean() }),
  start: frame('start', { v: Version }),
  trustee: frame('trustee', { v: Version, on: Type.Boolean() }),
  seed_commit: frame('seed_commit', { v: Version, commitment: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
  seed_reveal: frame('seed_reveal', { v: Version, seed: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
  identity: frame('identity', { v: Version, ticket: Type.String({ minLength: 1, maxLength: 256 }) }),
  kick: frame('kick', { v: Version, playerId: PlayerIdField }),
  set_admin: frame('set_admin', { v: Version, playerId: PlayerIdField, admin: Type.Boolean() }),
  transfer_owner: frame('transfer_owner', { v: Version, playerId: PlayerIdField }),
  rules: frame('rules', { v: Version, changes: RulesChanges }),
  dissolve: frame('dissolve', { v: Version }),
  leave: frame('leave', { v: Version }),
  chat: ChatFrame,
  /** Stop (or resume) receiving one player's chat at this table. */
  chat_mute: frame('chat_mute', { playerId: PlayerIdField, muted: Type.Boolean() }),
  /** Join the table voice: `webrtc` (the H5 mesh, answered with TURN credentials) or `wechat` (wx.joinVoIPChat, answered with its signature). */
  voice_join: frame('voice_join', { via: Type.Union([Type.Literal('webrtc'), Type.Literal('wechat')]) }),
  voice_leave: frame('voice_leave', {}),
  voice_signal: VoiceSignalFrame,
  ping: frame('ping', {}),
  /** The client missed a hand frame (a patch on another base): the room sends its whole view again, as a welcome. */
  resync: frame('resync', {}),
} as const;

export type FrameType = keyof typeof FRAME_SCHEMAS;
export type ClientFrame = { [K in FrameType]: Static<(typeof FRAME_SCHEMAS)[K]> }[FrameType];
export type CommandFrame = Exclude<ClientFrame, { t: 'hello' } | { t: 'ping' }>;
/** Frames about chat: they change nothing in the room and carry no version. */
export type ChatCommandFrame = Extract<CommandFrame, { t: 'chat' } | { t: 'chat_mute' }>;
/** Frames about the table voice: relayed or answered, never a change to the room, no version. */
export type VoiceCommandFrame = Extract<CommandFrame, { t: 'voice_join' } | { t: 'voice_leave' } | { t: 'voice_signal' }>;
/** Frames that change the room: each carries the version it was decided on. */
export type RoomCommandFrame = Exclude<CommandFrame, ChatCommandFrame | VoiceCommandFrame | { t: 'resync' }>;

const checkers = new Map<string, TypeCheck<TSchema>>(Object.entries(FRAME_SCHEMAS).map(([t, s]) => [t, TypeCompiler.Compile(s)]));

/** Nesting a frame is checked to (as `controlCharacterAt` does). */
const CONTROL_DEPTH_MAX = 40;

/**
 * Whether any string of a parsed frame (keys included) holds a character `BODY_CONTROL` refuses. The
 * same test as `controlCharacterAt`, without the path texts and entry arrays it makes for every
 * value: every frame of every player is checked, and almost none holds one (the path is then made
 * for the reason).
 */
function holdsControl(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return BODY_CONTROL.test(value);
  if (typeof value !== 'object' || value === null || depth > CONTROL_DEPTH_MAX) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (holdsControl(value[i], depth + 1)) return true;
    return false;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    if (BODY_CONTROL.test(k) || holdsControl(o[k], depth + 1)) return true;
  }
  return false;
}

/** The frame if it matches its schema, else a short reason (never the frame's own text). */
export function parseFrame(value: unknown): { ok: true; frame: ClientFrame } | { ok: false; reason: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not an object' };
  const t = (value as { t?: unknown }).t;
  const check = typeof t === 'string' ? checkers.get(t) : undefined;
  if (check === undefined) return { ok: false, reason: 'unknown frame type' };
  if (holdsControl(value, 0)) {
    const control = controlCharacterAt(value, BODY_CONTROL, '', 0);
    return { ok: false, reason: `${control ?? '/'} holds a control character` };
  }
  if (check.Check(value)) return { ok: true, frame: value as ClientFrame };
  const first = check.Errors(value).First();
  return { ok: false, reason: `${first?.path ?? ''} ${first?.message ?? 'does not match'}`.trim().slice(0, 120) };
}

/** Close codes (4000–4999 are the application's). */
export const CloseCodes = {
  HELLO: 4001,
  MALFORMED: 4002,
  FORGED: 4003,
  NOT_FOUND: 4004,
  KICKED: 4005,
  LEFT: 4006,
  FLOOD: 4008,
  TOO_LARGE: 4009,
  SLOW: 4010,
  RESTART: 1012,
  FULL: 1013,
} as const;
