// The NPPA client: identity check, result query and login/logout reports. Every call is checked
// against the field rules before it is sent, encrypted and signed with the current clock, sent
// under a deadline, and its answer read into a small typed result or an NppaError.
import { type Clock, systemClock } from '@fairground/core';
import { badResponse, describeErrcode, inputInvalid, NppaError, NppaErrors } from './errors.ts';
import { exchange, type FetchLike, type RawResponse } from './http.ts';
import {
  APP_ID_CHARS_MAX,
  BIZ_ID_CHARS_MAX,
  DEFAULT_TIMEOUT_MS,
  ERRMSG_CHARS_MAX,
  REPORT_PARTIAL_RETRIES_DEFAULT,
  REPORT_PARTIAL_RETRIES_MAX,
  RESPONSE_BYTES_MAX,
  TIMEOUT_MS_MAX,
} from './limits.ts';
import {
  ERRCODE_OK,
  ERRCODE_PARTIAL,
  type NppaBaseUrls,
  type NppaOperation,
  PATHS,
  PRODUCTION_BASE_URLS,
  RESULT_STATUS_FAILED,
  RESULT_STATUS_IN_PROGRESS,
  RESULT_STATUS_OK,
} from './protocol.ts';
import { aiProblems, type IdentityInput, identityProblems, type LoginoutRecord, loginoutProblems, testCodeProblems } from './validate.ts';
import { isSecretKey, sealBody, signedHeaders } from './wire.ts';

export const USER_AGENT = 'fairground-nppa/0.1.0 (Node.js)';

export interface NppaClientOptions {
  /** 应用标识 (APPID) issued by NPPA. */
  readonly appId: string;
  /** 游戏备案识别码 (bizId) of the game. */
  readonly bizId: string;
  /** 用户密钥 (Secret Key): 32 hex characters. */
  readonly secretKey: string;
  /** One URL standing in for all four NPPA hosts (a sandbox). */
  readonly baseUrl?: string;
  /** Per-host overrides; defaults are `PRODUCTION_BASE_URLS`. */
  readonly baseUrls?: Partial<NppaBaseUrls>;
  readonly fetch?: FetchLike;
  /** Deadline of every call unless the call says otherwise (default 5000, the spec's advice). */
  readonly timeoutMs?: number;
  /** Supplies the `timestamps` header and the "now" of report time rules. */
  readonly clock?: Clock;
}

export interface CallOptions {
  /** Deadline of this call, connect to last byte. */
  readonly timeoutMs?: number;
  /** Lets the caller abandon the call; reported like a timeout (outcome unknown). */
  readonly signal?: AbortSignal;
  /** Sends to the interface-test endpoint `/test/…/{testCode}` instead of production. */
  readonly testCode?: string;
}

export interface ReportOptions extends CallOptions {
  /** How many times records that failed with a retryable per-record code are re-sent (default 1, at most 5). */
  readonly partialRetries?: number;
}

/** The outcome of an identity check or query. Age is not in it: read it from the identity number. */
export type IdentityResult =
  /** Verified; `pi` is the person's NPPA id for behaviour reports. */
  | { readonly status: 'ok'; readonly pi: string }
  /** NPPA could not answer at once: query the same `ai` later (for up to 48 hours). */
  | { readonly status: 'pending' }
  /** The name and number do not match a real person. */
  | { readonly status: 'failed' };

export interface RecordFailure {
  readonly no: number;
  /** Our catalogue code, e.g. NPPA_REPORT_TIME_INVALID. */
  readonly code: string;
  /** True when sending this record again may succeed. */
  readonly retryable: boolean;
  /** True when NPPA may have accepted the record after all (the re-send timed out). */
  readonly outcomeUnknown: boolean;
  /** NPPA's per-record errcode, when NPPA gave one. */
  readonly errcode?: number;
  readonly errmsg?: string;
}

