// The built-in user agreement: in force under the configured version (FAIRGROUND_TERMS_VERSION)
// until an operator publishes another from the console (settings/agreement.ts). Publishing a new
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
        '5. 禁止将本平台用于任何违法用途，包括洗钱、诈骗、传播违法信息。',
        '6. 严禁赌博：房间积分不可兑换现金或财物，禁止私下结算、代充、买卖积分或房卡；平台不按输赢抽成。',
        '7. 对违反本协议或法律的行为，平台有权警告、限制功能、解散房间、冻结或注销账户，并依法向主管机关报告。',
      ].join('\n'),
      en: [
        '1. Paid features are available only to verified adults (18+).',
        '2. Balances are kept in fen in a double-entry ledger; every movement is listed in your history.',
        '3. Play responsibly: spending limits, cooling-off breaks and self-exclusion are available.',
        '4. Cheating, collusion and multiple accounts are forbidden and lead to account suspension.',
        '5. The platform must not be used for anything illegal, including money laundering, fraud or spreading unlawful content.',
        '6. No gambling: room scores can never be exchanged for money or goods; settling scores privately, top-up services and trading scores or room cards are forbidden; the platform never takes a share of wins.',
        '7. On any breach of this agreement or the law the operator may warn, restrict features, dissolve rooms, freeze or close accounts, and report to the authorities as the law requires.',
      ].join('\n'),
    },
  };
}
