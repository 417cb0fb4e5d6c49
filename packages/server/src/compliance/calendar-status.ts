// The minors' holiday calendars as an operator sees them: for every policy with minors' rules,
// each year's table with the notice it comes from, whether it has been checked against that
// notice, and how long the calendar still runs. A year is verified when its file says so or when
// an operator confirmed exactly that table (its SHA-256) in the console; the confirmation is a row
// in the database, written with its audit entry. Editing a confirmed table changes its hash, so
// the edited table needs a confirmation of its own. A year missing from the calendar stays closed
// to minors (the rules fail closed); this module only says so early enough to add it.
import { createHash } from 'node:crypto';
import { AppError, type Clock } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { localTime } from './calendar.ts';
import { CalendarErrors } from './errors.ts';
import { jurisdictionCode } from './jurisdictions.ts';
import { CALENDAR_RUNWAY_DAYS_MIN } from './limits.ts';
import type { CalendarNotice, Policy } from './policy.ts';

const DAY_MS = 24 * 3600 * 1000;

export type CalendarWarning =
  | { readonly kind: 'unverified'; readonly jurisdiction: string; readonly year: number }
  | { readonly kind: 'runs_out'; readonly jurisdiction: string; readonly lastDate: string; readonly daysLeft: number }
  | { readonly kind: 'missing'; readonly jurisdiction: string; readonly year: number };

export interface CalendarYearStatus {
  readonly year: number;
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
  readonly source: CalendarNotice;
  readonly sha256: string;
  /** What the calendar file says. */
  readonly fileVerified: boolean;
  readonly confirmation: { readonly operatorId: string; readonly note: string; readonly atMs: number } | null;
  readonly verified: boolean;
  /** This year or a later one: the tables minors' play is decided from now on. */
  readonly inUse: boolean;
}

export interface JurisdictionCalendar {
  readonly jurisdiction: string;
  readonly policy: string;
  readonly timezone: string;
  readonly calendarFile: string | null;
  readonly today: string;
  readonly years: readonly CalendarYearStatus[];
  /** The last day of the run of consecutive years from this one; null when this year has no table. */
  readonly lastDate: string | null;
  /** Days from today to the first day without a table, today included (0: today has none). */
  readonly daysLeft: number;
  readonly warnings: readonly CalendarWarning[];
}

/** The hash an operator's confirmation names: the year and its sorted dates, nothing else. */
export function calendarYearSha256(
  year: string,
  table: { readonly holidays: readonly string[]; readonly workdays: readonly string[] },
): string {
  const canonical = JSON.stringify({ year, holidays: [...table.holidays].sort(), workdays: [...table.workdays].sort() });
  return createHash('sha256').update(canonical).digest('hex');
}

function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function noticeOf(source: string | CalendarNotice): CalendarNotice {
  return typeof source === 'string' ? { title: source } : source;
}

interface ConfirmationRow {
  jurisdiction: string;
  year: unknown;
  sha256: string;
  operator_id: string;
  note: string;
  confirmed_at_ms: unknown;
}

export class CalendarStatus {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #policies: () => readonly Policy[];

  constructor(o: { readonly store: Store; readonly clock: Clock; readonly policies: () => readonly Policy[] }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#policies = o.policies;
  }

