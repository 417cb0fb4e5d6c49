// Crashes at the worst moments. The real server runs as a child process against a WeChat Pay
// sandbox in this process; with FAIL_AT=<failpoint> it kills itself (SIGKILL) at that point of a
// deposit, withdrawal or refund. The test checks it died exactly there, starts it again on the same
// database, lets the outbox, the sweeps and WeChat Pay's retried notifications run, and checks the
// properties: one order, one bill, one refund; credited, debited and refunded exactly once; the
// ledger's invariants; nothing left pending.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { Ledger } from '../../src/ledger/index.ts';
import { freePort, ServerProcess } from './process.ts';
import { SANDBOX_APPID } from './world.ts';

const ADMIN = {
  username: 'crashadmin',
  password: 'crash test admin password',
  totpSecret: base32Encode(Buffer.from('crash-test-totp-secret')),
};
const POLL_MS = 100;
const POLL_TIMEOUT_MS = 60_000;

type Flow = 'deposit' | 'withdrawal' | 'refund';
export interface Case {
  readonly failAt: string;
  readonly flow: Flow;
  /** Whether the process dies while answering the player's (or operator's) request, or later (a notification). */
  readonly diesOnRequest: boolean;
}

export const CASES: readonly Case[] = [
  { failAt: 'after_order_created', flow: 'deposit', diesOnRequest: true },
  { failAt: 'after_provider_call.deposit.create', flow: 'deposit', diesOnRequest: true },
  { failAt: 'before_credit', flow: 'deposit', diesOnRequest: false },
  { failAt: 'after_credit', flow: 'deposit', diesOnRequest: false },
  { failAt: 'after_hold', flow: 'withdrawal', diesOnRequest: true },
  { failAt: 'after_provider_call.withdrawal.submit', flow: 'withdrawal', diesOnRequest: true },
  { failAt: 'before_settle.withdrawal', flow: 'withdrawal', diesOnRequest: false },
  { failAt: 'after_refund_hold', flow: 'refund', diesOnRequest: true },
  { failAt: 'after_provider_call.refund.submit', flow: 'refund', diesOnRequest: true },
  { failAt: 'before_settle.refund', flow: 'refund', diesOnRequest: false },
];

