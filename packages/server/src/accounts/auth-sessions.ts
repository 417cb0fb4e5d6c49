// Auth sessions: a short-lived signed access token (a JWT, HS256 via jose) and a long-lived refresh
// token that is rotated on every use. The database stores only the SHA-256 of each refresh token.
// All refresh tokens of one sign-in form a family (the session); presenting a refresh token that
// was already used means two parties hold it — the family is revoked and both must sign in again
// (the OAuth 2.0 Security BCP's reuse detection).
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError, type Clock, newId } from '@fairground/core';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { OPERATOR_SESSION_LIFETIME_MS_MAX, SESSION_LIFETIME_MS_MAX } from './limits.ts';

export type SubjectKind = 'player' | 'operator';

export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly accessExpiresAtMs: number;
  readonly refreshToken: string;
  readonly refreshExpiresAtMs: number;
}

export interface OpenedSession {
  readonly sessionId: string;
  readonly subject: Subject;
  readonly refreshToken: string;
  readonly refreshExpiresAtMs: number;
}

export interface SessionOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly secret: string;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
}

const ISSUER = 'fairground';
const AUDIENCE = 'fairground-api';
const REFRESH_TOKEN_PATTERN = /^rt_[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

type RefreshOutcome =
  | { readonly kind: 'ok'; readonly opened: OpenedSession }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'revoked' }
  | { readonly kind: 'reused' };

