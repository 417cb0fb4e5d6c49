// The client against a scripted NPPA (a fake fetch answering as the spec describes): bad input
// refused before anything is sent, what goes on the wire, and how every kind of answer and
// failure becomes a result or an NppaError with its retry advice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import {
  BT_LOGIN,
  CT_GUEST,
  CT_VERIFIED,
  type FetchLike,
  type LoginoutRecord,
  NPPA_ERRCODES,
  NppaClient,
  NppaErrors,
  describeErrcode,
  openBody,
  verifySign,
} from '../src/index.ts';
import { ai, APP_ID, BIZ_ID, rejects, SECRET_KEY, START_MS } from './helpers.ts';

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const clock = new ManualClock(START_MS);
const PI = '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u';
const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

function scripted(answer: (req: Seen) => { status?: number; body: string }): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    const req: Seen = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(init.headers as Record<string, string>)),
      body: typeof init.body === 'string' ? init.body : '',
    };
    seen.push(req);
    const a = answer(req);
    return new Response(a.body, { status: a.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: fetchImpl, seen };
}

function client(fetchImpl: FetchLike, extra: { timeoutMs?: number } = {}): NppaClient {
  return new NppaClient({
    appId: APP_ID,
    bizId: BIZ_ID,
    secretKey: SECRET_KEY,
    baseUrl: 'http://nppa.test',
    clock,
    fetch: fetchImpl,
    ...extra,
  });
}

const ok = (data: unknown) => ({ body: JSON.stringify({ errcode: 0, errmsg: 'OK', data }) });
const person = () => ({ ai: ai(), name: '某一一', idNum: '110000190101010001' });
const login = (no: number, extra: Partial<LoginoutRecord> = {}): LoginoutRecord => ({
  no,
  si: `s${no}`,
  bt: BT_LOGIN,
  ot: nowSeconds(),
  ct: CT_VERIFIED,
  pi: PI,
  ...extra,
});

