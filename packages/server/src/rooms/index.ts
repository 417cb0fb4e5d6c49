// Rooms: 拼三张 friend rooms. The public surface for the composition root and other domains.
export type { Conn, Logger } from './actor.ts';
export { clientAddress } from './address.ts';
export { roomsContract } from './contract.ts';
export {
  analyticsRiskSignals,
  DEVELOPMENT_ROOM_LIMITS,
  fixedRoomPolicy,
  ManualTimers,
  permissiveRiskGate,
  systemTimers,
} from './dev-ports.ts';
export { RoomErrors } from './errors.ts';
export { roomLogSource } from './event-rows.ts';
export { DEFAULT_FEE_SCHEDULE, type FeeQuote, type FeeSchedule, formatOrderId } from './fees.ts';
export { CloseCodes, type ClientFrame, FRAME_SCHEMAS, type VoiceCommandFrame } from './frames.ts';
export {
  PLAY_WINDOW_READ_MAX_AGE_MS,
  ROOM_CARDS_PER_PURCHASE_MAX,
  VOICE_CANDIDATE_CHARS_MAX,
  VOICE_FRAME_BYTES_MAX,
  VOICE_SDP_CHARS_MAX,
} from './limits.ts';
export type { LiveRoom } from './gateway.ts';
export type { HandRecord } from './history.ts';
export { roomsMigrations } from './migrations.ts';
export type { ChainReport } from './notary.ts';
export { DEFAULT_PARAMS, type RoomParams } from './params.ts';
export type {
  IdentityCheck,
  Notary,
  NotaryEntry,
  RiskDecision,
  RiskDissolveResult,
  RiskGate,
  RiskSignals,
  RoomChat,
  RoomChatMessage,
  RoomChatRequest,
  RoomDirectory,
  RoomPolicy,
  RoomPolicyLimits,
  RoomHandSummary,
  RoomReminders,
  RoomVoice,
  VoiceEndReason,
  VoiceRoom,
  RoomRiskSignal,
  Timers,
} from './ports.ts';
export { type RoomLiveness, type RoomReads, roomReads } from './reads.ts';
export { localRoomRouter, type RoomRouter } from './router.ts';
export { type PlatformRoomsOptions, type RoomRouteDeps, registerRoomsSocket, roomRoutes } from './routes.ts';
export { type CreatedRoom, REPORT_REASONS, Rooms, type RoomsOptions } from './service.ts';
export type { RoomState } from './state.ts';
export { type HandInfo, type HandSection, type MemberView, type RoomView, SECURITY_RISK_MESSAGE } from './views.ts';
