// The error codes of compliance's satellite catalogues, risk and promotions are pinned: clients
// branch on them, so a code is never renamed, reused or given another status.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { errorCatalogue } from '@fairground/core';
import '../../src/compliance/errors.ts';
import '../../src/promotions/errors.ts';
import '../../src/risk/errors.ts';

const PINNED: Record<string, [domain: string, status: number]> = {
  JURISDICTION_UNKNOWN: ['jurisdiction', 404],
  RESPONSIBLE_PLAY_NOT_OFFERED: ['responsible_play', 409],
  DEPOSIT_LIMIT_INVALID: ['responsible_play', 400],
  SELF_EXCLUSION_PERIOD_INVALID: ['responsible_play', 400],
  SELF_EXCLUSION_CANNOT_SHORTEN: ['responsible_play', 409],
  RISK_CASE_NOT_FOUND: ['risk', 404],
  RISK_CASE_CLOSED: ['risk', 409],
  RISK_ACTION_INVALID: ['risk', 400],
  RISK_RESTRICTION_NOT_FOUND: ['risk', 404],
  COMPLAINT_NOT_FOUND: ['risk', 404],
  COMPLAINT_ALREADY_HANDLED: ['risk', 409],
  COMPLAINT_SELF: ['risk', 400],
  COMPLAINT_TARGET_REQUIRED: ['risk', 400],
  COMPLAINTS_TOO_MANY: ['risk', 429],
  PROMO_CAMPAIGN_NOT_FOUND: ['promotions', 404],
  PROMO_CAMPAIGN_INACTIVE: ['promotions', 409],
  PROMO_BUDGET_EXHAUSTED: ['promotions', 409],
  PROMO_PLAYER_LIMIT: ['promotions', 409],
  PROMO_CAMPAIGN_INVALID: ['promotions', 400],
  PROMO_INVITE_CODE_UNKNOWN: ['promotions', 404],
  PROMO_ALREADY_REFERRED: ['promotions', 409],
  PROMO_REFERRAL_NOT_NEW: ['promotions', 409],
  PROMO_SELF_REFERRAL: ['promotions', 409],
};

it('keeps every pinned jurisdiction, responsible-play, risk and promotions error code', () => {
  const now = new Map(errorCatalogue().map((e) => [e.code, e]));
  for (const [code, [domain, status]] of Object.entries(PINNED)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.domain, domain, `${code} moved domain`);
    assert.equal(def.status, status, `${code} status changed`);
    assert.equal(def.retryable, false);
  }
  const unpinned = [...now.values()].filter(
    (e) => ['jurisdiction', 'responsible_play', 'risk', 'promotions'].includes(e.domain) && !(e.code in PINNED),
  );
  assert.deepEqual(
    unpinned.map((e) => e.code),
    [],
    'new codes are pinned here',
  );
});
