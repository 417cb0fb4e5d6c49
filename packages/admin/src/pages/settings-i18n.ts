// Texts of the business-settings pages (fees, games and tournaments, VIP and skins, agreement).
import { type Lang, translate } from '@fairground/web';

const zh = {
  navSettings: '业务设置',
  tabFees: '房费',
  tabTournaments: '锦标赛',
  tabGames: '技巧游戏目录',
  tabVip: 'VIP 与皮肤',
  tabAgreement: '协议与隐私',
  tabChat: '牌桌快捷语',
  version: '版本 {version}',
  builtIn: '内置默认',
  bounds: '政策范围：抽成 {min}–{max}（{policies}）',
  defaultBounds: '默认范围',
  feesTitle: '房费设置',
  feesHint: '房费按座位和局数（每 8 局一档）预先收取，与输赢无关；按底池或赢额抽成属于赌博（抽头），一律拒绝。修改只影响之后创建的房间。',
  roomCardPrice: '房卡单价（元）',
  cardsPerSeat: '每座每档房卡数',
  cashPerSeat: '现金模式每座每档费用（元）',
  commission: '平台抽成（%，基点÷100）',
  pointsCover: '积分最多抵扣（%）',
  defaultPayer: '默认付费方式',
  payerOwner: '房主付费',
  payerAa: 'AA 分摊',
  reason: '修改原因',
  save: '保存',
  saved: '已保存为版本 {version}',
  history: '历史版本',
  who: '操作人',
  when: '时间',
  amountInvalid: '金额格式不正确',
  error: '出错了：{message}',
  gamesTitle: '技巧游戏目录',
  gamesHint: '游戏、插件、报名费档位、抽成与平局规则。修改只影响之后创建的对局与锦标赛。插件：{plugins}',
  templatesTitle: '锦标赛模板',
  templatesHint: '奖金比例、报名费、人数与时间窗口。',
  jsonInvalid: 'JSON 格式不正确',
  vipTitle: 'VIP 等级与皮肤',
  chatTitle: '牌桌快捷语与表情',
  chatHint:
    '玩家在牌桌上一点即发的快捷语（中英文）和表情。快捷语的 id 保持不变，已存的聊天记录仍能对应；自由输入另由司法辖区政策决定，并经微信内容安全检查。',
  vipHint: '充值达到门槛即升级，等级赠送皮肤；有价格的皮肤也可购买。其他玩家在牌桌上能看到你的皮肤。',
  agreementTitle: '用户协议与隐私政策',
  agreementHint: '发布新版本后，所有玩家在下一次付费或游戏前必须重新同意。版本号不可重复使用。',
  agreementVersion: '新版本号',
  termsTitleZh: '协议标题（中文）',
  termsTitleEn: '协议标题（英文）',
  termsBodyZh: '协议正文（中文）',
  termsBodyEn: '协议正文（英文）',
  privacyTitleZh: '隐私政策标题（中文）',
  privacyTitleEn: '隐私政策标题（英文）',
  privacyBodyZh: '隐私政策正文（中文）',
  privacyBodyEn: '隐私政策正文（英文）',
  publish: '发布新版本',
  published: '已发布版本 {version}',
  tournamentsTitle: '创建锦标赛',
  template: '模板',
  title: '名称',
  entryFee: '报名费（元）',
  rake: '抽成（%）',
  prizeWeights: '奖金比例（逗号分隔，第一名在前）',
  playersMin: '最少人数',
  playersMax: '最多人数',
  entryClosesAt: '报名截止',
  endsAt: '比赛结束',
  create: '创建',
  created: '已创建：{title}',
  tournamentList: '锦标赛',
  status: '状态',
  entries: '报名',
  pool: '奖池',
  cancel: '取消并退款',
  cancelReason: '取消原因（必填）',
  cancelled: '已取消，报名费已全部退回',
  none: '暂无',
  agreementsTitle: '协议同意记录',
  agreementsCurrent: '现行版本 {version}',
  acceptedAt: '同意时间',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  navSettings: 'Settings',
  tabFees: 'Room fees',
  tabTournaments: 'Tournaments',
  tabGames: 'Skill games',
  tabVip: 'VIP and skins',
  tabAgreement: 'Agreement',
  tabChat: 'Table phrases',
  version: 'version {version}',
  builtIn: 'built-in default',
  bounds: 'Policy bounds: commission {min}–{max} ({policies})',
  defaultBounds: 'default bounds',
  feesTitle: 'Room fees',
  feesHint:
    'Room fees are charged up front per seat and block of 8 hands, whatever the results; a fee on the pot or on winnings is gambling (抽头) and is always refused. A change applies to rooms created afterwards only.',
  roomCardPrice: 'Room card price (yuan)',
  cardsPerSeat: 'Room cards per seat per block',
  cashPerSeat: 'Cash fee per seat per block (yuan)',
  commission: 'Platform commission (%)',
  pointsCover: 'Points may cover at most (%)',
  defaultPayer: 'Default payer',
  payerOwner: 'Owner pays',
  payerAa: 'Each pays (AA)',
  reason: 'Reason for the change',
  save: 'Save',
  saved: 'Saved as version {version}',
  history: 'Versions',
  who: 'Operator',
  when: 'Time',
  amountInvalid: 'Not an amount',
  error: 'Error: {message}',
  gamesTitle: 'Skill-game catalogue',
  gamesHint:
    'Games, plug-ins, stakes, rake and tie rule. A change applies to matches and tournaments created afterwards. Plug-ins: {plugins}',
  templatesTitle: 'Tournament templates',
  templatesHint: 'Prize shares, entry fees, players and time windows.',
  jsonInvalid: 'Not valid JSON',
  vipTitle: 'VIP tiers and skins',
  chatTitle: 'Table quick phrases and emoji',
  chatHint:
    'Phrases (Chinese and English) and emoji players send at the table with one tap. Keep a phrase’s id when its words change so stored chat still says which phrase it was; typed text is the jurisdiction policy’s call and is checked by WeChat content security.',
  vipHint:
    'Deposits reaching a threshold reach the tier, which grants skins; skins with a price can be bought. Other players at the table see a player’s skin.',
  agreementTitle: 'User agreement and privacy policy',
  agreementHint:
    'Once a new version is published every player must accept it again before their next payment or game. A version label is never reused.',
  agreementVersion: 'New version label',
  termsTitleZh: 'Agreement title (Chinese)',
  termsTitleEn: 'Agreement title (English)',
  termsBodyZh: 'Agreement text (Chinese)',
  termsBodyEn: 'Agreement text (English)',
  privacyTitleZh: 'Privacy policy title (Chinese)',
  privacyTitleEn: 'Privacy policy title (English)',
  privacyBodyZh: 'Privacy policy text (Chinese)',
  privacyBodyEn: 'Privacy policy text (English)',
  publish: 'Publish new version',
  published: 'Published version {version}',
  tournamentsTitle: 'Create a tournament',
  template: 'Template',
  title: 'Title',
  entryFee: 'Entry fee (yuan)',
  rake: 'Rake (%)',
  prizeWeights: 'Prize shares (comma-separated, first place first)',
  playersMin: 'Players min',
  playersMax: 'Players max',
  entryClosesAt: 'Entries close',
  endsAt: 'Ends',
  create: 'Create',
  created: 'Created: {title}',
  tournamentList: 'Tournaments',
  status: 'Status',
  entries: 'Entries',
  pool: 'Pool',
  cancel: 'Cancel and refund',
  cancelReason: 'Reason for cancelling (required)',
  cancelled: 'Cancelled; every entry fee was refunded',
  none: 'None',
  agreementsTitle: 'Agreement acceptances',
  agreementsCurrent: 'In force: {version}',
  acceptedAt: 'Accepted',
};

export type SettingsT = (key: Key, vars?: Record<string, string | number>) => string;

export function settingsText(lang: Lang): SettingsT {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}

/** Basis points as a percentage with up to two decimals: 1250 → "12.5". Integer arithmetic only. */
export function bpsToPercent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = String(Math.abs(bps % 100))
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}

/** "12.5" → 1250; null for anything that is not a percentage with at most two decimals. */
export function percentToBps(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
