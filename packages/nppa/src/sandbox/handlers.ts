// What the simulated NPPA does with a verified request: the three production interfaces and the
// three interface-test endpoints. Each returns the answer's errcode and data, or throws a
// WireFailure for a refusal of the whole request.
import { isValidIdNumber } from '../idcard.ts';
import { COLLECTION_NO_MAX, COLLECTION_NO_MIN, COLLECTIONS_MAX, NAME_CHARS_MAX, OT_AGE_SECONDS_MAX } from '../limits.ts';
import { PRESET_CHECK_IN_PROGRESS, PRESET_CHECK_OK, PRESET_PI, PRESET_QUERY_FAILED_AI, type PresetIdentity } from '../presets.ts';
import {
  BT_LOGIN,
  BT_LOGOUT,
  CT_GUEST,
  CT_VERIFIED,
  ERRCODE_OK,
  ERRCODE_PARTIAL,
  errmsgOf,
  RESULT_STATUS_FAILED,
  RESULT_STATUS_IN_PROGRESS,
  RESULT_STATUS_OK,
} from '../protocol.ts';
import type { VerifiedCall } from './auth.ts';
import type { SandboxCore } from './core.ts';
import { WireFailure } from './errors.ts';
import type { ActiveFault } from './faults.ts';
import type { ResultStatus } from './records.ts';
import type { ScenarioState } from './scenarios.ts';

export interface Answer {
  readonly errcode: number;
  readonly data?: unknown;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The shape NPPA expects of a check payload; anything else fails message verification (1012). */
function identityPayload(payload: unknown): PresetIdentity {
  if (!isObject(payload)) throw new WireFailure(1012, 'payload is not an object');
  const { ai, name, idNum } = payload;
  if (typeof ai !== 'string' || !/^[0-9A-Za-z]{1,32}$/.test(ai)) throw new WireFailure(1012, 'ai must be 1..32 letters or digits');
  if (typeof name !== 'string' || name.length === 0 || [...name].length > NAME_CHARS_MAX) throw new WireFailure(1012, 'name is required');
  if (typeof idNum !== 'string') throw new WireFailure(1012, 'idNum is required');
  if (!isValidIdNumber(idNum)) throw new WireFailure(2001);
  return { ai, name, idNum };
}

function queryAi(call: VerifiedCall): string {
  const ai = call.query.ai;
  if (ai === undefined || ai === '') throw new WireFailure(1004, 'the query parameter ai is required');
  if (!/^[0-9A-Za-z]{1,32}$/.test(ai)) throw new WireFailure(1012, 'ai must be 1..32 letters or digits');
  return ai;
}

function result(status: ResultStatus, pi: string | undefined): Answer {
  // NPPA's documented answer carries pi only with status 0; we leave it out otherwise.
  return { errcode: ERRCODE_OK, data: { result: status === RESULT_STATUS_OK ? { status, pi } : { status } } };
}

export function handleCheck(core: SandboxCore, call: VerifiedCall): Answer {
  const input = identityPayload(call.payload);
  const nowMs = core.nowMs();
  if (core.records.get(input.ai, nowMs) !== undefined) throw new WireFailure(2004);
  const person = core.identities.byIdNum(input.idNum);
  const match = person !== undefined && person.name === input.name ? person : undefined;
  let status: ResultStatus;
  let pi: string | undefined;
  let settleAtMs: number | undefined;
  let settlesTo: { status: ResultStatus; pi: string | undefined } | undefined;
  if (match === undefined) status = RESULT_STATUS_FAILED;
  else if (match.outcome === 'ok') {
    status = RESULT_STATUS_OK;
    pi = match.pi;
  } else {
    status = RESULT_STATUS_IN_PROGRESS;
    settleAtMs = nowMs + match.pendingMs;
    settlesTo = match.settlesTo === 'ok' ? { status: RESULT_STATUS_OK, pi: match.pi } : { status: RESULT_STATUS_FAILED, pi: undefined };
  }
  const stored = core.records.add(
    { ai: input.ai, name: input.name, idNum: input.idNum, status, pi, createdMs: nowMs, settleAtMs, settlesTo, deleteAtMs: undefined },
    nowMs,
  );
  if (!stored) throw new WireFailure(2002);
  return result(status, pi);
}

export function handleQuery(core: SandboxCore, call: VerifiedCall): Answer {
  const ai = queryAi(call);
  const nowMs = core.nowMs();
  const record = core.records.get(ai, nowMs);
  if (record === undefined) throw new WireFailure(2003);
  core.records.markQueried(record, nowMs);
  return result(record.status, record.pi);
}

interface WireRecord {
  readonly no: unknown;
  readonly si: string;
  readonly bt: unknown;
  readonly ot: unknown;
  readonly ct: unknown;
  readonly di: string | undefined;
  readonly pi: string | undefined;
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 64) throw new WireFailure(1012, `${field} must be a short string`);
  return v;
}

/** The batch's shape: a non-empty array of at most 128 objects with a session id each. */
function collections(payload: unknown): WireRecord[] {
  if (!isObject(payload) || !Array.isArray(payload.collections)) throw new WireFailure(1012, 'collections must be an array');
  const list = payload.collections as unknown[];
  if (list.length === 0) throw new WireFailure(3002);
  if (list.length > COLLECTIONS_MAX) throw new WireFailure(3003);
  return list.map((item) => {
    if (!isObject(item)) throw new WireFailure(1012, 'each collection is an object');
    if (typeof item.si !== 'string' || item.si.length === 0 || item.si.length > 32)
      throw new WireFailure(1012, 'si must be 1..32 characters');
    return {
      no: item.no,
      si: item.si,
      bt: item.bt,
      ot: item.ot,
      ct: item.ct,
      di: optionalString(item.di, 'di'),
      pi: optionalString(item.pi, 'pi'),
    };
  });
}

