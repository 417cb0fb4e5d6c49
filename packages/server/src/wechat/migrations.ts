// The tables of the WeChat adapter: the apps' access tokens and jsapi tickets (sealed) and the
// refresh locks every node shares (token-cache.ts).
import type { Migration } from '../storage/ports.ts';

export const wechatMigrations: Migration[] = [
  {
    id: 'wechat_001_credentials',
    sql: `
CREATE TABLE wechat_credentials (
  cache_key TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  obtained_at_ms BIGINT NOT NULL,
  forced INTEGER NOT NULL
);
CREATE TABLE wechat_credential_locks (
  lock_key TEXT PRIMARY KEY,
  lock_id TEXT NOT NULL,
  until_ms BIGINT NOT NULL
);`,
  },
];
