// Short-lived TURN credentials by the TURN REST API scheme (draft-uberti-behave-turn-rest-00, the
// scheme coturn's `use-auth-secret` / `static-auth-secret` implements): the username is
// `<expiry Unix seconds>:<user>` and the password is base64(HMAC-SHA1(shared secret, username)).
// The TURN server recomputes the password from the username with the same secret and refuses a
// username whose expiry has passed, so nothing is stored per credential and a leaked one dies soon.
import { createHmac } from 'node:crypto';
import { TURN_CREDENTIAL_TTL_S } from './limits.ts';

export interface TurnConfig {
  /** coturn's static-auth-secret. */
  readonly secret: string;
  /** `turn:` / `turns:` URLs handed to browsers. */
  readonly urls: readonly string[];
}

export interface TurnCredentials {
  readonly urls: readonly string[];
  readonly username: string;
  readonly credential: string;
  readonly ttlS: number;
  /** When the TURN server stops taking the credentials, Unix ms. */
  readonly expiresAtMs: number;
}

/** base64(HMAC-SHA1(secret, username)). */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

/**
 * Credentials for `user` valid `ttlS` seconds from `nowMs`. `user` is an opaque id (never the
 * account id): TURN logs show it, and it need only be stable for one player.
 */
export function turnCredentials(c: TurnConfig, user: string, nowMs: number, ttlS: number = TURN_CREDENTIAL_TTL_S): TurnCredentials {
  const expiryS = Math.floor(nowMs / 1000) + ttlS;
  const username = `${expiryS}:${user}`;
  return { urls: c.urls, username, credential: turnPassword(c.secret, username), ttlS, expiresAtMs: expiryS * 1000 };
}

/** The opaque TURN user of a player: 16 hex characters of HMAC-SHA256(secret, player id). */
export function turnUserOf(secret: string, playerId: string): string {
  return createHmac('sha256', secret).update(`turn-user:${playerId}`, 'utf8').digest('hex').slice(0, 16);
}
