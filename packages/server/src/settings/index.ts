// Business settings as data: fees, the skill catalogue and tournament templates, VIP tiers and
// skins, the agreement. One service reads and changes them all (service.ts).
export type { Agreement } from './agreement.ts';
export { type BusinessBounds, businessBounds } from './bounds.ts';
export { memorySettingsBus, type NoticeBus, noticeSettingsBus, type SettingsBus, type SettingsChange } from './bus.ts';
export { type ChatPhrases, DEFAULT_CHAT_PHRASES } from './chat.ts';
export { SETTING_KEYS, type SettingKey, type SettingValues } from './definitions.ts';
export { SettingsErrors } from './errors.ts';
export type { RoomFees } from './fees.ts';
export { settingsMigrations } from './migrations.ts';
export { settingsRoutes } from './routes.ts';
export { Settings, type SettingsOptions, type SettingVersion } from './service.ts';
export type { SkillCatalogueValue, TournamentTemplate, TournamentTemplates } from './skill.ts';
export { DEFAULT_SUPPORT, type SupportSettings, supportOpen } from './support.ts';
export type { VipSettings } from './vip.ts';
