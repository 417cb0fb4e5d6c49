// Skill games: sessions with authoritative replay, paid head-to-head matches, tournaments,
// practice, anti-cheat signals and the verifier. Routes in routes.ts, WebSocket in socket.ts.
export { MATCH3, SkillCatalogue, type SkillGameSettings, type TieRule } from './catalogue.ts';
export { logDigest, newSeed } from './digest.ts';
export { SkillErrors } from './errors.ts';
export * as skillLimits from './limits.ts';
export { escrowAccount } from './money.ts';
export { skillMigrations } from './migrations.ts';
export { type SkillPlugin, skillPlugins } from './plugins.ts';
export type { MatchOutcome, MatchStatus, SessionMode, SessionStatus, TournamentStatus } from './rows.ts';
export type { Ack, AdminSession, MatchView, SessionResult, SessionState, TournamentView } from './schemas.ts';
export { type SignalSummary, summarize, timingStats } from './signals.ts';
export { SkillGames, type SkillGamesOptions, type SkillRiskPort, type SweepReport } from './service.ts';
export { latestSlotMs, nextSlotMs, slotLabel, type TournamentSchedule } from './schedule.ts';
export { type NewTournament, type OperatorRef, SCHEDULE_OPERATOR_ID, type ScheduledTemplate } from './tournaments.ts';
export { loadSessionWithLog, type VerificationReport, verifySession } from './verifier.ts';
export { skillContract } from './contract.ts';
export { createSkillPlatform, type SkillPlatform, type SkillPlatformOptions } from './platform.ts';
export { type SkillRouteDeps, skillRoutes } from './routes.ts';
export { registerSkillSocket } from './socket.ts';
