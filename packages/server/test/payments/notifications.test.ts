// Notifications that must be refused: bad signatures, probes, stale timestamps, unknown serials
// (401, so WeChat Pay sends them again), tampered ciphertext (401), and well-signed ones that
// contradict our order — wrong amount, appid or mchid, an order we never made (500 FAIL, retried,
// shown to finance). None moves a fen. The same notification sent correctly afterwards credits once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NOTIFY_PATH } from '../../src/payments/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { forge, readSandboxSecrets, type SandboxSecrets, transactionResource } from './forge.ts';
import { SANDBOX_APPID, startWorld, wallet, type World } from './world.ts';

async function ledgerRows(w: World): Promise<number> {
  const rows = await w.t.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM ledger_transfers');
  return Number(rows[0]?.n ?? 0);
}

for (const backend of backends()) {
  describe(`notifications that must be refused on ${backend.name}`, () => {
    let w: World;
    let dir: string;
    let secrets: SandboxSecrets;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fg-pay-keys-'));
      w = await startWorld(backend, { sandboxDataDir: dir });
      secrets = readSandboxSecrets(dir);
    });
    after(async () => {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function post(n: { headers: Record<string, string>; body: string }) {
      const res = await fetch(`${w.url}${NOTIFY_PATH}`, { method: 'POST', headers: n.headers, body: n.body });
      return { status: res.status, text: await res.text() };
    }

    async function openDeposit(label: string, amountFen = 3000) {
      const p = await w.t.readyPlayer(label);
      const r = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen, channel: 'jsapi', idempotencyKey: `${label}-deposit` },
      });
      const d = (await w.t.platform.payments.deposits.get((r.json.deposit as { id: string }).id))!;
      return { ...p, d };
    }

    it('is documented in the OpenAPI document with the other payment routes', async () => {
      const doc = (await w.t.request('GET', '/openapi.json')).json as {
        paths: Record<string, Record<string, { summary?: string; description?: string }>>;
      };
      assert.match(doc.paths[NOTIFY_PATH]?.post?.description ?? '', /401/);
      for (const path of [
        '/api/payments/deposits',
        '/api/payments/withdrawals',
        '/api/payments/limits',
        '/api/admin/payments/withdrawals/{withdrawalId}/approve',
      ]) {
        assert.ok(doc.paths[path], `${path} is in the OpenAPI document`);
      }
    });

    for (const kind of ['bad-signature', 'signtest', 'stale-timestamp', 'wrong-serial'] as const) {
      it(`answers 401 to a ${kind} notification from the provider, moves nothing, and credits once when it comes again`, async () => {
        const { playerId, d } = await openDeposit(`probe-${kind}`);
        w.sandbox.faults.inject({ endpoint: `POST ${NOTIFY_PATH}`, kind });
        await w.sandbox.user.pay(d.id);
        const rowsBefore = await ledgerRows(w);
        await w.sandbox.runDue();
        const n = w.sandbox.notifications().find((x) => (x.resource as { out_trade_no?: string }).out_trade_no === d.id)!;
        assert.equal(n.attempts[0]?.status, 401, 'refused as a failed verification');
        assert.equal(await ledgerRows(w), rowsBefore, 'nothing moved');
        assert.equal((await w.t.platform.payments.deposits.get(d.id))!.state, 'open');
        w.clock.advanceMs(15_000);
        await w.sandbox.runDue();
        assert.equal(n.attempts.length >= 1, true);
        const after = w.sandbox.notifications().find((x) => x.id === n.id)!;
        assert.equal(after.attempts[1]?.status, 204, 'the retry is accepted');
        assert.equal((await wallet(w.t, playerId)).postedFen, 3000);
      });
    }

    it('refuses forged and contradicting notifications, then applies the genuine one exactly once', async () => {
      const { playerId, d } = await openDeposit('forged');
      const mchid = w.sandbox.merchant.mchid;
      const base = {
        appid: SANDBOX_APPID,
        mchid,
        outTradeNo: d.id,
        transactionId: '4200000000202603020000000001',
        totalFen: 3000,
        openid: d.payerOpenid!,
        nowMs: w.clock.nowMs(),
      };
      const tx = (over: Partial<typeof base>) => transactionResource({ ...base, ...over });
      const send = (o: Partial<Parameters<typeof forge>[1]> & { resource: object }) =>
        post(forge(secrets, { nowMs: w.clock.nowMs(), eventType: 'TRANSACTION.SUCCESS', associatedData: 'transaction', ...o }));
      const rowsBefore = await ledgerRows(w);
      const cases: [string, Promise<{ status: number; text: string }>, number][] = [
        ['tampered ciphertext', send({ resource: tx({}), tamper: true }), 401],
        ['an unknown serial', send({ resource: tx({}), serial: 'PUB_KEY_ID_0000000000000000000000000000000099' }), 401],
        ['a stale timestamp', send({ resource: tx({}), timestampOffsetS: -600 }), 401],
        ['a SIGNTEST probe', send({ resource: tx({}), signature: `WECHATPAY/SIGNTEST/${'A'.repeat(300)}` }), 401],
        ['a garbage signature', send({ resource: tx({}), signature: 'bm90IGEgc2lnbmF0dXJl' }), 401],
        ['a mismatched amount', send({ resource: tx({ totalFen: 2999 }) }), 500],
        ['a mismatched appid', send({ resource: tx({ appid: 'wxsomeoneelse00000' }) }), 500],
        ['a mismatched mchid', send({ resource: tx({ mchid: '1900009999' }) }), 500],
        ['an order we never made', send({ resource: tx({ outTradeNo: 'Dnosuchorder000000000000' }) }), 500],
      ];
      for (const [label, pending, status] of cases) {
        const r = await pending;
        assert.equal(r.status, status, `${label}: ${r.text}`);
        if (status === 500) assert.deepEqual(JSON.parse(r.text), { code: 'FAIL', message: '失败' });
      }
      assert.equal(await ledgerRows(w), rowsBefore, 'nothing moved');
      assert.equal((await w.t.platform.payments.deposits.get(d.id))!.state, 'open');
      const events = await w.t.platform.payments.events([d.id]);
      assert.equal(events.filter((e) => e.kind === 'refused').length, 3, 'the three contradictions are on the order’s record');

      // A garbled body, a body too large and an empty one.
      assert.equal((await post({ headers: { 'content-type': 'application/json' }, body: '{' })).status, 401);
      assert.equal((await post({ headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70 * 1024) })).status, 413);

      // The genuine notification, twice: one credit.
      assert.equal((await send({ resource: tx({}) })).status, 204);
      assert.equal((await send({ resource: tx({}) })).status, 204);
      assert.equal((await wallet(w.t, playerId)).postedFen, 3000);
      assert.equal(await ledgerRows(w), rowsBefore + 1);
    });

    it('refuses a transfer notification whose amount differs, and one for a bill we never made', async () => {
      const p = await w.t.readyPlayer('forged-wd');
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 5000, channel: 'jsapi', idempotencyKey: 'forged-wd-dep' },
      });
      await w.sandbox.user.pay((dep.json.deposit as { id: string }).id);
      await w.settle();
      const r = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 2000, idempotencyKey: 'forged-wd-0001' },
      });
      const id = (r.json.withdrawal as { id: string }).id;
      const bill = (over: object) => ({
        out_bill_no: id,
        transfer_bill_no: '1330000000000000000000000000000001',
        state: 'SUCCESS',
        mch_id: w.sandbox.merchant.mchid,
        transfer_amount: 2000,
        openid: 'oanyone',
        create_time: '2026-03-02T09:00:00+08:00',
        update_time: '2026-03-02T09:00:10+08:00',
        ...over,
      });
      const send = (resource: object) =>
        post(forge(secrets, { nowMs: w.clock.nowMs(), eventType: 'MCHTRANSFER.BILL.FINISHED', associatedData: 'mch_payment', resource }));
      const rowsBefore = await ledgerRows(w);
      assert.equal((await send(bill({ transfer_amount: 20 }))).status, 500);
      assert.equal((await send(bill({ out_bill_no: 'Wnosuchbill' }))).status, 500);
      assert.equal(await ledgerRows(w), rowsBefore, 'nothing moved');
      assert.equal((await w.t.platform.payments.withdrawals.get(id))!.state, 'awaiting_confirmation');
      assert.equal((await wallet(w.t, p.playerId)).pendingDebitsFen, 2000, 'the hold stands');
    });
  });
}
