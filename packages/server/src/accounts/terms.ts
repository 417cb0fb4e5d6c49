// The user agreement. Its version comes from configuration (FAIRGROUND_TERMS_VERSION); changing the
// version makes every player accept again before their next paid or played action.
export interface TermsDocument {
  readonly version: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly body: { readonly zh: string; readonly en: string };
}

export function termsDocument(version: string): TermsDocument {
  return {
    version,
    title: { zh: '用户协议', en: 'User agreement' },
    body: {
      zh: [
        '1. 本平台仅向年满 18 周岁并完成实名认证的用户提供付费功能。',
        '2. 账户余额以人民币分计，所有资金变动均记入复式账本，可随时查询明细。',
        '3. 请理性娱乐，平台提供消费限额、冷静期与自我排除功能。',
        '4. 禁止作弊、串通及利用多个账户；发现违规将冻结账户并保留处理权利。',
      ].join('\n'),
      en: [
        '1. Paid features are available only to verified adults (18+).',
        '2. Balances are kept in fen in a double-entry ledger; every movement is listed in your history.',
        '3. Play responsibly: spending limits, cooling-off breaks and self-exclusion are available.',
        '4. Cheating, collusion and multiple accounts are forbidden and lead to account suspension.',
      ].join('\n'),
    },
  };
}
