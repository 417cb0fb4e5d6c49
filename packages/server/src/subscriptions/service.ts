// WeChat subscription messages (订阅消息). A player opts in per template: in the mini-game through
// wx.requestSubscribeMessage (the client posts the ids the player accepted), in H5 with a toggle that
// stands for the official account's template-message consent. WeChat lets one consent carry one
// message, so consents are counted per player and kind: each acceptance adds one, and queueing a
// message spends one in the same unit of work that records the message — two events with one
// consent make one message. Only the four service kinds below exist: nothing here sends marketing.
//
// The notify.subscribe job sends what is queued through subscribeMessage.send (the sender port,
// bound to WeChat in wechat/subscribe.ts; the call and its errcodes are described beside
// WeixinClient.subscribeSend in packages/wechatpay, weixin.ts, after developers.weixin.qq.com/
// miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html):
// - 43101 "user refuse to accept the msg": WeChat holds no consent; ours is spent, never retried;
// - 40003 invalid openid (and a player with no openid on the app): dropped;
// - 45009 quota reached, -1 system busy, no answer: retried later with a doubling back-off;
// - 40001/42001 token: the client replaces the token and calls once more; if that fails, retried later;
// - anything else (40037 template, 47003 data): given up and logged in the row.
import { AppError, newId } from '@fairground/core';
import type { Notifier } from '../notifications/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { SubscriptionErrors } from './errors.ts';

import { SUBSCRIBE_KINDS, type SubscribeKind, type SubscribeTemplates } from './kinds.ts';

export { SUBSCRIBE_KINDS, type SubscribeKind, type SubscribeTemplates } from './kinds.ts';

/** Consents one player may hold per kind (WeChat keeps accumulating them; we keep a bound). */
export const SUBSCRIBE_CONSENTS_MAX = 50;
/** Messages one pass of the job sends. */
export const SUBSCRIBE_BATCH = 50;
/** Attempts before a message that keeps meeting quota or outage errors is given up. */
export const SUBSCRIBE_ATTEMPTS_MAX = 8;
export const SUBSCRIBE_BACKOFF_MS = 60_000;
export const SUBSCRIBE_BACKOFF_MS_MAX = 3600_000;

export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly errcode: number | null };

export interface SubscribeSender {
  /** The app the messages go out on (the player's openid there is the recipient). */
  readonly appId: string;
  send(m: {
    readonly touser: string;
    readonly templateId: string;
    readonly page: string;
    readonly data: Readonly<Record<string, string>>;
    readonly lang: 'zh_CN' | 'en_US';
  }): Promise<SendOutcome>;
}

export interface SubscriptionsOptions {
  readonly store: Store;
  readonly templates: SubscribeTemplates;
  /** Null: no WeChat app to send through; messages stay queued. */
  readonly sender: SubscribeSender | null;
  readonly openidOf: (playerId: string, appId: string) => Promise<string | null>;
  readonly nowMs: () => number;
  readonly log?: { warn(obj: object, msg: string): void };
}

export interface SubscriptionView {
  readonly kind: SubscribeKind;
  readonly templateId: string;
  readonly remaining: number;
}

export interface QueueInput {
  readonly playerId: string;
  readonly kind: SubscribeKind;
  /** Names the event, so one event queues at most one message. */
  readonly key: string;
  readonly page: string;
  readonly data: Readonly<Record<string, string>>;
}

interface SendRow {
  id: string;
  player_id: string;
  template_id: string;
  page: string;
  data: string;
  attempts: unknown;
}

/** The first `n` characters (a template's `thing` keyword holds at most 20). */
function clip(s: string, n = 20): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length <= n ? chars.join('') : `${chars.slice(0, n - 1).join('')}…`;
}

