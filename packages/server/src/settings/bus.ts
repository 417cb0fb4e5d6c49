// Change notices between nodes: after a setting's new version commits, every node re-reads it.
// In one process the notice is a function call; with several, it travels on the cluster's Redis
// pub/sub bus (a broadcast notice). Pub/sub keeps nothing, so a node also re-reads any setting its
// cache has held longer than CACHE_TTL_MS: a lost notice delays a change, never loses it.

export interface SettingsChange {
  readonly key: string;
  readonly version: number;
}

export interface SettingsBus {
  /** Tells every node (this one included) that `key` has a new version. */
  publish(change: SettingsChange): void;
  subscribe(handler: (change: SettingsChange) => void): void;
}

export function memorySettingsBus(): SettingsBus {
  const handlers: Array<(c: SettingsChange) => void> = [];
  return {
    publish(change) {
      for (const h of handlers) h(change);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
  };
}

/** What a node bus must offer to carry settings notices (the cluster's bus does). */
export interface NoticeBus {
  broadcast(op: string, args: unknown): void;
  onNotice(op: string, handler: (from: string, args: unknown) => void): void;
}

const OP = 'settings';

export function noticeSettingsBus(bus: NoticeBus): SettingsBus {
  const handlers: Array<(c: SettingsChange) => void> = [];
  bus.onNotice(OP, (_from, args) => {
    const a = args as { key?: unknown; version?: unknown } | null;
    if (typeof a?.key !== 'string' || typeof a.version !== 'number' || !Number.isSafeInteger(a.version)) return;
    const change = { key: a.key.slice(0, 64), version: a.version };
    for (const h of handlers) h(change);
  });
  return {
    publish(change) {
      bus.broadcast(OP, { key: change.key, version: change.version });
    },
    subscribe(handler) {
      handlers.push(handler);
    },
  };
}
