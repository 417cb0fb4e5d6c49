import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeWechatCode, WechatPayError } from '@fairground/wechatpay';
import type { ProviderError } from '../ports.ts';
import { classify, rfc3339Beijing } from './provider.ts';

function apiError(code: string, httpStatus: number): WechatPayError {
  const d = describeWechatCode(code, httpStatus);
  return new WechatPayError(d.def, {
    kind: 'api',
    wechatCode: code,
    httpStatus,
    retrySameRequest: d.retrySameRequest,
    outcomeUnknown: d.outcomeUnknown,
  });
}

it('classifies WeChat Pay failures by what the caller must do next', () => {
  const failure = (e: unknown) => (classify(e) as ProviderError).failure;
  assert.equal(failure(apiError('SYSTEM_ERROR', 500)), 'unclear', '5xx: it may have happened, ask first');
  assert.equal(failure(apiError('FREQUENCY_LIMITED', 429)), 'unclear', '429 may come after the work was done');
  assert.equal(failure(apiError('NOT_ENOUGH', 403)), 'retry_later', 'merchant balance low: same request later');
  assert.equal(failure(apiError('PARAM_ERROR', 400)), 'rejected');
  assert.equal(failure(apiError('INVALID_REQUEST', 400)), 'rejected');
  assert.equal(failure(apiError('SOMETHING_NEW', 400)), 'unclear', 'an undocumented 4xx: query before changing anything');
  assert.equal(failure(apiError('ORDER_NOT_EXIST', 404)), 'not_found');
  assert.equal(failure(apiError('NOT_FOUND', 404)), 'not_found');
  assert.equal(failure(apiError('ORDERPAID', 400)), 'already_paid');
  assert.equal(failure(apiError('ORDER_CLOSED', 400)), 'order_closed');
  assert.equal(failure(apiError('STATEMENT_CREATING', 400)), 'not_ready');
  const timeout = new WechatPayError(describeWechatCode('SYSTEM_ERROR', 500).def, {
    kind: 'timeout',
    retrySameRequest: true,
    outcomeUnknown: true,
  });
  assert.equal(failure(timeout), 'unclear');
  const other = new Error('not ours');
  assert.equal(classify(other), other, 'anything else is passed through (a bug, not a provider answer)');
});

it('writes times in Beijing time as WeChat Pay does', () => {
  assert.equal(rfc3339Beijing(Date.UTC(2026, 0, 15, 16, 30, 5)), '2026-01-16T00:30:05+08:00');
});
