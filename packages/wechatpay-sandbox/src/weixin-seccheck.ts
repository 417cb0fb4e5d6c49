// Text content security as the platform uses it: POST /wxa/msg_sec_check?access_token=… (msgSecCheck).
//
// Version 2 (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html):
// the body is `{content, version: 2, scene, openid}` (scene 1 profile, 2 comment, 3 forum, 4
// social log); the answer is errcode 0 with `result: {suggest, label}` (suggest pass | review |
// risky; label a number: 100 normal, 10001 ads, 20001 politics, 20002 porn, 20003 abuse, 20006
// crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other) and `detail[]`, one entry per
// strategy (`strategy`, `errcode`, `suggest`, `label`, and `keyword` for the word-list strategy).
// The user must have opened the app within two hours: 61010 "code is expired" otherwise (the
// errcode and meaning as community threads quote them, e.g. for getUserRiskRank). An unknown openid
// answers 40003; empty content 44004; a bad token 40001 (42001 expired); a body that is not JSON or
// carries the token 47001; a version or scene out of range 40097.
//
// Version 1 (no `version`, or 1) answers the old way: 87014 "risky content" for risky text, else 0.
//
// The verdict is deterministic on the text: a small word list (below, matched without case), so
// tests and the development stack can produce each answer on purpose. The words are stand-ins
// chosen for that, not a real moderation list.
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { WeixinError } from './errors.ts';
import { jsonObject, need } from './weixin.ts';

/** Content longer than this is refused (40097), as the documented limit of 2500 characters. */
export const SEC_CHECK_CONTENT_CHARS_MAX = 2500;

export interface SecCheckWord {
  readonly word: string;
  readonly suggest: 'review' | 'risky';
  readonly label: number;
}

/** The sandbox's word list: each word gives its verdict; the worst verdict in a text wins (risky over review). */
export const SEC_CHECK_WORDS: readonly SecCheckWord[] = [
  { word: 'sandbox-risky', suggest: 'risky', label: 21000 },
  { word: 'sandbox-review', suggest: 'review', label: 21000 },
  { word: '笨蛋', suggest: 'risky', label: 20003 },
  { word: 'idiot', suggest: 'risky', label: 20003 },
  { word: '代充', suggest: 'risky', label: 20008 },
  { word: '加微信', suggest: 'review', label: 10001 },
  { word: 'add my wechat', suggest: 'review', label: 10001 },
];

export interface SecCheckVerdict {
  readonly suggest: 'pass' | 'review' | 'risky';
  readonly label: number;
  readonly keyword: string | null;
}

/** The sandbox's verdict on a text. */
export function judgeText(content: string): SecCheckVerdict {
  const lower = content.toLowerCase();
  let found: SecCheckWord | null = null;
  for (const w of SEC_CHECK_WORDS) {
    if (!lower.includes(w.word)) continue;
    if (found === null || (found.suggest === 'review' && w.suggest === 'risky')) found = w;
  }
  return found === null
    ? { suggest: 'pass', label: 100, keyword: null }
    : { suggest: found.suggest, label: found.label, keyword: found.word };
}

export function msgSecCheck(core: SandboxCore, req: ApiRequest): ApiResult {
  const appid = core.weixin.appOfToken(need(req, 'access_token', 41001));
  const body = jsonObject(req);
  if ('access_token' in body) throw new WeixinError(47001, 'data format error');
  const content = body.content;
  if (content !== undefined && typeof content !== 'string') throw new WeixinError(47001, 'data format error');
  if (content === undefined || content.trim() === '') throw new WeixinError(44004, 'empty content');
  if (content.length > SEC_CHECK_CONTENT_CHARS_MAX) throw new WeixinError(40097, 'invalid args');
  const version = body.version ?? 1;
  if (version !== 1 && version !== 2 && version !== '1' && version !== '2') throw new WeixinError(40097, 'invalid args');
  const verdict = judgeText(content);
  const traceId = `sandbox-${core.nowMs().toString(36)}`;
  if (Number(version) === 1) {
    if (verdict.suggest === 'risky') throw new WeixinError(87014, 'risky content');
    return ok({ errcode: 0, errmsg: 'ok' });
  }
  const scene = body.scene;
  if (typeof scene !== 'number' || !Number.isInteger(scene) || scene < 1 || scene > 4) throw new WeixinError(40097, 'invalid args');
  const openid = body.openid;
  if (typeof openid !== 'string' || openid === '') throw new WeixinError(40003, 'invalid openid');
  if (core.weixin.playerByOpenid(appid, openid) === undefined) throw new WeixinError(40003, 'invalid openid');
  if (!core.weixin.activeRecently(appid, openid)) throw new WeixinError(61010, 'code is expired');
  const keywordDetail =
    verdict.keyword === null
      ? { strategy: 'keyword', errcode: 0 }
      : { strategy: 'keyword', errcode: 0, suggest: verdict.suggest, label: verdict.label, level: 90, keyword: verdict.keyword };
  return ok({
    errcode: 0,
    errmsg: 'ok',
    result: { suggest: verdict.suggest, label: verdict.label },
    detail: [keywordDetail, { strategy: 'content_model', errcode: 0, suggest: verdict.suggest, label: verdict.label, prob: 90 }],
    trace_id: traceId,
  });
}
