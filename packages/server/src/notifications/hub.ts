// Live delivery: the WebSocket connections of each player on this process. A notification is
// published after its unit of work commits; the bus carries it to every process (in memory when
// there is one process, Redis pub/sub when there are many), and each process's hub pushes it to
// the player's sockets there.
import type { WebSocket } from 'ws';
import { CONNECTIONS_MAX, CONNECTIONS_PER_PLAYER_MAX } from './limits.ts';

export interface NotificationMessage {
  readonly id: string;
  readonly kind: string;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
  readonly createdAtMs: number;
}

export interface NotificationBus {
  publish(playerId: string, message: NotificationMessage): void;
  subscribe(handler: (playerId: string, message: NotificationMessage) => void): void;
  /** Resolves once messages published from now on will be delivered here. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryBus(): NotificationBus {
  const handlers: Array<(playerId: string, message: NotificationMessage) => void> = [];
  return {
    publish(playerId, message) {
      for (const h of handlers) h(playerId, message);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    async ready() {},
    async close() {
      handlers.length = 0;
    },
  };
}

export class Hub {
  readonly #sockets = new Map<string, WebSocket[]>();
  #count = 0;

  /** Adds an authenticated socket; returns false when the process is full. */
  add(playerId: string, socket: WebSocket): boolean {
    if (this.#count >= CONNECTIONS_MAX) return false;
    const list = this.#sockets.get(playerId) ?? [];
    while (list.length >= CONNECTIONS_PER_PLAYER_MAX) {
      const oldest = list.shift();
      this.#count -= 1;
      oldest?.close(4008, 'too many connections');
    }
    list.push(socket);
    this.#count += 1;
    this.#sockets.set(playerId, list);
    socket.once('close', () => this.#remove(playerId, socket));
    return true;
  }

  #remove(playerId: string, socket: WebSocket): void {
    const list = this.#sockets.get(playerId);
    if (!list) return;
    const i = list.indexOf(socket);
    if (i >= 0) {
      list.splice(i, 1);
      this.#count -= 1;
    }
    if (list.length === 0) this.#sockets.delete(playerId);
  }

  deliver(playerId: string, message: NotificationMessage): void {
    const text = JSON.stringify({ type: 'notification', notification: message });
    for (const s of this.#sockets.get(playerId) ?? []) if (s.readyState === s.OPEN) s.send(text);
  }

  connections(playerId: string): number {
    return this.#sockets.get(playerId)?.length ?? 0;
  }

  closeAll(): void {
    for (const list of this.#sockets.values()) for (const s of list) s.close(1001, 'server stopping');
    this.#sockets.clear();
    this.#count = 0;
  }
}
