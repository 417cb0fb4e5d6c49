// Words of the fair-play console page (kept beside it, so the shared dictionary stays untouched).
import type { Lang } from '@fairground/web';

const TEXT = {
  zh: {
    navFairPlay: '公平游戏',
    title: '公平游戏：房间处置与关联账号',
    ruleTitle: '关联账号规则',
    rule1: '同一设备指纹、同一微信账号（登录、付款或收款）、同一 unionid 的账号视为关联，关联可传递（A 与 B、B 与 C 关联则三者为一组）。',
    rule2: '共用 IP 地址只是弱信号：运营商 NAT、校园与家庭会共用地址，仅凭地址不会关联账号，也不会阻止匹配。',
    rule3:
      '关联账号永不互相匹配；同一场锦标赛中同一关联组最多获得一个奖项，其余参赛记录被标记待审；关联账号之间或抄袭走法的对局暂扣报名费，待审核决定。',
    shared: '已发现共用：设备 {device} · 微信账号 {wechat} · unionid {unionid} · 地址（弱）{address}',
    actionsTitle: '房间处置记录',
    none: '暂无',
    room: '房间',
    reason_soft_play: '软打（互不比牌）',
    reason_chip_dumping: '输送筹码',
    status_pending: '待执行',
    status_done: '已解散',
    status_not_live: '房间已结束',
    status_failed: '失败，重试中',
    pair: '可疑组合',
    hands: '同桌 {n} 局',
    avoidance: '比牌回避 {v}‰（偶然为 1000‰）',
    oneWay: '单向输送 {v}‰',
    attempts: '尝试 {n} 次',
    lookupTitle: '查询玩家的关联账号',
    playerId: '玩家 ID',
    lookup: '查询',
    group: '关联组（{n}）',
    noGroup: '没有关联账号',
    strong: '强',
    weak: '弱（不关联）',
    kind_device: '设备',
    kind_wechat: '微信账号',
    kind_unionid: 'unionid',
    kind_address: '地址',
    error: '出错了：{message}',
  },
  en: {
    navFairPlay: 'Fair play',
    title: 'Fair play: room actions and linked accounts',
    ruleTitle: 'The linked-account rule',
    rule1:
      'Accounts that share a device fingerprint, a WeChat account (signing in, paying or being paid) or a unionid are linked, transitively (A–B and B–C make one group).',
    rule2:
      'A shared IP address is a weak signal only: carrier NAT, campuses and families share addresses, so an address alone never links accounts or blocks a pairing.',
    rule3:
      'Linked accounts are never matched; a tournament pays at most one prize per linked group and flags the other entries for review; a match between linked accounts, or with copied moves, keeps both fees held until review.',
    shared: 'Found shared: devices {device} · WeChat accounts {wechat} · unionids {unionid} · addresses (weak) {address}',
    actionsTitle: 'Room actions',
    none: 'None',
    room: 'Room',
    reason_soft_play: 'Soft play (never confronting each other)',
    reason_chip_dumping: 'Chip dumping',
    status_pending: 'Pending',
    status_done: 'Dissolved',
    status_not_live: 'Room already over',
    status_failed: 'Failed, retrying',
    pair: 'Pair',
    hands: '{n} hands together',
    avoidance: 'Compare avoidance {v}‰ (chance: 1000‰)',
    oneWay: 'One-way flow {v}‰',
    attempts: '{n} attempt(s)',
    lookupTitle: 'A player’s linked accounts',
    playerId: 'Player id',
    lookup: 'Look up',
    group: 'Linked group ({n})',
    noGroup: 'No linked accounts',
    strong: 'strong',
    weak: 'weak (does not link)',
    kind_device: 'device',
    kind_wechat: 'WeChat account',
    kind_unionid: 'unionid',
    kind_address: 'address',
    error: 'Something went wrong: {message}',
  },
} as const;

export type FairPlayKey = keyof (typeof TEXT)['zh'];

/** Keys built at run time (`reason_…`, `status_…`, `kind_…`) fall back to the key itself. */
export function fairPlayText(lang: Lang): (key: FairPlayKey | string, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => {
    const dict = TEXT[lang] as Record<string, string>;
    return (dict[key] ?? key).replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''));
  };
}
