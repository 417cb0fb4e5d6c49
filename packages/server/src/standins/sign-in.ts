// Stand-in for the sign-in port (WeChat login), for development and tests. It models WeChat users
// by a handle ("alice"): `issueCode` plays the part of `wx.login` (or the OAuth consent redirect)
// and returns a one-time code; `exchangeCode` plays `jscode2session`. A user's openid differs per
// app and their unionid is the same in every app, as on WeChat. Anyone can sign in as anyone
// through it, so production never binds it (FAIRGROUND_IDENTITY_PROVIDER=sandbox is refused there).
import { createHmac, randomBytes } from 'node:crypto';
import { AppError, type Clock } from '@fairground/core';
import { AccountsErrors, type IdentityProvider, type LoginCodeIssuer, type LoginKind, type WechatIdentity } from '../accounts/index.ts';

/** Login codes live five minutes, like WeChat's `code`. */
const LOGIN_CODE_TTL_MS = 5 * 60 * 1000;
/** Outstanding codes kept in memory at most; the oldest go first. */
const SANDBOX_CODES_MAX = 10_000;

export interface SandboxIdentityProvider extends IdentityProvider, LoginCodeIssuer {}

const USER_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function createSandboxIdentityProvider(options: {
  clock: Clock;
  appIds: { readonly miniprogram: string; readonly h5: string; readonly web?: string };
  /** Makes openids stable across restarts (derived from the session secret in main.ts). */
  seed: string;
}): SandboxIdentityProvider {
  const codes = new Map<string, { kind: LoginKind; user: string; expiresAtMs: number }>();
  const derive = (label: string, value: string) =>
    createHmac('sha256', options.seed).update(`${label}:${value}`).digest('base64url').slice(0, 27);
  return {
    issueCode(kind, user) {
      const handle = user ?? `u${randomBytes(6).toString('hex')}`;
      if (!USER_PATTERN.test(handle)) throw new AppError(AccountsErrors.LOGIN_CODE_INVALID, { reason: 'sandbox user handle' });
      // Oldest first out: a Map iterates in insertion order.
      while (codes.size >= SANDBOX_CODES_MAX) codes.delete(codes.keys().next().value as string);
      const code = `sbx${randomBytes(16).toString('hex')}`;
      codes.set(code, { kind, user: handle, expiresAtMs: options.clock.nowMs() + LOGIN_CODE_TTL_MS });
      return { code, user: handle };
    },
    async exchangeCode(kind, code): Promise<WechatIdentity> {
      const entry = codes.get(code);
      if (entry === undefined || entry.kind !== kind || entry.expiresAtMs <= options.clock.nowMs()) {
        throw new AppError(AccountsErrors.LOGIN_CODE_INVALID);
      }
      codes.delete(code);
      const appId = options.appIds[kind];
      if (appId === undefined) throw new AppError(AccountsErrors.LOGIN_APP_UNKNOWN, { kind });
      return { openid: `o${derive(`openid:${appId}`, entry.user)}`, unionid: `u${derive('unionid', entry.user)}` };
    },
  };
}
