// A WeChat Pay sandbox on a ManualClock, our client pointed at it in the requested key mode, and a
// merchant notify_url that runs exactly what the platform's route will run: parseNotification on
// the raw body, answer with notificationAnswer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@fairground/core';
import { type Sandbox, type SandboxOptions, startSandbox } from '@fairground/wechatpay-sandbox';
import { isWechatPayError, notificationAnswer, type WechatPayError, type WechatPayNotification, WechatPayClient } from '../src/index.ts';

/** 2026-01-05 10:00:00 Beijing time. */
export const START_MS = Date.UTC(2026, 0, 5, 2, 0, 0);

export type KeyMode = 'publicKey' | 'platformCertificate';

export interface Delivery {
  readonly status: number;
  readonly notification?: WechatPayNotification;
  readonly error?: WechatPayError;
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
}

export interface Harness {
  readonly sandbox: Sandbox;
  readonly clock: ManualClock;
  readonly client: WechatPayClient;
  readonly keyMode: KeyMode;
  /** The key id WeChat Pay signs with in this mode. */
  readonly signingKeyId: string;
  readonly notifyUrl: string;
  /** Every POST the sandbox made to our notify_url, in order, with what our route made of it. */
  readonly deliveries: Delivery[];
  /** Moves the sandbox's clock and runs whatever fell due. */
  advance(ms: number): Promise<void>;
  /** Builds another client on the same sandbox (e.g. with a short timeout or another key set). */
  clientWith(overrides: Partial<ConstructorParameters<typeof WechatPayClient>[0]>): WechatPayClient;
  close(): Promise<void>;
}

export async function harness(keyMode: KeyMode, options: SandboxOptions = {}): Promise<Harness> {
  const clock = new ManualClock(START_MS);
  const sandbox = await startSandbox({ clock, keyMode, ...options });
  const verifier =
    keyMode === 'publicKey'
      ? { [sandbox.platform.publicKeyId]: sandbox.platform.publicKeyPem }
      : Object.fromEntries(sandbox.platform.certificates.map((c) => [c.serialNo, c.certificatePem]));
  const base = {
    baseUrl: sandbox.baseUrl,
    weixinBaseUrl: sandbox.baseUrl,
    oauthBaseUrl: sandbox.pagesUrl,
    mchid: sandbox.merchant.mchid,
    appid: sandbox.merchant.appid,
    appSecret: sandbox.merchant.appSecret,
    serialNo: sandbox.merchant.serialNo,
    privateKeyPem: sandbox.merchant.privateKeyPem,
    apiV3Key: sandbox.merchant.apiV3Key,
    verifier,
    timeoutMs: 5_000,
    clock,
  };
  const client = new WechatPayClient(base);
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      let notification: WechatPayNotification | undefined;
      let error: WechatPayError | undefined;
      try {
        notification = client.parseNotification(req.headers, rawBody);
      } catch (e) {
        if (!isWechatPayError(e)) throw e;
        error = e;
      }
      const answer = notificationAnswer(error);
      deliveries.push({ status: answer.status, notification, error, headers, rawBody });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const signingKeyId = keyMode === 'publicKey' ? sandbox.platform.publicKeyId : (sandbox.platform.certificates.at(-1)?.serialNo ?? '');
  return {
    sandbox,
    clock,
    client,
    keyMode,
    signingKeyId,
    notifyUrl: `http://127.0.0.1:${port}/wechatpay/notify`,
    deliveries,
    async advance(ms: number) {
      clock.advanceMs(ms);
      await sandbox.runDue();
    },
    clientWith: (overrides) => new WechatPayClient({ ...base, ...overrides }),
    async close() {
      await sandbox.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

let seq = 0;
/** A fresh merchant number per call (digits and letters only, so it fits every kind of number). */
export function no(prefix: string): string {
  seq += 1;
  return `${prefix}${process.pid.toString(36)}${String(seq).padStart(6, '0')}`;
}

/** The rejection of a client call, as a WechatPayError. */
export async function failure(p: Promise<unknown>): Promise<WechatPayError> {
  try {
    await p;
  } catch (e) {
    if (isWechatPayError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
