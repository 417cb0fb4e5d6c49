// The set-up the mini-game API tests share (subscription messages, content security): a sandbox on
// a ManualClock, our WeixinClient for its mini-game, players signed in through code2Session, and
// the errcode a refused call carries.
import { ManualClock } from '@fairground/core';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { isWechatPayError, WeixinClient, weixinErrcode } from '../src/index.ts';
import { START_MS } from './sandbox-harness.ts';

export interface MiniGameSandbox {
  readonly sandbox: Sandbox;
  readonly clock: ManualClock;
  readonly client: WeixinClient;
}

/** A sandbox at START_MS and a client of its mini-game app. */
export async function startMiniGameSandbox(): Promise<MiniGameSandbox> {
  const clock = new ManualClock(START_MS);
  const sandbox = await startSandbox({ clock });
  const client = new WeixinClient({
    appid: SANDBOX_MINIGAME_APPID,
    appSecret: sandbox.weixin.app(SANDBOX_MINIGAME_APPID).secret,
    apiBaseUrl: sandbox.baseUrl,
    openBaseUrl: sandbox.pagesUrl,
    clock,
    timeoutMs: 5_000,
  });
  return { sandbox, clock, client };
}

/** Signs `handle` in to the mini-game (code2Session), which makes them active; returns their openid. */
export async function signInToMiniGame(sandbox: Sandbox, client: WeixinClient, handle: string): Promise<string> {
  sandbox.weixin.upsertPlayer({ handle, apps: [SANDBOX_MINIGAME_APPID] });
  const code = sandbox.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
  return (await client.code2session(code)).openid;
}

/** The errcode of a call that must fail with a WeChat error. */
export async function errcodeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (e) {
    if (isWechatPayError(e)) return weixinErrcode(e);
    throw e;
  }
  throw new Error('expected the call to fail');
}
