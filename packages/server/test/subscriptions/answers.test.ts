// An operator's answer reaches the player's inbox and, where the player opted in, a subscription
// message that the WeChat sandbox records — through the real WeChat adapter (sign-in and
// subscribeMessage.send) on both backends. One consent carries one message: a second answer goes
// to the inbox only. Unknown template ids are refused with a stable code, changing nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  SANDBOX_MINIGAME_APPID,
  SANDBOX_OFFICIAL_ACCOUNT_APPID,
  SANDBOX_WEBSITE_APPID,
  type Sandbox,
  startSandbox,
} from '@fairground/wechatpay-sandbox';
import { wechatSignInAdapter } from '../../src/adapters.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { WechatConfig } from '../../src/wechat/config.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform } from '../helpers/platform.ts';
import { TERMS_VERSION } from '../helpers/platform.ts';

const SITE = 'https://game.example';
const APP_IDS = { miniprogram: SANDBOX_MINIGAME_APPID, h5: SANDBOX_OFFICIAL_ACCOUNT_APPID, web: SANDBOX_WEBSITE_APPID };
const TEMPLATES = { report_handled: 'TPL_report_handled', withdrawal_arrived: 'TPL_withdrawal_arrived' };

for (const backend of backends()) {
  describe(`subscription messages from the console on ${backend.name}`, () => {
    let t: TestPlatform;
    let sandbox: Sandbox;
    let operator: string;

    before(async () => {
      const dataKey = Buffer.alloc(32, 9);
      t = await TestPlatform.start(backend, {
        config: { wechatAppIds: APP_IDS, dataKey, devLoginAllowed: false, subscribeTemplates: TEMPLATES },
        adapters: async (clock, store) => {
          sandbox = await startSandbox({ clock });
          const secret = (appid: string) => sandbox.weixin.apps().find((a) => a.appid === appid)?.secret as string;
          const wechat: WechatConfig = {
            provider: 'wechat',
            apps: {
              miniprogram: { appid: SANDBOX_MINIGAME_APPID, secret: secret(SANDBOX_MINIGAME_APPID) },
              h5: { appid: SANDBOX_OFFICIAL_ACCOUNT_APPID, secret: secret(SANDBOX_OFFICIAL_ACCOUNT_APPID) },
              web: { appid: SANDBOX_WEBSITE_APPID, secret: secret(SANDBOX_WEBSITE_APPID) },
            },
            h5Scope: 'snsapi_base',
            phone: false,
            apiBaseUrl: sandbox.baseUrl,
            openBaseUrl: sandbox.pagesUrl,
            timeoutMs: 5000,
            publicUrl: SITE,
          };
          return {
            ...testAdapters(clock, { appIds: APP_IDS }),
            signIn: wechatSignInAdapter({ wechat, dataKey }, clock, { store, onWechatOperatorFault: () => {} }),
          };
        },
      });
      operator = await t.loginOperator(await t.createOperator(['support']));
    });
    after(async () => {
      await t?.close();
      await sandbox?.close();
    });

    async function miniGamePlayer(handle: string): Promise<{ token: string; playerId: string; openid: string }> {
      sandbox.weixin.upsertPlayer({ handle, apps: [SANDBOX_MINIGAME_APPID] });
      const code = sandbox.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
      const login = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'miniprogram', code } });
      assert.equal(login.status, 200, login.text);
      const token = (login.json.tokens as { accessToken: string }).accessToken;
      assert.equal((await t.request('POST', '/api/me/terms', { token, body: { version: TERMS_VERSION } })).status, 200);
      const openid = sandbox.weixin.player(handle)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid as string;
      return { token, playerId: (login.json.player as { id: string }).id, openid };
    }

    it('answers a report into the inbox and, with the one consent, one subscription message', async () => {
      const p = await miniGamePlayer('sub-reporter');
      const target = await miniGamePlayer('sub-target');
      const list = await t.request('GET', '/api/subscriptions', { token: p.token });
      assert.equal(list.status, 200);
      assert.deepEqual(
        (list.json.items as { kind: string; templateId: string; remaining: number }[]).map((x) => [x.kind, x.remaining]),
        [
          ['withdrawal_arrived', 0],
          ['report_handled', 0],
        ],
      );
      const before = await t.snapshot();
      const unknown = await t.request('POST', '/api/subscriptions/consents', { token: p.token, body: { templateIds: ['TPL_marketing'] } });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.code, 'SUBSCRIBE_TEMPLATE_UNKNOWN');
      assert.deepEqual(await t.snapshot(), before);
      // What the mini-game posts after wx.requestSubscribeMessage: the ids the player accepted.
      const accepted = await t.request('POST', '/api/subscriptions/consents', {
        token: p.token,
        body: { templateIds: ['TPL_report_handled'] },
      });
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal((accepted.json.items as { kind: string; remaining: number }[]).find((x) => x.kind === 'report_handled')?.remaining, 1);

      const filed = await t.request('POST', '/api/complaints', {
        token: p.token,
        body: { targetPlayerId: target.playerId, reason: 'abuse', text: 'rude in chat at table 3' },
      });
      assert.equal(filed.status, 201, filed.text);
      const sentBefore = sandbox.weixin.subscribeSends().length;
      for (const text of ['We warned the player.', 'And muted their chat.']) {
        const r = await t.request('POST', `/api/admin/support/threads/report/${filed.json.id}/answers`, {
          token: operator,
          body: { text },
        });
        assert.equal(r.status, 201, r.text);
      }
      const inbox = await t.request('GET', '/api/notifications', { token: p.token });
      assert.deepEqual((inbox.json.items as { kind: string; data: { text: string } }[]).map((x) => [x.kind, x.data.text]).sort(), [
        ['support_answer', 'And muted their chat.'],
        ['support_answer', 'We warned the player.'],
      ]);
      assert.ok(t.platform.jobs.names.includes('notify.subscribe'));
      assert.equal(await t.platform.subscriptions.sendDue(), 1, 'one consent, one message');
      assert.equal(await t.platform.subscriptions.sendDue(), 0);
      const sent = sandbox.weixin.subscribeSends().slice(sentBefore);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.touser, p.openid);
      assert.equal(sent[0]?.templateId, 'TPL_report_handled');
      assert.match(sent[0]?.page ?? '', /^inbox\?thread=/);
      assert.equal(sent[0]?.data.thing2?.value, 'We warned the playe…', 'the first answer, cut to a thing keyword’s 20 characters');
      const mine = await t.request('GET', '/api/subscriptions', { token: p.token });
      assert.equal((mine.json.items as { kind: string; remaining: number }[]).find((x) => x.kind === 'report_handled')?.remaining, 0);
    });

    it('a player who did not opt in hears it in the inbox only; a withdrawn consent sends nothing', async () => {
      const p = await miniGamePlayer('sub-quiet');
      const target = await miniGamePlayer('sub-target2');
      await t.request('POST', '/api/subscriptions/consents', { token: p.token, body: { templateIds: ['TPL_report_handled'] } });
      const off = await t.request('POST', '/api/subscriptions/withdraw', { token: p.token, body: {} });
      assert.equal(off.status, 200, off.text);
      const filed = await t.request('POST', '/api/complaints', {
        token: p.token,
        body: { targetPlayerId: target.playerId, reason: 'abuse', text: 'rude again' },
      });
      const sentBefore = sandbox.weixin.subscribeSends().length;
      const r = await t.request('POST', `/api/admin/support/threads/report/${filed.json.id}/answers`, {
        token: operator,
        body: { text: 'Seen.' },
      });
      assert.equal(r.status, 201);
      assert.equal((await t.request('GET', '/api/notifications', { token: p.token })).json.unread, 1);
      await t.platform.subscriptions.sendDue();
      assert.equal(sandbox.weixin.subscribeSends().length, sentBefore);
    });
  });
}
