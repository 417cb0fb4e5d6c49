// Repeating tournament schedules: a tournament template (a setting) may carry a schedule — times of
// day, on every day or on chosen weekdays, in a fixed UTC offset (China has no daylight saving) —
// and the `skill.schedule` job creates the template's tournament at each slot. Pure time maths here;
// the job is `Tournaments.runSchedules`.

/** A template's schedule, as the setting stores it. */
export interface TournamentSchedule {
  /** Times of day the tournament opens, "HH:MM" in the schedule's offset. */
  readonly times: readonly string[];
  /** ISO weekdays it runs on (1 Monday … 7 Sunday); absent: every day. */
  readonly weekdays?: readonly number[];
  /** The offset of the schedule's clock from UTC, in minutes (480: Beijing time). */
  readonly utcOffsetMinutes: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A weekly schedule's latest slot is at most a week back; one more day covers the offset. */
const LOOKBACK_DAYS = 8;

/** "HH:MM" → minutes after midnight, or null. */
export function minuteOfDay(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number counted from 1970-01-01, a Thursday. */
function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** The latest slot of `schedule` at or before `nowMs` (UTC ms), or null when none in the last week. */
export function latestSlotMs(schedule: TournamentSchedule, nowMs: number): number | null {
  const offsetMs = schedule.utcOffsetMinutes * MINUTE_MS;
  const today = Math.floor((nowMs + offsetMs) / DAY_MS);
  const minutes = schedule.times.map(minuteOfDay).filter((m): m is number => m !== null);
  let best: number | null = null;
  for (let d = today; d > today - LOOKBACK_DAYS && best === null; d--) {
    if (schedule.weekdays && !schedule.weekdays.includes(isoWeekday(d))) continue;
    for (const m of minutes) {
      const slot = d * DAY_MS + m * MINUTE_MS - offsetMs;
      if (slot <= nowMs && (best === null || slot > best)) best = slot;
    }
  }
  return best;
}

/** The next slot after `nowMs`, or null (the console shows it). */
export function nextSlotMs(schedule: TournamentSchedule, nowMs: number): number | null {
  const offsetMs = schedule.utcOffsetMinutes * MINUTE_MS;
  const today = Math.floor((nowMs + offsetMs) / DAY_MS);
  const minutes = schedule.times.map(minuteOfDay).filter((m): m is number => m !== null);
  let best: number | null = null;
  for (let d = today; d < today + LOOKBACK_DAYS && best === null; d++) {
    if (schedule.weekdays && !schedule.weekdays.includes(isoWeekday(d))) continue;
    for (const m of minutes) {
      const slot = d * DAY_MS + m * MINUTE_MS - offsetMs;
      if (slot > nowMs && (best === null || slot < best)) best = slot;
    }
  }
  return best;
}

/**
 * The slot as the schedule's clock reads it, with that clock named ("11-02 20:00 UTC+8"), for the
 * tournament's title: a player on another clock still reads the start right. At most 20 characters.
 */
export function slotLabel(slotMs: number, utcOffsetMinutes: number): string {
  const d = new Date(slotMs + utcOffsetMinutes * MINUTE_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const zone = `UTC${sign}${Math.floor(abs / 60)}${abs % 60 === 0 ? '' : `:${two(abs % 60)}`}`;
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ${zone}`;
}