describe('input refused before sending', () => {
  const never = scripted(() => {
    throw new Error('nothing may be sent');
  });
  const c = client(never.fetch);

  const cases: [string, () => Promise<unknown>, string][] = [
    ['an ai of 31 characters', () => c.check({ ...person(), ai: 'a'.repeat(31) }), 'ai'],
    ['an ai with a dash', () => c.check({ ...person(), ai: `${'a'.repeat(31)}-` }), 'ai'],
    ['a name with a trailing space', () => c.check({ ...person(), name: '某一一 ' }), 'name'],
    ['an empty name', () => c.check({ ...person(), name: '' }), 'name'],
    ['a name with a control character', () => c.check({ ...person(), name: '某\u0000一' }), 'name'],
    ['a name of 65 characters', () => c.check({ ...person(), name: '某'.repeat(65) }), 'name'],
    ['a wrong check character', () => c.check({ ...person(), idNum: '110000190101010002' }), 'idNum'],
    ['a 15-digit number', () => c.check({ ...person(), idNum: '110000010101001' }), 'idNum'],
    ['a query ai that is too long', () => c.query('a'.repeat(33)), 'ai'],
    ['a malformed test code', () => c.check(person(), { testCode: 'a/b' }), 'testCode'],
    ['an empty report', () => c.reportLoginout([]), 'collections'],
    ['129 records', () => c.reportLoginout(Array.from({ length: 129 }, (_, i) => login((i % 128) + 1))), 'collections'],
    ['a record number used twice', () => c.reportLoginout([login(1), login(1)]), 'collections[1].no'],
    ['record number 0', () => c.reportLoginout([login(0)]), 'collections[0].no'],
    ['a verified user without pi', () => c.reportLoginout([login(1, { pi: undefined })]), 'collections[0].pi'],
    ['a guest without di', () => c.reportLoginout([login(1, { ct: CT_GUEST, pi: undefined })]), 'collections[0].di'],
    ['a guest with a pi', () => c.reportLoginout([login(1, { ct: CT_GUEST, di: 'd1' })]), 'collections[0].pi'],
    ['ct 1', () => c.reportLoginout([login(1, { ct: 1 })]), 'collections[0].ct'],
    ['bt 2', () => c.reportLoginout([login(1, { bt: 2 })]), 'collections[0].bt'],
    ['ot in the future', () => c.reportLoginout([login(1, { ot: nowSeconds() + 1 })]), 'collections[0].ot'],
    ['ot 180 s ago', () => c.reportLoginout([login(1, { ot: nowSeconds() - 180 })]), 'collections[0].ot'],
    ['ot in milliseconds', () => c.reportLoginout([login(1, { ot: clock.nowMs() })]), 'collections[0].ot'],
    ['a session id of 33 characters', () => c.reportLoginout([login(1, { si: 's'.repeat(33) })]), 'collections[0].si'],
    ['a pi of 37 characters', () => c.reportLoginout([login(1, { pi: PI.slice(1) })]), 'collections[0].pi'],
  ];
  for (const [name, call, field] of cases) {
    it(`refuses ${name}`, async () => {
      const e = await rejects(call());
      assert.equal(e.code, 'NPPA_INPUT_INVALID');
      assert.equal(e.kind, 'input');
      assert.equal(e.outcomeUnknown, false);
      const problems = (e.details as { problems: { field: string }[] }).problems;
      assert.ok(
        problems.some((p) => p.field === field),
        JSON.stringify(problems),
      );
    });
  }

  it('accepts the 18-character preset ai only with a test code', async () => {
    const preset = { ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' };
    assert.equal((await rejects(c.check(preset))).code, 'NPPA_INPUT_INVALID');
    const s = scripted(() => ok({ result: { status: 0, pi: PI } }));
    assert.deepEqual(await client(s.fetch).check(preset, { testCode: 'pn7WMb' }), { status: 'ok', pi: PI });
    assert.equal(s.seen[0]?.url, 'http://nppa.test/test/authentication/check/pn7WMb');
  });

  it('refuses a configuration that cannot work, at construction', () => {
    const base = { appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY };
    assert.throws(() => new NppaClient({ ...base, secretKey: 'xyz' }), RangeError);
    assert.throws(() => new NppaClient({ ...base, appId: '' }), RangeError);
    assert.throws(() => new NppaClient({ ...base, timeoutMs: 0 }), RangeError);
    assert.throws(() => new NppaClient({ ...base, baseUrl: 'ftp://x' }), RangeError);
  });
});

describe('on the wire', () => {
  it('POSTs the check encrypted and signed to the production path with the protocol headers', async () => {
    const s = scripted(() => ok({ result: { status: 0, pi: PI } }));
    const input = person();
    assert.deepEqual(await client(s.fetch).check(input), { status: 'ok', pi: PI });
    const req = s.seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, 'http://nppa.test/idcard/authentication/check');
    assert.equal(req.headers.appId, APP_ID);
    assert.equal(req.headers.bizId, BIZ_ID);
    assert.equal(req.headers.timestamps, String(START_MS));
    assert.equal(req.headers['Content-Type'], 'application/json; charset=utf-8');
    assert.ok(
      verifySign({
        appId: APP_ID,
        bizId: BIZ_ID,
        secretKey: SECRET_KEY,
        timestamps: req.headers.timestamps!,
        body: req.body,
        sign: req.headers.sign!,
      }),
    );
    assert.deepEqual(openBody(req.body, SECRET_KEY), { ok: true, payload: input });
  });

  it('GETs the query with ai in the URL, signed over the query, with no body', async () => {
    const s = scripted(() => ok({ result: { status: 1 } }));
    const a = ai();
    assert.deepEqual(await client(s.fetch).query(a), { status: 'pending' });
    const req = s.seen[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, `http://nppa.test/idcard/authentication/query?ai=${a}`);
    assert.equal(req.body, '');
    assert.ok(
      verifySign({
        appId: APP_ID,
        bizId: BIZ_ID,
        secretKey: SECRET_KEY,
        timestamps: req.headers.timestamps!,
        query: { ai: a },
        body: '',
        sign: req.headers.sign!,
      }),
    );
  });

  it('uses the production hosts by default: https for check, http api2 for query and reports', async () => {
    const s = scripted(() => ok({ result: { status: 2 } }));
    const c = new NppaClient({ appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, clock, fetch: s.fetch });
    await c.check(person());
    await c.query(ai());
    assert.equal(s.seen[0]?.url, 'https://api.wlc.nppa.gov.cn/idcard/authentication/check');
    assert.match(s.seen[1]?.url ?? '', /^http:\/\/api2\.wlc\.nppa\.gov\.cn\/idcard\/authentication\/query\?ai=/);
  });

  it('sends reports as {collections:[…]} with di and pi only where given', async () => {
    const s = scripted(() => ok({ results: [] }));
    const records = [login(1), login(2, { ct: CT_GUEST, pi: undefined, di: 'device-1' })];
    const r = await client(s.fetch).reportLoginout(records);
    assert.deepEqual(r, { accepted: [1, 2], failed: [], attempts: 1 });
    const opened = openBody(s.seen[0]!.body, SECRET_KEY);
    assert.ok(opened.ok);
    assert.deepEqual(opened.payload, {
      collections: [
        { no: 1, si: 's1', bt: 1, ot: nowSeconds(), ct: 0, pi: PI },
        { no: 2, si: 's2', bt: 1, ot: nowSeconds(), ct: 2, di: 'device-1' },
      ],
    });
  });
});

