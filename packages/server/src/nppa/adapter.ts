// The NPPA adapters of the platform's two real-name ports, over the NppaClient of @fairground/nppa:
// the real-name check (accounts: check at submission, query later) and play reporting (compliance:
// login/logout batches). Each turns the client's results and NppaErrors into the ports' values:
// what the player may be told, whether a call may be repeated, and whether the fault is the
// operator's to fix (credentials, allow-list, quota) rather than the authority's to recover from.
import type { Clock } from '@fairground/core';
import { CT_VERIFIED, type LoginoutRecord, type NppaClient, NppaError, NppaErrors } from '@fairground/nppa';
import type { RealNameAnswer, RealNameAuthority } from '../accounts/index.ts';
import type { RealNameReporter, ReportOutcome } from '../compliance/index.ts';

/** NPPA blocks a caller over its rate limit for one minute (spec). */
export const NPPA_RATE_LIMIT_BLOCK_MS = 60_000;
/** Records per report call (spec). */
export const NPPA_REPORT_BATCH_MAX = 128;

/** Refusals no retry gets past: the operator's configuration (credentials, hosts, allow-list, quota) is at fault. */
const OPERATOR_FAULTS: ReadonlySet<string> = new Set([
  NppaErrors.NPPA_RESOURCE_NOT_FOUND.code,
  NppaErrors.NPPA_METHOD_NOT_ALLOWED.code,
  NppaErrors.NPPA_HEADERS_MISSING.code,
  NppaErrors.NPPA_IP_NOT_ALLOWED.code,
  NppaErrors.NPPA_CALLER_INVALID.code,
  NppaErrors.NPPA_CALLER_DISABLED.code,
  NppaErrors.NPPA_CALLER_NOT_PERMITTED.code,
  NppaErrors.NPPA_SIGNATURE_INVALID.code,
  NppaErrors.NPPA_BODY_INVALID.code,
  NppaErrors.NPPA_CHECK_QUOTA_REACHED.code,
  NppaErrors.NPPA_UPSTREAM_REFUSED.code,
  NppaErrors.NPPA_UNKNOWN_ERRCODE.code,
  NppaErrors.NPPA_INPUT_INVALID.code,
  NppaErrors.NPPA_TEST_TASK_NOT_FOUND.code,
  NppaErrors.NPPA_TEST_PARAMS_INVALID.code,
]);

function unavailable(e: NppaError): RealNameAnswer {
  return {
    status: 'unavailable',
    code: e.code,
    message: e.message,
    mayHaveArrived: e.outcomeUnknown,
    operatorFault: OPERATOR_FAULTS.has(e.code),
  };
}

/** The real-name check port on NPPA's identity check (实名认证) and result query (实名认证结果查询). */
export function nppaRealNameAuthority(client: NppaClient): RealNameAuthority {
  return {
    name: 'nppa',
    async check(attemptId, doc) {
      try {
        const r = await client.check({ ai: attemptId, name: doc.realName, idNum: doc.idNumber });
        if (r.status === 'ok') return { status: 'verified', pi: r.pi };
        if (r.status === 'pending') return { status: 'pending' };
        return { status: 'failed', reason: 'NPPA_STATUS_FAILED' };
      } catch (e) {
        if (!(e instanceof NppaError)) throw e;
        // 2001: NPPA finds the number malformed — the player's input, like a mismatch.
        if (e.code === NppaErrors.NPPA_ID_NUMBER_INVALID.code) return { status: 'failed', reason: e.code };
        // 2004: a check under this id already exists (an earlier send arrived after all): its result is queried.
        if (e.code === NppaErrors.NPPA_AI_IN_USE.code) return { status: 'pending' };
        return unavailable(e);
      }
    },
    async query(attemptId) {
      try {
        const r = await client.query(attemptId);
        if (r.status === 'ok') return { status: 'verified', pi: r.pi };
        if (r.status === 'pending') return { status: 'pending' };
        return { status: 'failed', reason: 'NPPA_STATUS_FAILED' };
      } catch (e) {
        if (!(e instanceof NppaError)) throw e;
        if (e.code === NppaErrors.NPPA_AI_NOT_FOUND.code) return { status: 'not_found' };
        return unavailable(e);
      }
    },
  };
}

/**
 * The play-reporting port on NPPA's behaviour reports (游戏用户行为数据上报). Records the
 * authority refuses one by one (errcode 3001) come back refused, each with its own code; the
 * outbox decides about sending them again (the client re-sends nothing itself).
 */
export function nppaPlayReporter(client: NppaClient, clock: Clock): RealNameReporter {
  return {
    batchMax: NPPA_REPORT_BATCH_MAX,
    async report(events): Promise<ReportOutcome> {
      const records: LoginoutRecord[] = events.map((e) => ({ no: e.no, si: e.si, bt: e.bt, ot: e.ot, ct: CT_VERIFIED, pi: e.pi }));
      try {
        const r = await client.reportLoginout(records, { partialRetries: 0 });
        return {
          delivered: true,
          accepted: r.accepted,
          refused: r.failed.map((f) => ({ no: f.no, code: f.code, retryable: f.retryable })),
        };
      } catch (e) {
        if (!(e instanceof NppaError)) throw e;
        return {
          delivered: false,
          code: e.code,
          message: e.message,
          retryable: !OPERATOR_FAULTS.has(e.code),
          mayHaveArrived: e.outcomeUnknown,
          ...(e.code === NppaErrors.NPPA_RATE_LIMITED.code ? { retryAfterMs: clock.nowMs() + NPPA_RATE_LIMIT_BLOCK_MS } : {}),
        };
      }
    },
  };
}
