// One idempotency behaviour for every money route in the OpenAPI document (`x-fairground-kind:
// money`), as the README promises: the same key with the same content, sent six times at once and
// once more later, makes one effect — one answer with `replayed: false`, the others the same
// result with `replayed: true` (or, while the first is still running, a retryable 409) — and moves
// nothing again; the same key with different content is a 409 conflict that changes nothing. A
// money route added without a case here fails the test. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VPAY_DELIVER_EVENT, vpayEventSig } from '@fairground/wechatpay/vpay';
import { backends } from '../../src/adapters/testing.ts';
import type { VirtualPaymentPort } from '../../src/vpay/ports.ts';
import type { Reply } from '../helpers/platform.ts';
import { startWorld, type World } from './world.ts';

const PARALLEL = 6;

interface Case {
  /** Prepares what the request needs (a funded player, a withdrawal in review, a tournament…). */
  setup(): Promise<void>;
  /** The request under one key: `same` content every time, or `other` content. */
  send(content: 'same' | 'other'): Promise<Reply>;
  /** The identity of the result (the same for every answer to one key). */
  idOf(r: Reply): unknown;
  /** The codes a conflict may answer with (the ledger's, or the domain's). */
  readonly conflicts: readonly string[];
}

/**
 * Money routes that move nothing themselves: they sign an order whose money arrives later under
 * the provider's own key, and that key is what makes it move once (tested with the route's domain).
 */
const SIGNS_ONLY: Record<string, string> = {
  'POST /api/vpay/room-cards': "WeChat's delivery push credits the cards once per OutTradeNo (test/vpay)",
};

/** WeChat's virtual payment as far as a refund needs it: every refund is made. */
const VPAY_PORT: VirtualPaymentPort = {
  appid: 'wxtestminiprogram',
  config: { offerId: '1450000009', appKey: 'idempotencyVpayAppKey0123456789ab', env: 1, productId: 'room_card' },
  queryOrder: async (q) => ({ outTradeNo: q.outTradeNo, status: 0, paid: false, quantity: null, orderFee: null }),
  refundOrder: async (r) => ({ wxRefundId: `wx${r.refundNo}` }),
  downloadBill: async () => [],
};

/** Routes whose idempotency key is the resource they decide on, not a body field. */
const NATURAL_KEY: Record<string, string> = {
  'POST /api/admin/payments/withdrawals/{withdrawalId}/approve': 'the withdrawal: one decision, by one operator with one note',
  'POST /api/admin/payments/withdrawals/{withdrawalId}/reject': 'the withdrawal: one decision, by one operator with one reason',
};

