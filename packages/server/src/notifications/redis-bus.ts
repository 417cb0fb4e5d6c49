// The notification bus over Redis pub/sub, for more than one API process: a notification
// committed on one process reaches the player's sockets on whichever process holds them.
// Delivery is best effort (pub/sub keeps nothing); the inbox in the database is the record,
// and clients re-read it when they reconnect.
import { createRequire } from 'node:module';
import type { NotificationBus, NotificationMessage } from './hub.ts';

// Loaded when the first connection is made, not at start: a node configured without Redis never
// loads the client (about 2 MB of V8 heap; bench/README.md, "The idle process and memory per player").
const require = createRequire(import.meta.url);

/** Messages larger than this are not published (a notification is a few hundred bytes). */
const MESSAGE_BYTES_MAX = 16 * 1024;

export function createRedisBus(options: { url: string; channel?: string; onError?: (e: Error) => void }): NotificationBus {
  const channel = options.channel ?? 'fairground:notifications';
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const pub = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const sub = new Redis(options.url, { lazyConnect: false });
  const handlers: Array<(playerId: string, message: NotificationMessage) => void> = [];
  const onError = options.onError ?? (() => {});
  pub.on('error', onError);
  sub.on('error', onError);
  const ready = sub.subscribe(channel);
  sub.on('message', (ch: string, text: string) => {
    if (ch !== channel || text.length > MESSAGE_BYTES_MAX) return;
    const { playerId, message } = JSON.parse(text) as { playerId: string; message: NotificationMessage };
    for (const h of handlers) h(playerId, message);
  });
  return {
    publish(playerId, message) {
      const text = JSON.stringify({ playerId, message });
      if (text.length > MESSAGE_BYTES_MAX) return;
      pub.publish(channel, text).catch(onError);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    async ready() {
      await ready;
    },
    async close() {
      await ready.catch(() => undefined);
      handlers.length = 0;
      sub.disconnect();
      await pub.quit().catch(() => undefined);
    },
  };
}
