// A compliance policy is a JSON document: what each action may do, in one place an auditor can
// read. Schema version 1 is the frame (per-action allow/deny with a reason code); version 2 adds
// optional sections — the jurisdiction and its excluded regions, real-name identity, minors' play
// windows and spending bands on a yearly holiday calendar, deposit and withdrawal limits, breaks,
// responsible-play settings, which games and modes are allowed, and the health notice — each rule
// citing its sources by id. A document is checked twice at load: against the TypeBox schema, then
// for what a schema cannot say (dates that exist, bands that do not overlap, sources that are
// defined). Either failure names the file, the JSON path and the reason, and the server does not
// start on it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { COMPLIANCE_ACTIONS, PLAYER_ACTIONS } from './actions.ts';
import { POLICY_BYTES_MAX, POLICY_CALENDAR_DATES_MAX, POLICY_LIST_MAX } from './limits.ts';

const Effect = Type.Union([Type.Literal('allow'), Type.Literal('deny')]);
const ReasonCode = Type.String({ pattern: '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$', maxLength: 64 });
const Action = Type.Union(COMPLIANCE_ACTIONS.map((a) => Type.Literal(a)));
const Actions = Type.Array(Action, { maxItems: COMPLIANCE_ACTIONS.length, uniqueItems: true });
const SourceIds = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }), { minItems: 1, maxItems: 16, uniqueItems: true });
const Fen = Type.Integer({ minimum: 0, maximum: 100_000_000_000 });
const DurationMs = Type.Integer({ minimum: 0, maximum: 366 * 24 * 3600 * 1000 });
const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Localized = Type.Object({ zh: Text(2000), en: Text(2000) }, { additionalProperties: false });
const strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

export const ActionRuleSchema = Type.Object(
  {
    effect: Effect,
    /** Reason code shown to the client on deny (SCREAMING_SNAKE). */
    code: Type.Optional(ReasonCode),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const SourceSchema = strict({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
  title: Text(300),
  /** 文号 or article, e.g. 国新出发〔2019〕34号. */
  reference: Type.Optional(Text(200)),
  urls: Type.Optional(Type.Array(Text(500), { maxItems: 8 })),
  /** `in_force`: binding now; `history`: repealed, cited only to explain; `operator`: our own choice where the law sets no number. */
  status: Type.Union([Type.Literal('in_force'), Type.Literal('history'), Type.Literal('operator'), Type.Literal('industry')]),
  note: Type.Optional(Text(1000)),
});

const ExcludedRegion = strict({
  /** ISO 3166-2 subdivision (`US-AR`) or a whole country (`AR`). */
  region: Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$' }),
  actions: Actions,
  reason: Text(300),
  sources: SourceIds,
});

export const JurisdictionSchema = strict({
  /** `CN`, `US`, `DEV`: what an operator's override names. */
  code: Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$' }),
  name: Text(200),
  /** Countries (ISO 3166-1 alpha-2) whose connections this policy covers. */
  countries: Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: POLICY_LIST_MAX, uniqueItems: true }),
  /** Countries whose verified residents this policy covers wherever they connect from (PRC identity cards → CN). */
  residentsOf: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: POLICY_LIST_MAX, uniqueItems: true })),
  excludedRegions: Type.Optional(Type.Array(ExcludedRegion, { maxItems: POLICY_LIST_MAX })),
  /** Actions refused while the player's region (subdivision) is not known: location must be established first. */
  unknownRegion: Type.Optional(strict({ actions: Actions, message: Text(300), sources: SourceIds })),
});

export const IdentitySchema = strict({
  /** Actions refused to players without a verified real-name identity and a verified age (no guest mode). */
  realNameRequiredFor: Actions,
  /**
   * Guest play (游客模式) is banned by the 2021 notice: the schema allows no value but `false`, and
   * a policy covering mainland China must require real name for every player action (checked at load).
   */
  guestMode: Type.Optional(Type.Literal(false)),
  /** Withdrawals above this amount need a verified identity even where play does not. */
  withdrawalVerifiedAboveFen: Type.Optional(Fen),
  sources: SourceIds,
});

