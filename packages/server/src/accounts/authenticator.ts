// Bearer token → actor. The signature proves the token is ours; the database then says whether
// the session still stands (sign-out and refresh-token reuse revoke it at once, not at expiry)
// and supplies what may have changed since the token was issued: roles, suspension, terms.
import { AppError } from '@fairground/core';
import type { Actor, Authenticator } from './actors.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { isOperatorRole, type OperatorRole } from './roles.ts';
import type { AuthSessions } from './auth-sessions.ts';

/** Longer headers are refused before any parsing. */
const AUTHORIZATION_LENGTH_MAX = 2048;

export function createAuthenticator(options: { reader: Reader; sessions: AuthSessions; nowMs: () => number }): Authenticator {
  const { reader, sessions } = options;
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === '') throw new AppError(AccountsErrors.AUTH_REQUIRED);
      if (authorization.length > AUTHORIZATION_LENGTH_MAX) throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
      const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization);
      if (!m) throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
      const { subject, sessionId } = await sessions.verifyAccess(m[1]!);
      if (subject.kind === 'player') {
        const rows = await reader.query<{ revoked_at_ms: unknown; expires_at_ms: unknown; status: string; terms_version: string | null }>(
          `SELECT s.revoked_at_ms, s.expires_at_ms, p.status, p.terms_version FROM auth_sessions s JOIN players p ON p.id = s.subject_id
            WHERE s.id = ? AND s.subject_kind = 'player' AND s.subject_id = ?`,
          [sessionId, subject.id],
        );
        const row = rows[0];
        if (!row) throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
        checkSession(row, options.nowMs());
        if (row.status !== 'active') throw new AppError(AccountsErrors.PLAYER_SUSPENDED);
        return { kind: 'player', playerId: subject.id, sessionId, termsVersion: row.terms_version } satisfies Actor;
      }
      const rows = await reader.query<{ revoked_at_ms: unknown; expires_at_ms: unknown; status: string; roles: string; username: string }>(
        `SELECT s.revoked_at_ms, s.expires_at_ms, o.status, o.roles, o.username FROM auth_sessions s JOIN operators o ON o.id = s.subject_id
          WHERE s.id = ? AND s.subject_kind = 'operator' AND s.subject_id = ?`,
        [sessionId, subject.id],
      );
      const row = rows[0];
      if (!row) throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
      checkSession(row, options.nowMs());
      if (row.status !== 'active') throw new AppError(AccountsErrors.OPERATOR_DISABLED);
      const roles: OperatorRole[] = row.roles.split(',').filter(isOperatorRole);
      return { kind: 'operator', operatorId: subject.id, sessionId, username: row.username, roles } satisfies Actor;
    },
  };
}

function checkSession(row: { revoked_at_ms: unknown; expires_at_ms: unknown }, nowMs: number): void {
  if (intOrNullFromDb(row.revoked_at_ms) !== null) throw new AppError(AccountsErrors.AUTH_SESSION_REVOKED);
  if (intFromDb(row.expires_at_ms) <= nowMs) throw new AppError(AccountsErrors.AUTH_SESSION_REVOKED);
}
