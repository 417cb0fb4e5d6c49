// Every code the server can send has a sentence a player can read, in Chinese and in English: the
// server's catalogue is read here, so a new code without player text fails this test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { DENY_REASON_TEXTS, ERROR_TEXTS } from '../src/shared/error-texts.ts';
import { errorText, loadErrorTexts } from '../src/shared/errors.ts';

const catalogue = JSON.parse(readFileSync(new URL('../../server/src/errors.catalogue.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

/** Latin letters in Chinese text are fine only as units, names and numbers players know. */
const LATIN_ALLOWED_IN_ZH = /\b(IP|VPN|AA|X|As|Td|2c)\b/g;

it('has Chinese and English player text for every code in the server catalogue', () => {
  const missing = Object.keys(catalogue).filter((code) => ERROR_TEXTS[code] === undefined);
  assert.deepEqual(missing, [], 'codes without player text (add them to packages/web/src/shared/error-texts.ts)');
  for (const [code, [zh, en]] of Object.entries({ ...ERROR_TEXTS, ...DENY_REASON_TEXTS })) {
    assert.ok(zh.trim().length > 1 && en.trim().length > 1, `${code} has both texts`);
    assert.match(zh, /[\u4e00-\u9fff]/, `${code}: the Chinese text is Chinese`);
    assert.doesNotMatch(zh.replace(LATIN_ALLOWED_IN_ZH, ''), /[A-Za-z]{3,}/, `${code}: no English words in the Chinese text`);
    assert.doesNotMatch(zh, /[,;:?!]\s|\.$/, `${code}: Chinese punctuation in Chinese text`);
    assert.doesNotMatch(en, /[\u4e00-\u9fff，。；：]/, `${code}: the English text is English`);
    for (const text of [zh, en]) assert.doesNotMatch(text, /\b[A-Z]{2,}_[A-Z_]+\b/, `${code}: no code-shaped words`);
  }
});

it('answers with the policy reason for a compliance refusal, and never with a code for an unknown one', async () => {
  await loadErrorTexts();
  assert.match(errorText('zh', { code: 'ROOM_CARDS_INSUFFICIENT' }), /购买房卡/);
  assert.match(errorText('en', { code: 'ROOM_SAME_IP' }), /mobile data/);
  assert.match(errorText('zh', { code: 'COMPLIANCE_DENIED', details: { reason: 'SELF_EXCLUDED' } }), /自我禁入/);
  assert.equal(errorText('zh', { code: 'COMPLIANCE_DENIED', details: { reason: 'NEW_RULE' } }), ERROR_TEXTS.COMPLIANCE_DENIED?.[0]);
  // A self-excluded player is told why and until when.
  const until = Date.UTC(2027, 0, 2, 3, 4);
  const excluded = errorText('zh', { code: 'COMPLIANCE_DENIED', details: { reason: 'SELF_EXCLUDED', retryAtMs: until } });
  assert.match(excluded, /自我禁入/);
  assert.match(excluded, /恢复时间：2027-01-0\d \d\d:\d\d。$/);
  assert.match(
    errorText('en', { code: 'COMPLIANCE_DENIED', details: { reason: 'SELF_EXCLUDED', retryAtMs: until } }),
    /Open again from 2027-/,
  );
  // Archived hand histories say when they left and where to ask.
  const archived = errorText('zh', { code: 'ROOM_HANDS_ARCHIVED', details: { archivedAtMs: until } });
  assert.match(archived, /客服/);
  assert.match(archived, /（归档时间：2027-01-0\d \d\d:\d\d）$/);
  assert.match(errorText('en', { code: 'ROOM_HANDS_ARCHIVED', details: { archivedAtMs: until } }), /Help.*Archived on 2027-/);
  const unknown = errorText('zh', { code: 'SOMETHING_NEW' });
  assert.doesNotMatch(unknown, /SOMETHING_NEW/);
  assert.match(unknown, /稍后再试/);
  assert.match(errorText('en', new Error('boom')), /try again/);
});
