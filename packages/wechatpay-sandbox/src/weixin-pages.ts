// The open.weixin.qq.com pages and the test-player admin page:
// - /connect/oauth2/authorize: the official-account OAuth page. snsapi_userinfo asks for consent;
//   snsapi_base is silent in WeChat, so here it redirects at once when the sandbox knows who the
//   browser is (cookie, or `sandbox_player=<handle>` for scripts) and otherwise only asks
//   "which test player are you?". Allow redirects to `redirect_uri?code=…&state=…`, Deny to
//   `redirect_uri?state=…` (as documented for both OAuth pages).
// - /connect/qrconnect: the website QR login page (scope snsapi_login only; otherwise the page
//   says "该链接无法访问", as documented). Scanning is simulated by picking a test player.
// - /players: create test players and issue login, OAuth and phone codes by hand.
import { isAppError } from '@fairground/core';
import type { SandboxCore } from './core.ts';
import {
  cookie,
  esc,
  form,
  message,
  page,
  type PageRequest,
  type PageResult,
  redirect,
  safeRedirectTarget,
  withParams,
} from './page-kit.ts';
import { type OAuthScopeName, type TestPlayer, WEIXIN_CODE_KINDS, type WeixinApp, type WeixinCodeKind } from './weixin-model.ts';
import { rfc3339 } from './time.ts';

const PLAYER_COOKIE = 'fg_wx_player';
/** Players listed on one page; the rest are reachable by typing a handle. */
const PLAYERS_LISTED_MAX = 50;
const STATE_BYTES_MAX = 128;

type Flow = 'oauth' | 'qr';

interface AuthParams {
  app: WeixinApp;
  redirectUri: string;
  scope: OAuthScopeName;
  state: string;
}

function playerCookie(handle: string): Record<string, string> {
  return { 'Set-Cookie': `${PLAYER_COOKIE}=${encodeURIComponent(handle)}; Path=/; SameSite=Lax; Max-Age=31536000` };
}

function oops(text: string, status = 400): PageResult {
  return message('Oops! Something went wrong :(', text, false, status);
}

