// Shared test rig: a sandbox on a ManualClock, the independent `wechatpay-axios-plugin` client
// pointed at it, and a merchant notify endpoint that records what WeChat Pay POSTs.
//
// The plugin checks response timestamps against Date.now(), so the rig pins Date to the sandbox
// clock (node:test's mock timers, Date only) and moves both together.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mock } from 'node:test';
import { ManualClock } from '@fairground/core';
import { Aes, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.ts';

/** 2026-01-05 10:00:00 Beijing time: a weekday morning, after the previous day's bills are ready. */
export const START_MS = Date.UTC(2026, 0, 5, 2, 0, 0);

/** WeChat Pay answers as tests read them: field access without ceremony. */
// biome-ignore lint/suspicious/noExplicitAny: answers from the wire are read loosely in tests and checked by assertions.
export type Loose = any;

export interface Rig {
  sandbox: Sandbox;
  clock: ManualClock;
  wxpay: Wechatpay;
  /** Moves the sandbox clock and Date together. */
  advance(ms: number): void;
  /** `wxpay.client.request`, typed loosely. */
  call(method: string, path: string, data?: unknown, config?: Record<string, unknown>): Promise<AxiosLikeResponse>;
  close(): Promise<void>;
}

export interface AxiosLikeResponse {
  status: number;
  data: Loose;
  headers: Record<string, string>;
}

export interface AxiosLikeError {
  code?: string;
  message: string;
  response?: { status: number; data: Loose; headers: Record<string, string> };
}

let dateMocked = false;

function pinDate(ms: number): void {
  if (!dateMocked) {
    mock.timers.enable({ apis: ['Date'], now: ms });
    dateMocked = true;
  } else {
    mock.timers.setTime(ms);
  }
}

export async function rig(options: SandboxOptions = {}): Promise<Rig> {
  const clock = new ManualClock(START_MS);
  pinDate(START_MS);
  const sandbox = await startSandbox({ clock, ...options });
  const certs =
    (options.keyMode ?? 'publicKey') === 'publicKey'
      ? { [sandbox.platform.publicKeyId]: sandbox.platform.publicKeyPem }
      : Object.fromEntries(sandbox.platform.certificates.map((c) => [c.serialNo, c.publicKeyPem]));
  const wxpay = new Wechatpay({
    mchid: sandbox.merchant.mchid,
    serial: sandbox.merchant.serialNo,
    privateKey: sandbox.merchant.privateKeyPem,
    certs,
    baseURL: `${sandbox.baseUrl}/`,
  } as never);
  return {
    sandbox,
    clock,
    wxpay,
    advance(ms: number) {
      clock.advanceMs(ms);
      pinDate(clock.nowMs());
    },
    call(method, path, data, config) {
      return wxpay.client.request(path, method, data, (config ?? {}) as never) as unknown as Promise<AxiosLikeResponse>;
    },
    close: () => sandbox.close(),
  };
}

/** The rejection of an axios call, for asserting on status codes and bodies. */
export async function failure(p: Promise<unknown>): Promise<AxiosLikeError> {
  try {
    await p;
  } catch (e) {
    return e as AxiosLikeError;
  }
  throw new Error('expected the call to fail');
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface NotifyEndpoint {
  url: string;
  received: Received[];
  /** The status the merchant answers with next (default 200). */
  statuses: number[];
  close(): Promise<void>;
}

/** A merchant notify_url. Answers each POST with the next status in `statuses`, or 200. */
export async function notifyEndpoint(path = '/wechatpay/notify'): Promise<NotifyEndpoint> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status === 200 || status === 204 ? undefined : JSON.stringify({ code: 'FAIL', message: '失败' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface OpenedNotification {
  envelope: {
    id: string;
    create_time: string;
    event_type: string;
    resource_type: string;
    summary: string;
    resource: Record<string, string>;
  };
  resource: Loose;
  /** Verified with the plugin's Rsa against the key named in Wechatpay-Serial. */
  signatureValid: boolean;
  timestamp: number;
  serial: string;
  signature: string;
}

/** Decrypts a received notification with the plugin's AesGcm and verifies it with its Rsa. */
export function openNotification(sandbox: Sandbox, n: Received): OpenedNotification {
  const envelope = JSON.parse(n.body) as OpenedNotification['envelope'];
  const r = envelope.resource;
  const plaintext = (Aes as unknown as { AesGcm: { decrypt(c: string, k: string, iv: string, aad: string): string } }).AesGcm.decrypt(
    r.ciphertext ?? '',
    sandbox.merchant.apiV3Key,
    r.nonce ?? '',
    r.associated_data ?? '',
  );
  const serial = String(n.headers['wechatpay-serial']);
  const keys: Record<string, string> = {
    [sandbox.platform.publicKeyId]: sandbox.platform.publicKeyPem,
    ...Object.fromEntries(sandbox.platform.certificates.map((c) => [c.serialNo, c.publicKeyPem])),
  };
  const timestamp = Number(n.headers['wechatpay-timestamp']);
  const signature = String(n.headers['wechatpay-signature']);
  const key = keys[serial];
  const message = `${timestamp}\n${n.headers['wechatpay-nonce']}\n${n.body}\n`;
  let signatureValid = false;
  try {
    signatureValid = key !== undefined && Rsa.verify(message, signature, Rsa.from(key, Rsa.KEY_TYPE_PUBLIC));
  } catch {
    signatureValid = false;
  }
  return { envelope, resource: JSON.parse(plaintext), signatureValid, timestamp, serial, signature };
}

let seq = 0;
/** A fresh out_trade_no / out_bill_no for each test. */
export function no(prefix = 'T'): string {
  seq += 1;
  return `${prefix}${Date.UTC(2026, 0, 1).toString(36)}${String(seq).padStart(6, '0')}`;
}

export function jsapiOrder(
  sandbox: Sandbox,
  outTradeNo: string,
  notifyUrl: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    appid: sandbox.merchant.appid,
    mchid: sandbox.merchant.mchid,
    description: '沙盒测试商品',
    out_trade_no: outTradeNo,
    notify_url: notifyUrl,
    amount: { total: 100, currency: 'CNY' },
    payer: { openid: 'oPlayer000000000000000000001' },
    ...extra,
  };
}

export function transferBill(sandbox: Sandbox, outBillNo: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: sandbox.merchant.appid,
    out_bill_no: outBillNo,
    transfer_scene_id: '1000',
    openid: 'oPlayer000000000000000000001',
    transfer_amount: 500,
    transfer_remark: '活动奖励提现',
    user_recv_perception: '现金奖励',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新春活动' },
      { info_type: '奖励说明', info_content: '排行榜奖励' },
    ],
    ...extra,
  };
}
