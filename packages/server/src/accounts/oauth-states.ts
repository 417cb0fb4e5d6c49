// The `state` of a WeChat OAuth round trip (H5 inside WeChat, website QR login), bound to the
// browser that started it. Starting a sign-in gives the browser a nonce in an HttpOnly cookie
// (kept across sign-ins, so two tabs do not undo each other) and stores a fresh state with the
// nonce's hash; coming back, the code is exchanged only if the state is one this browser started,
// within its lifetime, and not spent — spending it is one conditional UPDATE, so a replayed state
// loses even a race. This stops login CSRF: a stranger's code and state, pushed into a victim's
// browser, find no row bound to the victim's nonce.
import { createHash, randomBytes } from 'node:crypto';
import { AppError, type Clock } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { AccountsErrors } from './errors.ts';
import type { RedirectLoginKind } from './ports.ts';

/** A state is good for this long: WeChat's OAuth codes live 5 minutes, website QR codes 10. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** The browser nonce: 32 random bytes, base64url. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const OAUTH_COOKIE = 'fg_wx_oauth';

const STATE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 32 characters of [0-9A-Za-z] from node:crypto (WeChat allows only these in `state`, at most 128). */
function newState(): string {
  let out = '';
  // 248 = 4 * 62: bytes at or above it are skipped so every character is equally likely.
  while (out.length < 32) for (const b of randomBytes(48)) if (b < 248 && out.length < 32) out += STATE_ALPHABET[b % 62];
  return out;
}

function hash(nonce: string): string {
  return createHash('sha256').update(`fairground/oauth-browser/${nonce}`).digest('base64url');
}

/** The browser nonce in a Cookie header, when it carries a well-formed one. */
export function browserNonceOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === OAUTH_COOKIE && value !== undefined && NONCE_PATTERN.test(value)) return value;
  }
  return undefined;
}

export class OAuthStates {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(o: { readonly store: Store; readonly clock: Clock }) {
    this.#store = o.store;
    this.#clock = o.clock;
  }

  /** A new state for `kind`, bound to the browser's nonce (a new nonce when it has none). */
  async begin(
    kind: RedirectLoginKind,
    browserNonce: string | undefined,
  ): Promise<{ state: string; browserNonce: string; expiresAtMs: number }> {
    const nonce = browserNonce !== undefined && NONCE_PATTERN.test(browserNonce) ? browserNonce : randomBytes(32).toString('base64url');
    const state = newState();
    const nowMs = this.#clock.nowMs();
    await this.#store.unitOfWork(
      async (tx) => {
        // An expired state is refused for its age alone, so its row has nothing left to prove: each
        // start clears them, which bounds the table by the starts of the last ten minutes.
        await tx.run('DELETE FROM wechat_oauth_states WHERE expires_at_ms <= ?', [nowMs]);
        await tx.run(
          'INSERT INTO wechat_oauth_states (state, kind, browser_hash, created_at_ms, expires_at_ms, used_at_ms) VALUES (?, ?, ?, ?, ?, NULL)',
          [state, kind, hash(nonce), nowMs, nowMs + OAUTH_STATE_TTL_MS],
        );
      },
      { label: 'accounts.oauthBegin' },
    );
    return { state, browserNonce: nonce, expiresAtMs: nowMs + OAUTH_STATE_TTL_MS };
  }

  /** Spends `state`; throws OAUTH_STATE_INVALID unless this browser started it for `kind`, lately, and never spent it. */
  async spend(kind: RedirectLoginKind, state: string | undefined, browserNonce: string | undefined): Promise<void> {
    if (state === undefined || browserNonce === undefined) throw new AppError(AccountsErrors.OAUTH_STATE_INVALID, { reason: 'missing' });
    const nowMs = this.#clock.nowMs();
    const changed = await this.#store.unitOfWork(
      (tx) =>
        tx.run(
          `UPDATE wechat_oauth_states SET used_at_ms = ?
            WHERE state = ? AND kind = ? AND browser_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ?`,
          [nowMs, state, kind, hash(browserNonce), nowMs],
        ),
      { label: 'accounts.oauthSpend' },
    );
    if (changed !== 1) throw new AppError(AccountsErrors.OAUTH_STATE_INVALID);
  }
}
