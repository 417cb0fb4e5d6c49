// The admin page: one server-rendered HTML page to see the credentials and test codes, register
// identities, settle in-progress checks, watch reports (with duplicates) and faults. Forms post
// to the admin API, which redirects back here. Every value is escaped.
import { FAULT_ENDPOINTS, FAULT_KINDS } from './faults.ts';
import type { SandboxCore } from './core.ts';

function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

const STYLE = `
body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2129}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:8px 0 16px}h2{font-size:16px;margin:0 0 8px}
section{background:#fff;border-radius:8px;padding:14px 16px;margin-bottom:14px;overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;white-space:nowrap}
th{color:#86909c;font-weight:500}code{font-size:13px}
.pass{color:#00a870}.fail{color:#e34d59}.muted{color:#86909c}
form{display:inline}input,select{font:inherit;padding:3px 6px;margin:2px}button{font:inherit;padding:3px 10px;margin:2px;cursor:pointer}
`;

export function renderPage(core: SandboxCore): string {
  const nowMs = core.nowMs();
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>NPPA sandbox · 防沉迷实名验证沙盒</title><style>${STYLE}</style></head><body><main><h1>NPPA anti-addiction sandbox · 网络游戏防沉迷实名验证系统沙盒 <span class="muted">— for development only</span></h1>${credentialsSection(core, nowMs)}${testsSection(core)}${registerSection(core, nowMs)}${checksSection(core, nowMs)}${reportsSection(core)}${faultsSection(core)}${logSection(core)}</main></body></html>`;
}

/** Table rows, one a list of cells (already escaped where they hold text). */
function rows(cells: unknown[][]): string {
  return cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('');
}

/** A table's head row. */
function head(names: string[]): string {
  return `<tr>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
}

/** The caller's credentials and the sandbox's state. */
function credentialsSection(core: SandboxCore, nowMs: number): string {
  return `<section><h2>Credentials · 接入信息</h2><table>${rows([
    ['Base URL', `<code>${esc(core.baseUrl)}</code>`],
    ['appId', `<code>${esc(core.config.appId)}</code>`],
    ['bizId', `<code>${esc(core.config.bizId)}</code>`],
    ['Secret Key', `<code>${esc(core.config.secretKey)}</code>`],
    ['Caller enabled', core.enabled ? 'yes' : '<span class="fail">no (answers 1009)</span>'],
    ['Sandbox clock', esc(iso(nowMs))],
  ])}</table></section>`;
}

/** The interface test cases and how far each got. */
function testsSection(core: SandboxCore): string {
  const scenarios = core.scenarios.list();
  return `<section><h2>Interface tests · 接口测试</h2><table>${head(['case', 'code', 'scenario', 'result', 'requests', 'expires'])}${rows(
    scenarios.map((s) => [
      esc(s.id),
      `<code>${esc(s.code)}</code>`,
      esc(s.title),
      s.passedMs !== undefined
        ? '<span class="pass">passed</span>'
        : s.lastRefusal !== undefined
          ? `<span class="fail">refused ${esc(s.lastRefusal)}</span>`
          : '<span class="muted">not run</span>',
      esc(s.requests),
      esc(iso(s.expiresMs)),
    ]),
  )}</table><form method="post" action="/sandbox/scenarios/reissue"><button>Issue new codes · 重新开始测试</button></form></section>`;
}

/** The form that registers a test identity, and the identities registered. */
function registerSection(core: SandboxCore, nowMs: number): string {
  const identities = core.identities.list(nowMs);
  return `<section><h2>Register an identity · 登记测试身份</h2>
<form method="post" action="/sandbox/identities">
<input name="name" placeholder="姓名 name" required>
<input name="idNum" placeholder="身份证号 (or leave empty)" size="20">
<input name="birthDate" placeholder="birth date YYYY-MM-DD" size="14">
<select name="outcome"><option value="ok">check succeeds</option><option value="pending">check in progress</option></select>
<input name="pendingMs" placeholder="settle after ms" size="12">
<select name="settlesTo"><option value="ok">settles to ok</option><option value="failed">settles to failed</option></select>
<button>Register</button></form>
<p class="muted">An unregistered number, or a registered number with another name, fails the check. Minor or adult follows from the birth date.</p>
<table>${head(['name', 'idNum', 'birth date', 'age', '', 'outcome', 'pi', ''])}${rows(
    identities.map((i) => [
      esc(i.name),
      `<code>${esc(i.idNum)}</code>`,
      esc(i.birthDate),
      esc(i.ageYears),
      i.minor ? '<span class="fail">minor 未成年</span>' : 'adult 成年',
      esc(i.outcome === 'ok' ? 'ok' : `pending ${i.pendingMs} ms → ${i.settlesTo}`),
      `<code>${esc(i.pi)}</code>`,
      `<form method="post" action="/sandbox/identities/${esc(encodeURIComponent(i.idNum))}/delete"><button>remove</button></form>`,
    ]),
  )}</table></section>`;
}