const SpendingBand = strict({
  /** Inclusive lower age in whole years. */
  fromAge: Type.Integer({ minimum: 0, maximum: 150 }),
  /** Exclusive upper age. */
  toAge: Type.Integer({ minimum: 1, maximum: 150 }),
  perPaymentFenMax: Fen,
  perDayFenMax: Fen,
  perMonthFenMax: Fen,
  sources: SourceIds,
});

/** The notice a year's calendar was transcribed from: title, 文号, date, where it was read. */
export const CalendarNoticeSchema = strict({
  title: Text(300),
  reference: Type.Optional(Text(200)),
  publishedOn: Type.Optional(IsoDate),
  urls: Type.Optional(Type.Array(Text(500), { maxItems: 8 })),
  /** What was checked against what, and what could not be. */
  note: Type.Optional(Text(1000)),
});

const CalendarDates = {
  /** Statutory days off (every day of each holiday break). */
  holidays: Type.Array(IsoDate, { maxItems: POLICY_CALENDAR_DATES_MAX, uniqueItems: true }),
  /** Make-up working days (调休): weekend days that count as working days. */
  workdays: Type.Array(IsoDate, { maxItems: POLICY_CALENDAR_DATES_MAX, uniqueItems: true }),
};

const CalendarYear = strict({
  ...CalendarDates,
  /** A source id of the policy, or (from a calendar file) the notice itself. */
  source: Type.Union([Text(300), CalendarNoticeSchema]),
  /** Set from a calendar file: whether the file says the table was checked against the published notice. */
  verified: Type.Optional(Type.Boolean()),
});

/**
 * A jurisdiction's calendar file, which the operator updates each year when the new notice is
 * published: one table per year, each with the notice it comes from and `verified: false` until
 * someone has checked it (an operator's confirmation in the console is recorded in the database).
 */
export const CalendarFileSchema = strict({
  /** The jurisdiction code of the policy that uses it (`CN`). */
  jurisdiction: Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$' }),
  description: Type.Optional(Text(2000)),
  years: Type.Record(
    Type.String({ pattern: '^[0-9]{4}$' }),
    strict({ ...CalendarDates, source: CalendarNoticeSchema, verified: Type.Boolean() }),
  ),
});
export type CalendarFile = Static<typeof CalendarFileSchema>;
export type CalendarNotice = Static<typeof CalendarNoticeSchema>;

export const MinorsSchema = strict({
  /** Players younger than this are minors. */
  adultAge: Type.Integer({ minimum: 1, maximum: 25 }),
  /** Actions minors may never take. */
  deniedActions: Actions,
  /** Actions that count as play for the window rule. */
  playActions: Actions,
  /** Weekdays that are play days (1 Monday … 7 Sunday) unless a make-up working day; holidays are always play days. */
  playWeekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, uniqueItems: true }),
  /** Local times on a play day, `from` inclusive, `to` exclusive. */
  playWindows: Type.Array(strict({ from: ClockTime, to: ClockTime }), { minItems: 1, maxItems: 8 }),
  /**
   * Yearly calendar table, by year. A day in a year missing here is not a play day (fail closed).
   * Filled from `calendarFile` at load when the policy names one (a policy gives one or the other).
   */
  calendar: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9]{4}$' }), CalendarYear)),
  /** The calendar file (see CalendarFileSchema), relative to the policy file's folder. */
  calendarFile: Type.Optional(Text(500)),
  /** Actions that are payments for the spending caps. */
  spendingActions: Actions,
  spendingBands: Type.Array(SpendingBand, { maxItems: 16 }),
  sources: SourceIds,
});

const AmountLimits = strict({
  perTransactionFenMax: Type.Optional(Fen),
  perDayFenMax: Type.Optional(Fen),
  perMonthFenMax: Type.Optional(Fen),
  sources: SourceIds,
});

