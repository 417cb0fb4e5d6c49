// Local dates and times in a policy's time zone. Days, months and minors' play windows are local
// (a Beijing month starts at 16:00 UTC on the last day of the previous month), so every boundary
// goes through here. Intl does the zone arithmetic; nothing here reads the system clock.
import type { MinorsRules } from './policy.ts';

export interface LocalTime {
  /** YYYY-MM-DD */
  readonly date: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 1 Monday … 7 Sunday (ISO). */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zones in use are the policies' zones; a handful at most. */
const FORMATTERS_MAX = 64;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function parts(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number } {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) out[p.type] = p.value;
  return {
    y: Number(out.year),
    mo: Number(out.month),
    d: Number(out.day),
    h: Number(out.hour),
    mi: Number(out.minute),
    s: Number(out.second),
    wd: WEEKDAYS[out.weekday ?? ''] ?? 0,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function localTime(ms: number, timeZone: string): LocalTime {
  const p = parts(ms, timeZone);
  return { date: `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`, year: p.y, month: p.mo, day: p.d, weekday: p.wd, minutes: p.h * 60 + p.mi };
}

/** The zone's offset from UTC at `ms`, in milliseconds (Beijing: +8 h). */
function offsetMs(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const wall = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall-clock time occurs (the earlier one when a DST change repeats it). */
export function localToMs(date: string, minutes: number, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, 0, minutes);
  let guess = wall - offsetMs(wall, timeZone);
  // A second pass settles guesses that straddle an offset change.
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

export function dayStartMs(ms: number, timeZone: string): number {
  return localToMs(localTime(ms, timeZone).date, 0, timeZone);
}

export function monthStartMs(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  return localToMs(`${pad(t.year, 4)}-${pad(t.month)}-01`, 0, timeZone);
}

/** Whole years between a birth date and a local date; a birthday counts from its first minute. 29 February birthdays fall on 1 March in common years. */
export function ageOn(birthDate: string, today: string): number {
  const by = Number(birthDate.slice(0, 4));
  const ty = Number(today.slice(0, 4));
  return ty - by - (today.slice(5) < birthDate.slice(5) ? 1 : 0);
}

export type PlayDay =
  | { readonly known: false }
  | { readonly known: true; readonly playDay: boolean; readonly why: 'holiday' | 'workday' | 'weekday' | 'other' };

/** Whether a local date is a play day for minors, from the policy's yearly calendar table. */
export function playDay(minors: MinorsRules, t: LocalTime): PlayDay {
  const table = minors.calendar?.[String(t.year)];
  if (table === undefined) return { known: false };
  if (table.holidays.includes(t.date)) return { known: true, playDay: true, why: 'holiday' };
  if (table.workdays.includes(t.date)) return { known: true, playDay: false, why: 'workday' };
  if (minors.playWeekdays.includes(t.weekday)) return { known: true, playDay: true, why: 'weekday' };
  return { known: true, playDay: false, why: 'other' };
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** When the minors' window that contains `ms` ends, or null when `ms` is outside every window (or not a play day). */
export function minorsWindowEndMs(minors: MinorsRules, ms: number, timeZone: string): number | null {
  const t = localTime(ms, timeZone);
  const day = playDay(minors, t);
  if (!day.known || !day.playDay) return null;
  for (const w of minors.playWindows) {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (t.minutes >= from && t.minutes < to) return localToMs(t.date, to, timeZone);
  }
  return null;
}
