// Handlers of the WeChat sign-in endpoints beside the code exchange (wechat-contract.ts).
import { AppError } from '@fairground/core';
import type { FastifyRequest } from 'fastify';
import { implement, type Implementation } from '../http/routes.ts';
import { AccountsErrors } from './errors.ts';
import { browserNonceOf, OAUTH_COOKIE, OAUTH_STATE_TTL_MS, type OAuthStates } from './oauth-states.ts';
import type { Phones } from './phones.ts';
import type { WechatWeb } from './ports.ts';
import { wechatContract as c } from './wechat-contract.ts';

/** The JS-SDK interfaces the player client asks for: sharing a room to a chat and to Moments. */
export const JSSDK_SHARE_APIS = ['updateAppMessageShareData', 'updateTimelineShareData'] as const;

export interface WechatRouteDeps {
  readonly provider: 'sandbox' | 'wechat';
  /** The real adapter's consent pages, JS-SDK and phone numbers; null on the sandbox stand-in. */
  readonly web: WechatWeb | null;
  readonly oauth: OAuthStates;
  readonly phones: Phones;
  /** The address players open (`https://game.example`); undefined: the address each request came to. */
  readonly publicUrl: string | undefined;
  /** Whether the sandbox's code route and development login are served (never in production). */
  readonly sandboxCodes: boolean;
  readonly devLogin: boolean;
}

/** The site's own origin: configured, or the one this request came to (behind trusted proxies, their forwarded host). */
export function siteOrigin(publicUrl: string | undefined, request: FastifyRequest): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

export function wechatRoutes(d: WechatRouteDeps): Record<keyof typeof c, Implementation> {
  return {
    signInOptions: implement(c.signInOptions, async () => ({
      provider: d.provider,
      redirectKinds: [...(d.web?.redirectKinds ?? [])],
      sandboxCodes: d.sandboxCodes,
      devLogin: d.devLogin,
      jsSdk: d.web?.jsSdk ?? false,
      phone: d.web?.phone ?? false,
    })),
    oauthStart: implement(c.oauthStart, async ({ body, request, reply }) => {
      const web = d.web;
      if (web === null || !web.redirectKinds.includes(body.kind)) throw new AppError(AccountsErrors.OAUTH_UNAVAILABLE, { kind: body.kind });
      const { state, browserNonce, expiresAtMs } = await d.oauth.begin(body.kind, browserNonceOf(request.headers.cookie));
      const origin = siteOrigin(d.publicUrl, request);
      // The cookie goes only to the sign-in endpoints, never to scripts, and comes back on WeChat's
      // top-level redirect to our page (SameSite=Lax) and on the page's own login request.
      reply.header(
        'set-cookie',
        `${OAUTH_COOKIE}=${browserNonce}; Path=/api/auth/wechat; HttpOnly; SameSite=Lax; Max-Age=${OAUTH_STATE_TTL_MS / 1000}${origin.startsWith('https://') ? '; Secure' : ''}`,
      );
      return {
        authorizeUrl: web.authorizeUrl(body.kind, `${origin}/?wxlogin=${body.kind}`, state),
        expiresAtMs,
      };
    }),
    jssdkConfig: implement(c.jssdkConfig, async ({ query, request }) => {
      const web = d.web;
      if (web === null || !web.jsSdk) throw new AppError(AccountsErrors.JSSDK_UNAVAILABLE);
      let page: URL;
      try {
        page = new URL(query.url);
      } catch {
        throw new AppError(AccountsErrors.JSSDK_URL_INVALID);
      }
      // Only pages of this site: WeChat accepts a signature only on the JS-SDK domain set in its console anyway.
      if (page.origin !== siteOrigin(d.publicUrl, request)) throw new AppError(AccountsErrors.JSSDK_URL_INVALID, { origin: page.origin });
      page.hash = '';
      const config = await web.jsSdkConfig(page.href, JSSDK_SHARE_APIS);
      return { ...config, jsApiList: [...config.jsApiList] };
    }),
    sharePhone: implement(c.sharePhone, async ({ actor, body }) => d.phones.share(actor.playerId, body.code)),
  };
}
