// Stand-in for the face-check port (a provider that checks the player's face against their
// real-name identity before a hand), for development and tests. A real provider's SDK hands the
// client a ticket that the server then verifies with the provider; here the server's sandbox route
// `POST /api/sandbox/face-check/tickets` hands a signed-in player a ticket bound to them, valid for
// a few minutes and once. It checks nobody's face, so a production start refuses it unless
// FAIRGROUND_ACCEPT_STANDINS names `face-check`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@fairground/core';
import type { IdentityCheck } from '../rooms/index.ts';

/** A ticket is good this long after it was issued. */
const TICKET_TTL_MS = 5 * 60_000;
/** Used tickets remembered (to refuse a second use) until they expire; the oldest go first past this. */
const USED_TICKETS_MAX = 50_000;

export interface SandboxFaceCheck extends IdentityCheck {
  /** A one-time ticket for `playerId`, as a provider's SDK would give the player's client. */
  issueTicket(playerId: string): { ticket: string; expiresAtMs: number };
}

export function createSandboxFaceCheck(o: { clock: Clock; secret?: Uint8Array }): SandboxFaceCheck {
  const secret = o.secret ?? randomBytes(32);
  const used = new Map<string, number>();
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    issueTicket(playerId) {
      const expiresAtMs = o.clock.nowMs() + TICKET_TTL_MS;
      const body = `${playerId}.${expiresAtMs}.${randomBytes(9).toString('base64url')}`;
      return { ticket: `fc1.${body}.${mac(body)}`, expiresAtMs };
    },
    async verify(playerId, ticket) {
      const parts = ticket.split('.');
      if (parts.length !== 5 || parts[0] !== 'fc1') return { ok: false, reason: 'not a face-check ticket' };
      const body = parts.slice(1, 4).join('.');
      const given = Buffer.from(parts[4] ?? '');
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'ticket signature' };
      if (parts[1] !== playerId) return { ok: false, reason: 'ticket of another player' };
      const nowMs = o.clock.nowMs();
      if (Number(parts[2]) <= nowMs) return { ok: false, reason: 'ticket expired' };
      if (used.has(ticket)) return { ok: false, reason: 'ticket already used' };
      for (const [t, exp] of used) {
        if (exp > nowMs && used.size < USED_TICKETS_MAX) break;
        used.delete(t);
      }
      used.set(ticket, Number(parts[2]));
      return { ok: true };
    },
  };
}