/** The identity checks made, with buttons that settle one in progress. */
function checksSection(core: SandboxCore, nowMs: number): string {
  const records = core.records.list(nowMs);
  const statusName = (s: number) => (s === 0 ? 'ok' : s === 1 ? 'in progress' : 'failed');
  return `<section><h2>Identity checks · 认证记录 (${records.length})</h2><table>${head(['ai', 'name', 'idNum', 'status', 'settles at', 'deleted at', ''])}${rows(
    records.map((r) => [
      `<code>${esc(r.ai)}</code>`,
      esc(r.name),
      `<code>${esc(r.idNum)}</code>`,
      esc(statusName(r.status)),
      esc(iso(r.settleAtMs)),
      esc(iso(r.deleteAtMs)),
      r.status === 1
        ? ['ok', 'failed']
            .map(
              (s) =>
                `<form method="post" action="/sandbox/records/${esc(encodeURIComponent(r.ai))}/settle"><input type="hidden" name="status" value="${s}"><button>settle ${s}</button></form>`,
            )
            .join('')
        : '',
    ]),
  )}</table></section>`;
}

/** The behaviour reports received: counts, duplicates and the most recent. */
function reportsSection(core: SandboxCore): string {
  const stats = core.reports.stats();
  return `<section><h2>Behaviour reports · 行为数据</h2>
<p>accepted ${esc(stats.accepted)} · <b>duplicates ${esc(stats.duplicates)}</b> · refused ${esc(stats.refused)} · logins ${esc(stats.logins)} · logouts ${esc(stats.logouts)} · guests ${esc(stats.guests)} · verified ${esc(stats.verified)}
<form method="post" action="/sandbox/reports/clear"><button>clear</button></form></p>
<h2>Duplicates</h2><table>${head(['si', 'bt', 'ot', 'ct', 'di', 'pi', 'times'])}${rows(
    core.reports
      .duplicates()
      .slice(0, 50)
      .map((d) => [esc(d.si), esc(d.bt), esc(d.ot), esc(d.ct), esc(d.di), esc(d.pi), esc(d.count)]),
  )}</table>
<h2>Most recent</h2><table>${head(['received', 'endpoint', 'no', 'si', 'bt', 'ot', 'ct', 'di', 'pi', 'seen'])}${rows(
    core.reports
      .recent()
      .slice(-50)
      .reverse()
      .map((r) => [
        esc(iso(r.receivedMs)),
        esc(r.endpoint),
        esc(r.no),
        esc(r.si),
        esc(r.bt),
        esc(r.ot),
        esc(r.ct),
        esc(r.di),
        esc(r.pi),
        esc(r.seen),
      ]),
  )}</table></section>`;
}

/** The fault injection form and the faults waiting. */
function faultsSection(core: SandboxCore): string {
  return `<section><h2>Faults · 故障注入</h2>
<form method="post" action="/sandbox/faults">
<select name="kind">${FAULT_KINDS.map((k) => `<option>${esc(k)}</option>`).join('')}</select>
<select name="endpoint">${FAULT_ENDPOINTS.map((k) => `<option>${esc(k)}</option>`).join('')}</select>
<select name="timing"><option>before</option><option>after</option></select>
<input name="count" placeholder="count" size="5"><input name="errcode" placeholder="errcode" size="6"><input name="status" placeholder="HTTP status" size="6"><input name="records" placeholder="records" size="6">
<button>Inject</button></form><form method="post" action="/sandbox/faults/clear"><button>clear all</button></form>
<table>${head(['id', 'kind', 'endpoint', 'timing', 'remaining', 'errcode', 'status', 'records'])}${rows(
    core.faults
      .list()
      .map((f) => [
        esc(f.id),
        esc(f.kind),
        esc(f.endpoint),
        esc(f.timing),
        esc(f.remaining),
        esc(f.errcode),
        esc(f.status),
        esc(f.records),
      ]),
  )}</table></section>`;
}

/** The most recent requests. */
function logSection(core: SandboxCore): string {
  return `<section><h2>Requests · 请求日志</h2><table>${head(['at', 'method', 'path', 'HTTP', 'errcode', 'fault'])}${rows(
    core
      .requestLog()
      .slice(-50)
      .reverse()
      .map((e) => [
        esc(iso(e.atMs)),
        esc(e.method),
        `<code>${esc(e.path)}</code>`,
        esc(e.httpStatus),
        esc(e.errcode ?? '—'),
        esc(e.fault ?? ''),
      ]),
  )}</table></section>`;
}

export function renderError(status: number, message: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Error</title><style>${STYLE}</style></head><body><main><section><h2 class="fail">${esc(status)}</h2><p>${esc(message)}</p><p><a href="/">back</a></p></section></main></body></html>`;
}
