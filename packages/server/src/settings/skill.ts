// The skill-game catalogue and the tournament templates as settings. A game names the plug-in that
// plays it (its rules in packages/rules); its stakes, rake, tie rule and waiting time are the
// operator's. A change applies to matches and tournaments created afterwards: each match and
// tournament stores its rake and rules when it is created.
import { type Static, Type } from '@sinclair/typebox';
import type { BusinessBounds } from './bounds.ts';
import { checkShape, invalid, outsidePolicy } from './check.ts';
import { SKILL_GAMES_MAX, TEMPLATES_MAX } from './limits.ts';

const Title = Type.Object(
  { zh: Type.String({ minLength: 1, maxLength: 40 }), en: Type.String({ minLength: 1, maxLength: 60 }) },
  { additionalProperties: false },
);
const GameId = Type.String({ pattern: '^[a-z0-9_]{1,32}$' });

export const SkillGameSchema = Type.Object(
  {
    id: GameId,
    /** The plug-in that plays it (`match3`, `pairs`); see skill/plugins.ts. */
    plugin: Type.String({ pattern: '^[a-z0-9_]{1,32}$' }),
    title: Title,
    stakesFen: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000_000 }), { minItems: 1, maxItems: 10, uniqueItems: true }),
    rakeBps: Type.Integer({ minimum: 0, maximum: 10_000 }),
    tieRule: Type.Union([Type.Literal('refund'), Type.Literal('split')]),
    matchWaitMs: Type.Integer({ minimum: 600_000, maximum: 7 * 24 * 3_600_000 }),
  },
  { additionalProperties: false },
);
export const SkillCatalogueSchema = Type.Object(
  { games: Type.Array(SkillGameSchema, { minItems: 1, maxItems: SKILL_GAMES_MAX }) },
  { additionalProperties: false },
);
export type SkillCatalogueValue = Static<typeof SkillCatalogueSchema>;
export type SkillGameValue = Static<typeof SkillGameSchema>;

/** A repeating schedule: the `skill.schedule` job creates the template's tournament at each slot (skill/schedule.ts). */
export const TournamentScheduleSchema = Type.Object(
  {
    /** Times of day the tournament opens, "HH:MM" on the schedule's clock. */
    times: Type.Array(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }), { minItems: 1, maxItems: 8, uniqueItems: true }),
    /** ISO weekdays (1 Monday … 7 Sunday); absent: every day. */
    weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true })),
    /** The schedule's clock as an offset from UTC in minutes (480: Beijing time, the default in the console). */
    utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840 }),
  },
  { additionalProperties: false },
);

export const TournamentTemplateSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }),
    game: GameId,
    title: Type.String({ minLength: 1, maxLength: 80 }),
    entryFeeFen: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    rakeBps: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /** Shares of the prize pool by place, first place first, never increasing. */
    prizeWeights: Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000 }), { minItems: 1, maxItems: 20 }),
    playersMin: Type.Integer({ minimum: 2, maximum: 10_000 }),
    playersMax: Type.Integer({ minimum: 2, maximum: 10_000 }),
    /** How long entries stay open from the scheduled start. */
    entryWindowMs: Type.Integer({ minimum: 60_000, maximum: 30 * 24 * 3_600_000 }),
    /** How long after entries close the last entrant may still play. */
    playWindowMs: Type.Integer({ minimum: 60_000, maximum: 30 * 24 * 3_600_000 }),
    /** Absent: the template is used by hand only (the console's create form). */
    schedule: Type.Optional(TournamentScheduleSchema),
  },
  { additionalProperties: false },
);
export const TournamentTemplatesSchema = Type.Object(
  { templates: Type.Array(TournamentTemplateSchema, { maxItems: TEMPLATES_MAX }) },
  { additionalProperties: false },
);
export type TournamentTemplates = Static<typeof TournamentTemplatesSchema>;
export type TournamentTemplate = Static<typeof TournamentTemplateSchema>;

export function checkSkillCatalogue(
  value: unknown,
  bounds: BusinessBounds,
  plugins: readonly string[],
  templateGames: readonly string[],
): SkillCatalogueValue {
  const c = checkShape<SkillCatalogueValue>(SkillCatalogueSchema, value);
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, g] of c.games.entries()) {
    if (ids.has(g.id)) problems.push(`/games/${i}/id: ${g.id} appears twice`);
    ids.add(g.id);
    if (!plugins.includes(g.plugin)) problems.push(`/games/${i}/plugin: no plug-in ${g.plugin} (known: ${plugins.join(', ')})`);
  }
  for (const game of new Set(templateGames)) {
    if (!ids.has(game)) problems.push(`/games: ${game} is named by a tournament template; change the template first`);
  }
  if (problems.length > 0) invalid(problems);
  for (const g of c.games) {
    if (g.rakeBps > bounds.skillRakeBpsMax) outsidePolicy(`games.${g.id}.rakeBps`, g.rakeBps, 0, bounds.skillRakeBpsMax, bounds.policies);
  }
  return c;
}

export function checkTournamentTemplates(value: unknown, bounds: BusinessBounds, games: readonly string[]): TournamentTemplates {
  const t = checkShape<TournamentTemplates>(TournamentTemplatesSchema, value);
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, x] of t.templates.entries()) {
    if (ids.has(x.id)) problems.push(`/templates/${i}/id: ${x.id} appears twice`);
    ids.add(x.id);
    if (!games.includes(x.game)) problems.push(`/templates/${i}/game: no game ${x.game} in the catalogue`);
    if (x.playersMin > x.playersMax) problems.push(`/templates/${i}/playersMin: above playersMax`);
    if (!x.prizeWeights.every((w, j) => j === 0 || w <= x.prizeWeights[j - 1]!))
      problems.push(`/templates/${i}/prizeWeights: first place first, never increasing`);
    if (x.schedule) {
      // Two slots closer than the entry window would run two of the template's tournaments at once.
      const minutes = [...x.schedule.times].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))).sort((a, b) => a - b);
      const gapMs = Math.min(...minutes.map((m, j) => ((j + 1 < minutes.length ? minutes[j + 1]! : minutes[0]! + 1440) - m) * 60_000));
      if (gapMs < x.entryWindowMs) problems.push(`/templates/${i}/schedule/times: slots closer together than the entry window`);
    }
  }
  if (problems.length > 0) invalid(problems);
  for (const x of t.templates) {
    if (x.rakeBps > bounds.skillRakeBpsMax)
      outsidePolicy(`templates.${x.id}.rakeBps`, x.rakeBps, 0, bounds.skillRakeBpsMax, bounds.policies);
  }
  return t;
}