  /** Every policy with minors' rules, one entry per jurisdiction. */
  async list(): Promise<JurisdictionCalendar[]> {
    const nowMs = this.#clock.nowMs();
    const rows = await this.#store.reader.query<ConfirmationRow>(
      'SELECT jurisdiction, year, sha256, operator_id, note, confirmed_at_ms FROM compliance_calendar_confirmations',
    );
    const confirmed = new Map(rows.map((r) => [`${r.jurisdiction}/${intFromDb(r.year)}/${r.sha256}`, r]));
    const out: JurisdictionCalendar[] = [];
    for (const p of this.#policies()) {
      const m = p.minors;
      if (m === undefined) continue;
      const jurisdiction = jurisdictionCode(p);
      const timezone = p.timezone ?? 'UTC';
      const today = localTime(nowMs, timezone);
      const calendar = m.calendar ?? {};
      const years: CalendarYearStatus[] = Object.keys(calendar)
        .sort()
        .map((y) => {
          const table = calendar[y]!;
          const sha256 = calendarYearSha256(y, table);
          const row = confirmed.get(`${jurisdiction}/${Number(y)}/${sha256}`);
          const confirmation = row ? { operatorId: row.operator_id, note: row.note, atMs: intFromDb(row.confirmed_at_ms) } : null;
          const fileVerified = table.verified === true;
          return {
            year: Number(y),
            holidays: [...table.holidays],
            workdays: [...table.workdays],
            source: noticeOf(table.source),
            sha256,
            fileVerified,
            confirmation,
            verified: fileVerified || confirmation !== null,
            inUse: Number(y) >= today.year,
          };
        });
      let last: number | null = null;
      for (let y = today.year; calendar[String(y)] !== undefined; y++) last = y;
      const lastDate = last === null ? null : `${String(last).padStart(4, '0')}-12-31`;
      const daysLeft = lastDate === null ? 0 : dayNumber(lastDate) - dayNumber(today.date) + 1;
      const warnings: CalendarWarning[] = [];
      if (lastDate === null) warnings.push({ kind: 'missing', jurisdiction, year: today.year });
      else if (daysLeft < CALENDAR_RUNWAY_DAYS_MIN) warnings.push({ kind: 'runs_out', jurisdiction, lastDate, daysLeft });
      for (const y of years) if (y.inUse && !y.verified) warnings.push({ kind: 'unverified', jurisdiction, year: y.year });
      out.push({
        jurisdiction,
        policy: `${p.name}@${p.version}`,
        timezone,
        calendarFile: m.calendarFile ?? null,
        today: today.date,
        years,
        lastDate,
        daysLeft,
        warnings,
      });
    }
    return out;
  }

  async warnings(): Promise<CalendarWarning[]> {
    return (await this.list()).flatMap((c) => c.warnings);
  }

  /** The fewest days any jurisdiction's calendar still runs (the alert gauge); null without minors' rules. */
  async daysLeftMin(): Promise<number | null> {
    const all = await this.list();
    return all.length === 0 ? null : Math.min(...all.map((c) => c.daysLeft));
  }

  /**
   * Records an operator's confirmation that a year's table matches its notice. `sha256` is the
   * table the operator looked at: a file changed since (a different hash) is refused, so nobody
   * confirms a table they did not see. Confirming the same table again changes nothing.
   */
  async confirm(
    tx: Tx,
    o: {
      readonly jurisdiction: string;
      readonly year: number;
      readonly sha256: string;
      readonly operatorId: string;
      readonly note: string;
    },
  ): Promise<{ readonly confirmed: boolean; readonly year: CalendarYearStatus }> {
    const entry = (await this.list()).find((c) => c.jurisdiction === o.jurisdiction);
    const year = entry?.years.find((y) => y.year === o.year);
    if (entry === undefined || year === undefined)
      throw new AppError(CalendarErrors.CALENDAR_YEAR_UNKNOWN, { jurisdiction: o.jurisdiction, year: o.year });
    if (year.sha256 !== o.sha256)
      throw new AppError(CalendarErrors.CALENDAR_YEAR_CHANGED, { jurisdiction: o.jurisdiction, year: o.year, sha256: year.sha256 });
    const inserted = await tx.run(
      `INSERT INTO compliance_calendar_confirmations (jurisdiction, year, sha256, operator_id, note, confirmed_at_ms)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (jurisdiction, year, sha256) DO NOTHING`,
      [o.jurisdiction, o.year, o.sha256, o.operatorId, o.note, tx.nowMs],
    );
    const confirmation = inserted === 1 ? { operatorId: o.operatorId, note: o.note, atMs: tx.nowMs } : year.confirmation;
    return { confirmed: inserted === 1, year: { ...year, confirmation, verified: true } };
  }
}

/** One line per warning, for the start-up log. */
export function warningLine(w: CalendarWarning): string {
  switch (w.kind) {
    case 'unverified':
      return `minors' calendar ${w.jurisdiction} ${w.year} is not verified against its notice: an operator confirms it in the console (Policies)`;
    case 'runs_out':
      return `minors' calendar ${w.jurisdiction} ends on ${w.lastDate} (${w.daysLeft} days left): add next year's table from the State Council notice, or minors are locked out after it`;
    case 'missing':
      return `minors' calendar ${w.jurisdiction} has no table for ${w.year}: minors cannot play until one is added`;
  }
}