describe('answers', () => {
  it('maps every documented errcode to its own catalogue code with its retry flag', async () => {
    for (const spec of NPPA_ERRCODES) {
      if (spec.errcode === 3001) continue;
      const s = scripted(() => ({ body: JSON.stringify({ errcode: spec.errcode, errmsg: spec.name }) }));
      const e = await rejects(client(s.fetch).check(person()));
      const def = describeErrcode(spec.errcode);
      assert.equal(e.code, def.code, String(spec.errcode));
      assert.equal(e.retryable, def.retryable);
      assert.equal(e.errcode, spec.errcode);
      assert.equal(e.errmsg, spec.name);
      assert.equal(e.kind, 'api');
    }
  });

  it('reads 3001 as per-record failures and re-sends only the retryable ones', async () => {
    let call = 0;
    const s = scripted(() => {
      call += 1;
      if (call === 1) {
        return {
          body: JSON.stringify({
            errcode: 3001,
            errmsg: 'BUS COLL PARTIAL ERROR',
            data: {
              results: [
                { no: 2, errcode: 1001, errmsg: 'SYS ERROR' },
                { no: 3, errcode: 3010, errmsg: 'BUS COLL PLAYERID INVALID' },
              ],
            },
          }),
        };
      }
      return ok({ results: [] });
    });
    const r = await client(s.fetch).reportLoginout([login(1), login(2), login(3)]);
    assert.deepEqual(r.accepted, [1, 2]);
    assert.deepEqual(r.failed, [
      {
        no: 3,
        code: 'NPPA_REPORT_PI_INVALID',
        retryable: false,
        outcomeUnknown: false,
        errcode: 3010,
        errmsg: 'BUS COLL PLAYERID INVALID',
      },
    ]);
    assert.equal(r.attempts, 2);
    const resent = openBody(s.seen[1]!.body, SECRET_KEY);
    assert.ok(resent.ok);
    assert.deepEqual(
      (resent.payload as { collections: { no: number }[] }).collections.map((c) => c.no),
      [2],
    );
  });

  it('keeps what the first attempt accepted when a re-send times out', async () => {
    let call = 0;
    const f: FetchLike = async (_url, init) => {
      call += 1;
      if (call === 1) {
        return new Response(JSON.stringify({ errcode: 3001, data: { results: [{ no: 1, errcode: 1001, errmsg: 'SYS ERROR' }] } }));
      }
      // The re-send never answers; the caller's deadline ends it.
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    };
    const r = await client(f, { timeoutMs: 20 }).reportLoginout([login(1), login(2)]);
    assert.deepEqual(r.accepted, [2]);
    assert.deepEqual(r.failed, [{ no: 1, code: 'NPPA_TIMEOUT', retryable: true, outcomeUnknown: true }]);
  });

  it('treats an HTTP 5xx without errcode as a retryable upstream failure, and a 4xx as a refusal', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    const e5 = await rejects(client(scripted(() => ({ status: 502, body: html })).fetch).query(ai()));
    assert.equal(e5.code, 'NPPA_UPSTREAM_UNAVAILABLE');
    assert.equal(e5.retryable, true);
    assert.equal(e5.httpStatus, 502);
    assert.equal(e5.outcomeUnknown, true);
    const e4 = await rejects(client(scripted(() => ({ status: 403, body: 'forbidden' })).fetch).query(ai()));
    assert.equal(e4.code, 'NPPA_UPSTREAM_REFUSED');
    assert.equal(e4.retryable, false);
  });

  it('treats an errcode in a non-200 answer as the errcode', async () => {
    const e = await rejects(client(scripted(() => ({ status: 500, body: '{"errcode":1001,"errmsg":"SYS ERROR"}' })).fetch).query(ai()));
    assert.equal(e.code, 'NPPA_SYSTEM_ERROR');
    assert.equal(e.outcomeUnknown, true);
  });

  const malformed: [string, string][] = [
    ['truncated JSON', '{"errcode":0,"data":'],
    ['JSON without errcode', '{"data":{"result":{"status":0}}}'],
    ['status 0 without pi', '{"errcode":0,"data":{"result":{"status":0}}}'],
    ['status 3', '{"errcode":0,"data":{"result":{"status":3}}}'],
    ['no data.result', '{"errcode":0,"data":{}}'],
  ];
  for (const [name, body] of malformed) {
    it(`treats ${name} as a retryable malformed answer`, async () => {
      const e = await rejects(client(scripted(() => ({ body })).fetch).check(person()));
      assert.equal(e.code, 'NPPA_BAD_RESPONSE');
      assert.equal(e.retryable, true);
    });
  }

  it('refuses a 3001 answer that names a record that was not sent, or has no results', async () => {
    const named = scripted(() => ({ body: '{"errcode":3001,"data":{"results":[{"no":9,"errcode":3005}]}}' }));
    assert.equal((await rejects(client(named.fetch).reportLoginout([login(1)]))).code, 'NPPA_BAD_RESPONSE');
    const empty = scripted(() => ({ body: '{"errcode":3001,"data":{"results":[]}}' }));
    assert.equal((await rejects(client(empty.fetch).reportLoginout([login(1)]))).code, 'NPPA_BAD_RESPONSE');
  });

  it('refuses an answer larger than 64 KiB', async () => {
    const e = await rejects(client(scripted(() => ({ body: `{"errcode":0,"x":"${'a'.repeat(70_000)}"}` })).fetch).check(person()));
    assert.equal(e.code, 'NPPA_BAD_RESPONSE');
  });
});

describe('network failures', () => {
  it('reports a deadline that passes as NPPA_TIMEOUT with the outcome unknown', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const e = await rejects(client(hang, { timeoutMs: 10 }).check(person()));
    assert.equal(e.code, NppaErrors.NPPA_TIMEOUT.code);
    assert.equal(e.retryable, true);
    assert.equal(e.outcomeUnknown, true);
  });

  it('reports a caller abort like a timeout', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const controller = new AbortController();
    const p = client(hang).query(ai(), { signal: controller.signal });
    controller.abort();
    const e = await rejects(p);
    assert.equal(e.code, 'NPPA_TIMEOUT');
    assert.equal((e.details as { reason: string }).reason, 'aborted by caller');
  });

  it('reports a refused connection as a transport error that cannot have reached NPPA', async () => {
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    const e = await rejects(client(refused).check(person()));
    assert.equal(e.code, 'NPPA_TRANSPORT_ERROR');
    assert.equal(e.retryable, true);
    assert.equal(e.outcomeUnknown, false);
  });
});
