// The settings there are, by key. Kept free of imports: the HTTP contract (read by the browser
// clients' type checks) needs the keys and nothing of the domains behind them.
export const SETTING_KEYS = [
  'room.fees',
  'skill.catalogue',
  'skill.tournament_templates',
  'vip',
  'agreement',
  'chat.phrases',
  'support',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}