export interface ReportResult {
  /** `no`s NPPA accepted, ascending. */
  readonly accepted: readonly number[];
  /** Records not accepted after the last attempt, ascending by `no`. */
  readonly failed: readonly RecordFailure[];
  /** Calls made (1 plus re-sends of retryable failures). */
  readonly attempts: number;
}

interface Request {
  readonly operation: NppaOperation;
  readonly method: 'GET' | 'POST';
  readonly query?: Readonly<Record<string, string>>;
  readonly payload?: unknown;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

const PI_READ = /^[0-9A-Za-z]{1,64}$/;

export class NppaClient {
  readonly #appId: string;
  readonly #bizId: string;
  readonly #secretKey: string;
  readonly #urls: NppaBaseUrls;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(options: NppaClientOptions) {
    // Configuration mistakes are programmer errors: they throw at start-up, not per call.
    if (!/^[0-9A-Za-z]+$/.test(options.appId ?? '') || options.appId.length > APP_ID_CHARS_MAX) {
      throw new RangeError(`appId must be 1..${APP_ID_CHARS_MAX} letters or digits`);
    }
    if (!/^[0-9A-Za-z]+$/.test(options.bizId ?? '') || options.bizId.length > BIZ_ID_CHARS_MAX) {
      throw new RangeError(`bizId must be 1..${BIZ_ID_CHARS_MAX} letters or digits`);
    }
    if (!isSecretKey(options.secretKey ?? '')) throw new RangeError('secretKey must be 32 hex characters');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > TIMEOUT_MS_MAX) {
      throw new RangeError(`timeoutMs must be 1..${TIMEOUT_MS_MAX}`);
    }
    const one = options.baseUrl;
    const base: NppaBaseUrls = one === undefined ? PRODUCTION_BASE_URLS : { check: one, query: one, loginout: one, test: one };
    const urls = { ...base, ...(options.baseUrls ?? {}) };
    for (const [k, v] of Object.entries(urls)) {
      if (!/^https?:\/\/[^\s?#]+$/.test(v)) throw new RangeError(`base URL for ${k} must be an http(s) URL without query: ${v}`);
    }
    this.#appId = options.appId;
    this.#bizId = options.bizId;
    this.#secretKey = options.secretKey;
    this.#urls = {
      check: trimSlash(urls.check),
      query: trimSlash(urls.query),
      loginout: trimSlash(urls.loginout),
      test: trimSlash(urls.test),
    };
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = timeoutMs;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Checks a name and identity number (实名认证). `ok` carries the `pi`; `pending` means query the
   * same `ai` later. After a timeout, query the `ai` before anything else: NPPA refuses to reuse an
   * `ai` (NPPA_AI_IN_USE) while its result exists.
   */
  async check(input: IdentityInput, options: CallOptions = {}): Promise<IdentityResult> {
    const forTest = options.testCode !== undefined;
    const problems = [...identityProblems(input, forTest), ...(forTest ? testCodeProblems(options.testCode) : [])];
    if (problems.length > 0) throw inputInvalid(problems);
    const json = await this.#call(
      { operation: 'check', method: 'POST', payload: { ai: input.ai, name: input.name, idNum: input.idNum } },
      options,
    );
    return readIdentityResult(json);
  }

  /** Queries the result of an earlier check by its `ai` (实名认证结果查询). Signed, not encrypted. */
  async query(ai: string, options: CallOptions = {}): Promise<IdentityResult> {
    const forTest = options.testCode !== undefined;
    const problems = [...aiProblems(ai, forTest), ...(forTest ? testCodeProblems(options.testCode) : [])];
    if (problems.length > 0) throw inputInvalid(problems);
    const json = await this.#call({ operation: 'query', method: 'GET', query: { ai } }, options);
    return readIdentityResult(json);
  }

