// An in-process platform on a manual clock with WeChat sign-in and virtual payment bound to the
// weixin sandbox (on the same clock), listening on a loopback port so the sandbox's pushes and a
// browser reach it: the world of the browser journeys that need to move time (the query job, a
// day's bill) rather than wait for it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { wechatSignInAdapter } from '../../src/adapters.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';
import type { WechatConfig } from '../../src/wechat/config.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TERMS_VERSION, TestPlatform } from '../helpers/platform.ts';

export const VPAY_WORLD_OFFER_ID = '1450000003';
export const VPAY_WORLD_APP_KEY = 'worldVpayAppKey0123456789abcdef01';

export interface VpayWorld {
  readonly t: TestPlatform;
  readonly sandbox: Sandbox;
  /** The platform's loopback address. */
  readonly url: string;
  /** A mini-game player signed in through code2session who accepted the agreement. */
  player(handle: string): Promise<{ token: string; playerId: string; openid: string }>;
  /** A delivered order of `quantity` cards (signed, paid at the sheet, the push answered). */
  delivered(p: { token: string; openid: string }, quantity: number, o?: { dropPush?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startVpayWorld(backend: TestBackend, o: { serveClients?: boolean } = {}): Promise<VpayWorld> {
  const appIds = { miniprogram: SANDBOX_MINIGAME_APPID, h5: SANDBOX_OFFICIAL_ACCOUNT_APPID };
  const dataKey = Buffer.alloc(32, 7);
  let sandbox: Sandbox | undefined;
  const t = await TestPlatform.start(backend, {
    config: {
      wechatAppIds: appIds,
      dataKey,
      devLoginAllowed: false,
      wechat: { provider: 'wechat' } as WechatConfig,
      ...(o.serveClients ? { serveClients: true } : {}),
    },
    adapters: async (clock, store) => {
      sandbox = await startSandbox({ clock });
      sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, offerId: VPAY_WORLD_OFFER_ID, appKey: VPAY_WORLD_APP_KEY });
      const secret = (appid: string) => sandbox?.weixin.apps().find((a) => a.appid === appid)?.secret as string;
      const wechat: WechatConfig = {
        provider: 'wechat',
        apps: { miniprogram: { appid: SANDBOX_MINIGAME_APPID, secret: secret(SANDBOX_MINIGAME_APPID) }, h5: null, web: null },
        h5Scope: 'snsapi_base',
        phone: false,
        apiBaseUrl: sandbox.baseUrl,
        openBaseUrl: sandbox.pagesUrl,
        timeoutMs: 5000,
        publicUrl: undefined,
        vpay: { offerId: VPAY_WORLD_OFFER_ID, appKey: VPAY_WORLD_APP_KEY, env: 1, productId: 'room_card' },
      };
      return {
        ...testAdapters(clock, { appIds }),
        signIn: wechatSignInAdapter({ wechat, dataKey }, clock, { store, onWechatOperatorFault: () => undefined }),
      };
    },
  });
  const sb = sandbox as Sandbox;
  await t.platform.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.platform.app.server.address() as AddressInfo).port}`;
  sb.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, pushUrl: `${url}/api/vpay/wechat/push` });
  return {
    t,
    sandbox: sb,
    url,
    async player(handle) {
      sb.weixin.upsertPlayer({ handle, apps: [SANDBOX_MINIGAME_APPID] });
      const code = sb.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
      const login = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'miniprogram', code } });
      assert.equal(login.status, 200, login.text);
      const token = (login.json.tokens as { accessToken: string }).accessToken;
      const terms = await t.request('POST', '/api/me/terms', { token, body: { version: TERMS_VERSION } });
      assert.equal(terms.status, 200, terms.text);
      const openid = sb.weixin.player(handle)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid as string;
      return { token, playerId: (login.json.player as { id: string }).id, openid };
    },
    async delivered(p, quantity, opts = {}) {
      const r = await t.request('POST', '/api/vpay/room-cards', { token: p.token, body: { quantity } });
      assert.equal(r.status, 201, r.text);
      const s = r.json as { outTradeNo: string; signData: string; paySig: string; signature: string };
      const answer = sb.vpay.pay({
        appid: SANDBOX_MINIGAME_APPID,
        openid: p.openid,
        signData: s.signData,
        paySig: s.paySig,
        signature: s.signature,
        outcome: 'paid',
        ...(opts.dropPush ? { dropPush: true } : {}),
      });
      assert.equal(answer.errCode, 0, answer.errMsg);
      await sb.runDue();
      return s.outTradeNo;
    },
    async close() {
      await t.close();
      await sb.close();
    },
  };
}
