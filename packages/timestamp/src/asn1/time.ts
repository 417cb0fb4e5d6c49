// ASN.1 times as milliseconds since the Unix epoch. RFC 3161 section 2.4.2 fixes genTime to a
// GeneralizedTime in UTC ("Z") whose fractional seconds have no trailing zeros; RFC 5280 section
// 4.1.2.5 fixes certificate validity to UTCTime up to 2049 and whole-second GeneralizedTime after.
import { type Der, DerError, TAG, tlv } from './der.ts';

const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/;
const UTC = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

function ascii(der: Der): string {
  let text = '';
  for (const b of der.content) {
    if (b < 0x20 || b > 0x7e) throw new DerError('time with a non-ASCII character');
    text += String.fromCharCode(b);
  }
  return text;
}

function toMs(year: number, month: number, day: number, hour: number, minute: number, second: number, what: string): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Date.UTC rolls 31 February over to March; a round trip catches every out-of-range field.
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    throw new DerError(`${what}: impossible date`);
  }
  return ms;
}

/**
 * A GeneralizedTime in milliseconds. Fractions finer than a millisecond are cut off (the token
 * keeps the exact value); `fractionDigits` says how many the encoding had.
 */
export function readGeneralizedTime(der: Der, what: string): { ms: number; fractionDigits: number } {
  der.expect(TAG.GENERALIZED_TIME, what);
  const text = ascii(der);
  const m = GENERALIZED.exec(text);
  if (!m) throw new DerError(`${what}: not a UTC GeneralizedTime without trailing zeros: ${text}`);
  const fraction = m[7] ?? '';
  if (fraction.length > 9) throw new DerError(`${what}: fraction finer than a nanosecond`);
  const whole = toMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), what);
  const millis = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return { ms: whole + millis, fractionDigits: fraction.length };
}

/** A certificate validity time (UTCTime or GeneralizedTime) in milliseconds. */
export function readCertificateTime(der: Der, what: string): number {
  if (der.tag === TAG.UTC_TIME) {
    const m = UTC.exec(ascii(der));
    if (!m) throw new DerError(`${what}: malformed UTCTime`);
    const yy = Number(m[1]);
    return toMs(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), what);
  }
  return readGeneralizedTime(der, what).ms;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A GeneralizedTime with millisecond precision and no trailing zeros, as RFC 3161 wants genTime. */
export function generalizedTime(ms: number): Uint8Array {
  if (!Number.isSafeInteger(ms)) throw new Error(`time must be integer milliseconds, got ${ms}`);
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new Error(`year ${year} does not fit a GeneralizedTime`);
  const millis = d.getUTCMilliseconds();
  const fraction = millis === 0 ? '' : `.${pad(millis, 3).replace(/0+$/, '')}`;
  const text = `${pad(year, 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}${fraction}Z`;
  return tlv(TAG.GENERALIZED_TIME, new TextEncoder().encode(text));
}

/** A certificate validity time: UTCTime for 1950–2049, whole-second GeneralizedTime otherwise. */
export function certificateTime(ms: number): Uint8Array {
  const seconds = Math.floor(ms / 1000) * 1000;
  const d = new Date(seconds);
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) {
    const text = `${pad(year % 100, 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
    return tlv(TAG.UTC_TIME, new TextEncoder().encode(text));
  }
  return generalizedTime(seconds);
}