export class AuthSessions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #key: Uint8Array;
  readonly #accessTtlS: number;
  readonly #refreshTtlMs: number;

  constructor(options: SessionOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    // A sub-key, so the configured secret is never used directly as an HMAC key for anything else.
    this.#key = new Uint8Array(hkdfSync('sha256', options.secret, Buffer.alloc(0), 'fairground/jwt/hs256', 32));
    this.#accessTtlS = options.accessTokenTtlS;
    this.#refreshTtlMs = options.refreshTokenTtlS * 1000;
  }

  /** Opens a session inside the caller's unit of work (so the sign-in and what it records commit together). */
  async open(tx: Tx, subject: Subject): Promise<OpenedSession> {
    const sessionId = newId('ses');
    const lifetimeMs = subject.kind === 'operator' ? OPERATOR_SESSION_LIFETIME_MS_MAX : SESSION_LIFETIME_MS_MAX;
    await tx.run('INSERT INTO auth_sessions (id, subject_kind, subject_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)', [
      sessionId,
      subject.kind,
      subject.id,
      tx.nowMs,
      tx.nowMs + lifetimeMs,
    ]);
    return this.#issueRefresh(tx, sessionId, subject, tx.nowMs + lifetimeMs);
  }

  async #issueRefresh(tx: Tx, sessionId: string, subject: Subject, sessionExpiresAtMs: number): Promise<OpenedSession> {
    const refreshToken = newRefreshToken();
    const refreshExpiresAtMs = Math.min(tx.nowMs + this.#refreshTtlMs, sessionExpiresAtMs);
    await tx.run('INSERT INTO auth_refresh_tokens (token_hash, session_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)', [
      hashToken(refreshToken),
      sessionId,
      tx.nowMs,
      refreshExpiresAtMs,
    ]);
    return { sessionId, subject, refreshToken, refreshExpiresAtMs };
  }

  /** Signs the access token for an opened session (outside the unit of work: signing is async crypto). */
  async tokens(opened: OpenedSession): Promise<TokenPair> {
    const nowS = Math.floor(this.#clock.nowMs() / 1000);
    const expS = nowS + this.#accessTtlS;
    const accessToken = await new SignJWT({ typ: opened.subject.kind, sid: opened.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(opened.subject.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowS)
      .setExpirationTime(expS)
      .sign(this.#key);
    return {
      accessToken,
      accessExpiresAtMs: expS * 1000,
      refreshToken: opened.refreshToken,
      refreshExpiresAtMs: opened.refreshExpiresAtMs,
    };
  }

  /**
   * Checks signature (HS256 only), issuer, audience and expiry, and that the token carries an expiry
   * and an issue time no older than an access token lives: a token signed with the right key but
   * without `exp` is refused. Does not consult the database (the authenticator does).
   */
  async verifyAccess(token: string): Promise<{ subject: Subject; sessionId: string }> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'iss', 'aud'],
        maxTokenAge: this.#accessTtlS,
        currentDate: new Date(this.#clock.nowMs()),
        clockTolerance: 0,
      });
      const typ = payload.typ;
      if ((typ !== 'player' && typ !== 'operator') || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
        throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
      }
      return { subject: { kind: typ, id: payload.sub }, sessionId: payload.sid };
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (e instanceof joseErrors.JWTExpired) throw new AppError(AccountsErrors.AUTH_TOKEN_EXPIRED);
      throw new AppError(AccountsErrors.AUTH_TOKEN_INVALID);
    }
  }

  /** Rotates a refresh token. A second use of any token revokes its whole session. */
  async refresh(refreshToken: string): Promise<TokenPair & { subject: Subject }> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw new AppError(AccountsErrors.AUTH_REFRESH_TOKEN_INVALID);
    const tokenHash = hashToken(refreshToken);
    const outcome = await this.#store.unitOfWork(
      async (tx): Promise<RefreshOutcome> => {
        const rows = await tx.query<{
          session_id: string;
          expires_at_ms: unknown;
          used_at_ms: unknown;
          subject_kind: SubjectKind;
          subject_id: string;
          session_expires_at_ms: unknown;
          revoked_at_ms: unknown;
        }>(
          `SELECT t.session_id, t.expires_at_ms, t.used_at_ms, s.subject_kind, s.subject_id, s.expires_at_ms AS session_expires_at_ms, s.revoked_at_ms
           FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = ?`,
          [tokenHash],
        );
        const row = rows[0];
        if (!row) return { kind: 'invalid' };
        if (intOrNullFromDb(row.used_at_ms) !== null) {
          await this.#revokeIn(tx, row.session_id, 'refresh_token_reused');
          return { kind: 'reused' };
        }
        if (intOrNullFromDb(row.revoked_at_ms) !== null) return { kind: 'revoked' };
        if (intFromDb(row.expires_at_ms) <= tx.nowMs) return { kind: 'invalid' };
        const claimed = await tx.run('UPDATE auth_refresh_tokens SET used_at_ms = ? WHERE token_hash = ? AND used_at_ms IS NULL', [
          tx.nowMs,
          tokenHash,
        ]);
        if (claimed !== 1) {
          await this.#revokeIn(tx, row.session_id, 'refresh_token_reused');
          return { kind: 'reused' };
        }
        const subject: Subject = { kind: row.subject_kind, id: row.subject_id };
        return { kind: 'ok', opened: await this.#issueRefresh(tx, row.session_id, subject, intFromDb(row.session_expires_at_ms)) };
      },
      { label: 'accounts.refresh' },
    );
    if (outcome.kind === 'invalid') throw new AppError(AccountsErrors.AUTH_REFRESH_TOKEN_INVALID);
    if (outcome.kind === 'revoked') throw new AppError(AccountsErrors.AUTH_SESSION_REVOKED);
    if (outcome.kind === 'reused') throw new AppError(AccountsErrors.AUTH_REFRESH_TOKEN_REUSED);
    return { ...(await this.tokens(outcome.opened)), subject: outcome.opened.subject };
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.#store.unitOfWork((tx) => this.#revokeIn(tx, sessionId, reason), { label: 'accounts.revoke' });
  }

  async #revokeIn(tx: Tx, sessionId: string, reason: string): Promise<void> {
    await tx.run('UPDATE auth_sessions SET revoked_at_ms = ?, revoked_reason = ? WHERE id = ? AND revoked_at_ms IS NULL', [
      tx.nowMs,
      reason,
      sessionId,
    ]);
  }
}