for (const backend of backends()) {
  describe(`idempotency of every money route on ${backend.name}`, () => {
    let w: World;
    let opToken: () => Promise<string>;
    const cases = new Map<string, Case>();
    let moneyRoutes: { key: string; op: Record<string, unknown> }[] = [];
    let refreshTokens: () => Promise<void> = async () => {};

    before(async () => {
      w = await startWorld(backend, { writers: 4, vpay: VPAY_PORT });
      const operator = await w.t.createOperator(['admin', 'finance', 'risk']);
      opToken = () => w.t.loginOperator(operator);
      const doc = await w.t.request('GET', '/openapi.json');
      const paths = doc.json.paths as Record<string, Record<string, Record<string, unknown>>>;
      moneyRoutes = Object.entries(paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op['x-fairground-kind'] === 'money')
          .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
      );

      // One funded player whose money the routes below move, with a paid deposit to refund.
      const p = await w.t.readyPlayer('idem-player');
      const funding = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 200_000, channel: 'jsapi', idempotencyKey: 'idem-funding' },
      });
      const depositId = (funding.json.deposit as { id: string }).id;
      await w.sandbox.user.pay(depositId);
      await w.settle();
      // Tokens are taken before each case (signing in writes sessions), then reused by its requests.
      let playerToken = p.token;
      let operatorToken = '';
      refreshTokens = async () => {
        playerToken = (await w.t.loginPlayer('idem-player')).token;
        operatorToken = await opToken();
      };
      const player = async () => playerToken;
      const operatorTokenNow = async () => operatorToken;
      const other = await w.t.readyPlayer('idem-other');

      cases.set('POST /api/payments/deposits', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', '/api/payments/deposits', {
            token: await player(),
            body: { amountFen: c === 'same' ? 1000 : 2000, channel: 'jsapi', idempotencyKey: 'idem-deposit-0001' },
          }),
        idOf: (r) => (r.json.deposit as { id: string }).id,
        conflicts: ['PAYMENT_IDEMPOTENCY_CONFLICT'],
      });
      cases.set('POST /api/payments/withdrawals', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', '/api/payments/withdrawals', {
            token: await player(),
            body: { amountFen: c === 'same' ? 1000 : 1500, idempotencyKey: 'idem-withdrawal-0001' },
          }),
        idOf: (r) => (r.json.withdrawal as { id: string }).id,
        conflicts: ['PAYMENT_IDEMPOTENCY_CONFLICT'],
      });
      // Withdrawals of ¥500 wait for an operator: one to approve, one to reject.
      const inReview: Record<'approve' | 'reject', string> = { approve: '', reject: '' };
      for (const decision of ['approve', 'reject'] as const) {
        const key = `POST /api/admin/payments/withdrawals/{withdrawalId}/${decision}`;
        cases.set(key, {
          setup: async () => {
            const r = await w.t.request('POST', '/api/payments/withdrawals', {
              token: await player(),
              body: { amountFen: 50_000, idempotencyKey: `idem-review-${decision}` },
            });
            assert.equal((r.json.withdrawal as { state: string }).state, 'review', r.text);
            inReview[decision] = (r.json.withdrawal as { id: string }).id;
          },
          send: async (c) =>
            w.t.request('POST', `/api/admin/payments/withdrawals/${inReview[decision]}/${decision}`, {
              token: await operatorTokenNow(),
              body:
                decision === 'approve'
                  ? { note: c === 'same' ? 'checked' : 'checked twice' }
                  : { reason: c === 'same' ? 'looks stolen' : 'other reason' },
            }),
          idOf: (r) => `${String(r.json.id)} ${String(r.json.state === 'rejected')}`,
          conflicts: ['PAYMENT_STATE_INVALID'],
        });
      }
      cases.set('POST /api/admin/payments/deposits/{depositId}/refunds', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', `/api/admin/payments/deposits/${depositId}/refunds`, {
            token: await operatorTokenNow(),
            body: { amountFen: c === 'same' ? 100 : 200, reason: 'asked for it back', idempotencyKey: 'idem-refund-0001' },
          }),
        idOf: (r) => (r.json.refund as { id: string }).id,
        conflicts: ['PAYMENT_IDEMPOTENCY_CONFLICT'],
      });
      // A room-card order delivered by a signed push (the port below stands in for WeChat), refunded.
      const outTradeNo = 'vpidem0000000000000000000001';
      await w.t.store.unitOfWork((tx) =>
        tx.run(
          `INSERT INTO vpay_orders (out_trade_no, player_id, app_id, openid, env, product_id, quantity, price_fen, cash_fen, status, pushes, queries, created_at_ms, updated_at_ms)
           VALUES (?, ?, 'wxtestminiprogram', 'oIdemOpenid0000000000000001', 1, 'room_card', 2, 100, 200, 'pending', 0, 0, ?, ?)`,
          [outTradeNo, p.playerId, tx.nowMs, tx.nowMs],
        ),
      );
      const payload = JSON.stringify({
        OpenId: 'oIdemOpenid0000000000000001',
        Env: 1,
        OutTradeNo: outTradeNo,
        GoodsInfo: { ProductId: 'room_card', Quantity: 2 },
      });
      const pushed = await w.t.request('POST', '/api/vpay/wechat/push', {
        raw: JSON.stringify({
          Event: VPAY_DELIVER_EVENT,
          MiniGame: { Payload: payload, PayEventSig: vpayEventSig(VPAY_PORT.config.appKey, VPAY_DELIVER_EVENT, payload) },
        }),
      });
      assert.equal(pushed.status, 200, pushed.text);
      cases.set('POST /api/admin/vpay/orders/{outTradeNo}/refund', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', `/api/admin/vpay/orders/${outTradeNo}/refund`, {
            token: await operatorTokenNow(),
            body: { reason: c === 'same' ? 'bought by mistake' : 'another reason', idempotencyKey: 'idem-vpay-refund-0001' },
          }),
        idOf: (r) => (r.json.order as { refundNo: string }).refundNo,
        conflicts: ['VPAY_IDEMPOTENCY_CONFLICT'],
      });
      cases.set('POST /api/admin/players/{playerId}/adjustments', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', `/api/admin/players/${p.playerId}/adjustments`, {
            token: await operatorTokenNow(),
            body: {
              asset: 'CNY',
              amountFen: c === 'same' ? 300 : 400,
              reason: 'goodwill for a failed match',
              idempotencyKey: 'idem-adjust-0001',
            },
          }),
        idOf: (r) => r.json.transferId,
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
      let campaignId = '';
      cases.set('POST /api/admin/promotions/campaigns/{campaignId}/grants', {
        setup: async () => {
          const r = await w.t.request('POST', '/api/admin/promotions/campaigns', {
            token: await operatorTokenNow(),
            body: { name: 'Idempotent bonus', kind: 'bonus', amount: 500, wageringMultiplier: 1, budget: 100_000, perPlayerMax: 5 },
          });
          assert.equal(r.status, 201, r.text);
          campaignId = r.json.id as string;
        },
        send: async (c) =>
          w.t.request('POST', `/api/admin/promotions/campaigns/${campaignId}/grants`, {
            token: await operatorTokenNow(),
            body: { playerId: c === 'same' ? p.playerId : other.playerId, idempotencyKey: 'idem-grant-0001', reason: 'welcome' },
          }),
        idOf: (r) => r.json.id,
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
      cases.set('POST /api/rooms/cards/purchase', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', '/api/rooms/cards/purchase', {
            token: await player(),
            body: { quantity: c === 'same' ? 2 : 3, idempotencyKey: 'idem-cards-0001' },
          }),
        idOf: (r) => (r.json.order as { orderId: string }).orderId,
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
      // A buyer below the first VIP tier (whose skins the tier would give for nothing), funded by an operator.
      const buyer = await w.t.readyPlayer('idem-skin-buyer');
      cases.set('POST /api/me/skins/{skinId}/purchase', {
        setup: async () => {
          const funded = await w.t.request('POST', `/api/admin/players/${buyer.playerId}/adjustments`, {
            token: await operatorTokenNow(),
            body: { asset: 'CNY', amountFen: 5_000, reason: 'funds for a skin purchase', idempotencyKey: 'idem-skin-funds-01' },
          });
          assert.ok(funded.status < 300, funded.text);
        },
        send: async (c) =>
          w.t.request('POST', `/api/me/skins/${c === 'same' ? 'jade' : 'gold'}/purchase`, {
            token: buyer.token,
            body: { idempotencyKey: 'idem-skin-0001' },
          }),
        idOf: (r) => (r.json.skins as { skins: Array<{ id: string; source: string | null }> }).skins.filter((s) => s.source === 'bought'),
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
      cases.set('POST /api/skill/matches', {
        setup: async () => {},
        send: async (c) =>
          w.t.request('POST', '/api/skill/matches', {
            token: await player(),
            body: { game: 'match3', entryFeeFen: c === 'same' ? 100 : 200, idempotencyKey: 'idem-match-0001' },
          }),
        idOf: (r) => (r.json.match as { matchId: string }).matchId,
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
      const tournaments: string[] = [];
      cases.set('POST /api/skill/tournaments/{tournamentId}/entries', {
        setup: async () => {
          for (const title of ['Idempotent cup', 'Another cup']) {
            const now = w.clock.nowMs();
            const r = await w.t.request('POST', '/api/admin/skill/tournaments', {
              token: await operatorTokenNow(),
              body: {
                game: 'match3',
                title,
                entryFeeFen: 500,
                prizeWeights: [1],
                playersMin: 2,
                playersMax: 10,
                entryClosesAtMs: now + 3_600_000,
                endsAtMs: now + 7_200_000,
              },
            });
            assert.equal(r.status, 201, r.text);
            tournaments.push(r.json.tournamentId as string);
          }
        },
        send: async (c) =>
          w.t.request('POST', `/api/skill/tournaments/${tournaments[c === 'same' ? 0 : 1]}/entries`, {
            token: await player(),
            body: { idempotencyKey: 'idem-entry-0001' },
          }),
        idOf: (r) => r.json.tournamentId,
        conflicts: ['LEDGER_IDEMPOTENCY_CONFLICT'],
      });
    });

    after(async () => {
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
      await w.close();
    });

    /** Row counts of everything a money route writes, and every account's balance: equal means nothing moved. */
    async function state(): Promise<Record<string, unknown>> {
      const counts = await w.t.snapshot();
      for (const table of [
        'payment_deposits',
        'payment_withdrawals',
        'payment_refunds',
        'payment_outbox',
        'room_orders',
        'skill_sessions',
        'skill_matches',
        'skill_tournament_entries',
        'promo_grants',
      ]) {
        const rows = await w.t.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
        counts[table] = Number(rows[0]?.n ?? 0);
      }
      const accounts = await w.t.store.reader.query<Record<string, unknown>>(
        'SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts ORDER BY id',
      );
      const decided = await w.t.store.reader.query<Record<string, unknown>>(
        'SELECT id, state, reviewed_by, review_note FROM payment_withdrawals ORDER BY id',
      );
      return { counts, accounts: JSON.stringify(accounts), withdrawals: JSON.stringify(decided) };
    }

    it('has a case for every money route, each with a key and a `replayed` answer', () => {
      assert.ok(moneyRoutes.length >= 10, 'the document lists the money routes');
      assert.deepEqual(
        moneyRoutes.map((r) => r.key).filter((k) => !cases.has(k) && !(k in SIGNS_ONLY)),
        [],
        'every money route is tested here',
      );
      for (const { key, op } of moneyRoutes) {
        if (key in SIGNS_ONLY) continue;
        const schemaOf = (o: unknown) =>
          (o as { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> })?.content?.['application/json']?.schema;
        const responses = op.responses as Record<string, unknown>;
        const ok = Object.entries(responses).find(([status]) => status.startsWith('2'))?.[1];
        assert.ok(schemaOf(ok)?.properties?.replayed, `${key} answers replayed`);
        if (!(key in NATURAL_KEY)) assert.ok(schemaOf(op.requestBody)?.properties?.idempotencyKey, `${key} takes an idempotency key`);
      }
    });

    it('makes one effect for one key sent in parallel and again, and refuses the key with other content', async () => {
      for (const [route, c] of cases) {
        await refreshTokens();
        await c.setup();
        const first = await Promise.all(Array.from({ length: PARALLEL }, () => c.send('same')));
        for (const r of first) {
          assert.ok(r.status < 300 || (r.status === 409 && r.json.retryable === true), `${route}: ${r.status} ${r.text.slice(0, 300)}`);
        }
        const answered = first.filter((r) => r.status < 300);
        assert.equal(answered.filter((r) => r.json.replayed === false).length, 1, `${route}: one request did the work`);
        assert.equal(new Set(answered.map((r) => JSON.stringify(c.idOf(r)))).size, 1, `${route}: one result`);
        await w.settle();
        const made = await state();

        const again = await c.send('same');
        assert.ok(again.status < 300, `${route}: ${again.text.slice(0, 300)}`);
        assert.equal(again.json.replayed, true, `${route}: the retry says replayed`);
        assert.deepEqual(c.idOf(again), c.idOf(answered[0]!), `${route}: the original result`);
        await w.settle();
        assert.deepEqual(await state(), made, `${route}: nothing moved again`);

        const conflict = await c.send('other');
        assert.equal(conflict.status, 409, `${route}: ${conflict.text.slice(0, 300)}`);
        assert.ok(c.conflicts.includes(String(conflict.json.code)), `${route}: ${String(conflict.json.code)}`);
        assert.equal(conflict.json.retryable, false);
        await w.settle();
        assert.deepEqual(await state(), made, `${route}: the conflict changed nothing`);
      }
    });
  });
}
