// Handlers for the players' account endpoints.
import { AppError } from '@fairground/core';
import type { Static } from '@sinclair/typebox';
import { implement, type Implementation } from '../http/routes.ts';
import { accountsContract as c, type PlayerSelf } from './contract.ts';
import { AccountsErrors } from './errors.ts';
import type { Player, Players } from './players.ts';
import { browserNonceOf, type OAuthStates } from './oauth-states.ts';
import type { LoginCodeIssuer, WechatWeb } from './ports.ts';
import type { AuthSessions } from './auth-sessions.ts';
import { termsDocument } from './terms.ts';

export interface AccountsRouteDeps {
  readonly players: Players;
  readonly sessions: AuthSessions;
  /** The sign-in stand-in's code issuer, when that stand-in is bound; else its route answers SANDBOX_DISABLED. */
  readonly codeIssuer: LoginCodeIssuer | null;
  /** The real adapter's consent pages: H5 and website codes then need the state this browser was given. Null on the sandbox. */
  readonly web: WechatWeb | null;
  readonly oauth: OAuthStates;
  readonly devLoginAllowed: boolean;
  readonly termsVersion: string;
  /** The agreement and privacy policy in force (the settings service); absent: the built-in agreement. */
  readonly agreement?: () => {
    readonly version: string;
    readonly terms: TermsTexts;
    readonly privacy: TermsTexts;
  };
}

interface TermsTexts {
  readonly title: { readonly zh: string; readonly en: string };
  readonly body: { readonly zh: string; readonly en: string };
}

export function accountsRoutes(d: AccountsRouteDeps): Record<keyof typeof c, Implementation> {
  const self = (p: Player): Static<typeof PlayerSelf> => ({
    id: p.id,
    nickname: p.nickname,
    avatarUrl: p.avatarUrl,
    termsVersion: p.termsVersion,
    termsAcceptedAtMs: p.termsAcceptedAtMs,
    termsCurrent: p.termsVersion === d.termsVersion,
    createdAtMs: p.createdAtMs,
  });
  return {
    wechatLogin: implement(c.wechatLogin, async ({ body, request }) => {
      if (body.kind !== 'miniprogram' && d.web !== null) {
        if (!d.web.redirectKinds.includes(body.kind)) throw new AppError(AccountsErrors.LOGIN_APP_UNKNOWN, { kind: body.kind });
        // A code from a consent page counts only with the state this browser started (login CSRF).
        await d.oauth.spend(body.kind, body.state, browserNonceOf(request.headers.cookie));
      }
      const login = await d.players.loginWithCode(body.kind, body.code, { device: body.device ?? null, address: request.ip });
      return { player: self(login.player), created: login.created, tokens: login.tokens };
    }),
    sandboxCode: implement(c.sandboxCode, async ({ body }) => {
      if (d.codeIssuer === null) throw new AppError(AccountsErrors.SANDBOX_DISABLED);
      return d.codeIssuer.issueCode(body.kind, body.user);
    }),
    devLogin: implement(c.devLogin, async ({ body, request }) => {
      if (!d.devLoginAllowed) throw new AppError(AccountsErrors.DEV_LOGIN_DISABLED);
      const login = await d.players.devLogin(body.handle, { device: body.device ?? null, address: request.ip });
      return { player: self(login.player), created: login.created, tokens: login.tokens };
    }),
    refresh: implement(c.refresh, async ({ body }) => {
      const { subject: _subject, ...tokens } = await d.sessions.refresh(body.refreshToken);
      return tokens;
    }),
    logout: implement(c.logout, async ({ actor }) => {
      await d.sessions.revoke(actor.sessionId, 'logout');
      return { ok: true as const };
    }),
    terms: implement(c.terms, async () => {
      if (d.agreement === undefined) return termsDocument(d.termsVersion);
      const a = d.agreement();
      return { version: a.version, title: a.terms.title, body: a.terms.body, privacy: a.privacy };
    }),
    me: implement(c.me, async ({ actor }) => self(await d.players.require(actor.playerId))),
    updateMe: implement(c.updateMe, async ({ actor, body }) => self(await d.players.updateProfile(actor.playerId, body))),
    acceptTerms: implement(c.acceptTerms, async ({ actor, body }) =>
      self(await d.players.acceptTerms(actor.playerId, body.version, d.termsVersion)),
    ),
  };
}
