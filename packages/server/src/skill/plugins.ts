// The skill-game plug-ins this build has: a catalogue entry (a setting) names one, and the plug-in
// gives the rules configuration its sessions run on. The rules themselves live in packages/rules,
// shared by the browser and the server, so every game replays the same on both.
import { DEFAULT_PUZZLE_CONFIG, type PuzzleConfig } from '@fairground/rules';

export interface SkillPlugin {
  readonly config: PuzzleConfig;
}

export const skillPlugins: Readonly<Record<string, SkillPlugin>> = Object.freeze({
  match3: { config: DEFAULT_PUZZLE_CONFIG },
});
