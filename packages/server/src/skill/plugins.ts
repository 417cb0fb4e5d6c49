// The skill-game plug-ins this build has: a catalogue entry (a setting) names one, and the plug-in
// is the game its sessions play — the rules (packages/rules/src/skillgames) that create a game from
// a seed, apply commands, score, end, and replay a log, shared by the browser and the server, so
// every game replays the same on both. Sessions, matches, tournaments, the verifier and review
// reach a game only through `SkillRules`; adding a game is a plug-in there, nothing here.
import { SKILL_RULES, type SkillConfig, type SkillRules } from '@fairground/rules';

export interface SkillPlugin {
  /** The rules configuration a catalogue entry of this game runs on. */
  readonly config: SkillConfig;
  readonly rules: SkillRules;
}

export const skillPlugins: Readonly<Record<string, SkillPlugin>> = Object.freeze(
  Object.fromEntries(Object.values(SKILL_RULES).map((rules) => [rules.id, Object.freeze({ config: rules.defaultConfig, rules })])),
);
