// Customer service as a setting: when it answers (around the clock unless the operator sets daily
// hours, in China time) and where a player goes when an answer is not enough (escalation).
import { type Static, Type } from '@sinclair/typebox';
import { checkShape, invalid } from './check.ts';

const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, China time (UTC+8)' });

export const SupportSchema = Type.Object(
  {
    /** Answers around the clock (the default); otherwise between `opensAt` and `closesAt` every day. */
    alwaysOpen: Type.Boolean(),
    opensAt: Clock,
    closesAt: Clock,
    /** Where a player escalates (a phone number, an e-mail address or the 12315 line), shown in both languages. */
    escalation: Type.String({ minLength: 1, maxLength: 120 }),
  },
  { additionalProperties: false },
);
export type SupportSettings = Static<typeof SupportSchema>;

export const DEFAULT_SUPPORT: SupportSettings = {
  alwaysOpen: true,
  opensAt: '09:00',
  closesAt: '21:00',
  escalation: 'support@fairground.example',
};

export function checkSupport(value: unknown): SupportSettings {
  const v = checkShape<SupportSettings>(SupportSchema, value);
  if (v.escalation.trim() === '') invalid(['/escalation: must not be blank']);
  if (!v.alwaysOpen && v.opensAt === v.closesAt) invalid(['/closesAt: must differ from opensAt']);
  return v;
}

/** Whether customer service is answering at `nowMs` (hours are China time; a window may cross midnight). */
export function supportOpen(s: SupportSettings, nowMs: number): boolean {
  if (s.alwaysOpen) return true;
  const minute = Math.floor((nowMs + 8 * 3_600_000) / 60_000) % 1440;
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const open = m(s.opensAt);
  const close = m(s.closesAt);
  return open < close ? minute >= open && minute < close : minute >= open || minute < close;
}