/** The per-record errcode NPPA gives a record, or 0 when it is acceptable. */
function recordErrcode(r: WireRecord, timestampsMs: number, seenNos: Set<number>, knownPi: (pi: string) => boolean): number {
  if (
    typeof r.no !== 'number' ||
    !Number.isSafeInteger(r.no) ||
    r.no < COLLECTION_NO_MIN ||
    r.no > COLLECTION_NO_MAX ||
    seenNos.has(r.no)
  ) {
    return 3004;
  }
  seenNos.add(r.no);
  if (r.bt !== BT_LOGIN && r.bt !== BT_LOGOUT) return 3007;
  if (r.ct !== CT_VERIFIED && r.ct !== CT_GUEST) return 3006;
  if (typeof r.ot !== 'number' || !Number.isSafeInteger(r.ot)) return 3005;
  // Spec: the earliest ot less than 180 s before timestamps, the latest ot not after it.
  if (r.ot * 1000 > timestampsMs || timestampsMs - r.ot * 1000 >= OT_AGE_SECONDS_MAX * 1000) return 3005;
  if (r.ct === CT_VERIFIED) {
    if (r.pi === undefined) return 3008;
    if (!knownPi(r.pi)) return 3010;
  } else if (r.di === undefined) return 3009;
  return 0;
}

export function handleLoginout(
  core: SandboxCore,
  call: VerifiedCall,
  endpoint: 'loginout' | 'test-loginout',
  partialFault: ActiveFault | null,
  knownPi: (pi: string) => boolean,
): Answer {
  const list = collections(call.payload);
  const seenNos = new Set<number>();
  const failures: { no: unknown; errcode: number; errmsg: string }[] = [];
  let faulted = 0;
  for (const r of list) {
    let errcode = recordErrcode(r, call.timestampsMs, seenNos, knownPi);
    if (errcode === 0 && partialFault !== null && faulted < partialFault.records) {
      faulted += 1;
      errcode = 1001;
    }
    if (errcode !== 0) {
      failures.push({ no: r.no, errcode, errmsg: errmsgOf(errcode) });
      continue;
    }
    core.reports.accept({
      receivedMs: core.nowMs(),
      endpoint,
      no: r.no as number,
      si: r.si,
      bt: r.bt as number,
      ot: r.ot as number,
      ct: r.ct as number,
      di: r.di,
      pi: r.pi,
    });
  }
  core.reports.refused(failures.length);
  if (failures.length === 0) return { errcode: ERRCODE_OK, data: { results: [] } };
  return { errcode: ERRCODE_PARTIAL, data: { results: failures } };
}

function samePreset(a: PresetIdentity, b: PresetIdentity): boolean {
  return a.ai === b.ai && a.name === b.name && a.idNum === b.idNum;
}

/** An interface-test request under `scenario`'s code: preset data in, the preset's answer out, 4003 otherwise. */
export function handleTest(core: SandboxCore, call: VerifiedCall, scenario: ScenarioState, partialFault: ActiveFault | null): Answer {
  switch (scenario.id) {
    case 'testcase01':
    case 'testcase02':
    case 'testcase03': {
      const input = identityPayload(call.payload);
      const ok = PRESET_CHECK_OK.findIndex((p) => samePreset(p, input));
      const inProgress = PRESET_CHECK_IN_PROGRESS.some((p) => samePreset(p, input));
      if (scenario.id === 'testcase01' && ok >= 0) return result(RESULT_STATUS_OK, PRESET_PI[ok]);
      if (scenario.id === 'testcase02' && inProgress) return result(RESULT_STATUS_IN_PROGRESS, undefined);
      if (scenario.id === 'testcase03' && ok < 0 && !inProgress) return result(RESULT_STATUS_FAILED, undefined);
      throw new WireFailure(4003);
    }
    case 'testcase04':
    case 'testcase05':
    case 'testcase06': {
      const ai = queryAi(call);
      const ok = PRESET_CHECK_OK.findIndex((p) => p.ai === ai);
      if (scenario.id === 'testcase04' && ok >= 0) return result(RESULT_STATUS_OK, PRESET_PI[ok]);
      if (scenario.id === 'testcase05' && PRESET_CHECK_IN_PROGRESS.some((p) => p.ai === ai))
        return result(RESULT_STATUS_IN_PROGRESS, undefined);
      if (scenario.id === 'testcase06' && PRESET_QUERY_FAILED_AI.includes(ai)) return result(RESULT_STATUS_FAILED, undefined);
      throw new WireFailure(4003);
    }
    case 'testcase07':
    case 'testcase08': {
      const wantCt = scenario.id === 'testcase07' ? CT_GUEST : CT_VERIFIED;
      if (collections(call.payload).some((r) => r.ct !== wantCt)) throw new WireFailure(4003);
      return handleLoginout(core, call, 'test-loginout', partialFault, (pi) => PRESET_PI.includes(pi));
    }
  }
}