export const LimitsSchema = strict({
  deposit: Type.Optional(AmountLimits),
  withdrawal: Type.Optional(AmountLimits),
});

export const ResponsiblePlaySchema = strict({
  /** A raised self-set deposit limit takes effect after this delay; a lowered one at once. */
  depositLimitRaiseDelayMs: DurationMs,
  /** The self-exclusion periods a player may choose, in days. */
  selfExclusionDays: Type.Array(Type.Integer({ minimum: 1, maximum: 3650 }), { minItems: 1, maxItems: 12, uniqueItems: true }),
  /** What self-exclusion blocks (withdrawal of the remaining balance stays possible). */
  selfExclusionBlocks: Actions,
  /** A reminder of time played every this often during continuous play. */
  reminderEveryMs: DurationMs,
  /** After this much continuous play, play actions are refused until a break of `breakMs`. */
  continuousPlayMsMax: DurationMs,
  breakMs: DurationMs,
  sources: SourceIds,
});

export const GamesSchema = strict({
  /** Paid skill matches and tournaments (entry fees, cash prizes). */
  paidSkillMatches: Type.Boolean(),
  /** Friend rooms may charge their fee in cash (a fee paid up front, independent of results). */
  cashRoomFees: Type.Boolean(),
  /** Prizes distributed by game results (skill prizes; a room's cash remainder split by scoreboard). */
  prizeByResults: Type.Boolean(),
  withdrawals: Type.Boolean(),
  /**
   * What a friend room does with a cash fee after the commission: `service_fee` (all of it is the
   * platform's fee, nothing is paid by results) or `prize_by_scoreboard`. Absent: `service_fee`.
   */
  roomCashRemainder: Type.Optional(Type.Union([Type.Literal('service_fee'), Type.Literal('prize_by_scoreboard')])),
  /**
   * The face check before each hand of a friend room: rooms may ask for it (`optional`, the
   * default), every room must (`required`: a start without a face-check provider is refused), or
   * none may (`off`).
   */
  roomFaceCheck: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')])),
  /**
   * Players at a friend-room table may type their own words (free text), each message checked by
   * WeChat's content security before anyone sees it. Absent or false: quick phrases and emoji only.
   */
  roomChatFreeText: Type.Optional(Type.Boolean()),
  /**
   * Bounds on the operator's business settings (changed in the console): the friend-room
   * commission on cash fees and the largest skill-game rake, in basis points. Absent: 500–1500
   * (5–15 %) and 5000.
   */
  feeBounds: Type.Optional(
    strict({
      roomCommissionBpsMin: Type.Integer({ minimum: 0, maximum: 10_000 }),
      roomCommissionBpsMax: Type.Integer({ minimum: 0, maximum: 10_000 }),
      skillRakeBpsMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
      sources: SourceIds,
    }),
  ),
  /** Room points caps (points won or lost by one player). */
  roomPoints: strict({
    handPointsMax: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    dayPointsMax: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  }),
  /** Platform points: never transferable between players, never redeemable. The schema allows no other value. */
  pointsTransferable: Type.Literal(false),
  pointsRedeemable: Type.Literal(false),
  sources: SourceIds,
});

export const HealthNoticeSchema = strict({
  title: Localized,
  text: Localized,
  showAt: Type.Array(Type.Union([Type.Literal('login'), Type.Literal('room_creation')]), { minItems: 1, maxItems: 2, uniqueItems: true }),
  sources: SourceIds,
});

