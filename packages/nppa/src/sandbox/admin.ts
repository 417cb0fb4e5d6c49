// The sandbox's admin API under /sandbox/ (unsigned: a local development tool, never to be exposed).
// It reaches everything the in-process API reaches, so a standalone sandbox can be driven by a
// test in another process, and it accepts HTML form posts from the admin page (answered with a
// redirect back to the page).
import { AppError, isAppError } from '@fairground/core';
import { RESULT_STATUS_FAILED, RESULT_STATUS_OK } from '../protocol.ts';
import type { SandboxCore } from './core.ts';
import { SandboxErrors } from './errors.ts';
import type { Fault } from './faults.ts';
import { view } from './identities.ts';
import type { ReportsView } from './reports.ts';

export interface AdminResult {
  readonly status: number;
  readonly body?: unknown;
  /** For form posts: where to send the browser. */
  readonly redirect?: string;
}

function bad(why: string): AppError {
  return new AppError(SandboxErrors.NPPA_SANDBOX_REQUEST_INVALID, { why });
}

function notFound(what: string): AppError {
  return new AppError(SandboxErrors.NPPA_SANDBOX_NOT_FOUND, { what });
}

interface AdvanceableClock {
  advanceMs(deltaMs: number): void;
}

function isAdvanceable(clock: unknown): clock is AdvanceableClock {
  return typeof (clock as { advanceMs?: unknown }).advanceMs === 'function';
}

/** Form fields arrive as strings; these become numbers when they look like whole numbers. */
const NUMERIC_FORM_FIELDS = new Set(['count', 'status', 'errcode', 'records', 'pendingMs', 'ms']);

function parseBody(rawBody: Buffer, contentType: string | undefined): { body: Record<string, unknown>; form: boolean } {
  const text = rawBody.toString('utf8');
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const body: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      if (v === '') continue;
      body[k] = NUMERIC_FORM_FIELDS.has(k) && /^\d{1,15}$/.test(v) ? Number(v) : v;
    }
    return { body, form: true };
  }
  if (text.trim() === '') return { body: {}, form: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('body must be JSON or a form');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('body must be a JSON object');
  return { body: parsed as Record<string, unknown>, form: false };
}

export function sandboxConfig(core: SandboxCore): Record<string, unknown> {
  return {
    baseUrl: core.baseUrl,
    appId: core.config.appId,
    bizId: core.config.bizId,
    secretKey: core.config.secretKey,
    enabled: core.enabled,
    testCodes: core.scenarios.codes(),
    nowMs: core.nowMs(),
  };
}

export function reportsView(core: SandboxCore): ReportsView {
  return { stats: core.reports.stats(), recent: core.reports.recent(), duplicates: core.reports.duplicates() };
}

