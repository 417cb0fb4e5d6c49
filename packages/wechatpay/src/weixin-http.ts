// One exchange with api.weixin.qq.com. Its answers are not signed; a failure is
// `{"errcode": N, "errmsg": "…"}`, usually with HTTP 200 (a few gateways answer 5xx or 429 with the
// same body). Query strings carry the app secret or tokens, so URLs never enter errors.
import { badResponse, describeWeixinErrcode, WechatPayError } from './errors.ts';
import { Fields, isJsonObject } from './fields.ts';
import { type CallOptions, exchange, type FetchLike, USER_AGENT } from './http.ts';
import { RESPONSE_BYTES_MAX } from './limits.ts';

export interface WeixinHttpConfig {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
}

/** The errcode of a failed answer, for callers that react to particular codes (40001, 42001). */
export function weixinErrcode(e: unknown): number | undefined {
  if (!(e instanceof WechatPayError) || e.kind !== 'api' || e.wechatCode === undefined) return undefined;
  const n = Number(e.wechatCode);
  return Number.isSafeInteger(n) ? n : undefined;
}

export async function weixinCall(
  config: WeixinHttpConfig,
  method: 'GET' | 'POST',
  path: string,
  query: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | undefined,
  call: CallOptions,
): Promise<Fields> {
  const qs = new URLSearchParams(query).toString();
  const url = `${config.baseUrl}${path}${qs === '' ? '' : `?${qs}`}`;
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await exchange(config.fetch, url, init, call, config.timeoutMs, RESPONSE_BYTES_MAX);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(res.body).toString('utf8'));
  } catch {
    throw badResponse(`${path} answer is not JSON`, { status: res.status });
  }
  if (!isJsonObject(parsed)) throw badResponse(`${path} answer is not an object`);
  const errcode = parsed.errcode;
  if (typeof errcode === 'number' && errcode !== 0) {
    const rule = describeWeixinErrcode(errcode);
    const errmsg = typeof parsed.errmsg === 'string' ? parsed.errmsg.slice(0, 200) : undefined;
    throw new WechatPayError(rule.def, {
      kind: 'api',
      wechatCode: String(errcode),
      wechatMessage: errmsg,
      httpStatus: res.status,
      retrySameRequest: rule.retrySameRequest,
      // These endpoints read or issue credentials; nothing money-like is left half-done.
      outcomeUnknown: false,
      details: { errcode, errmsg, path },
      message: errmsg === undefined ? undefined : `${rule.def.message} (${errcode} ${errmsg})`,
    });
  }
  if (res.status < 200 || res.status > 299) throw badResponse(`${path} answered HTTP ${res.status}`, { status: res.status });
  return new Fields(parsed, path);
}
