// The error catalogue is an API: payment code branches on these codes and their retry advice.
// `src/errors.catalogue.json` pins them; a code may be added, never renamed, removed or changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import {
  canonicalWechatCode,
  describeWechatCode,
  describeWeixinErrcode,
  WechatPayError,
  WechatPayErrors,
  weixinPlayerMeaning,
} from '../src/index.ts';

it('keeps every pinned wechatpay code with its status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('../src/errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { status: number; retryable: boolean }
  >;
  const now = new Map(Object.values(WechatPayErrors).map((d) => [d.code, d]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
  assert.deepEqual(
    [...now.keys()].filter((c) => !(c in pinned)),
    [],
    'new codes must be pinned in errors.catalogue.json',
  );
});

it('maps each documented WeChat code to its own catalogue entry, and legacy spellings to the same one', () => {
  for (const code of [
    'SIGN_ERROR',
    'PARAM_ERROR',
    'ORDERPAID',
    'ORDER_CLOSED',
    'NOT_ENOUGH',
    'FREQUENCY_LIMITED',
    'SYSTEM_ERROR',
    'INVALID_REQUEST',
  ]) {
    assert.equal(describeWechatCode(code, 400).def.code, `WECHATPAY_${code}`);
  }
  assert.equal(canonicalWechatCode('SYSTEMERROR'), 'SYSTEM_ERROR');
  assert.equal(describeWechatCode('ORDERNOTEXIST', 404).def, WechatPayErrors.WECHATPAY_ORDER_NOT_EXIST);
  assert.equal(describeWechatCode('NOAUTH', 403).def, WechatPayErrors.WECHATPAY_NO_AUTH);
});

it('keeps retrySameRequest of each documented code equal to the catalogue retry flag', () => {
  for (const code of ['PARAM_ERROR', 'NOT_ENOUGH', 'FREQUENCY_LIMITED', 'SYSTEM_ERROR', 'ORDER_CLOSED', 'SIGN_ERROR']) {
    const d = describeWechatCode(code, 400);
    assert.equal(d.retrySameRequest, d.def.retryable, code);
  }
});

it('pins what each api.weixin.qq.com errcode becomes: catalogue code, retry advice and what the player is told', () => {
  const pinned = JSON.parse(readFileSync(new URL('../src/weixin-errcodes.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { code: string; retrySameRequest: boolean; player: string }
  >;
  for (const [errcode, spec] of Object.entries(pinned)) {
    const d = describeWeixinErrcode(Number(errcode));
    assert.equal(d.def.code, spec.code, `errcode ${errcode}`);
    assert.equal(d.retrySameRequest, spec.retrySameRequest, `errcode ${errcode} retry`);
    assert.equal(d.action, spec.player, `errcode ${errcode} player meaning`);
    assert.equal(d.def.retryable, spec.retrySameRequest, `errcode ${errcode}: catalogue retryable agrees`);
  }
  // The codes the brief names must stay distinct and stable.
  assert.deepEqual(
    [-1, 40029, 40163, 45011, 40226, 40001, 42001, 40013, 40125, 99999].map((c) => describeWeixinErrcode(c).def.code),
    [
      'WEIXIN_SYSTEM_BUSY',
      'WEIXIN_CODE_INVALID',
      'WEIXIN_CODE_USED',
      'WEIXIN_RATE_LIMITED',
      'WEIXIN_RISKY_USER',
      'WEIXIN_TOKEN_INVALID',
      'WEIXIN_TOKEN_EXPIRED',
      'WEIXIN_APPID_INVALID',
      'WEIXIN_SECRET_INVALID',
      'WEIXIN_ERROR',
    ],
  );
});

it('gives every WEIXIN_ catalogue code a player-facing meaning in Chinese and English', () => {
  for (const def of Object.values(WechatPayErrors).filter((d) => d.code.startsWith('WEIXIN_'))) {
    const m = weixinPlayerMeaning(new WechatPayError(def, { kind: 'api', retrySameRequest: def.retryable, outcomeUnknown: false }));
    assert.ok(['sign-in-again', 'retry-later', 'blocked', 'unavailable'].includes(m.action), def.code);
    assert.ok(m.zh.length > 0 && m.en.length > 0, def.code);
  }
  assert.equal(weixinPlayerMeaning(new Error('boom')).action, 'unavailable');
});