export const PolicySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
    /** The document's revision; raise it on every change (it appears in every denial and audit entry). */
    version: Type.Integer({ minimum: 1 }),
    /** The format of this document: 1 (actions only) or 2 (sections). Absent means 1. */
    schemaVersion: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    defaultEffect: Effect,
    defaultCode: Type.Optional(ReasonCode),
    defaultMessage: Type.Optional(Type.String({ maxLength: 500 })),
    actions: Type.Partial(
      Type.Object(Object.fromEntries(COMPLIANCE_ACTIONS.map((a) => [a, ActionRuleSchema])) as Record<string, typeof ActionRuleSchema>, {
        additionalProperties: false,
      }),
    ),
    /** IANA time zone for days, months and play windows (Asia/Shanghai). UTC when absent. */
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    sources: Type.Optional(Type.Array(SourceSchema, { maxItems: 64 })),
    jurisdiction: Type.Optional(JurisdictionSchema),
    identity: Type.Optional(IdentitySchema),
    minors: Type.Optional(MinorsSchema),
    limits: Type.Optional(LimitsSchema),
    responsiblePlay: Type.Optional(ResponsiblePlaySchema),
    games: Type.Optional(GamesSchema),
    healthNotice: Type.Optional(HealthNoticeSchema),
  },
  { additionalProperties: false },
);
export type Policy = Static<typeof PolicySchema>;
export type MinorsRules = Static<typeof MinorsSchema>;
export type JurisdictionRules = Static<typeof JurisdictionSchema>;

const SECTIONS = [
  'timezone',
  'sources',
  'jurisdiction',
  'identity',
  'minors',
  'limits',
  'responsiblePlay',
  'games',
  'healthNotice',
] as const;

/** A policy that failed to load: which file, where in it (a JSON pointer) and why. */
export class PolicyError extends Error {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
  constructor(file: string, path: string, reason: string) {
    super(`policy ${file}: ${path || '/'} ${reason}`);
    this.name = 'PolicyError';
    this.file = file;
    this.path = path || '/';
    this.reason = reason;
  }
}

/**
 * Checks a parsed document; `source` names it in errors (a file path or "inline"). A calendar file
 * the policy names is read relative to `baseDir` (the policy file's folder; else the working folder).
 */
export function parsePolicy(value: unknown, source: string, baseDir?: string): Policy {
  const first = Value.Errors(PolicySchema, value).First();
  if (first) throw new PolicyError(source, first.path, first.message);
  const policy = value as Policy;
  const m = policy.minors;
  if (m?.calendarFile !== undefined) {
    if (m.calendar !== undefined) throw new PolicyError(source, '/minors/calendar', 'give either calendar or calendarFile, not both');
    const file = loadCalendarFile(resolve(baseDir ?? process.cwd(), m.calendarFile));
    const code = policy.jurisdiction?.code;
    if (code !== undefined && file.jurisdiction !== code)
      throw new PolicyError(source, '/minors/calendarFile', `is the calendar of ${file.jurisdiction}, not of ${code}`);
    (m as { calendar?: MinorsRules['calendar'] }).calendar = file.years;
  } else if (m !== undefined && m.calendar === undefined) {
    throw new PolicyError(source, '/minors', "needs calendar or calendarFile (the minors' play days)");
  }
  const problem = semanticProblem(policy);
  if (problem) throw new PolicyError(source, problem.path, problem.reason);
  return policy;
}

export function loadPolicyFile(path: string): Policy {
  return parsePolicy(readJson(path), path, dirname(path));
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyError(path, '/', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (Buffer.byteLength(text) > POLICY_BYTES_MAX) throw new PolicyError(path, '/', `is larger than ${POLICY_BYTES_MAX} bytes`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PolicyError(path, '/', `is not JSON (${(e as Error).message})`);
  }
}

/** Reads and checks a calendar file; errors name the file, the JSON path and the reason. */
export function loadCalendarFile(path: string): CalendarFile {
  const raw = readJson(path);
  const first = Value.Errors(CalendarFileSchema, raw).First();
  if (first) throw new PolicyError(path, first.path, first.message);
  const file = raw as CalendarFile;
  const problem = calendarProblem(file.years, '/years');
  if (problem) throw new PolicyError(path, problem.path, problem.reason);
  return file;
}

interface Problem {
  readonly path: string;
  readonly reason: string;
}

function validDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** What the schema cannot express. Returns the first problem found. */
function semanticProblem(p: Policy): Problem | null {
  const version = p.schemaVersion ?? 1;
  if (version === 1) {
    const used = SECTIONS.find((s) => p[s] !== undefined);
    if (used) return { path: `/${used}`, reason: 'needs "schemaVersion": 2' };
    return null;
  }
  if (p.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: p.timezone });
    } catch {
      return { path: '/timezone', reason: `is not an IANA time zone: ${p.timezone}` };
    }
  }
  return (
    sourcesProblem(p) ??
    mainlandChinaProblem(p) ??
    (p.minors ? minorsProblem(p.minors) : null) ??
    limitsProblem(p) ??
    responsiblePlayProblem(p)
  );
}

