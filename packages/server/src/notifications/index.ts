// Notifications: how players hear that something happened to them (a deposit arrived, a
// withdrawal was paid, an operator adjusted their balance). The inbox row is written in the same
// unit of work as the event; the live push happens only after that unit commits, so a player is
// never told about something that then rolled back. WeChat subscribe messages will be a second
// channel behind the same `notify`.
import { AppError, assert, CoreErrors, newId } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { Hub, type NotificationBus, type NotificationMessage } from './hub.ts';
import { NOTIFICATION_DATA_ENTRIES_MAX } from './limits.ts';

export { notificationsContract } from './contract.ts';
export { createMemoryBus, Hub, type NotificationBus, type NotificationMessage } from './hub.ts';
export { notificationsMigrations } from './migrations.ts';
export { notificationsRoutes, registerNotificationsSocket } from './routes.ts';
export { createRedisBus } from './redis-bus.ts';

export type NotificationData = Readonly<Record<string, string | number | boolean | null>>;

export interface Notifier {
  /** Stores the notification in the caller's unit of work and pushes it live once that unit commits. */
  notify(tx: Tx, playerId: string, notification: { kind: string; data?: NotificationData }): Promise<void>;
}

const KIND_PATTERN = /^[a-z][a-z0-9_]{1,63}$/;

interface Row {
  id: string;
  kind: string;
  data: string;
  created_at_ms: unknown;
  read_at_ms: unknown;
}

export class Notifications implements Notifier {
  readonly #store: Store;
  readonly #bus: NotificationBus;
  readonly hub = new Hub();

  constructor(options: { store: Store; bus: NotificationBus }) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#bus.subscribe((playerId, message) => this.hub.deliver(playerId, message));
  }

  async notify(tx: Tx, playerId: string, n: { kind: string; data?: NotificationData }): Promise<void> {
    assert(KIND_PATTERN.test(n.kind), `notification kind ${JSON.stringify(n.kind)}`);
    const data = n.data ?? {};
    assert(Object.keys(data).length <= NOTIFICATION_DATA_ENTRIES_MAX, `notification ${n.kind} has too much data`);
    const message: NotificationMessage = { id: newId('nt'), kind: n.kind, data, createdAtMs: tx.nowMs };
    await tx.run('INSERT INTO notifications (id, player_id, kind, data, created_at_ms) VALUES (?, ?, ?, ?, ?)', [
      message.id,
      playerId,
      n.kind,
      JSON.stringify(data),
      tx.nowMs,
    ]);
    tx.afterCommit(() => this.#bus.publish(playerId, message));
  }

  async inbox(playerId: string, cursor: string | undefined, limit: number) {
    const params: (string | number)[] = [playerId];
    let where = 'player_id = ?';
    if (cursor !== undefined) {
      const dot = cursor.indexOf('.');
      where += ' AND (created_at_ms < ? OR (created_at_ms = ? AND id < ?))';
      const ms = Number(cursor.slice(0, dot));
      params.push(ms, ms, cursor.slice(dot + 1));
    }
    params.push(limit + 1);
    const rows = await this.#store.reader.query<Row>(
      `SELECT id, kind, data, created_at_ms, read_at_ms FROM notifications WHERE ${where} ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id,
      kind: r.kind,
      data: JSON.parse(r.data) as Record<string, string | number | boolean | null>,
      createdAtMs: intFromDb(r.created_at_ms),
      readAtMs: intOrNullFromDb(r.read_at_ms),
    }));
    const unreadRows = await this.#store.reader.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM notifications WHERE player_id = ? AND read_at_ms IS NULL',
      [playerId],
    );
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? `${last.createdAtMs}.${last.id}` : null,
      unread: intFromDb(unreadRows[0]?.n ?? 0),
    };
  }

  async markRead(playerId: string, id: string): Promise<void> {
    const changed = await this.#store.unitOfWork((tx) =>
      tx.run('UPDATE notifications SET read_at_ms = COALESCE(read_at_ms, ?) WHERE id = ? AND player_id = ?', [tx.nowMs, id, playerId]),
    );
    if (changed === 0) throw new AppError(CoreErrors.NOT_FOUND, { notificationId: id });
  }
}