function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export class Subscriptions {
  readonly #o: SubscriptionsOptions;

  constructor(o: SubscriptionsOptions) {
    this.#o = o;
  }

  #kindOf(templateId: string): SubscribeKind | null {
    for (const k of SUBSCRIBE_KINDS) if (this.#o.templates[k] === templateId) return k;
    return null;
  }

  /** The configured templates with the player's unspent consents. */
  async mine(playerId: string, r: Reader = this.#o.store.reader): Promise<SubscriptionView[]> {
    const rows = await r.query<{ kind: string; remaining: unknown }>('SELECT kind, remaining FROM subscribe_consents WHERE player_id = ?', [
      playerId,
    ]);
    const out: SubscriptionView[] = [];
    for (const kind of SUBSCRIBE_KINDS) {
      const templateId = this.#o.templates[kind];
      if (templateId === undefined) continue;
      const row = rows.find((x) => x.kind === kind);
      out.push({ kind, templateId, remaining: row ? intFromDb(row.remaining) : 0 });
    }
    return out;
  }

  /** Adds one consent per accepted template id (each id once per call); an unknown id refuses them all. */
  async accept(playerId: string, templateIds: readonly string[]): Promise<SubscriptionView[]> {
    const kinds = new Set<SubscribeKind>();
    for (const id of templateIds) {
      const k = this.#kindOf(id);
      if (k === null) throw new AppError(SubscriptionErrors.SUBSCRIBE_TEMPLATE_UNKNOWN, { templateId: id });
      kinds.add(k);
    }
    return this.#o.store.unitOfWork(
      async (tx) => {
        for (const kind of kinds) {
          const changed = await tx.run(
            'UPDATE subscribe_consents SET remaining = remaining + 1, updated_at_ms = ? WHERE player_id = ? AND kind = ? AND remaining < ?',
            [tx.nowMs, playerId, kind, SUBSCRIBE_CONSENTS_MAX],
          );
          if (changed === 0)
            await tx.run(
              'INSERT INTO subscribe_consents (player_id, kind, remaining, updated_at_ms) VALUES (?, ?, 1, ?) ON CONFLICT (player_id, kind) DO NOTHING',
              [playerId, kind, tx.nowMs],
            );
        }
        return this.mine(playerId, tx);
      },
      { label: 'subscriptions.accept' },
    );
  }

  /** Gives back every unspent consent of the player (the H5 toggle switched off). */
  async withdraw(playerId: string): Promise<SubscriptionView[]> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        await tx.run('UPDATE subscribe_consents SET remaining = 0, updated_at_ms = ? WHERE player_id = ?', [tx.nowMs, playerId]);
        return this.mine(playerId, tx);
      },
      { label: 'subscriptions.withdraw' },
    );
  }

  /**
   * Inside the caller's unit of work: spends one of the player's consents for `kind` and queues the
   * message. Returns false (and changes nothing) without a consent, without a template for the
   * kind, or when the event already queued its message.
   */
  async queue(tx: Tx, m: QueueInput): Promise<boolean> {
    const templateId = this.#o.templates[m.kind];
    if (templateId === undefined) return false;
    const seen = await tx.query('SELECT id FROM subscribe_sends WHERE dedupe_key = ?', [m.key]);
    if (seen.length > 0) return false;
    const spent = await tx.run(
      'UPDATE subscribe_consents SET remaining = remaining - 1, updated_at_ms = ? WHERE player_id = ? AND kind = ? AND remaining > 0',
      [tx.nowMs, m.playerId, m.kind],
    );
    if (spent !== 1) return false;
    await tx.run(
      `INSERT INTO subscribe_sends (id, dedupe_key, player_id, kind, template_id, page, data, state, attempts, next_at_ms, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
      [newId('sub'), m.key, m.playerId, m.kind, templateId, m.page, JSON.stringify(m.data), tx.nowMs, tx.nowMs],
    );
    return true;
  }

  /**
   * A notifier that also queues the matching subscription message (when the player consented) in
   * the same unit of work: an operator's answer (support_answer) and a completed withdrawal.
   */
  reaching(inner: Notifier): Notifier {
    return {
      notify: async (tx, playerId, n) => {
        await inner.notify(tx, playerId, n);
        const d = n.data ?? {};
        if (n.kind === 'support_answer' && typeof d.answerId === 'string')
          await this.queue(tx, {
            playerId,
            kind: 'report_handled',
            key: `support_answer:${d.answerId}`,
            page: `inbox?thread=${String(d.threadId ?? '')}`,
            data: { thing1: clip(String(d.question ?? '')) || '反馈', thing2: clip(String(d.text ?? '')), time3: chinaTime(tx.nowMs) },
          });
        if (n.kind === 'withdrawal_completed' && typeof d.withdrawalId === 'string' && typeof d.amountFen === 'number')
          await this.queue(tx, {
            playerId,
            kind: 'withdrawal_arrived',
            key: `withdrawal_completed:${d.withdrawalId}`,
            page: 'wallet',
            data: {
              amount1: `¥${Math.trunc(d.amountFen / 100)}.${String(d.amountFen % 100).padStart(2, '0')}`,
              time2: chinaTime(tx.nowMs),
            },
          });
      },
    };
  }

  /**
   * "Your turn" for a seated player with no socket to the room: one message per hand at most (the
   * key names the hand), only with a consent. Bound to the rooms domain's reminders port.
   */
  async turnAway(t: {
    readonly roomId: string;
    readonly code: string;
    readonly handNumber: number;
    readonly playerId: string;
  }): Promise<boolean> {
    return this.#o.store.unitOfWork(
      (tx) =>
        this.queue(tx, {
          playerId: t.playerId,
          kind: 'turn_away',
          key: `turn_away:${t.roomId}:${t.handNumber}:${t.playerId}`,
          page: `room?room=${t.code}`,
          data: { thing1: `房间 ${t.code} 第${t.handNumber}局`, thing2: '轮到你了', time3: chinaTime(tx.nowMs) },
        }),
      { label: 'subscriptions.turn_away' },
    );
  }

  /**
   * "A friend's room is starting" for the players the rooms domain names (invited to the room or
   * holding a place in it without a seat): once per room and player, only with a consent.
   */
  async friendRoom(r: {
    readonly roomId: string;
    readonly code: string;
    readonly ownerNickname: string;
    readonly playerIds: readonly string[];
  }): Promise<number> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        let queued = 0;
        for (const playerId of r.playerIds) {
          const ok = await this.queue(tx, {
            playerId,
            kind: 'friend_room',
            key: `friend_room:${r.roomId}:${playerId}`,
            page: `room?room=${r.code}`,
            data: { thing1: clip(`${r.ownerNickname}的房间`) || '好友的房间', character_string2: r.code, time3: chinaTime(tx.nowMs) },
          });
          if (ok) queued += 1;
        }
        return queued;
      },
      { label: 'subscriptions.friend_room' },
    );
  }

  /** One pass of notify.subscribe: sends what is due. Returns how many messages were settled. */
  async sendDue(): Promise<number> {
    const sender = this.#o.sender;
    if (sender === null) return 0;
    const now = this.#o.nowMs();
    const rows = await this.#o.store.reader.query<SendRow>(
      "SELECT id, player_id, template_id, page, data, attempts FROM subscribe_sends WHERE state = 'queued' AND next_at_ms <= ? ORDER BY next_at_ms, id LIMIT ?",
      [now, SUBSCRIBE_BATCH],
    );
    let handled = 0;
    for (const row of rows) {
      const openid = await this.#o.openidOf(row.player_id, sender.appId);
      let outcome: SendOutcome;
      if (openid === null) outcome = { ok: false, errcode: 40003 };
      else {
        try {
          outcome = await sender.send({
            touser: openid,
            templateId: row.template_id,
            page: row.page,
            data: JSON.parse(row.data) as Record<string, string>,
            lang: 'zh_CN',
          });
        } catch (e) {
          this.#o.log?.warn({ err: e, sendId: row.id }, 'subscription message: no answer');
          outcome = { ok: false, errcode: null };
        }
      }
      await this.#settle(row, outcome);
      handled += 1;
    }
    return handled;
  }

  async #settle(row: SendRow, outcome: SendOutcome): Promise<void> {
    const attempts = intFromDb(row.attempts) + 1;
    await this.#o.store.unitOfWork(
      async (tx) => {
        const set = (state: string, errcode: number | null, nextAtMs: number | null) =>
          tx.run(
            `UPDATE subscribe_sends SET state = ?, attempts = ?, last_errcode = ?, next_at_ms = ?, finished_at_ms = ? WHERE id = ? AND state = 'queued'`,
            [state, attempts, errcode, nextAtMs, state === 'queued' ? null : tx.nowMs, row.id],
          );
        if (outcome.ok) return void (await set('sent', null, null));
        const code = outcome.errcode;
        if (code === 43101) return void (await set('refused', code, null));
        if (code === 40003) return void (await set('dropped', code, null));
        const retryable = code === null || code === 45009 || code === -1 || code === 40001 || code === 42001;
        if (retryable && attempts < SUBSCRIBE_ATTEMPTS_MAX) {
          const backoff = Math.min(SUBSCRIBE_BACKOFF_MS * 2 ** (attempts - 1), SUBSCRIBE_BACKOFF_MS_MAX);
          return void (await set('queued', code, tx.nowMs + backoff));
        }
        await set('failed', code, null);
      },
      { label: 'subscriptions.settle' },
    );
  }
}
