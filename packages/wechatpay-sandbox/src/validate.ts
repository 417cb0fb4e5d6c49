// Reading request fields the way WeChat Pay validates them: a missing or malformed field is a
// 400 PARAM_ERROR naming the field. Lengths are counted in characters.
import { wx } from './errors.ts';

export type Json = Record<string, unknown>;

export function parseJsonBody(raw: Buffer): Json {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw wx.param('请求的JSON格式有误,请检查后重试');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wx.param('请求的JSON格式有误,请检查后重试');
  return value as Json;
}

function lengthOf(value: string): number {
  return [...value].length;
}

export function str(obj: Json, field: string, opts: { max: number; min?: number; pattern?: RegExp; label?: string }): string {
  const value = obj[field];
  const label = opts.label ?? field;
  if (value === undefined || value === null || value === '')
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"必填性规则验证失败,此字段为必填项`, label);
  if (typeof value !== 'string') throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"类型规则验证失败,字段类型应为string`, label);
  const len = lengthOf(value);
  if (len > opts.max || len < (opts.min ?? 1))
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"字符串规则校验失败,字节数 ${len},大于最大值 ${opts.max}`, label);
  if (opts.pattern && !opts.pattern.test(value)) throw wx.param(`${label}格式不正确`, label);
  return value;
}

export function optStr(
  obj: Json,
  field: string,
  opts: { max: number; min?: number; pattern?: RegExp; label?: string },
): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  return str(obj, field, opts);
}

/** A JSON integer (fen); floats, strings and unsafe numbers are PARAM_ERROR. */
export function int(obj: Json, field: string, opts: { min?: number; max?: number; label?: string } = {}): number {
  const value = obj[field];
  const label = opts.label ?? field;
  if (value === undefined || value === null)
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"必填性规则验证失败,此字段为必填项`, label);
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"类型规则验证失败,字段类型应为integer`, label);
  if (opts.min !== undefined && value < opts.min) throw wx.param(`${label}不能小于${opts.min}`, label);
  if (opts.max !== undefined && value > opts.max) throw wx.param(`${label}不能大于${opts.max}`, label);
  return value;
}

export function obj(o: Json, field: string, label = field): Json {
  const value = o[field];
  if (value === undefined || value === null)
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"必填性规则验证失败,此字段为必填项`, label);
  if (typeof value !== 'object' || Array.isArray(value)) throw wx.param(`${label}类型应为object`, label);
  return value as Json;
}

export function optObj(o: Json, field: string, label = field): Json | undefined {
  return o[field] === undefined || o[field] === null ? undefined : obj(o, field, label);
}

export function optBool(o: Json, field: string, label = field): boolean | undefined {
  const value = o[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wx.param(`${label}类型应为boolean`, label);
  return value;
}

export function arr(o: Json, field: string, opts: { max: number; min?: number; label?: string }): unknown[] {
  const value = o[field];
  const label = opts.label ?? field;
  if (value === undefined || value === null)
    throw wx.param(`输入源"/body/${label}"映射到值字段"${label}"必填性规则验证失败,此字段为必填项`, label);
  if (!Array.isArray(value)) throw wx.param(`${label}类型应为array`, label);
  if (value.length > opts.max || value.length < (opts.min ?? 0))
    throw wx.param(`${label}数组长度应在${opts.min ?? 0}到${opts.max}之间`, label);
  return value;
}

/** A notify_url: https (or http on a sandbox that allows it), no query string, at most `max` characters. */
export function notifyUrl(o: Json, field: string, opts: { required: boolean; allowHttp: boolean; max: number }): string | undefined {
  const value = opts.required ? str(o, field, { max: opts.max }) : optStr(o, field, { max: opts.max });
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw wx.param(`${field}格式不正确`, field);
  }
  const httpOk = opts.allowHttp && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpOk) throw wx.param(`${field}需要是HTTPS地址`, field);
  if (url.search !== '' || value.includes('?')) throw wx.param(`${field}不能携带参数`, field);
  return value;
}

/** Canonical JSON (sorted keys) for comparing two requests for "the same parameters". */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