/** Source ids are unique and every section cites only sources /sources defines (and fee bounds are ordered). */
function sourcesProblem(p: Policy): Problem | null {
  const sourceIds = new Set<string>();
  for (const [i, s] of (p.sources ?? []).entries()) {
    if (sourceIds.has(s.id)) return { path: `/sources/${i}/id`, reason: `duplicate source id ${s.id}` };
    sourceIds.add(s.id);
  }
  const cited: { path: string; ids: readonly string[] }[] = [];
  if (p.jurisdiction) {
    for (const [i, r] of (p.jurisdiction.excludedRegions ?? []).entries())
      cited.push({ path: `/jurisdiction/excludedRegions/${i}/sources`, ids: r.sources });
    if (p.jurisdiction.unknownRegion)
      cited.push({ path: '/jurisdiction/unknownRegion/sources', ids: p.jurisdiction.unknownRegion.sources });
  }
  if (p.identity) cited.push({ path: '/identity/sources', ids: p.identity.sources });
  if (p.minors) {
    cited.push({ path: '/minors/sources', ids: p.minors.sources });
    for (const [i, b] of p.minors.spendingBands.entries()) cited.push({ path: `/minors/spendingBands/${i}/sources`, ids: b.sources });
  }
  if (p.limits?.deposit) cited.push({ path: '/limits/deposit/sources', ids: p.limits.deposit.sources });
  if (p.limits?.withdrawal) cited.push({ path: '/limits/withdrawal/sources', ids: p.limits.withdrawal.sources });
  if (p.responsiblePlay) cited.push({ path: '/responsiblePlay/sources', ids: p.responsiblePlay.sources });
  if (p.games) cited.push({ path: '/games/sources', ids: p.games.sources });
  if (p.games?.feeBounds) {
    if (p.games.feeBounds.roomCommissionBpsMin > p.games.feeBounds.roomCommissionBpsMax)
      return { path: '/games/feeBounds/roomCommissionBpsMin', reason: 'is above roomCommissionBpsMax' };
    cited.push({ path: '/games/feeBounds/sources', ids: p.games.feeBounds.sources });
  }
  if (p.healthNotice) cited.push({ path: '/healthNotice/sources', ids: p.healthNotice.sources });
  for (const c of cited) {
    const missing = c.ids.find((id) => !sourceIds.has(id));
    if (missing !== undefined) return { path: c.path, reason: `cites source "${missing}", which /sources does not define` };
  }
  return null;
}

/** A policy covering mainland China requires real name for every player action. */
function mainlandChinaProblem(p: Policy): Problem | null {
  // The 2021 notice: no service in any form, guest mode included, to users who are not real-name
  // registered. A policy that covers mainland China therefore requires real name for every player action.
  const j = p.jurisdiction;
  if (j && (j.countries.includes('CN') || (j.residentsOf ?? []).includes('CN'))) {
    const open = PLAYER_ACTIONS.filter((a) => !(p.identity?.realNameRequiredFor ?? []).includes(a));
    if (open.length > 0)
      return {
        path: p.identity ? '/identity/realNameRequiredFor' : '/identity',
        reason: `mainland China allows no guest play (2021 notice): real name must be required for ${open.join(', ')}`,
      };
  }
  return null;
}

