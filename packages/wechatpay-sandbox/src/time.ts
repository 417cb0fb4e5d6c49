// WeChat Pay speaks Beijing time (UTC+08:00) in every timestamp string and bill.
const BEIJING_OFFSET_MS = 8 * 3600_000;

export const DAY_MS = 86_400_000;

function parts(ms: number) {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

/** RFC 3339 with the +08:00 offset, e.g. 2026-01-01T08:00:00+08:00. */
export function rfc3339(ms: number): string {
  const p = parts(ms);
  return `${p.date}T${p.time}+08:00`;
}

/** The bill format `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function billTime(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}`;
}

/** The Beijing calendar date `YYYY-MM-DD` of an instant. */
export function beijingDate(ms: number): string {
  return parts(ms).date;
}

/** Milliseconds at 00:00 Beijing time of a `YYYY-MM-DD` date, or null if it is not a real date. */
export function beijingMidnightMs(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - BEIJING_OFFSET_MS;
  return beijingDate(ms) === date ? ms : null;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp; null if malformed. */
export function parseRfc3339(value: string): number | null {
  if (!RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
