// Subscription messages (subscribeMessage.send) through the client against the sandbox: a sent
// message is recorded with its fields; an unknown openid answers 40003; a bad template 40037; bad
// data 47003; errcodes a test forces as faults (43101, 45009) come back as the client's error; a retired token
// is replaced once and the message still goes.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Sandbox } from '@fairground/wechatpay-sandbox';
import type { WeixinClient } from '../src/index.ts';
import { errcodeOf, signInToMiniGame, startMiniGameSandbox } from './weixin-harness.ts';

let sandbox: Sandbox;
let client: WeixinClient;

before(async () => {
  ({ sandbox, client } = await startMiniGameSandbox());
});
after(async () => {
  await sandbox.close();
});

const signedIn = (handle: string): Promise<string> => signInToMiniGame(sandbox, client, handle);

it('records a sent message with its fields', async () => {
  const openid = await signedIn('sub-alice');
  const before = sandbox.weixin.subscribeSends().length;
  const r = await client.subscribeSend({
    touser: openid,
    templateId: 'TPL_report_handled',
    page: 'inbox?thread=r1',
    data: { thing1: '举报已处理', time2: '2026-12-06 10:00' },
    lang: 'en_US',
  });
  assert.ok(r.msgid);
  const sent = sandbox.weixin.subscribeSends().slice(before);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.touser, openid);
  assert.equal(sent[0]?.templateId, 'TPL_report_handled');
  assert.equal(sent[0]?.page, 'inbox?thread=r1');
  assert.deepEqual(sent[0]?.data, { thing1: { value: '举报已处理' }, time2: { value: '2026-12-06 10:00' } });
  assert.equal(sent[0]?.miniprogramState, 'formal');
  assert.equal(sent[0]?.lang, 'en_US');
});

it('refuses an unknown openid, a bad template id and bad data, recording nothing', async () => {
  const openid = await signedIn('sub-bob');
  const before = sandbox.weixin.subscribeSends().length;
  assert.equal(await errcodeOf(client.subscribeSend({ touser: 'o_nobody', templateId: 'T1', data: { thing1: 'x' } })), 40003);
  assert.equal(await errcodeOf(client.subscribeSend({ touser: openid, templateId: 'T1', data: {} })), 47003);
  assert.equal(await errcodeOf(client.subscribeSend({ touser: openid, templateId: 'T1', data: { thing1: 'x'.repeat(21) } })), 47003);
  const token = await client.accessToken();
  const res = await fetch(`${sandbox.baseUrl}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ touser: openid, template_id: 'bad id!', data: { thing1: { value: 'x' } } }),
  });
  assert.equal(((await res.json()) as { errcode: number }).errcode, 40037);
  assert.equal(sandbox.weixin.subscribeSends().length, before);
});

it('answers the errcodes a test forces, then sends again', async () => {
  const openid = await signedIn('sub-carol');
  const endpoint = 'POST /cgi-bin/message/subscribe/send';
  sandbox.faults.inject({ endpoint, kind: 'weixin-errcode', errcode: 43101 });
  sandbox.faults.inject({ endpoint, kind: 'weixin-errcode', errcode: 45009 });
  const m = { touser: openid, templateId: 'T1', data: { thing1: 'x' } };
  assert.equal(await errcodeOf(client.subscribeSend(m)), 43101);
  assert.equal(await errcodeOf(client.subscribeSend(m)), 45009);
  const before = sandbox.weixin.subscribeSends().length;
  await client.subscribeSend(m);
  assert.equal(sandbox.weixin.subscribeSends().length, before + 1);
});

it('replaces a token WeChat rejects (40001) once and sends', async () => {
  const openid = await signedIn('sub-dave');
  sandbox.faults.inject({ endpoint: 'POST /cgi-bin/message/subscribe/send', kind: 'weixin-errcode', errcode: 40001 });
  const before = sandbox.weixin.subscribeSends().length;
  await client.subscribeSend({ touser: openid, templateId: 'T1', data: { thing1: 'x' } });
  assert.equal(sandbox.weixin.subscribeSends().length, before + 1);
});