export async function handleAdmin(
  core: SandboxCore,
  method: string,
  path: string,
  rawBody: Buffer,
  contentType: string | undefined,
): Promise<AdminResult> {
  const { body, form } = method === 'POST' ? parseBody(rawBody, contentType) : { body: {}, form: false };
  const done = (status: number, payload?: unknown): AdminResult => (form ? { status: 303, redirect: '/' } : { status, body: payload });
  const nowMs = core.nowMs();

  const identity = /^\/sandbox\/identities\/([^/]+)(\/delete)?$/.exec(path);
  if (identity !== null && ((method === 'DELETE' && identity[2] === undefined) || (method === 'POST' && identity[2] !== undefined))) {
    const idNum = decodeURIComponent(identity[1]!);
    if (!core.identities.remove(idNum)) throw notFound(`identity ${idNum}`);
    return done(204);
  }
  const settle = /^\/sandbox\/records\/([^/]+)\/settle$/.exec(path);
  if (settle !== null && method === 'POST') {
    return done(200, settleRecord(core, decodeURIComponent(settle[1]!), body.status, nowMs));
  }

  switch (`${method} ${path}`) {
    case 'GET /sandbox/config':
      return done(200, sandboxConfig(core));
    case 'POST /sandbox/app':
      return done(200, { enabled: setEnabled(core, body.enabled) });
    case 'GET /sandbox/identities':
      return done(200, { identities: core.identities.list(nowMs) });
    case 'POST /sandbox/identities':
      return done(201, view(core.identities.register(body, nowMs), nowMs));
    case 'GET /sandbox/records':
      return done(200, { records: core.records.list(nowMs) });
    case 'GET /sandbox/reports':
      return done(200, reportsView(core));
    case 'DELETE /sandbox/reports':
    case 'POST /sandbox/reports/clear':
      core.reports.clear();
      return done(204);
    case 'GET /sandbox/faults':
      return done(200, { faults: core.faults.list() });
    case 'POST /sandbox/faults': {
      const list = Array.isArray(body.faults) ? (body.faults as unknown[]) : [body];
      const injected = list.map((f) => core.faults.inject(f as Fault));
      return done(200, { faults: injected });
    }
    case 'DELETE /sandbox/faults':
    case 'POST /sandbox/faults/clear':
      core.faults.clear();
      return done(204);
    case 'GET /sandbox/scenarios':
      return done(200, { scenarios: core.scenarios.list() });
    case 'POST /sandbox/scenarios/reissue':
      reissueScenarios(core, body.codes, nowMs);
      return done(200, { scenarios: core.scenarios.list() });
    case 'GET /sandbox/requests':
      return done(200, { requests: core.requestLog() });
    case 'GET /sandbox/clock':
      return done(200, { nowMs });
    case 'POST /sandbox/clock/advance':
      advanceClock(core, body.ms);
      return done(200, { nowMs: core.nowMs() });
    default:
      throw notFound(`admin endpoint ${method} ${path}`);
  }
}

/** Settles a record in progress as the authority would: `ok` (with the identity's pi) or `failed`. */
function settleRecord(core: SandboxCore, ai: string, status: unknown, nowMs: number): unknown {
  if (status !== 'ok' && status !== 'failed') throw bad("status must be 'ok' or 'failed'");
  const record = core.records.get(ai, nowMs);
  if (record === undefined) throw notFound(`record ${ai}`);
  const pi = status === 'ok' ? (core.identities.byIdNum(record.idNum)?.pi ?? undefined) : undefined;
  if (status === 'ok' && pi === undefined) throw bad('the identity of this record is no longer registered, so it has no pi');
  if (!core.records.settle(ai, status === 'ok' ? RESULT_STATUS_OK : RESULT_STATUS_FAILED, pi, nowMs))
    throw bad('the record is not in progress');
  return core.records.get(ai, nowMs);
}

/** Turns the sandbox's app on or off (a JSON boolean, or the form's 'true' and 'false'). */
function setEnabled(core: SandboxCore, value: unknown): boolean {
  if (value !== true && value !== false && value !== 'true' && value !== 'false') throw bad('enabled must be a boolean');
  core.enabled = value === true || value === 'true';
  return core.enabled;
}

/** Issues the test scenarios again, all of them or the listed codes. */
function reissueScenarios(core: SandboxCore, codes: unknown, nowMs: number): void {
  if (codes !== undefined && (!Array.isArray(codes) || codes.some((c) => typeof c !== 'string')))
    throw bad('codes must be an array of strings');
  try {
    core.scenarios.issue(nowMs, codes as string[] | undefined);
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
}

/** Moves a manual clock forward by `ms`. */
function advanceClock(core: SandboxCore, ms: unknown): void {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw bad('ms must be a non-negative integer');
  if (!isAdvanceable(core.clock)) throw new AppError(SandboxErrors.NPPA_SANDBOX_CLOCK_NOT_MANUAL);
  core.clock.advanceMs(ms);
}

/** An admin failure as a JSON answer (or, for a form post, a short HTML message). */
export function adminError(e: unknown): { status: number; body: unknown } {
  if (isAppError(e)) return { status: e.status, body: e.toJSON() };
  throw e;
}
