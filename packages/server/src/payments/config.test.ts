import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPaymentsConfig, PaymentsConfigError } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-payments-config-'));
const base = { production: false, cwd: dir, h5AppId: 'wxh5app' };

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PaymentsConfigError) return e.key;
    throw e;
  }
  return '(no error)';
}

describe('payments configuration', () => {
  it('runs the sandbox by default in development, and nothing by default in production', () => {
    const dev = loadPaymentsConfig({}, base);
    assert.equal(dev.mode, 'sandbox');
    assert.equal(dev.appid, 'wxh5app', 'payments are made under the H5 app the players sign in with');
    assert.equal(dev.settings.transfer.sceneId, '1000');
    assert.equal(loadPaymentsConfig({}, { ...base, production: true }).mode, 'off');
    assert.equal(
      keyOf(() => loadPaymentsConfig({ FAIRGROUND_WECHATPAY: 'sandbox' }, { ...base, production: true })),
      'FAIRGROUND_WECHATPAY',
    );
  });

  it('reads WeChat Pay merchant keys from the environment and files, never from code', () => {
    writeFileSync(join(dir, 'key.pem'), 'PRIVATE');
    writeFileSync(join(dir, 'pub.pem'), 'PUBLIC');
    const env = {
      FAIRGROUND_WECHATPAY: 'wechatpay',
      FAIRGROUND_WECHATPAY_MCHID: '1900000001',
      FAIRGROUND_WECHATPAY_SERIAL_NO: 'ABCDEF0123',
      FAIRGROUND_WECHATPAY_PRIVATE_KEY_FILE: 'key.pem',
      FAIRGROUND_WECHATPAY_API_V3_KEY: 'k'.repeat(32),
      FAIRGROUND_WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114',
      FAIRGROUND_WECHATPAY_PUBLIC_KEY_FILE: 'pub.pem',
      FAIRGROUND_WECHATPAY_NOTIFY_URL: 'https://pay.example.com/api/payments/wechatpay/notify',
      FAIRGROUND_TRANSFER_SCENE_ID: '1005',
      FAIRGROUND_TRANSFER_REPORT_INFOS: JSON.stringify([
        { infoType: '岗位类型', infoContent: '赛事裁判' },
        { infoType: '报酬说明', infoContent: '赛事酬劳' },
      ]),
      FAIRGROUND_TRANSFER_PERCEPTION: '劳务报酬',
      FAIRGROUND_WITHDRAWAL_REVIEW_FEN: '20000',
    };
    const c = loadPaymentsConfig(env, { ...base, production: true });
    assert.equal(c.mode, 'wechatpay');
    assert.equal(c.merchant?.baseUrl, 'https://api.mch.weixin.qq.com');
    assert.equal(c.merchant?.privateKeyPem, 'PRIVATE');
    assert.deepEqual(c.merchant?.verifier, { PUB_KEY_ID_0114: 'PUBLIC' });
    assert.equal(c.settings.transfer.sceneId, '1005');
    assert.equal(c.settings.transfer.userRecvPerception, '劳务报酬');
    assert.equal(c.settings.transfer.reportInfos[0]?.infoType, '岗位类型');
    assert.equal(c.settings.withdrawalReviewFromFen, 20000);
    const { FAIRGROUND_WECHATPAY_NOTIFY_URL: _n, ...noNotify } = env;
    assert.equal(
      keyOf(() => loadPaymentsConfig(noNotify, { ...base, production: true })),
      'FAIRGROUND_WECHATPAY_NOTIFY_URL',
    );
    const { FAIRGROUND_WECHATPAY_MCHID: _m, ...noMchid } = env;
    assert.equal(
      keyOf(() => loadPaymentsConfig(noMchid, base)),
      'FAIRGROUND_WECHATPAY_MCHID',
    );
    assert.equal(
      keyOf(() => loadPaymentsConfig({ ...env, FAIRGROUND_TRANSFER_REPORT_INFOS: '[{"infoType":""}]' }, base)),
      'FAIRGROUND_TRANSFER_REPORT_INFOS',
    );
  });

  it('refuses limits WeChat Pay would refuse anyway', () => {
    assert.equal(
      keyOf(() => loadPaymentsConfig({ FAIRGROUND_WITHDRAWAL_MIN_FEN: '5' }, base)),
      'FAIRGROUND_WITHDRAWAL_MIN_FEN',
    );
    assert.equal(
      keyOf(() => loadPaymentsConfig({ FAIRGROUND_WITHDRAWAL_MAX_FEN: '200000' }, base)),
      'FAIRGROUND_WITHDRAWAL_MAX_FEN',
    );
    assert.equal(
      keyOf(() => loadPaymentsConfig({ FAIRGROUND_DEPOSIT_MIN_FEN: '900', FAIRGROUND_DEPOSIT_MAX_FEN: '800' }, base)),
      'FAIRGROUND_DEPOSIT_MIN_FEN',
    );
    assert.equal(
      keyOf(() => loadPaymentsConfig({ FAIRGROUND_PAYMENTS_LEASE_MS: '5000' }, base)),
      'FAIRGROUND_PAYMENTS_LEASE_MS',
    );
  });
});