/** Checks the page parameters the way WeChat's page does; an error page otherwise. */
function authParams(core: SandboxCore, q: URLSearchParams, flow: Flow): AuthParams | PageResult {
  const appid = q.get('appid') ?? '';
  const app = core.weixin.apps.get(appid);
  if (app === undefined) return oops('appid参数错误 / unknown appid');
  if (flow === 'oauth' && app.kind !== 'officialAccount') {
    return oops(
      app.kind === 'website'
        ? '10016 不支持微信开放平台的Appid,请使用公众号Appid / use an official-account appid'
        : '此appid不是公众号,无法发起网页授权 / not an official account',
    );
  }
  if (flow === 'qr' && app.kind !== 'website') return oops('该链接无法访问 / this link cannot be opened (not a website app)');
  const redirectUri = safeRedirectTarget(q.get('redirect_uri'));
  if (redirectUri === null) return oops('redirect_uri参数错误 / bad redirect_uri');
  const host = new URL(redirectUri).host;
  if (app.redirectDomains !== null && !app.redirectDomains.includes(host)) {
    return oops(flow === 'qr' ? '该链接无法访问 / redirect_uri host is not the registered one' : '10003 redirect_uri域名与后台配置不一致');
  }
  if ((q.get('response_type') ?? 'code') !== 'code') return oops('response_type参数错误 / response_type must be code');
  const scope = q.get('scope') ?? '';
  if (flow === 'oauth' && scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
    return oops('10005 此公众号并没有这些scope的权限 / bad scope');
  if (flow === 'qr' && scope !== 'snsapi_login') return oops('该链接无法访问 / scope must be snsapi_login');
  const state = q.get('state') ?? '';
  if (Buffer.byteLength(state, 'utf8') > STATE_BYTES_MAX) return oops('state参数过长 / state is longer than 128 bytes');
  return { app, redirectUri, scope: scope as OAuthScopeName, state };
}

function knownPlayer(core: SandboxCore, req: PageRequest, app: WeixinApp): TestPlayer | undefined {
  const handle = req.query.get('sandbox_player') ?? cookie(req, PLAYER_COOKIE);
  const p = handle === undefined || handle === null ? undefined : core.weixin.players.get(handle);
  return p?.apps.has(app.appid) ? p : undefined;
}

function back(core: SandboxCore, p: AuthParams, handle: string): PageResult {
  const issued = core.weixin.issueCode({ handle, appid: p.app.appid, kind: 'oauth', scope: p.scope });
  return redirect(withParams(p.redirectUri, { code: issued.code, state: p.state }), playerCookie(handle));
}

function authPage(core: SandboxCore, req: PageRequest, flow: Flow): PageResult {
  const p = authParams(core, req.query, flow);
  if ('status' in p) return p;
  const known = knownPlayer(core, req, p.app);
  // snsapi_base never shows a consent page in WeChat.
  if (flow === 'oauth' && p.scope === 'snsapi_base' && known !== undefined) return back(core, p, known.handle);
  const players = [...core.weixin.players.values()]
    .filter((pl) => pl.apps.has(p.app.appid))
    .slice(-PLAYERS_LISTED_MAX)
    .reverse();
  const choices = players
    .map(
      (pl) =>
        `<label style="display:flex;gap:8px;align-items:center;color:#111;font-size:15px"><input type="radio" name="player" value="${esc(pl.handle)}" style="width:auto"${pl === known ? ' checked' : ''}><img src="${esc(core.weixin.avatarOf(pl))}" width="28" height="28" alt="" style="border-radius:4px">${esc(pl.nickname)} <span class="muted">@${esc(pl.handle)}</span></label>`,
    )
    .join('');
  const hidden = ['appid', 'redirect_uri', 'scope', 'state', 'response_type']
    .map((k) => `<input type="hidden" name="${k}" value="${esc(req.query.get(k) ?? '')}">`)
    .join('');
  const action = flow === 'oauth' ? '/connect/oauth2/authorize' : '/connect/qrconnect';
  const silent = flow === 'oauth' && p.scope === 'snsapi_base';
  const heading =
    flow === 'qr'
      ? `<div style="margin:0 auto 12px;width:160px;height:160px;background:repeating-conic-gradient(#111 0 25%,#fff 0 50%) 0 0/20px 20px;border:8px solid #fff;outline:1px solid #ddd"></div><h1>使用微信扫一扫登录「${esc(p.app.name)}」<br>Scan with WeChat to sign in</h1><p class="muted">沙盒里选择扫码的测试玩家 / pick the test player who scans</p>`
      : silent
        ? `<h1>你是哪位测试玩家? / Which test player are you?</h1><p class="muted">snsapi_base 在微信里是静默授权;沙盒需要知道是谁 / snsapi_base is silent in WeChat; the sandbox only needs to know who you are</p>`
        : `<h1>「${esc(p.app.name)}」申请获得以下权限<br>requests:</h1><p class="muted">获得你的公开信息(昵称、头像) / your public profile (nickname, avatar)</p>`;
  return page(
    flow === 'qr' ? '微信登录' : '微信授权',
    `<div class="card"><span class="tag">沙盒 Sandbox</span>${heading}
<form method="post" action="${action}">${hidden}<div style="text-align:left;display:grid;gap:8px;margin-top:8px">${choices || '<p class="muted">还没有绑定此应用的测试玩家 / no test player uses this app yet</p>'}</div>
<label for="new_handle">或新建测试玩家 / or a new test player (handle)</label><input id="new_handle" name="new_handle" placeholder="alice" pattern="[A-Za-z0-9_\\-]{1,32}">
<button class="primary" name="action" value="allow">${silent ? '继续 / Continue' : flow === 'qr' ? '确认登录 / Sign in' : '允许 / Allow'}</button>${silent ? '' : '<button class="secondary" name="action" value="deny">拒绝 / Deny</button>'}</form></div>`,
  );
}

function authAction(core: SandboxCore, req: PageRequest, flow: Flow): PageResult {
  const f = form(req);
  const p = authParams(core, f, flow);
  if ('status' in p) return p;
  if (f.get('action') === 'deny') return redirect(withParams(p.redirectUri, { state: p.state }));
  const newHandle = (f.get('new_handle') ?? '').trim();
  let handle = f.get('player') ?? '';
  try {
    if (newHandle !== '') {
      const existing = core.weixin.players.get(newHandle);
      if (existing !== undefined && !existing.apps.has(p.app.appid)) {
        return oops(`测试玩家 ${newHandle} 未绑定此应用 / ${newHandle} does not use this app (bind it on /players)`, 409);
      }
      core.weixin.upsertPlayer(existing === undefined ? { handle: newHandle, apps: [p.app.appid] } : { handle: newHandle });
      handle = newHandle;
    }
    if (handle === '') return oops('请选择测试玩家 / pick a test player');
    return back(core, p, handle);
  } catch (e) {
    if (isAppError(e)) return oops(`${e.code}: ${e.message}`, e.status);
    throw e;
  }
}

function appsTable(core: SandboxCore): string {
  return [...core.weixin.apps.values()]
    .map(
      (a) =>
        `<dt>${esc(a.kind)}</dt><dd><b>${esc(a.appid)}</b> ${esc(a.name)}<br><span class="muted">开放平台 Open Platform: ${esc(a.openPlatformId ?? '— (无 unionid / no unionid)')}</span></dd>`,
    )
    .join('');
}

function playersPage(core: SandboxCore, note = ''): PageResult {
  const apps = [...core.weixin.apps.values()];
  const players = [...core.weixin.players.values()].slice(-PLAYERS_LISTED_MAX).reverse();
  const rows = players
    .map((pl) => {
      const v = core.weixin.playerView(pl);
      const bound = v.apps.map((a) => `${esc(a.appid)}: ${esc(a.openid)}${a.unionid === null ? '' : ` / ${esc(a.unionid)}`}`).join('<br>');
      return `<dt>@${esc(pl.handle)}</dt><dd>${esc(pl.nickname)}${pl.phone === null ? '' : ` · +${esc(pl.phone.countryCode)} ${esc(pl.phone.number)}`}${pl.highRisk ? ' · <b>高风险 high-risk</b>' : ''}<br><span class="muted">${bound || '—'}</span></dd>`;
    })
    .join('');
  const appChecks = apps
    .map(
      (a) =>
        `<label style="display:flex;gap:8px;color:#111"><input type="checkbox" name="apps" value="${esc(a.appid)}" checked style="width:auto">${esc(a.name)} (${esc(a.kind)})</label>`,
    )
    .join('');
  const appOptions = apps.map((a) => `<option value="${esc(a.appid)}">${esc(a.name)} (${esc(a.kind)})</option>`).join('');
  const playerOptions = players.map((pl) => `<option value="${esc(pl.handle)}">@${esc(pl.handle)} ${esc(pl.nickname)}</option>`).join('');
  const kindOptions = WEIXIN_CODE_KINDS.map((k) => `<option value="${k}">${k}</option>`).join('');
  return page(
    '测试玩家 / Test players',
    `<div class="card"><span class="tag">沙盒 Sandbox</span><h1>测试玩家 / Test players</h1>${note}
<dl><dt>应用 Apps</dt><dd>&nbsp;</dd>${appsTable(core)}</dl><dl><dt>玩家 Players</dt><dd>&nbsp;</dd>${rows || '<dd>—</dd>'}</dl>
<form method="post" action="/players"><h1>新建或修改 / Create or update</h1>
<label for="handle">Handle</label><input id="handle" name="handle" required pattern="[A-Za-z0-9_\\-]{1,32}">
<label for="nickname">昵称 Nickname</label><input id="nickname" name="nickname">
<label for="avatar">头像 Avatar URL</label><input id="avatar" name="avatarUrl">
<label for="phone">手机号 Phone</label><input id="phone" name="phone" placeholder="13800138000 or +44 7700900123">
<label>绑定的应用 Apps</label><div style="display:grid;gap:6px;text-align:left">${appChecks}</div>
<label style="display:flex;gap:8px;color:#111"><input type="checkbox" name="highRisk" value="1" style="width:auto">高风险用户 (40226) / high-risk user</label>
<button class="primary">保存 / Save</button></form>
<form method="post" action="/players/code"><h1>签发一次性 code / Issue a code</h1>
<label for="cplayer">玩家 Player</label><select id="cplayer" name="handle">${playerOptions}</select>
<label for="capp">应用 App</label><select id="capp" name="appid">${appOptions}</select>
<label for="ckind">类型 Kind</label><select id="ckind" name="kind">${kindOptions}</select>
<label for="cscope">OAuth scope</label><select id="cscope" name="scope"><option value="">(default)</option><option>snsapi_base</option><option>snsapi_userinfo</option><option>snsapi_login</option></select>
<button class="primary">签发 / Issue</button></form></div>`,
  );
}

function playersAction(core: SandboxCore, req: PageRequest): PageResult {
  const f = form(req);
  try {
    const apps = f.getAll('apps');
    core.weixin.upsertPlayer({
      handle: f.get('handle') ?? '',
      ...(f.get('nickname') ? { nickname: f.get('nickname') as string } : {}),
      ...(f.get('avatarUrl') ? { avatarUrl: f.get('avatarUrl') as string } : {}),
      ...(f.get('phone') ? { phone: f.get('phone') as string } : {}),
      apps,
      highRisk: f.get('highRisk') === '1',
    });
  } catch (e) {
    if (isAppError(e))
      return playersPage(core, `<p class="bad" style="font-size:14px">${esc(e.code)}: ${esc(JSON.stringify(e.details))}</p>`);
    throw e;
  }
  return redirect('/players');
}

function codeAction(core: SandboxCore, req: PageRequest): PageResult {
  const f = form(req);
  try {
    const scope = f.get('scope');
    const issued = core.weixin.issueCode({
      handle: f.get('handle') ?? '',
      appid: f.get('appid') ?? '',
      kind: (f.get('kind') ?? '') as WeixinCodeKind,
      ...(scope ? { scope: scope as OAuthScopeName } : {}),
    });
    return playersPage(
      core,
      `<dl><dt>code</dt><dd><code style="font-size:15px">${esc(issued.code)}</code></dd><dt>kind</dt><dd>${esc(issued.kind)} ${esc(issued.scope ?? '')}</dd><dt>openid</dt><dd>${esc(issued.openid)}</dd><dt>有效至 until</dt><dd>${esc(rfc3339(issued.expiresAtMs))}</dd></dl>`,
    );
  } catch (e) {
    if (isAppError(e))
      return playersPage(core, `<p class="bad" style="font-size:14px">${esc(e.code)}: ${esc(JSON.stringify(e.details))}</p>`);
    throw e;
  }
}

/** The page for this request, or null when it is not one of these pages. */
export function handleWeixinPage(core: SandboxCore, req: PageRequest): PageResult | null {
  switch (`${req.method} ${req.path}`) {
    case 'GET /connect/oauth2/authorize':
      return authPage(core, req, 'oauth');
    case 'POST /connect/oauth2/authorize':
      return authAction(core, req, 'oauth');
    case 'GET /connect/qrconnect':
      return authPage(core, req, 'qr');
    case 'POST /connect/qrconnect':
      return authAction(core, req, 'qr');
    case 'GET /players':
      return playersPage(core);
    case 'POST /players':
      return playersAction(core, req);
    case 'POST /players/code':
      return codeAction(core, req);
    default:
      return null;
  }
}
