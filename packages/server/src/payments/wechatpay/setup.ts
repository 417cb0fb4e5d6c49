// Builds the payment provider main.ts asks for: the WeChat Pay client over the merchant's
// configuration, or — by default in development — a WeChat Pay sandbox started in this process on
// its own loopback port, whose cashier and confirmation pages the player's browser opens.
import { join } from 'node:path';
import { WechatPayClient } from '@fairground/wechatpay';
import { startSandbox } from '@fairground/wechatpay-sandbox';
import { assert } from '@fairground/core';
import type { PaymentsConfig } from '../config.ts';
import type { PaymentProvider } from '../ports.ts';
import { wechatPayProvider } from './provider.ts';

export interface ProviderSetup {
  readonly provider: PaymentProvider | null;
  /** The in-process sandbox's address (its pages and /sandbox/ admin endpoints), when one runs. */
  readonly sandboxUrl: string | undefined;
  close(): Promise<void>;
}

export async function setUpProvider(c: PaymentsConfig, o: { readonly host: string; readonly dataDir: string }): Promise<ProviderSetup> {
  if (c.mode === 'off') return { provider: null, sandboxUrl: undefined, close: async () => {} };
  if (c.mode === 'wechatpay') {
    const m = c.merchant;
    assert(m !== undefined, 'wechatpay mode without merchant configuration');
    const client = new WechatPayClient({
      baseUrl: m.baseUrl,
      mchid: m.mchid,
      appid: m.appid,
      serialNo: m.serialNo,
      privateKeyPem: m.privateKeyPem,
      apiV3Key: m.apiV3Key,
      verifier: m.verifier,
      timeoutMs: c.timeoutMs,
    });
    return {
      provider: wechatPayProvider(client, m.pagesUrl === undefined ? {} : { sandboxPagesUrl: m.pagesUrl }),
      sandboxUrl: undefined,
      close: async () => {},
    };
  }
  // Keys persist in the data folder so restarts keep the merchant; orders live in the sandbox's memory.
  const host = o.host === '0.0.0.0' || o.host === '::' ? o.host : '127.0.0.1';
  const sandbox = await startSandbox({ appid: c.appid, host, port: c.sandboxPort, dataDir: join(o.dataDir, 'wechatpay-sandbox') });
  const client = new WechatPayClient({
    baseUrl: sandbox.baseUrl,
    weixinBaseUrl: sandbox.baseUrl,
    mchid: sandbox.merchant.mchid,
    appid: sandbox.merchant.appid,
    serialNo: sandbox.merchant.serialNo,
    privateKeyPem: sandbox.merchant.privateKeyPem,
    apiV3Key: sandbox.merchant.apiV3Key,
    appSecret: sandbox.merchant.appSecret,
    verifier: { [sandbox.platform.publicKeyId]: sandbox.platform.publicKeyPem },
    timeoutMs: c.timeoutMs,
  });
  return {
    provider: wechatPayProvider(client, { sandboxPagesUrl: sandbox.pagesUrl }),
    sandboxUrl: sandbox.baseUrl,
    close: () => sandbox.close(),
  };
}