  /**
   * Reports logins and logouts (游戏用户行为数据上报), at most 128 per call. Records NPPA refuses one
   * by one (errcode 3001) come back in `failed`; those with a retryable code are re-sent up to
   * `partialRetries` times first. A thrown error means no record is known to be accepted.
   */
  async reportLoginout(records: readonly LoginoutRecord[], options: ReportOptions = {}): Promise<ReportResult> {
    const retries = options.partialRetries ?? REPORT_PARTIAL_RETRIES_DEFAULT;
    if (!Number.isSafeInteger(retries) || retries < 0 || retries > REPORT_PARTIAL_RETRIES_MAX) {
      throw new RangeError(`partialRetries must be 0..${REPORT_PARTIAL_RETRIES_MAX}`);
    }
    const problems = [
      ...loginoutProblems(records, this.#clock.nowMs()),
      ...(options.testCode !== undefined ? testCodeProblems(options.testCode) : []),
    ];
    if (problems.length > 0) throw inputInvalid(problems);

    const accepted: number[] = [];
    let pending: readonly LoginoutRecord[] = records;
    let failed: RecordFailure[] = [];
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let json: Json;
      try {
        json = await this.#call(
          { operation: 'loginout', method: 'POST', payload: { collections: pending.map(wireRecord) } },
          options,
          true,
        );
      } catch (e) {
        // The first call failing says nothing was accepted: let the caller see the error. A re-send
        // failing must not hide what the earlier attempt accepted.
        if (attempts === 1 || !(e instanceof NppaError)) throw e;
        failed = failed.map((f) =>
          f.retryable ? { no: f.no, code: e.code, retryable: e.retryable, outcomeUnknown: e.outcomeUnknown } : f,
        );
        break;
      }
      const outcome = readReport(json, pending);
      accepted.push(...outcome.accepted);
      const keep = failed.filter((f) => !pending.some((r) => r.no === f.no));
      failed = [...keep, ...outcome.failed];
      const again = outcome.failed.filter((f) => f.retryable).map((f) => f.no);
      if (again.length === 0 || attempts > retries) break;
      pending = pending.filter((r) => again.includes(r.no));
    }
    accepted.sort((a, b) => a - b);
    failed.sort((a, b) => a.no - b.no);
    return { accepted, failed, attempts };
  }

  async #call(req: Request, options: CallOptions, partialAllowed = false): Promise<Json> {
    const nowMs = this.#clock.nowMs();
    const body = req.payload === undefined ? '' : sealBody(req.payload, this.#secretKey);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...signedHeaders({
        appId: this.#appId,
        bizId: this.#bizId,
        secretKey: this.#secretKey,
        timestampsMs: nowMs,
        query: req.query ?? {},
        body,
      }),
    };
    const init: RequestInit = { method: req.method, headers };
    if (req.method === 'POST') init.body = body;
    const res = await exchange(
      this.#fetch,
      this.#url(req, options.testCode),
      init,
      options.timeoutMs ?? this.#timeoutMs,
      options.signal,
      RESPONSE_BYTES_MAX,
    );
    return readAnswer(res, partialAllowed);
  }

  #url(req: Request, testCode: string | undefined): string {
    const query = req.query === undefined ? '' : `?${new URLSearchParams(req.query).toString()}`;
    if (testCode !== undefined) {
      const path = { check: PATHS.testCheck, query: PATHS.testQuery, loginout: PATHS.testLoginout }[req.operation];
      return `${this.#urls.test}${path}${encodeURIComponent(testCode)}${query}`;
    }
    return `${this.#urls[req.operation]}${PATHS[req.operation]}${query}`;
  }
}

function wireRecord(r: LoginoutRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { no: r.no, si: r.si, bt: r.bt, ot: r.ot, ct: r.ct };
  if (r.di !== undefined && r.di !== '') out.di = r.di;
  if (r.pi !== undefined && r.pi !== '') out.pi = r.pi;
  return out;
}

