// What every sandbox page shares: escaping, the phone-sized style, page and message frames,
// redirects, cookies and form bodies.
import type { IncomingHttpHeaders } from 'node:http';

export interface PageRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

export interface PageResult {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export const STYLE = `
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
main{max-width:420px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:24px 20px;text-align:center}
.tag{display:inline-block;background:#fa9d3b;color:#fff;border-radius:4px;padding:2px 8px;font-size:12px;margin-bottom:12px}
h1{font-size:17px;font-weight:500;margin:4px 0 16px}
.amount{font-size:40px;font-weight:600;margin:8px 0 4px}
.muted{color:#888;font-size:13px;line-height:1.6}
dl{text-align:left;font-size:14px;margin:20px 0 0;border-top:1px solid #eee;padding-top:12px}
dt{color:#888;float:left;clear:left;width:96px}dd{margin:0 0 8px 104px;word-break:break-all}
form{margin:16px 0 0}
button{display:block;width:100%;border:0;border-radius:8px;padding:14px;font-size:17px;margin-top:12px;cursor:pointer}
.primary{background:#07c160;color:#fff}.secondary{background:#f2f2f2;color:#07c160}.danger{background:#f2f2f2;color:#fa5151}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #ddd;border-radius:6px;font-size:15px}
label{display:block;text-align:left;font-size:13px;color:#888;margin:16px 0 6px}
.ok{color:#07c160;font-size:48px}.bad{color:#fa5151;font-size:48px}
`;

export function page(title: string, body: string, status = 200, extraHeaders: Record<string, string> = {}): PageResult {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}<p class="muted" style="text-align:center;margin-top:24px">微信支付沙盒 · WeChat Pay sandbox — 仅供开发测试 / for development only</p></main></body></html>`;
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...extraHeaders }, body: html };
}

export function message(title: string, text: string, ok: boolean, status = 200): PageResult {
  return page(
    title,
    `<div class="card"><div class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '!'}</div><h1>${esc(title)}</h1><p class="muted">${esc(text)}</p></div>`,
    status,
  );
}

export function redirect(location: string, headers: Record<string, string> = {}): PageResult {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', ...headers }, body: undefined };
}

export function cookie(req: PageRequest, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (raw === undefined) return undefined;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function safeRedirectTarget(value: string | null): string | null {
  if (value === null || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function form(req: PageRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}