/** Minors' play windows, calendar and spending bands are well formed and do not overlap. */
function minorsProblem(m: NonNullable<Policy['minors']>): Problem | null {
  for (const [i, w] of m.playWindows.entries()) {
    if (minutesOf(w.from) >= minutesOf(w.to))
      return { path: `/minors/playWindows/${i}`, reason: `from ${w.from} must be before to ${w.to}` };
  }
  const calendar = calendarProblem(m.calendar ?? {}, '/minors/calendar');
  if (calendar) return calendar;
  const bands = [...m.spendingBands].sort((a, b) => a.fromAge - b.fromAge);
  for (const [i, b] of m.spendingBands.entries()) {
    if (b.fromAge >= b.toAge) return { path: `/minors/spendingBands/${i}`, reason: `fromAge ${b.fromAge} must be below toAge ${b.toAge}` };
    if (b.toAge > m.adultAge)
      return { path: `/minors/spendingBands/${i}/toAge`, reason: `bands cover minors only (adultAge is ${m.adultAge})` };
    if (b.perPaymentFenMax > b.perDayFenMax || b.perDayFenMax > b.perMonthFenMax)
      return { path: `/minors/spendingBands/${i}`, reason: 'caps must satisfy perPayment ≤ perDay ≤ perMonth' };
  }
  for (let i = 1; i < bands.length; i++) {
    if (bands[i]!.fromAge < bands[i - 1]!.toAge)
      return {
        path: '/minors/spendingBands',
        reason: `bands ${bands[i - 1]!.fromAge}–${bands[i - 1]!.toAge} and ${bands[i]!.fromAge}–${bands[i]!.toAge} overlap`,
      };
  }
  return null;
}

/** Deposit and withdrawal limits are ordered per transaction ≤ per day ≤ per month. */
function limitsProblem(p: Policy): Problem | null {
  for (const kind of ['deposit', 'withdrawal'] as const) {
    const l = p.limits?.[kind];
    if (!l) continue;
    const order = [l.perTransactionFenMax, l.perDayFenMax, l.perMonthFenMax].filter((v): v is number => v !== undefined);
    for (let i = 1; i < order.length; i++) {
      if (order[i]! < order[i - 1]!) return { path: `/limits/${kind}`, reason: 'limits must satisfy perTransaction ≤ perDay ≤ perMonth' };
    }
  }
  return null;
}

/** A continuous-play cap comes with a break. */
function responsiblePlayProblem(p: Policy): Problem | null {
  const rp = p.responsiblePlay;
  if (rp && rp.continuousPlayMsMax > 0 && rp.breakMs === 0)
    return { path: '/responsiblePlay/breakMs', reason: 'must be positive when continuousPlayMsMax is set' };
  return null;
}

/** Dates that exist and lie in their year, no day both a holiday and a working day, make-up working days on weekends. */
function calendarProblem(
  calendar: Readonly<Record<string, { readonly holidays: readonly string[]; readonly workdays: readonly string[] }>>,
  prefix: string,
): Problem | null {
  for (const [year, table] of Object.entries(calendar)) {
    for (const list of ['holidays', 'workdays'] as const) {
      for (const [i, date] of table[list].entries()) {
        const path = `${prefix}/${year}/${list}/${i}`;
        if (!validDate(date)) return { path, reason: `${date} is not a date` };
        if (!date.startsWith(`${year}-`)) return { path, reason: `${date} is not in ${year}` };
      }
    }
    const clash = table.workdays.find((d) => table.holidays.includes(d));
    if (clash) return { path: `${prefix}/${year}/workdays`, reason: `${clash} is listed as a holiday and a working day` };
    for (const [i, date] of table.workdays.entries()) {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6)
        return {
          path: `${prefix}/${year}/workdays/${i}`,
          reason: `${date} is not a weekend day, so it cannot be a make-up working day`,
        };
    }
  }
  return null;
}
