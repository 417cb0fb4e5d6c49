// The user agreement and the privacy policy, in Chinese and English, as one versioned setting.
// Publishing a new version (a new `version` label) makes every player accept again before their
// next paid or played action; a label is never reused, so an acceptance always names one text.
import { AppError } from '@fairground/core';
import { type Static, Type } from '@sinclair/typebox';
import { termsDocument } from '../accounts/index.ts';
import { checkShape } from './check.ts';
import { SettingsErrors } from './errors.ts';
import { AGREEMENT_TEXT_CHARS_MAX } from './limits.ts';

const Localized = (maxLength: number) =>
  Type.Object(
    { zh: Type.String({ minLength: 1, maxLength }), en: Type.String({ minLength: 1, maxLength }) },
    { additionalProperties: false },
  );
const Document = Type.Object({ title: Localized(100), body: Localized(AGREEMENT_TEXT_CHARS_MAX) }, { additionalProperties: false });

export const AgreementSchema = Type.Object(
  {
    /** The label players accept (`2026-02`, `v3`); new for every published text. */
    version: Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$' }),
    terms: Document,
    privacy: Document,
  },
  { additionalProperties: false },
);
export type Agreement = Static<typeof AgreementSchema>;

const PRIVACY_DEFAULT = {
  title: { zh: '隐私政策', en: 'Privacy policy' },
  body: {
    zh: [
      '1. 我们收集的信息：微信标识（openid/unionid）、昵称与头像；实名认证所需的姓名与身份证号（加密保存，仅用于国家防沉迷实名验证）；充值、提现与游戏记录；登录地址与设备信息（用于风控与合规）。',
      '2. 使用目的：提供游戏与钱包服务、履行防沉迷与实名义务、防范作弊与欺诈、处理投诉与争议。',
      '3. 共享：仅在法律要求或完成服务所必需时向国家主管部门、支付机构（微信支付）与实名验证系统提供。',
      '4. 保存期限：账本与交易记录按法律要求保存；其他信息在不再需要时删除或匿名化。',
      '5. 您的权利：查询、更正您的信息，注销账户，撤回同意；请通过客服联系我们。',
    ].join('\n'),
    en: [
      '1. What we collect: your WeChat identifiers (openid/unionid), nickname and avatar; the name and identity number real-name verification needs (stored encrypted, used only for the state anti-addiction check); deposits, withdrawals and game records; sign-in addresses and device data (for risk control and compliance).',
      '2. Why: to provide the games and the wallet, to meet anti-addiction and real-name duties, to prevent cheating and fraud, and to handle complaints and disputes.',
      '3. Sharing: only with the authorities, the payment provider (WeChat Pay) and the real-name system, where the law requires it or the service needs it.',
      '4. Retention: the ledger and transaction records as long as the law requires; everything else is deleted or anonymised once no longer needed.',
      '5. Your rights: see and correct your data, close your account, withdraw consent; contact customer service.',
    ].join('\n'),
  },
};

/** The agreement in force before any is published from the console: the built-in text under the configured version. */
export function defaultAgreement(termsVersion: string): Agreement {
  const t = termsDocument(termsVersion);
  return { version: termsVersion, terms: { title: { ...t.title }, body: { ...t.body } }, privacy: PRIVACY_DEFAULT };
}

/** `published`: every version label used so far (the built-in one included). */
export function checkAgreement(value: unknown, published: readonly string[]): Agreement {
  const a = checkShape<Agreement>(AgreementSchema, value);
  if (published.includes(a.version)) throw new AppError(SettingsErrors.SETTINGS_AGREEMENT_VERSION_USED, { version: a.version });
  return a;
}