/** Parses the answer envelope; throws for every errcode except 0 (and 3001 when allowed). */
function readAnswer(res: RawResponse, partialAllowed: boolean): Json {
  const text = Buffer.from(res.body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const errcode = isObject(parsed) && Number.isSafeInteger(parsed.errcode) ? (parsed.errcode as number) : undefined;
  if (errcode === undefined) {
    if (res.status >= 500 || res.status === 429) {
      throw new NppaError(NppaErrors.NPPA_UPSTREAM_UNAVAILABLE, {
        kind: 'http',
        httpStatus: res.status,
        outcomeUnknown: true,
        details: { body: text.slice(0, ERRMSG_CHARS_MAX) },
      });
    }
    if (res.status >= 400) {
      throw new NppaError(NppaErrors.NPPA_UPSTREAM_REFUSED, {
        kind: 'http',
        httpStatus: res.status,
        outcomeUnknown: false,
        details: { body: text.slice(0, ERRMSG_CHARS_MAX) },
      });
    }
    throw badResponse(parsed === undefined ? 'answer is not JSON' : 'answer has no integer errcode', {
      httpStatus: res.status,
      body: text.slice(0, ERRMSG_CHARS_MAX),
    });
  }
  const body = parsed as Json;
  if (errcode === ERRCODE_OK || (partialAllowed && errcode === ERRCODE_PARTIAL)) return body;
  const errmsg = typeof body.errmsg === 'string' ? body.errmsg : undefined;
  const def = describeErrcode(errcode);
  throw new NppaError(def, {
    kind: 'api',
    errcode,
    errmsg,
    httpStatus: res.status,
    // A system error may come after NPPA did the work; every other code is a refusal.
    outcomeUnknown: errcode === 1001 || errcode === 4001,
    message: errmsg === undefined ? undefined : `${def.message} — ${errmsg.slice(0, ERRMSG_CHARS_MAX)}`,
  });
}

function readIdentityResult(json: Json): IdentityResult {
  const result = isObject(json.data) ? json.data.result : undefined;
  if (!isObject(result)) throw badResponse('answer has no data.result');
  switch (result.status) {
    case RESULT_STATUS_OK: {
      if (typeof result.pi !== 'string' || !PI_READ.test(result.pi)) throw badResponse('status 0 without a valid pi');
      return { status: 'ok', pi: result.pi };
    }
    case RESULT_STATUS_IN_PROGRESS:
      return { status: 'pending' };
    case RESULT_STATUS_FAILED:
      return { status: 'failed' };
    default:
      throw badResponse('data.result.status is not 0, 1 or 2', { status: String(result.status).slice(0, 20) });
  }
}

function readReport(json: Json, sent: readonly LoginoutRecord[]): { accepted: number[]; failed: RecordFailure[] } {
  const data = json.data;
  const results = isObject(data) ? data.results : undefined;
  const list: unknown[] = results === undefined || results === null ? [] : Array.isArray(results) ? results : [null];
  if (json.errcode === ERRCODE_PARTIAL && list.length === 0) throw badResponse('errcode 3001 without data.results');
  const sentNos = new Set(sent.map((r) => r.no));
  const failed = new Map<number, RecordFailure>();
  for (const item of list) {
    if (!isObject(item) || !Number.isSafeInteger(item.no) || !Number.isSafeInteger(item.errcode)) {
      throw badResponse('data.results holds an entry without integer no and errcode');
    }
    const no = item.no as number;
    const errcode = item.errcode as number;
    if (!sentNos.has(no)) throw badResponse('data.results names a record that was not sent', { no });
    if (errcode === ERRCODE_OK) continue;
    const def = describeErrcode(errcode);
    const errmsg = typeof item.errmsg === 'string' ? item.errmsg.slice(0, ERRMSG_CHARS_MAX) : undefined;
    failed.set(no, {
      no,
      code: def.code,
      retryable: def.retryable,
      outcomeUnknown: false,
      errcode,
      ...(errmsg === undefined ? {} : { errmsg }),
    });
  }
  const accepted = sent.map((r) => r.no).filter((no) => !failed.has(no));
  return { accepted, failed: [...failed.values()] };
}
