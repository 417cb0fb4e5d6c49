// Text content security (msgSecCheck v2) through the client against the sandbox: pass, review and
// risky verdicts with their labels, deterministic on the text; 61010 for a user who has not opened
// the mini-game in two hours, 40003 for an openid the app does not know, 44004 for empty content,
// 40001 for a bad token, 40097 for a scene out of range, and version 1's 87014.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ManualClock } from '@fairground/core';
import { judgeText, type Sandbox, USER_ACTIVE_WINDOW_MS } from '@fairground/wechatpay-sandbox';
import type { WeixinClient } from '../src/index.ts';
import { errcodeOf, signInToMiniGame, startMiniGameSandbox } from './weixin-harness.ts';

let sandbox: Sandbox;
let clock: ManualClock;
let client: WeixinClient;

before(async () => {
  ({ sandbox, clock, client } = await startMiniGameSandbox());
});
after(async () => {
  await sandbox.close();
});

const signedIn = (handle: string): Promise<string> => signInToMiniGame(sandbox, client, handle);

async function raw(body: unknown, token?: string): Promise<Record<string, unknown>> {
  const accessToken = token ?? (await client.accessToken());
  const res = await fetch(`${sandbox.baseUrl}/wxa/msg_sec_check?access_token=${encodeURIComponent(accessToken)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

it('answers pass, review or risky with the label, the same for the same text', async () => {
  const openid = await signedIn('sc-alice');
  assert.deepEqual(await client.msgSecCheck({ openid, content: 'good game', scene: 2 }), {
    suggest: 'pass',
    label: 100,
    traceId: (await client.msgSecCheck({ openid, content: 'good game', scene: 2 })).traceId,
  });
  const risky = await client.msgSecCheck({ openid, content: 'You IDIOT', scene: 2 });
  assert.deepEqual([risky.suggest, risky.label], ['risky', 20003]);
  const review = await client.msgSecCheck({ openid, content: '加微信聊', scene: 2 });
  assert.deepEqual([review.suggest, review.label], ['review', 10001]);
  // Risky wins over review in one text.
  assert.equal(judgeText('加微信 代充').suggest, 'risky');
  const answer = await raw({ content: 'sandbox-risky', version: 2, scene: 2, openid });
  assert.deepEqual(answer.result, { suggest: 'risky', label: 21000 });
  assert.ok(Array.isArray(answer.detail) && answer.detail.some((d: { keyword?: string }) => d.keyword === 'sandbox-risky'));
});

it('refuses a user not active in the app for two hours (61010), an unknown openid (40003), empty content (44004), a bad token (40001) and a bad scene (40097)', async () => {
  const openid = await signedIn('sc-bob');
  clock.advanceMs(USER_ACTIVE_WINDOW_MS);
  assert.equal(await errcodeOf(client.msgSecCheck({ openid, content: 'hello', scene: 2 })), 61010);
  const fresh = await signedIn('sc-bob');
  assert.equal(fresh, openid);
  assert.equal((await client.msgSecCheck({ openid, content: 'hello', scene: 2 })).suggest, 'pass');
  assert.equal(await errcodeOf(client.msgSecCheck({ openid: 'oUnknownOpenid0000000000000', content: 'hello', scene: 2 })), 40003);
  assert.equal((await raw({ content: '   ', version: 2, scene: 2, openid })).errcode, 44004);
  assert.equal((await raw({ version: 2, scene: 2, openid })).errcode, 44004);
  assert.equal((await raw({ content: 'hi', version: 2, scene: 2, openid }, 'not-a-token')).errcode, 40001);
  assert.equal((await raw({ content: 'hi', version: 2, scene: 9, openid })).errcode, 40097);
  await assert.rejects(client.msgSecCheck({ openid, content: '', scene: 2 }), RangeError);
});

it('answers version 1 the old way: 87014 for risky text, else 0', async () => {
  assert.equal((await raw({ content: '代充' })).errcode, 87014);
  assert.equal((await raw({ content: 'fine words' })).errcode, 0);
});
