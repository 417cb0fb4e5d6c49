// Chat at the 拼三张 table: quick phrases, emoji, and typed text checked by WeChat content security.
export { chatContract } from './contract.ts';
export { ChatErrors } from './errors.ts';
export { CHAT_MESSAGES_PER_WINDOW_MAX, CHAT_REFUSALS_MAX, CHAT_RETENTION_MS, CHAT_WINDOW_MS, MUTED_PER_PLAYER_MAX } from './limits.ts';
export { chatMigrations } from './migrations.ts';
export { type ChatRisk, type ContentCheck, ContentCheckUnavailable, type ContentVerdict } from './ports.ts';
export { chatRoutes } from './routes.ts';
export {
  Chat,
  type ChatKind,
  type ChatMessage,
  type ChatOptions,
  type ChatReport,
  type ChatRequest,
  deliveredView,
  type FreeTextAvailability,
  type StoredChatMessage,
} from './service.ts';
