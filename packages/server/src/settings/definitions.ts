// The settings there are, each with its default (what holds before an operator changes it) and its
// check (shape, then the jurisdiction policy's bounds and what the other settings require).
import { MATCH3 } from '../skill/index.ts';
import { type Agreement, checkAgreement, defaultAgreement } from './agreement.ts';
import type { BusinessBounds } from './bounds.ts';
import { type ChatPhrases, checkChatPhrases, DEFAULT_CHAT_PHRASES } from './chat.ts';
import { checkRoomFees, DEFAULT_ROOM_FEES, type RoomFees } from './fees.ts';
import { checkSkillCatalogue, checkTournamentTemplates, type SkillCatalogueValue, type TournamentTemplates } from './skill.ts';
import type { SettingKey } from './keys.ts';
import { checkSupport, DEFAULT_SUPPORT, type SupportSettings } from './support.ts';
import { checkVip, DEFAULT_VIP, type VipSettings } from './vip.ts';
import { assertionFailed } from '@fairground/core';

export interface SettingValues extends Record<SettingKey, unknown> {
  'room.fees': RoomFees;
  'skill.catalogue': SkillCatalogueValue;
  'skill.tournament_templates': TournamentTemplates;
  vip: VipSettings;
  agreement: Agreement;
  support: SupportSettings;
  'chat.phrases': ChatPhrases;
}
export { isSettingKey, SETTING_KEYS, type SettingKey } from './keys.ts';

/** What a check may look at besides the value. */
export interface CheckContext {
  readonly bounds: BusinessBounds;
  /** Skill-game plug-ins this build has. */
  readonly plugins: readonly string[];
  /** Game ids of the catalogue in force (or being checked). */
  readonly games: readonly string[];
  /** Every agreement version label used so far. */
  readonly agreementVersions: readonly string[];
  /** Games the tournament templates in force name (a catalogue may not drop one of them). */
  readonly templateGames: readonly string[];
}

export function checkSetting<K extends SettingKey>(key: K, value: unknown, ctx: CheckContext): SettingValues[K] {
  switch (key) {
    case 'room.fees':
      return checkRoomFees(value, ctx.bounds) as SettingValues[K];
    case 'skill.catalogue':
      return checkSkillCatalogue(value, ctx.bounds, ctx.plugins, ctx.templateGames) as SettingValues[K];
    case 'skill.tournament_templates':
      return checkTournamentTemplates(value, ctx.bounds, ctx.games) as SettingValues[K];
    case 'vip':
      return checkVip(value) as SettingValues[K];
    case 'agreement':
      return checkAgreement(value, ctx.agreementVersions) as SettingValues[K];
    case 'support':
      return checkSupport(value) as SettingValues[K];
    case 'chat.phrases':
      return checkChatPhrases(value) as SettingValues[K];
    default:
      assertionFailed(`setting ${String(key)} has a check`);
  }
}

export const DEFAULT_SKILL_CATALOGUE: SkillCatalogueValue = {
  games: [
    {
      id: MATCH3.id,
      plugin: 'match3',
      title: { ...MATCH3.title },
      stakesFen: [...MATCH3.stakesFen],
      rakeBps: MATCH3.rakeBps,
      tieRule: MATCH3.tieRule,
      matchWaitMs: MATCH3.matchWaitMs,
    },
  ],
};

export const DEFAULT_TOURNAMENT_TEMPLATES: TournamentTemplates = {
  templates: [
    {
      id: 'daily',
      game: MATCH3.id,
      title: '每日挑战 Daily challenge',
      entryFeeFen: 200,
      rakeBps: 1000,
      prizeWeights: [5, 3, 2],
      playersMin: 3,
      playersMax: 200,
      entryWindowMs: 6 * 3_600_000,
      playWindowMs: 3_600_000,
    },
  ],
};

export function defaultSettings(termsVersion: string): SettingValues {
  return {
    'room.fees': DEFAULT_ROOM_FEES,
    'skill.catalogue': DEFAULT_SKILL_CATALOGUE,
    'skill.tournament_templates': DEFAULT_TOURNAMENT_TEMPLATES,
    vip: DEFAULT_VIP,
    agreement: defaultAgreement(termsVersion),
    support: DEFAULT_SUPPORT,
    'chat.phrases': DEFAULT_CHAT_PHRASES,
  };
}
