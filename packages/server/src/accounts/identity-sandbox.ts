// An in-process stand-in for WeChat login, for development and tests. It models WeChat users by a
// handle ("alice"): `issueCode` plays the part of `wx.login` (or the OAuth consent redirect) and
// returns a one-time code; `exchangeCode` plays `jscode2session`. A user's openid differs per app
// and their unionid is the same in every app, as on WeChat. The WeChat Pay sandbox package will
// later provide the same port over HTTP.
import { createHmac, randomBytes } from 'node:crypto';
import { AppError, type Clock } from '@fairground/core';
import { AccountsErrors } from './errors.ts';
import { LOGIN_CODE_TTL_MS, SANDBOX_CODES_MAX } from './limits.ts';
import type { IdentityProvider, LoginKind, WechatIdentity } from './ports.ts';

export interface SandboxIdentityProvider extends IdentityProvider {
  /** Returns a fresh code for the sandbox user `user` (a new random user when omitted). */
  issueCode(kind: LoginKind, user?: string): { code: string; user: string };
}

const USER_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function createSandboxIdentityProvider(options: {
  clock: Clock;
  appIds: { readonly miniprogram: string; readonly h5: string };
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
      return { openid: `o${derive(`openid:${appId}`, entry.user)}`, unionid: `u${derive('unionid', entry.user)}` };
    },
  };
}
