import { type Dictionary, type Lang, translate } from './shared/i18n.ts';

const zh = {
  appName: 'Fairground 游乐场',
  tagline: '公平可验证的小游戏平台',
  loginTitle: '登录',
  sandboxUser: '沙盒微信用户',
  sandboxHint: '开发环境：用沙盒身份模拟微信授权登录',
  loginWechat: '微信登录（沙盒）',
  loggingIn: '登录中…',
  termsTitle: '用户协议',
  termsAccept: '同意并继续',
  termsVersion: '版本 {version}',
  lobbyHello: '你好，{name}',
  playerId: '玩家 ID',
  lobbyWallet: '我的钱包',
  lobbyWalletHint: '余额与明细',
  lobbyRooms: '拼三张好友房',
  lobbySkill: '技巧赛',
  comingSoon: '即将推出',
  inbox: '消息',
  unread: '{n} 条未读',
  logout: '退出登录',
  walletTitle: '钱包',
  balances: '余额',
  available: '可用',
  history: '明细',
  allAssets: '全部',
  noHistory: '暂无记录',
  loadMore: '加载更多',
  back: '返回',
  asset_CNY: '现金',
  asset_ROOM_CARD: '房卡',
  asset_POINTS: '积分',
  asset_BONUS: '赠金',
  code_deposit: '充值',
  code_withdrawal: '提现',
  code_adjustment: '人工调整',
  code_other: '其他',
  pending: '处理中',
  notice_balance_adjusted: '你的{asset}余额已调整 {amount}',
  error: '出错了：{message}',
  language: 'English',
};
type Key = keyof typeof zh;

const en: Dictionary<Key> = {
  appName: 'Fairground',
  tagline: 'Provably fair mini-games',
  loginTitle: 'Sign in',
  sandboxUser: 'Sandbox WeChat user',
  sandboxHint: 'Development: a sandbox identity stands in for WeChat authorisation',
  loginWechat: 'Sign in with WeChat (sandbox)',
  loggingIn: 'Signing in…',
  termsTitle: 'User agreement',
  termsAccept: 'Accept and continue',
  termsVersion: 'Version {version}',
  lobbyHello: 'Hello, {name}',
  playerId: 'Player ID',
  lobbyWallet: 'My wallet',
  lobbyWalletHint: 'Balances and history',
  lobbyRooms: 'Zha Jin Hua friend rooms',
  lobbySkill: 'Skill matches',
  comingSoon: 'Coming soon',
  inbox: 'Inbox',
  unread: '{n} unread',
  logout: 'Sign out',
  walletTitle: 'Wallet',
  balances: 'Balances',
  available: 'available',
  history: 'History',
  allAssets: 'All',
  noHistory: 'Nothing yet',
  loadMore: 'Load more',
  back: 'Back',
  asset_CNY: 'Cash',
  asset_ROOM_CARD: 'Room cards',
  asset_POINTS: 'Points',
  asset_BONUS: 'Bonus',
  code_deposit: 'Deposit',
  code_withdrawal: 'Withdrawal',
  code_adjustment: 'Adjustment',
  code_other: 'Other',
  pending: 'pending',
  notice_balance_adjusted: 'Your {asset} balance was adjusted by {amount}',
  error: 'Something went wrong: {message}',
  language: '中文',
};

export type MessageKey = Key;
export type T = (key: Key, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): T {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}

export function hasKey(key: string): key is Key {
  return key in zh;
}
