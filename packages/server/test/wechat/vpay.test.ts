// Room cards through WeChat's virtual payment (虚拟支付 2.0), the real adapter against the WeChat
// sandbox on both storage backends: the player signs in through code2session, the server signs the
// purchase (paySig with the AppKey, the user-state signature with the session_key it keeps sealed),
// the sandbox's payment sheet checks both, and its delivery push reaches the server over HTTP.
// Five cards pushed three times are credited once; a cancelled payment changes nothing; a forged
// PayEventSig is refused; a push that never comes is settled by the order query; the ledger's
// invariants hold throughout.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { wechatSignInAdapter } from '../../src/adapters.ts';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { VPAY_QUERY_AFTER_MS } from '../../src/vpay/service.ts';
import type { WechatConfig } from '../../src/wechat/config.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TERMS_VERSION, TestPlatform } from '../helpers/platform.ts';

const APP_IDS = { miniprogram: SANDBOX_MINIGAME_APPID, h5: SANDBOX_OFFICIAL_ACCOUNT_APPID };
const OFFER_ID = '1450000001';
const APP_KEY = 'sandboxVpayAppKey0123456789abcdef';

for (const backend of backends()) {
  describe(`room cards through WeChat virtual payment on ${backend.name}`, () => {
    let t: TestPlatform;
    let sandbox: Sandbox;
    let pushUrl: string;

    before(async () => {
      const dataKey = Buffer.alloc(32, 9);
      t = await TestPlatform.start(backend, {
        config: { wechatAppIds: APP_IDS, dataKey, devLoginAllowed: false, wechat: { provider: 'wechat' } as WechatConfig },
        adapters: async (clock, store) => {
          sandbox = await startSandbox({ clock });
          sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, offerId: OFFER_ID, appKey: APP_KEY });
          const secret = (appid: string) => sandbox.weixin.apps().find((a) => a.appid === appid)?.secret as string;
          const wechat: WechatConfig = {
            provider: 'wechat',
            apps: {
              miniprogram: { appid: SANDBOX_MINIGAME_APPID, secret: secret(SANDBOX_MINIGAME_APPID) },
              h5: null,
              web: null,
            },
            h5Scope: 'snsapi_base',
            phone: false,
            apiBaseUrl: sandbox.baseUrl,
            openBaseUrl: sandbox.pagesUrl,
            timeoutMs: 5000,
            publicUrl: undefined,
            vpay: { offerId: OFFER_ID, appKey: APP_KEY, env: 1, productId: 'room_card' },
          };
          return {
            ...testAdapters(clock, { appIds: APP_IDS }),
            signIn: wechatSignInAdapter({ wechat, dataKey }, clock, { store, onWechatOperatorFault: () => undefined }),
          };
        },
      });
      // WeChat pushes over HTTP: the platform listens on a loopback port for the sandbox.
      await t.platform.app.listen({ port: 0, host: '127.0.0.1' });
      pushUrl = `http://127.0.0.1:${(t.platform.app.server.address() as AddressInfo).port}/api/vpay/wechat/push`;
      sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, pushUrl });
    });
    after(async () => {
      await t.close();
      await sandbox.close();
    });

    /** A mini-game player signed in through code2session who accepted the agreement. */
    async function miniGamePlayer(handle: string): Promise<{ token: string; playerId: string; openid: string }> {
      sandbox.weixin.upsertPlayer({ handle, apps: [SANDBOX_MINIGAME_APPID] });
      const code = sandbox.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
      const login = await t.request('POST', '/api/auth/wechat/login', { body: { kind: 'miniprogram', code } });
      assert.equal(login.status, 200, login.text);
      const token = (login.json.tokens as { accessToken: string }).accessToken;
      const terms = await t.request('POST', '/api/me/terms', { token, body: { version: TERMS_VERSION } });
      assert.equal(terms.status, 200, terms.text);
      const openid = sandbox.weixin.player(handle)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid as string;
      return { token, playerId: (login.json.player as { id: string }).id, openid };
    }
    const cards = async (token: string) => (await t.request('GET', '/api/rooms/cards', { token })).json.cards as number;
    const sign = async (token: string, quantity: number) => {
      const r = await t.request('POST', '/api/vpay/room-cards', { token, body: { quantity } });
      assert.equal(r.status, 201, r.text);
      assert.doesNotMatch(r.text, /session_?key/i);
      return r.json as { outTradeNo: string; signData: string; paySig: string; signature: string; cashFen: number };
    };
    const invariants = async () => assert.deepEqual((await t.platform.ledger.checkInvariants()).problems, []);
    const clearing = async () =>
      (await t.platform.ledger.balances('system', 'provider_clearing')).find((b) => b.asset === 'CNY')?.availableFen ?? 0;

    it('buys 5 room cards: the sheet checks both signatures, the push comes three times, the cards arrive once', async () => {
      const p = await miniGamePlayer('vp-buyer');
      assert.equal(await cards(p.token), 0);
      const clearingBefore = await clearing();
      const s = await sign(p.token, 5);
      const data = JSON.parse(s.signData) as Record<string, unknown>;
      assert.equal(data.offerId, OFFER_ID);
      assert.equal(data.buyQuantity, 5);
      assert.equal(data.currencyType, 'CNY');
      assert.equal(data.env, 1);
      const answer = sandbox.vpay.pay({
        appid: SANDBOX_MINIGAME_APPID,
        openid: p.openid,
        signData: s.signData,
        paySig: s.paySig,
        signature: s.signature,
        outcome: 'paid',
        pushCopies: 3,
      });
      assert.equal(answer.errCode, 0, answer.errMsg);
      await sandbox.runDue();
      const pushes = sandbox.vpay.pushes(s.outTradeNo);
      assert.equal(pushes.length, 3);
      assert.ok(pushes.every((x) => x.accepted && x.errCode === 0));
      assert.equal(await cards(p.token), 5, 'credited once');
      assert.equal(await clearing(), clearingBefore - s.cashFen, 'the CNY came from the provider clearing account');
      const check = await t.request('POST', `/api/vpay/orders/${s.outTradeNo}/check`, { token: p.token });
      assert.equal(check.status, 200, check.text);
      assert.equal(check.json.status, 'delivered');
      assert.equal(check.json.settledBy, 'push');
      assert.equal(check.json.pushes, 3);
      assert.equal(sandbox.vpay.order(s.outTradeNo)?.status, 4, 'WeChat saw the delivery acknowledged');
      await invariants();
    });

    it('a cancelled or failed payment changes nothing, and a tampered signature is refused by the sheet', async () => {
      const p = await miniGamePlayer('vp-canceller');
      const before = await t.snapshot();
      const s = await sign(p.token, 5);
      const pay = (outcome: 'cancelled' | 'failed', over: Partial<{ paySig: string; signature: string }> = {}) =>
        sandbox.vpay.pay({
          appid: SANDBOX_MINIGAME_APPID,
          openid: p.openid,
          signData: s.signData,
          paySig: s.paySig,
          signature: s.signature,
          outcome,
          ...over,
        });
      assert.equal(pay('cancelled').errCode, -2);
      assert.equal(pay('failed').errCode, -1);
      assert.equal(pay('cancelled', { paySig: s.paySig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }).errCode, -15001);
      assert.equal(pay('cancelled', { signature: s.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }).errCode, -15001);
      await sandbox.runDue();
      assert.equal(await cards(p.token), 0);
      const after = await t.snapshot();
      assert.equal(after.ledger_transfers, before.ledger_transfers, 'no transfer');
      // The query finds no paid order; past the expiry the sweep closes it.
      t.clock.advanceMs(31 * 60_000);
      await t.platform.jobs.runDue();
      const rows = await t.store.reader.query<{ status: string; queries: unknown }>(
        'SELECT status, queries FROM vpay_orders WHERE out_trade_no = ?',
        [s.outTradeNo],
      );
      assert.equal(rows[0]?.status, 'expired');
      assert.ok(Number(rows[0]?.queries) >= 1, 'WeChat was asked first');
      assert.equal((await t.snapshot()).ledger_transfers, before.ledger_transfers);
      await invariants();
    });

    it('refuses a push whose PayEventSig does not verify, and credits the genuine one', async () => {
      const p = await miniGamePlayer('vp-forged');
      const s = await sign(p.token, 2);
      const answer = sandbox.vpay.pay({
        appid: SANDBOX_MINIGAME_APPID,
        openid: p.openid,
        signData: s.signData,
        paySig: s.paySig,
        signature: s.signature,
        outcome: 'paid',
        forgedPush: true,
      });
      assert.equal(answer.errCode, 0);
      await sandbox.runDue();
      const [forged, genuine] = sandbox.vpay.pushes(s.outTradeNo);
      assert.equal(forged?.forged, true);
      assert.equal(forged?.httpStatus, 401);
      assert.equal(forged?.accepted, false);
      assert.equal(genuine?.accepted, true);
      assert.equal(await cards(p.token), 2);
      // A forged push straight at the endpoint, for an order that is still pending, credits nothing.
      const s2 = await sign(p.token, 3);
      const payload = JSON.stringify({
        OpenId: p.openid,
        Env: 1,
        OutTradeNo: s2.outTradeNo,
        GoodsInfo: { ProductId: 'room_card', Quantity: 3 },
      });
      const r = await t.request('POST', '/api/vpay/wechat/push', {
        raw: JSON.stringify({
          Event: 'minigame_game_pay_goods_deliver_notify',
          MiniGame: { Payload: payload, PayEventSig: 'f'.repeat(64) },
        }),
      });
      assert.equal(r.status, 401);
      assert.notEqual(r.json.ErrCode, 0);
      assert.equal(await cards(p.token), 2);
      await invariants();
    });

    it('settles a paid order whose push never comes by querying WeChat (the client after a timeout, and the sweep)', async () => {
      const p = await miniGamePlayer('vp-nopush');
      const pay = (s: { signData: string; paySig: string; signature: string }) =>
        sandbox.vpay.pay({ appid: SANDBOX_MINIGAME_APPID, openid: p.openid, ...s, outcome: 'paid', dropPush: true });
      const a = await sign(p.token, 4);
      assert.equal(pay(a).errCode, 0);
      await sandbox.runDue();
      assert.equal(sandbox.vpay.pushes(a.outTradeNo).length, 0);
      assert.equal(await cards(p.token), 0);
      // The client's payment call timed out: it asks the server, which asks WeChat.
      const check = await t.request('POST', `/api/vpay/orders/${a.outTradeNo}/check`, { token: p.token });
      assert.equal(check.status, 200, check.text);
      assert.equal(check.json.status, 'delivered');
      assert.equal(check.json.settledBy, 'query');
      assert.equal(await cards(p.token), 4);
      // Nobody asks: the sweep does, once the query window has passed.
      const b = await sign(p.token, 1);
      assert.equal(pay(b).errCode, 0);
      t.clock.advanceMs(VPAY_QUERY_AFTER_MS + 1000);
      await t.platform.jobs.runDue();
      const settled = await t.store.reader.query<{ status: string; settled_by: string }>(
        'SELECT status, settled_by FROM vpay_orders WHERE out_trade_no = ?',
        [b.outTradeNo],
      );
      assert.deepEqual({ ...settled[0] }, { status: 'delivered', settled_by: 'query' });
      assert.equal(
        (await t.platform.ledger.balances('player', p.playerId)).find((x) => x.asset === 'ROOM_CARD')?.availableFen,
        5,
        'credited once more, by the sweep',
      );
      await invariants();
    });

    it('credits once when the same push arrives several times at once', async () => {
      const p = await miniGamePlayer('vp-parallel');
      const s = await sign(p.token, 3);
      // Paid at the sheet, the push withheld: the test delivers it itself, five copies in parallel.
      assert.equal(
        sandbox.vpay.pay({
          appid: SANDBOX_MINIGAME_APPID,
          openid: p.openid,
          signData: s.signData,
          paySig: s.paySig,
          signature: s.signature,
          outcome: 'paid',
          dropPush: true,
        }).errCode,
        0,
      );
      const payload = JSON.stringify({
        OpenId: p.openid,
        Env: 1,
        OutTradeNo: s.outTradeNo,
        GoodsInfo: { ProductId: 'room_card', Quantity: 3 },
      });
      const event = 'minigame_game_pay_goods_deliver_notify';
      const sig = createHmac('sha256', APP_KEY).update(`${event}&${payload}`).digest('hex');
      const body = JSON.stringify({ MsgType: 'event', Event: event, MiniGame: { Payload: payload, PayEventSig: sig } });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => fetch(pushUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })),
      );
      for (const a of answers) {
        assert.equal(a.status, 200);
        assert.deepEqual(await a.json(), { ErrCode: 0, ErrMsg: 'Success' });
      }
      assert.equal(await cards(p.token), 3);
      const rows = await t.store.reader.query<{ pushes: unknown }>('SELECT pushes FROM vpay_orders WHERE out_trade_no = ?', [s.outTradeNo]);
      assert.equal(Number(rows[0]?.pushes), 5);
      // A push that does not match what was signed (another quantity) is refused, never credited.
      const s2 = await sign(p.token, 2);
      const bad = JSON.stringify({
        OpenId: p.openid,
        Env: 1,
        OutTradeNo: s2.outTradeNo,
        GoodsInfo: { ProductId: 'room_card', Quantity: 20 },
      });
      const r = await fetch(pushUrl, {
        method: 'POST',
        body: JSON.stringify({
          Event: event,
          MiniGame: { Payload: bad, PayEventSig: createHmac('sha256', APP_KEY).update(`${event}&${bad}`).digest('hex') },
        }),
      });
      assert.equal(r.status, 409);
      assert.equal(await cards(p.token), 3);
      await invariants();
    });

    it('shows the orders and their reconciliation in the console', async () => {
      const op = await t.createOperator(['finance']);
      const token = await t.loginOperator(op);
      const list = await t.request('GET', '/api/admin/vpay/orders', { token });
      assert.equal(list.status, 200, list.text);
      assert.ok((list.json.items as unknown[]).length >= 5);
      const rec = await t.request('GET', '/api/admin/vpay/reconciliation', { token });
      assert.equal(rec.status, 200, rec.text);
      assert.equal(rec.json.enabled, true);
      assert.equal((rec.json.delivered as { cards: number }).cards, 5 + 2 + 4 + 1 + 3);
      assert.equal(rec.json.settledByQuery, 2);
    });

    /** A delivered order of `quantity` cards for the player (paid at the sheet, the push answered). */
    async function delivered(p: { token: string; openid: string }, quantity: number): Promise<string> {
      const s = await sign(p.token, quantity);
      const answer = sandbox.vpay.pay({ appid: SANDBOX_MINIGAME_APPID, openid: p.openid, ...s, outcome: 'paid' });
      assert.equal(answer.errCode, 0, answer.errMsg);
      await sandbox.runDue();
      return s.outTradeNo;
    }
    const roomCards = async (playerId: string) =>
      (await t.platform.ledger.balances('player', playerId)).find((b) => b.asset === 'ROOM_CARD')?.postedFen ?? 0;
    const systemCny = async (name: string) =>
      (await t.platform.ledger.balances('system', name)).find((b) => b.asset === 'CNY')?.postedFen ?? 0;

    it('refunds a delivered order from the console: the cards come back first, WeChat refunds, once per key; audited', async () => {
      const p = await miniGamePlayer('vp-refund');
      const outTradeNo = await delivered(p, 3);
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      const support = await t.loginOperator(await t.createOperator(['support']));
      const url = `/api/admin/vpay/orders/${outTradeNo}/refund`;
      const body = { reason: 'bought by mistake', idempotencyKey: 'vp-refund-0001' };
      const denied = await t.request('POST', url, { token: support, body });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.code, 'AUTH_ROLE_MISSING');
      const noReason = await t.request('POST', url, { token: finance, body: { idempotencyKey: 'vp-refund-0001' } });
      assert.equal(noReason.status, 400);
      const clearingBefore = await clearing();
      const revenueBefore = await systemCny('revenue');
      const r = await t.request('POST', url, { token: finance, body });
      assert.equal(r.status, 201, r.text);
      const order = r.json.order as { refundState: string; refundNo: string; refundReason: string };
      assert.equal(r.json.replayed, false);
      assert.equal(order.refundState, 'refunded');
      assert.equal(order.refundReason, 'bought by mistake');
      assert.equal(await roomCards(p.playerId), 0, 'the cards were taken back');
      const cash = (sandbox.vpay.order(outTradeNo)?.goodsPrice ?? 0) * 3;
      assert.ok(cash > 0);
      assert.equal(await clearing(), clearingBefore + cash, 'the CNY went back to the clearing account');
      assert.equal(revenueBefore - (await systemCny('revenue')), cash, 'out of revenue');
      assert.equal(sandbox.vpay.order(outTradeNo)?.status, 5, 'WeChat refunded it');
      assert.deepEqual(
        sandbox.vpay
          .refunds()
          .filter((x) => x.outTradeNo === outTradeNo)
          .map((x) => x.refundNo),
        [order.refundNo],
      );
      const before = await t.snapshot();
      const again = await t.request('POST', url, { token: finance, body });
      assert.equal(again.status, 201, again.text);
      assert.equal(again.json.replayed, true);
      const conflict = await t.request('POST', url, { token: finance, body: { ...body, reason: 'another reason' } });
      assert.equal(conflict.json.code, 'VPAY_IDEMPOTENCY_CONFLICT');
      const twice = await t.request('POST', url, { token: finance, body: { ...body, idempotencyKey: 'vp-refund-0002' } });
      assert.equal(twice.status, 409);
      assert.equal(twice.json.code, 'VPAY_ORDER_NOT_REFUNDABLE');
      assert.deepEqual(await t.snapshot(), before, 'nothing moved again');
      const audit = await t.store.reader.query<{ action: string; reason: string }>(
        "SELECT action, reason FROM admin_audit WHERE target_id = ? AND action = 'vpay.refund'",
        [outTradeNo],
      );
      assert.deepEqual(
        audit.map((a) => ({ ...a })),
        [{ action: 'vpay.refund', reason: 'bought by mistake' }],
      );
      await invariants();
    });

    it('refuses to refund an order whose cards are spent, and keeps the cards when WeChat refuses', async () => {
      const p = await miniGamePlayer('vp-refund-spent');
      const outTradeNo = await delivered(p, 2);
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      // The player spends one of the two cards.
      await t.store.unitOfWork((tx) =>
        t.platform.ledger.transfer(tx, {
          scope: 'test.spend',
          key: outTradeNo,
          debit: playerAccount(p.playerId, 'ROOM_CARD'),
          credit: systemAccount('room_card_issuance', 'ROOM_CARD'),
          asset: 'ROOM_CARD',
          amount: 1,
          code: 'room_card_consume',
        }),
      );
      const before = await t.snapshot();
      const spent = await t.request('POST', `/api/admin/vpay/orders/${outTradeNo}/refund`, {
        token: finance,
        body: { reason: 'asked for it back', idempotencyKey: 'vp-spent-0001' },
      });
      assert.equal(spent.status, 409, spent.text);
      assert.equal(spent.json.code, 'VPAY_REFUND_CARDS_SPENT');
      assert.deepEqual(await t.snapshot(), before, 'nothing changed');
      assert.equal(sandbox.vpay.order(outTradeNo)?.status, 4, 'WeChat was not asked');

      const other = await delivered(p, 2);
      sandbox.faults.inject({ endpoint: 'POST /xpay/refund_order', kind: 'weixin-errcode', errcode: 268490013, count: 1 });
      const refused = await t.request('POST', `/api/admin/vpay/orders/${other}/refund`, {
        token: finance,
        body: { reason: 'asked for it back', idempotencyKey: 'vp-refused-0001' },
      });
      assert.equal(refused.status, 201, refused.text);
      assert.equal((refused.json.order as { refundState: string }).refundState, 'failed');
      assert.equal((refused.json.order as { refundFailure: string }).refundFailure, '268490013');
      assert.equal(await roomCards(p.playerId), 1 + 2, 'the hold was released');
      await invariants();
    });

    it('asks WeChat again with the same refund number when its answer was unclear (the sweep)', async () => {
      const p = await miniGamePlayer('vp-refund-unclear');
      const outTradeNo = await delivered(p, 4);
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      // WeChat makes the refund but the answer is lost (a 500 after the work).
      sandbox.faults.inject({ endpoint: 'POST /xpay/refund_order', kind: 'http500-after', count: 1 });
      const r = await t.request('POST', `/api/admin/vpay/orders/${outTradeNo}/refund`, {
        token: finance,
        body: { reason: 'double purchase', idempotencyKey: 'vp-unclear-0001' },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal((r.json.order as { refundState: string }).refundState, 'refunding');
      assert.equal(await roomCards(p.playerId), 4, 'held, not yet taken');
      const held = (await t.platform.ledger.balances('player', p.playerId)).find((b) => b.asset === 'ROOM_CARD');
      assert.equal(held?.availableFen, 0);
      t.clock.advanceMs(VPAY_QUERY_AFTER_MS + 1000);
      await t.platform.jobs.runDue();
      const o = await t.request('GET', '/api/admin/vpay/orders?limit=200', { token: finance });
      const row = (o.json.items as { outTradeNo: string; refundState: string }[]).find((x) => x.outTradeNo === outTradeNo);
      assert.equal(row?.refundState, 'refunded');
      assert.equal(await roomCards(p.playerId), 0);
      assert.equal(sandbox.vpay.refunds().filter((x) => x.outTradeNo === outTradeNo).length, 1, 'one refund at WeChat');
      await invariants();
    });

    it('reconciles the day’s bill with orders, pushes and queries, and books WeChat’s fee once', async () => {
      const finance = await t.loginOperator(await t.createOperator(['finance']));
      // Paid at WeChat, but neither push nor query has credited it yet.
      const p = await miniGamePlayer('vp-bill');
      const s = await sign(p.token, 1);
      assert.equal(sandbox.vpay.pay({ appid: SANDBOX_MINIGAME_APPID, openid: p.openid, ...s, outcome: 'paid', dropPush: true }).errCode, 0);
      const day = new Date(t.clock.nowMs() + 8 * 3600_000).toISOString().slice(0, 10);
      const early = await t.request('POST', `/api/admin/vpay/bills/${day}/settle`, { token: finance });
      assert.equal(early.status, 409);
      assert.equal(early.json.code, 'VPAY_BILL_NOT_READY');
      t.clock.advanceMs(24 * 3600_000);
      const financeLater = await t.loginOperator(await t.createOperator(['finance']));
      const feesBefore = await systemCny('provider_fees');
      const r = await t.request('POST', `/api/admin/vpay/bills/${day}/settle`, { token: financeLater });
      assert.equal(r.status, 200, r.text);
      const lines = sandbox.vpay.billLines(SANDBOX_MINIGAME_APPID, day.replaceAll('-', ''));
      const fee = lines.reduce((sum, l) => sum + l.feeFen, 0);
      assert.ok(fee > 0);
      assert.equal(r.json.feeFen, fee);
      assert.equal(r.json.pays, lines.filter((l) => l.kind === 'pay').length);
      assert.equal(r.json.refunds, 2, 'the two refunds WeChat made');
      const kinds = (r.json.mismatches as { kind: string; outTradeNo: string }[]).map((m) => `${m.kind} ${m.outTradeNo}`);
      assert.ok(kinds.includes(`not_delivered ${s.outTradeNo}`), kinds.join('\n'));
      assert.equal(kinds.filter((k) => k.startsWith('settled_by_query')).length, 2, kinds.join('\n'));
      assert.equal(kinds.filter((k) => !k.startsWith('settled_by_query') && !k.startsWith('not_delivered')).length, 0, kinds.join('\n'));
      assert.equal(feesBefore - (await systemCny('provider_fees')), fee, 'the fee is booked: provider_fees → provider_clearing');
      // Run again: the fee is not booked twice.
      const transfers = (await t.snapshot()).ledger_transfers;
      const again = await t.request('POST', `/api/admin/vpay/bills/${day}/settle`, { token: financeLater });
      assert.equal(again.json.runs, 2);
      assert.equal((await t.snapshot()).ledger_transfers, transfers);
      const list = await t.request('GET', '/api/admin/vpay/bills', { token: financeLater });
      assert.equal((list.json.items as { billDate: string }[])[0]?.billDate, day);
      // The next day ends: the bills job settles it by itself, and leaves the settled day alone.
      t.clock.advanceMs(24 * 3600_000);
      await t.platform.jobs.runDue();
      const next = new Date(t.clock.nowMs() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
      const bills = await t.store.reader.query<{ bill_date: string; runs: unknown }>(
        'SELECT bill_date, runs FROM vpay_bills WHERE bill_date IN (?, ?) ORDER BY bill_date',
        [day, next],
      );
      assert.deepEqual(
        bills.map((b) => [b.bill_date, Number(b.runs)]),
        [
          [day, 2],
          [next, 1],
        ],
      );
      await invariants();
    });

    it('answers VPAY_SESSION_REQUIRED when no WeChat session is on file (the game signs in again)', async () => {
      const p = await miniGamePlayer('vp-nosession');
      await t.store.unitOfWork((tx) => tx.run('DELETE FROM player_wechat_sessions WHERE player_id = ?', [p.playerId]));
      const r = await t.request('POST', '/api/vpay/room-cards', { token: p.token, body: { quantity: 1 } });
      assert.equal(r.status, 401);
      assert.equal(r.json.code, 'VPAY_SESSION_REQUIRED');
    });

    it('refuses a quantity out of range before signing anything', async () => {
      const r = await t.request('POST', '/api/vpay/room-cards', { token: (await miniGamePlayer('vp-check')).token, body: { quantity: 0 } });
      assert.equal(r.json.code, 'ROOM_CARD_QUANTITY_INVALID');
    });
  });
}
