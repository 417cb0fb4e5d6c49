// Behaviour reports against the sandbox: records it accepts, the per-record errcodes of a 3001
// answer, a partial failure that our client re-sends, and duplicate counting when a batch is
// re-sent after a timeout.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { BT_LOGIN, BT_LOGOUT, CT_GUEST, CT_VERIFIED, idNumberFor, type LoginoutRecord } from '../src/index.ts';
import { abandonOnHang, type Rig, ai, raw, rig } from './helpers.ts';

const LOGINOUT = '/behavior/collection/loginout';

describe('behaviour reports', () => {
  let r: Rig;
  let pi: string;
  before(async () => {
    r = await rig();
    const person = r.sandbox.registerIdentity({ name: '吴上报', idNum: idNumberFor('1992-09-09') });
    const res = await r.client.check({ ai: ai(), name: person.name, idNum: person.idNum });
    assert.equal(res.status, 'ok');
    pi = res.status === 'ok' ? res.pi : '';
  });
  after(() => r.close());
  afterEach(() => {
    r.sandbox.faults.clear();
    r.sandbox.clearReports();
    // Reports are limited to 10 calls a second: each test starts in a fresh second.
    r.clock.advanceMs(1_000);
  });

  const nowSeconds = () => Math.floor(r.clock.nowMs() / 1000);
  const verified = (no: number, si = `sess${no}`, bt = BT_LOGIN): LoginoutRecord => ({ no, si, bt, ot: nowSeconds(), ct: CT_VERIFIED, pi });
  const guest = (no: number): LoginoutRecord => ({ no, si: `guest${no}`, bt: BT_LOGIN, ot: nowSeconds(), ct: CT_GUEST, di: `device${no}` });

  it('accepts a login and its logout for a verified user and a guest, and counts them', async () => {
    const res = await r.client.reportLoginout([verified(1, 'a'), guest(2)]);
    assert.deepEqual(res, { accepted: [1, 2], failed: [], attempts: 1 });
    r.clock.advanceMs(30_000);
    assert.deepEqual((await r.client.reportLoginout([verified(1, 'a', BT_LOGOUT)])).accepted, [1]);
    assert.deepEqual(r.sandbox.reports().stats, { accepted: 3, duplicates: 0, refused: 0, logins: 2, logouts: 1, guests: 1, verified: 2 });
  });

  it('accepts 128 records in one call', async () => {
    const records = Array.from({ length: 128 }, (_, i) => verified(i + 1));
    assert.equal((await r.client.reportLoginout(records)).accepted.length, 128);
  });

  it('refuses records one by one with 3001 and each record’s errcode, accepting the rest', async () => {
    const t = r.clock.nowMs();
    const s = Math.floor(t / 1000);
    const a = await raw(r, {
      path: LOGINOUT,
      payload: {
        collections: [
          { no: 1, si: 'ok1', bt: 1, ot: s, ct: 0, pi },
          { no: 1, si: 'dup', bt: 1, ot: s, ct: 0, pi },
          { no: 3, si: 'bt', bt: 5, ot: s, ct: 0, pi },
          { no: 4, si: 'ct', bt: 1, ot: s, ct: 1, pi },
          { no: 5, si: 'old', bt: 1, ot: s - 180, ct: 0, pi },
          { no: 6, si: 'future', bt: 1, ot: s + 1, ct: 0, pi },
          { no: 7, si: 'nopi', bt: 1, ot: s, ct: 0 },
          { no: 8, si: 'nodi', bt: 1, ot: s, ct: 2 },
          { no: 9, si: 'badpi', bt: 1, ot: s, ct: 0, pi: `1${'z'.repeat(37)}` },
          { no: 129, si: 'no', bt: 1, ot: s, ct: 0, pi },
          { no: 11, si: 'ok2', bt: 0, ot: s - 179, ct: 2, di: 'dev' },
        ],
      },
    });
    assert.equal(a.json.errcode, 3001);
    assert.equal(a.json.errmsg, 'BUS COLL PARTIAL ERROR');
    assert.deepEqual(
      a.json.data.results.map((x: { no: number; errcode: number }) => [x.no, x.errcode]),
      [
        [1, 3004],
        [3, 3007],
        [4, 3006],
        [5, 3005],
        [6, 3005],
        [7, 3008],
        [8, 3009],
        [9, 3010],
        [129, 3004],
      ],
    );
    assert.equal(r.sandbox.reports().stats.accepted, 2);
    assert.equal(r.sandbox.reports().stats.refused, 9);
  });

  it('answers 3002 to an empty batch and 3003 to 129 records', async () => {
    assert.equal((await raw(r, { path: LOGINOUT, payload: { collections: [] } })).json.errcode, 3002);
    const s = nowSeconds();
    const many = Array.from({ length: 129 }, (_, i) => ({ no: (i % 128) + 1, si: `x${i}`, bt: 1, ot: s, ct: 2, di: 'd' }));
    assert.equal((await raw(r, { path: LOGINOUT, payload: { collections: many } })).json.errcode, 3003);
  });

  it('reports an unknown pi as a refused record, not a thrown error', async () => {
    const res = await r.client.reportLoginout([verified(1), { ...verified(2), pi: `1${'0'.repeat(37)}` }], { partialRetries: 0 });
    assert.deepEqual(res.accepted, [1]);
    assert.deepEqual(res.failed, [
      {
        no: 2,
        code: 'NPPA_REPORT_PI_INVALID',
        retryable: false,
        outcomeUnknown: false,
        errcode: 3010,
        errmsg: 'BUS COLL PLAYERID INVALID',
      },
    ]);
  });

  it('re-sends the records of a partial failure, and NPPA ends up with each record once', async () => {
    r.sandbox.faults.inject({ kind: 'partial-failure', endpoint: 'loginout', records: 2 });
    const res = await r.client.reportLoginout([verified(1), verified(2), verified(3)]);
    assert.deepEqual(res, { accepted: [1, 2, 3], failed: [], attempts: 2 });
    const { stats, duplicates } = r.sandbox.reports();
    assert.equal(stats.accepted, 3);
    assert.equal(stats.duplicates, 0);
    assert.deepEqual(duplicates, []);
    assert.equal(stats.refused, 2);
  });

  it('leaves the retryable failures to the caller when re-sending is off', async () => {
    r.sandbox.faults.inject({ kind: 'partial-failure', endpoint: 'loginout', records: 1 });
    const res = await r.client.reportLoginout([verified(1), verified(2)], { partialRetries: 0 });
    assert.deepEqual(res.accepted, [2]);
    assert.deepEqual(res.failed, [
      { no: 1, code: 'NPPA_SYSTEM_ERROR', retryable: true, outcomeUnknown: false, errcode: 1001, errmsg: 'SYS ERROR' },
    ]);
    // The caller re-sends record 1 on its own.
    assert.deepEqual((await r.client.reportLoginout([verified(1)])).accepted, [1]);
    assert.equal(r.sandbox.reports().stats.duplicates, 0);
  });

  it('counts duplicates when a batch NPPA accepted is re-sent after the answer was lost', async () => {
    r.sandbox.faults.inject({ kind: 'hang', endpoint: 'loginout', timing: 'after' });
    const batch = [verified(1, 'lost-a'), verified(2, 'lost-b')];
    const e = await abandonOnHang(r, (signal) => r.client.reportLoginout(batch, { signal }));
    assert.equal(e.code, 'NPPA_TIMEOUT');
    assert.equal(e.outcomeUnknown, true);
    // The caller retries the same batch, as the retryable flag allows.
    assert.deepEqual((await r.client.reportLoginout(batch)).accepted, [1, 2]);
    const { stats, duplicates } = r.sandbox.reports();
    assert.equal(stats.accepted, 4);
    assert.equal(stats.duplicates, 2);
    assert.deepEqual(
      duplicates.map((d) => [d.si, d.count]),
      [
        ['lost-b', 2],
        ['lost-a', 2],
      ],
    );
    assert.deepEqual(
      r.sandbox.reports().recent.map((x) => x.seen),
      [1, 1, 2, 2],
    );
  });

  it('keeps the duplicate index bounded, forgetting the stalest contents first', async () => {
    const small = await rig({ limits: { duplicateKeysMax: 2, recentReportsMax: 3 } });
    try {
      const p = small.sandbox.registerIdentity({ name: '郑有界', idNum: idNumberFor('1993-03-03') }).pi;
      const s = Math.floor(small.clock.nowMs() / 1000);
      const rec = (no: number, si: string): LoginoutRecord => ({ no, si, bt: BT_LOGIN, ot: s, ct: CT_VERIFIED, pi: p });
      await small.client.reportLoginout([rec(1, 'a'), rec(2, 'b'), rec(3, 'c')]);
      await small.client.reportLoginout([rec(1, 'a'), rec(2, 'c')]);
      // 'a' was forgotten when 'c' arrived, so only 'c' counts as a duplicate.
      assert.equal(small.sandbox.reports().stats.duplicates, 1);
      assert.equal(small.sandbox.reports().recent.length, 3);
    } finally {
      await small.close();
    }
  });
});