/** The crash cases of one flow, as one suite (one test file per flow, so CI runs them side by side). */
export function crashSuite(flow: Flow): void {
  describe(`crashes at named failpoints: ${flow}`, () => {
    let sandbox: Sandbox;
    let sandboxDir: string;
    // The sandbox's clock never falls behind real time (the server's clock); retries are brought forward by moving it.
    const clock = new ManualClock(Date.now());
    const sync = () => clock.setMs(Math.max(clock.nowMs(), Date.now()));

    before(async () => {
      sandboxDir = mkdtempSync(join(tmpdir(), 'fg-crash-sandbox-'));
      sandbox = await startSandbox({ clock, appid: SANDBOX_APPID, dataDir: sandboxDir });
    });
    after(async () => {
      await sandbox.close();
      rmSync(sandboxDir, { recursive: true, force: true });
    });

    /** Lets the sandbox do what is due (settlements, notifications), `aheadMs` after now. */
    async function runSandbox(aheadMs = 0): Promise<void> {
      sync();
      clock.advanceMs(aheadMs);
      await sandbox.runDue();
    }

    async function pollUntil<T>(label: string, server: ServerProcess, fn: () => Promise<T | undefined>): Promise<T> {
      const deadline = Date.now() + POLL_TIMEOUT_MS;
      for (;;) {
        const v = await fn();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}:\n${server.logs.slice(-40).join('\n')}`);
        await runSandbox();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }

    for (const c of CASES.filter((x) => x.flow === flow)) {
      it(`${c.flow}: killed at ${c.failAt}, restarted, nothing lost or paid twice`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'fg-crash-'));
        const port = await freePort();
        const env = {
          FAIRGROUND_DATA_DIR: dir,
          DATABASE_URL: `sqlite:${join(dir, 'fairground.db')}`,
          FAIRGROUND_SERVE_CLIENTS: '0',
          FAIRGROUND_DEMO_OPERATOR: '0',
          FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
          FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
          FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
          FAIRGROUND_WECHAT_H5_APPID: SANDBOX_APPID,
          FAIRGROUND_WECHATPAY: 'wechatpay',
          FAIRGROUND_WECHATPAY_MERCHANT_FILE: join(sandboxDir, 'merchant.json'),
          FAIRGROUND_WECHATPAY_TIMEOUT_MS: '3000',
          FAIRGROUND_PAYMENTS_LEASE_MS: '4000',
          FAIRGROUND_PAYMENTS_SWEEP_MS: '200',
        };
        let first: ServerProcess | undefined;
        let second: ServerProcess | undefined;
        try {
          first = await ServerProcess.start(port, { ...env, FAIL_AT: c.failAt });
          const s1 = first;
          const code = await s1.call('POST', '/api/sandbox/wechat/codes', { body: { kind: 'h5', user: `crash${CASES.indexOf(c)}` } });
          const login = await s1.call('POST', '/api/auth/wechat/login', { body: { kind: 'h5', code: code.json.code } });
          const token = (login.json.tokens as { accessToken: string }).accessToken;
          await s1.call('POST', '/api/me/terms', { token, body: { version: '2026-01' } });
          let adminToken = '';
          if (c.flow === 'refund') {
            const op = await s1.call('POST', '/api/admin/auth/login', {
              body: { username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) },
            });
            adminToken = (op.json.tokens as { accessToken: string }).accessToken;
          }

          // Funds for withdrawals and refunds (the failpoints armed for those flows are not on the deposit path).
          let fundingId = '';
          if (c.flow !== 'deposit') {
            const dep = await s1.call('POST', '/api/payments/deposits', {
              token,
              body: { amountFen: 5000, channel: 'jsapi', idempotencyKey: 'crash-funding' },
            });
            fundingId = (dep.json.deposit as { id: string }).id;
            await sandbox.user.pay(fundingId);
            await pollUntil('the funding deposit', s1, async () => {
              const d = await s1.call('GET', `/api/payments/deposits/${fundingId}`, { token });
              return d.json.state === 'paid' ? true : undefined;
            });
          }

          const request =
            c.flow === 'deposit'
              ? {
                  method: 'POST',
                  path: '/api/payments/deposits',
                  token,
                  body: { amountFen: 3000, channel: 'jsapi', idempotencyKey: 'crash-deposit' },
                }
              : c.flow === 'withdrawal'
                ? {
                    method: 'POST',
                    path: '/api/payments/withdrawals',
                    token,
                    body: { amountFen: 2000, idempotencyKey: 'crash-withdrawal' },
                  }
                : {
                    method: 'POST',
                    path: `/api/admin/payments/deposits/${fundingId}/refunds`,
                    token: adminToken,
                    body: { amountFen: 1500, reason: 'crash test refund', idempotencyKey: 'crash-refund' },
                  };
          let subjectId = '';
          const subjectOf = (json: Record<string, unknown>) => ((json.deposit ?? json.withdrawal ?? json.refund) as { id: string }).id;
          if (c.diesOnRequest) {
            await assert.rejects(
              s1.call(request.method, request.path, { token: request.token, body: request.body }),
              'the connection dies with the process',
            );
          } else {
            const r = await s1.call(request.method, request.path, { token: request.token, body: request.body });
            assert.equal(r.status, 201, JSON.stringify(r.json));
            subjectId = subjectOf(r.json);
            if (c.flow === 'deposit') await sandbox.user.pay(subjectId);
            if (c.flow === 'withdrawal') {
              await pollUntil('the bill', s1, async () =>
                (await s1.call('GET', `/api/payments/withdrawals/${subjectId}`, { token })).json.state === 'awaiting_confirmation'
                  ? true
                  : undefined,
              );
              await sandbox.user.confirmTransfer(subjectId);
            }
            // The notification (or, for a refund, its settlement and notification) reaches the server, which dies applying it.
            await runSandbox();
          }
          const exit = await s1.exited;
          assert.equal(exit.signal, 'SIGKILL', `killed itself (exit ${exit.code})`);
          assert.ok(
            s1.logs.some((l) => l.includes(`FAILPOINT ${c.failAt}`)),
            `died at ${c.failAt}:\n${s1.logs.slice(-20).join('\n')}`,
          );

          second = await ServerProcess.start(port, env);
          const s2 = second;
          if (c.diesOnRequest) {
            // The client retries with its key: the answer is the order, bill or refund the first attempt made.
            const again = await s2.call(request.method, request.path, { token: request.token, body: request.body });
            assert.equal(again.status, 201, JSON.stringify(again.json));
            assert.equal(again.json.replayed, true, 'the retry is a replay, not a second payment');
            subjectId = subjectOf(again.json);
          } else {
            // WeChat Pay retries the notification on its schedule (15 s later).
            await runSandbox(16_000);
          }

          if (c.flow === 'deposit') {
            if (c.diesOnRequest) {
              await pollUntil('the provider order', s2, async () =>
                (await s2.call('GET', `/api/payments/deposits/${subjectId}`, { token })).json.state === 'open' ? true : undefined,
              );
              await sandbox.user.pay(subjectId);
            }
            await pollUntil('the credit', s2, async () =>
              (await s2.call('GET', `/api/payments/deposits/${subjectId}`, { token })).json.state === 'paid' ? true : undefined,
            );
          } else if (c.flow === 'withdrawal') {
            if (c.diesOnRequest) {
              const w = await pollUntil('the bill', s2, async () => {
                const r = await s2.call('GET', `/api/payments/withdrawals/${subjectId}`, { token });
                return r.json.state === 'awaiting_confirmation' ? r.json : undefined;
              });
              assert.ok((w.confirmation as { package: string }).package, 'the player can confirm in WeChat');
              await sandbox.user.confirmTransfer(subjectId);
            }
            await pollUntil('the payout', s2, async () =>
              (await s2.call('GET', `/api/payments/withdrawals/${subjectId}`, { token })).json.state === 'succeeded' ? true : undefined,
            );
          } else {
            await pollUntil('the refund', s2, async () => {
              const r = await s2.call('GET', `/api/admin/payments/deposits/${fundingId}`, { token: adminToken });
              return (r.json.refunds as { state: string }[] | undefined)?.[0]?.state === 'succeeded' ? true : undefined;
            });
          }
          const balances = await s2.call('GET', '/api/wallet/balances', { token });
          const cny = (balances.json.balances as { asset: string; postedFen: number; pendingDebitsFen: number }[]).find(
            (b) => b.asset === 'CNY',
          )!;
          const expected = c.flow === 'deposit' ? 3000 : c.flow === 'withdrawal' ? 3000 : 3500;
          assert.equal(cny.postedFen, expected, 'exactly once');
          assert.equal(cny.pendingDebitsFen, 0, 'no hold left');
          await s2.stop();

          // The books, read straight from the database the two processes shared.
          const store = createSqliteStore({ path: join(dir, 'fairground.db') });
          try {
            const report = await new Ledger(store).checkInvariants();
            assert.deepEqual(report.problems, []);
            const n = async (sql: string, params: string[] = []) =>
              Number((await store.reader.query<{ n: unknown }>(sql, params))[0]?.n ?? 0);
            assert.equal(await n(`SELECT COUNT(*) AS n FROM payment_outbox WHERE state = 'pending'`), 0, 'nothing left pending');
            const table = c.flow === 'deposit' ? 'payment_deposits' : c.flow === 'withdrawal' ? 'payment_withdrawals' : 'payment_refunds';
            assert.equal(await n(`SELECT COUNT(*) AS n FROM ${table} WHERE id <> ?`, [fundingId]), 1, 'one order, bill or refund');
            if (c.flow === 'deposit') {
              assert.equal(await n(`SELECT COUNT(*) AS n FROM ledger_transfers WHERE scope = 'payments.deposit'`), 1, 'credited once');
            } else {
              const scope = `payments.${c.flow}`;
              for (const [suffix, count] of [
                ['hold', 1],
                ['post', 1],
                ['void', 0],
                ['settle', 1],
              ] as const) {
                assert.equal(
                  await n('SELECT COUNT(*) AS n FROM ledger_transfers WHERE scope = ? AND idem_key = ?', [scope, `${subjectId}.${suffix}`]),
                  count,
                  suffix,
                );
              }
            }
          } finally {
            await store.close();
          }
        } finally {
          await first?.stop();
          await second?.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
