// Chat at the 拼三张 table. The room actor asks `compose` for each chat frame: a quick phrase or
// emoji is stored and handed back for delivery at once; typed text is allowed only where the
// jurisdiction policy says so, only for a player WeChat's content check can vouch for (an openid of
// the mini-game app used in the last two hours), and only delivered when the check says `pass`.
// Refused text is stored (for review) and delivered to no one; the third refusal in a day
// restricts the sender's chat and opens a review case. Players report messages; a report keeps the
// conversation around the message and the hand, and waits in the console's queue.
import { AppError, assert, type Clock, newId } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { ChatPhrases } from '../settings/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { ChatErrors } from './errors.ts';
import {
  CHAT_MESSAGES_PER_WINDOW_MAX,
  CHAT_PAGE_MAX,
  CHAT_REFUSALS_MAX,
  CHAT_REFUSALS_WINDOW_MS,
  CHAT_RESTRICTION_MS,
  CHAT_RETENTION_MS,
  CHAT_TEXT_CHARS_MAX,
  CHAT_WINDOW_MS,
  CONTENT_CHECK_ACTIVE_WINDOW_MS,
  MUTED_PER_PLAYER_MAX,
  MUTE_LISTS_MAX,
  RATE_WINDOWS_MAX,
  RECENT_MESSAGES_MAX,
  REPORT_CONTEXT_MESSAGES,
  REPORT_REASON_CHARS_MAX,
  RETENTION_BATCH_MAX,
} from './limits.ts';
import { type ChatRisk, type ContentCheck, ContentCheckUnavailable, type ContentVerdict } from './ports.ts';

export type ChatKind = 'phrase' | 'emoji' | 'text';

/** What a player asked to say (the `chat` frame's body). */
export type ChatRequest =
  | { readonly kind: 'phrase'; readonly phraseId: string }
  | { readonly kind: 'emoji'; readonly emoji: string }
  | { readonly kind: 'text'; readonly text: string };

/** A delivered message, as every client at the table receives it. */
export interface ChatMessage {
  readonly id: string;
  readonly roomId: string;
  readonly handNumber: number | null;
  readonly playerId: string;
  readonly seat: number | null;
  readonly kind: ChatKind;
  readonly phraseId: string | null;
  /** The words (Chinese for a phrase), the emoji, or the typed text. */
  readonly text: string;
  /** A phrase's English words; null otherwise. */
  readonly textEn: string | null;
  readonly atMs: number;
}

/** A stored message as the console sees it (refused ones included, with the check's verdict). */
export interface StoredChatMessage extends ChatMessage {
  readonly status: 'delivered' | 'refused';
  readonly checkSuggest: string | null;
  readonly checkLabel: number | null;
}

export interface ChatReport {
  readonly id: string;
  readonly messageId: string;
  readonly roomId: string;
  readonly handNumber: number | null;
  readonly reporterId: string;
  readonly senderId: string;
  readonly reason: string;
  readonly message: StoredChatMessage | null;
  /** The delivered messages around the reported one, oldest first (the reported one among them). */
  readonly context: readonly ChatMessage[];
  readonly status: 'open' | 'dismissed' | 'upheld';
  readonly resolutionNote: string | null;
  readonly handledBy: string | null;
  readonly handledAtMs: number | null;
  readonly createdAtMs: number;
}

/** Whether a player may type free text now, and if not the code that says why. */
export interface FreeTextAvailability {
  readonly allowed: boolean;
  readonly reason: string | null;
}

export interface ChatOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The quick phrases and emoji in force (the `chat.phrases` setting). */
  readonly phrases: () => ChatPhrases;
  /** Whether the jurisdiction policy allows typed text at the table. */
  readonly freeTextAllowed: () => boolean;
  /** WeChat content security; null when no WeChat mini-game app is configured (free text is then off). */
  readonly contentCheck: ContentCheck | null;
  readonly risk: ChatRisk;
  readonly audit: AuditLog;
}

type Row = Record<string, unknown>;

const MESSAGE_COLUMNS =
  'id, room_id, hand_number, player_id, seat, kind, phrase_id, body, body_en, status, check_suggest, check_label, created_at_ms, seq';

function toStored(r: Row): StoredChatMessage {
  return {
    id: String(r.id),
    roomId: String(r.room_id),
    handNumber: intOrNullFromDb(r.hand_number),
    playerId: String(r.player_id),
    seat: intOrNullFromDb(r.seat),
    kind: String(r.kind) as ChatKind,
    phraseId: r.phrase_id === null ? null : String(r.phrase_id),
    text: String(r.body),
    textEn: r.body_en === null ? null : String(r.body_en),
    atMs: intFromDb(r.created_at_ms),
    status: String(r.status) as 'delivered' | 'refused',
    checkSuggest: r.check_suggest === null ? null : String(r.check_suggest),
    checkLabel: intOrNullFromDb(r.check_label),
  };
}

/** The message as players see it: no verdict, no status. */
export function deliveredView(m: StoredChatMessage | ChatMessage): ChatMessage {
  return {
    id: m.id,
    roomId: m.roomId,
    handNumber: m.handNumber,
    playerId: m.playerId,
    seat: m.seat,
    kind: m.kind,
    phraseId: m.phraseId,
    text: m.text,
    textEn: m.textEn,
    atMs: m.atMs,
  };
}

/** Controls and direction overrides would let typed text pretend to be something else on screen. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export class Chat {
  readonly #o: ChatOptions;
  /** When each player's recent messages were sent (the rate limit's window), on the room clock. */
  readonly #sentAtMs = new Map<string, number[]>();
  /**
   * Who muted whom, per room (`room:listener` → senders). Kept in memory for the room's life: a
   * muted player's messages are not delivered to the listener, and the client hides them too; a
   * client re-sends its list when it reconnects, so a restart loses nothing the player sees.
   */
  readonly #muted = new Map<string, Set<string>>();
  /** Orders messages stored in the same millisecond; a room's messages are all stored by the process that holds it. */
  #seq = 0;

  constructor(o: ChatOptions) {
    this.#o = o;
  }

  /** Counts one message of `playerId` against the rate limit, or refuses it (CHAT_RATE_LIMITED). */
  #take(playerId: string): void {
    const nowMs = this.#o.clock.nowMs();
    const recent = (this.#sentAtMs.get(playerId) ?? []).filter((t) => t + CHAT_WINDOW_MS > nowMs);
    if (recent.length >= CHAT_MESSAGES_PER_WINDOW_MAX) {
      const retryAtMs = (recent[0] as number) + CHAT_WINDOW_MS;
      throw new AppError(ChatErrors.CHAT_RATE_LIMITED, { messagesMax: CHAT_MESSAGES_PER_WINDOW_MAX, windowMs: CHAT_WINDOW_MS, retryAtMs });
    }
    recent.push(nowMs);
    this.#sentAtMs.delete(playerId);
    if (this.#sentAtMs.size >= RATE_WINDOWS_MAX) {
      for (const [k, v] of this.#sentAtMs) if ((v[v.length - 1] ?? 0) + CHAT_WINDOW_MS <= nowMs) this.#sentAtMs.delete(k);
      while (this.#sentAtMs.size >= RATE_WINDOWS_MAX) {
        const first = this.#sentAtMs.keys().next();
        if (first.done) break;
        this.#sentAtMs.delete(first.value);
      }
    }
    this.#sentAtMs.set(playerId, recent);
  }

  /** `listenerId` stops (or starts again) receiving `senderId`'s messages in this room. */
  mute(input: { readonly roomId: string; readonly playerId: string; readonly targetId: string; readonly muted: boolean }): void {
    if (input.targetId === input.playerId) throw new AppError(ChatErrors.CHAT_MUTE_SELF);
    const key = `${input.roomId}:${input.playerId}`;
    const set = this.#muted.get(key) ?? new Set<string>();
    if (input.muted) {
      if (set.size >= MUTED_PER_PLAYER_MAX && !set.has(input.targetId)) {
        const first = set.values().next();
        if (!first.done) set.delete(first.value);
      }
      set.add(input.targetId);
    } else set.delete(input.targetId);
    this.#muted.delete(key);
    if (set.size === 0) return;
    while (this.#muted.size >= MUTE_LISTS_MAX) {
      const first = this.#muted.keys().next();
      if (first.done) break;
      this.#muted.delete(first.value);
    }
    this.#muted.set(key, set);
  }

  isMuted(roomId: string, listenerId: string, senderId: string): boolean {
    return this.#muted.get(`${roomId}:${listenerId}`)?.has(senderId) ?? false;
  }

  /** A room left memory: its mute lists go too. */
  forgetRoom(roomId: string): void {
    for (const key of this.#muted.keys()) if (key.startsWith(`${roomId}:`)) this.#muted.delete(key);
  }

  /** What the picker offers this player: the phrases, the emoji, and whether typing is open to them. */
  async offer(playerId: string): Promise<{ phrases: ChatPhrases['phrases']; emoji: ChatPhrases['emoji']; freeText: FreeTextAvailability }> {
    const p = this.#o.phrases();
    return { phrases: p.phrases, emoji: p.emoji, freeText: await this.freeText(playerId) };
  }

  async freeText(playerId: string): Promise<FreeTextAvailability> {
    if (await this.#restrictedUntil(this.#o.store.reader, playerId)) return { allowed: false, reason: ChatErrors.CHAT_RESTRICTED.code };
    if (!this.#o.freeTextAllowed() || this.#o.contentCheck === null)
      return { allowed: false, reason: ChatErrors.CHAT_FREE_TEXT_NOT_ALLOWED.code };
    if ((await this.#recentOpenid(playerId)) === null) return { allowed: false, reason: ChatErrors.CHAT_FREE_TEXT_NEEDS_MINIGAME.code };
    return { allowed: true, reason: null };
  }

  /**
   * Decides and stores one message a seated player or spectator sent. Resolves with the message to
   * deliver, or rejects with the refusal (a refused text is stored, never returned).
   */
  async compose(input: {
    readonly roomId: string;
    readonly handNumber: number | null;
    readonly playerId: string;
    readonly seat: number | null;
    readonly request: ChatRequest;
  }): Promise<ChatMessage> {
    const { request: r } = input;
    this.#take(input.playerId);
    const until = await this.#restrictedUntil(this.#o.store.reader, input.playerId);
    if (until !== null) throw new AppError(ChatErrors.CHAT_RESTRICTED, { untilMs: until });
    if (r.kind === 'phrase') {
      const phrase = this.#o.phrases().phrases.find((p) => p.id === r.phraseId);
      if (phrase === undefined) throw new AppError(ChatErrors.CHAT_PHRASE_UNKNOWN, { phraseId: r.phraseId });
      return this.#store(input, { kind: 'phrase', phraseId: phrase.id, text: phrase.zh, textEn: phrase.en }, null, 'delivered');
    }
    if (r.kind === 'emoji') {
      if (!this.#o.phrases().emoji.includes(r.emoji)) throw new AppError(ChatErrors.CHAT_EMOJI_UNKNOWN);
      return this.#store(input, { kind: 'emoji', phraseId: null, text: r.emoji, textEn: null }, null, 'delivered');
    }
    const text = r.text.trim();
    if (text.length === 0 || [...text].length > CHAT_TEXT_CHARS_MAX || INVISIBLE.test(text))
      throw new AppError(ChatErrors.CHAT_TEXT_INVALID, { charsMax: CHAT_TEXT_CHARS_MAX });
    const check = this.#o.contentCheck;
    if (!this.#o.freeTextAllowed() || check === null) throw new AppError(ChatErrors.CHAT_FREE_TEXT_NOT_ALLOWED);
    const openid = await this.#recentOpenid(input.playerId);
    if (openid === null) throw new AppError(ChatErrors.CHAT_FREE_TEXT_NEEDS_MINIGAME);
    let verdict: ContentVerdict;
    try {
      verdict = await check.check({ openid, content: text });
    } catch (e) {
      if (e instanceof ContentCheckUnavailable && e.notActive) throw new AppError(ChatErrors.CHAT_FREE_TEXT_NEEDS_MINIGAME);
      throw new AppError(ChatErrors.CHAT_CHECK_UNAVAILABLE, {
        wechatErrcode: e instanceof ContentCheckUnavailable ? e.errcode : null,
      });
    }
    const body = { kind: 'text' as const, phraseId: null, text, textEn: null };
    if (verdict.suggest === 'pass') return this.#store(input, body, verdict, 'delivered');
    // Refused: kept for review (with the verdict), never delivered; repeated refusals restrict.
    const refusals = await this.#o.store.unitOfWork(
      async (tx) => {
        await this.#insert(tx, input, body, verdict, 'refused');
        const since = tx.nowMs - CHAT_REFUSALS_WINDOW_MS;
        const rows = await tx.query<{ n: unknown }>(
          "SELECT COUNT(*) AS n FROM chat_messages WHERE player_id = ? AND status = 'refused' AND created_at_ms > ?",
          [input.playerId, since],
        );
        const n = intFromDb(rows[0]?.n ?? 0);
        if (n >= CHAT_REFUSALS_MAX && (await this.#restrictedUntil(tx, input.playerId)) === null) {
          const recent = await tx.query<Row>(
            `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE player_id = ? AND status = 'refused' AND created_at_ms > ? ORDER BY created_at_ms DESC, seq DESC LIMIT ?`,
            [input.playerId, since, CHAT_REFUSALS_MAX * 2],
          );
          const caseId = await this.#o.risk.openCase(tx, {
            playerId: input.playerId,
            summary: `chat: ${n} typed messages refused by the content check within 24 h; chat restricted for 24 h`,
            evidence: { kind: 'chat_refusals', roomId: input.roomId, messages: recent.map(toStored) },
          });
          await this.#restrict(tx, input.playerId, tx.nowMs + CHAT_RESTRICTION_MS, 'content_check_refusals', caseId);
        }
        return n;
      },
      { label: 'chat.refused' },
    );
    throw new AppError(ChatErrors.CHAT_TEXT_REFUSED, {
      suggest: verdict.suggest,
      label: verdict.label,
      refusalsLeft: Math.max(0, CHAT_REFUSALS_MAX - refusals),
    });
  }

  async #store(
    input: { roomId: string; handNumber: number | null; playerId: string; seat: number | null },
    body: { kind: ChatKind; phraseId: string | null; text: string; textEn: string | null },
    verdict: ContentVerdict | null,
    status: 'delivered',
  ): Promise<ChatMessage> {
    return this.#o.store.unitOfWork((tx) => this.#insert(tx, input, body, verdict, status), { label: 'chat.message' });
  }

  async #insert(
    tx: Tx,
    input: { roomId: string; handNumber: number | null; playerId: string; seat: number | null },
    body: { kind: ChatKind; phraseId: string | null; text: string; textEn: string | null },
    verdict: ContentVerdict | null,
    status: 'delivered' | 'refused',
  ): Promise<ChatMessage> {
    const id = newId('msg');
    await tx.run(
      `INSERT INTO chat_messages (id, room_id, hand_number, player_id, seat, kind, phrase_id, body, body_en, status, check_suggest, check_label, check_trace, created_at_ms, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.roomId,
        input.handNumber,
        input.playerId,
        input.seat,
        body.kind,
        body.phraseId,
        body.text,
        body.textEn,
        status,
        verdict?.suggest ?? null,
        verdict?.label ?? null,
        verdict?.traceId ?? null,
        tx.nowMs,
        ++this.#seq,
      ],
    );
    return { id, roomId: input.roomId, handNumber: input.handNumber, playerId: input.playerId, seat: input.seat, ...body, atMs: tx.nowMs };
  }

  /** The openid of the player in the content check's app, if they signed in there within two hours. */
  async #recentOpenid(playerId: string): Promise<string | null> {
    const check = this.#o.contentCheck;
    if (check === null) return null;
    const rows = await this.#o.store.reader.query<{ openid: string; updated_at_ms: unknown }>(
      'SELECT openid, updated_at_ms FROM player_wechat_sessions WHERE app_id = ? AND player_id = ? ORDER BY updated_at_ms DESC LIMIT 1',
      [check.appid, playerId],
    );
    const r = rows[0];
    if (r === undefined) return null;
    return intFromDb(r.updated_at_ms) + CONTENT_CHECK_ACTIVE_WINDOW_MS > this.#o.clock.nowMs() ? r.openid : null;
  }

  async #restrictedUntil(reader: Reader, playerId: string): Promise<number | null> {
    const rows = await reader.query<{ until_ms: unknown }>('SELECT until_ms FROM chat_restrictions WHERE player_id = ?', [playerId]);
    const until = rows[0] === undefined ? null : intFromDb(rows[0].until_ms);
    return until !== null && until > this.#o.clock.nowMs() ? until : null;
  }

  async #restrict(tx: Tx, playerId: string, untilMs: number, reason: string, caseId: string | null): Promise<void> {
    await tx.run(
      `INSERT INTO chat_restrictions (player_id, until_ms, reason, case_id, created_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (player_id) DO UPDATE SET until_ms = excluded.until_ms, reason = excluded.reason, case_id = excluded.case_id, created_at_ms = excluded.created_at_ms`,
      [playerId, untilMs, reason, caseId, tx.nowMs],
    );
  }

  /**
   * The latest delivered messages of a room for one of its members (present or past), oldest
   * first, without the senders this member muted there. Anyone else is told there is nothing.
   */
  async recent(roomId: string, playerId: string): Promise<ChatMessage[]> {
    const reader = this.#o.store.reader;
    const member = await reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM room_members WHERE room_id = ? AND player_id = ?', [
      roomId,
      playerId,
    ]);
    if (intFromDb(member[0]?.n ?? 0) === 0) throw new AppError(ChatErrors.CHAT_MESSAGE_NOT_FOUND);
    const rows = await reader.query<Row>(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE room_id = ? AND status = 'delivered' ORDER BY created_at_ms DESC, seq DESC LIMIT ?`,
      [roomId, RECENT_MESSAGES_MAX],
    );
    return rows
      .reverse()
      .map((r) => deliveredView(toStored(r)))
      .filter((m) => !this.isMuted(roomId, playerId, m.playerId));
  }

  // ---------------------------------------------------------------- reports

  /** A player reports a delivered message of a room they are or were in. Filing the same report twice answers the first. */
  async report(reporterId: string, input: { readonly messageId: string; readonly reason: string }): Promise<{ reportId: string }> {
    const reason = input.reason.trim().slice(0, REPORT_REASON_CHARS_MAX);
    return this.#o.store.unitOfWork(
      async (tx) => {
        const rows = await tx.query<Row>(`SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE id = ? AND status = 'delivered'`, [
          input.messageId,
        ]);
        const m = rows[0] === undefined ? null : toStored(rows[0]);
        if (m === null) throw new AppError(ChatErrors.CHAT_MESSAGE_NOT_FOUND);
        const member = await tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM room_members WHERE room_id = ? AND player_id = ?', [
          m.roomId,
          reporterId,
        ]);
        if (intFromDb(member[0]?.n ?? 0) === 0) throw new AppError(ChatErrors.CHAT_MESSAGE_NOT_FOUND);
        if (m.playerId === reporterId) throw new AppError(ChatErrors.CHAT_REPORT_SELF);
        const existing = await tx.query<{ id: string }>('SELECT id FROM chat_reports WHERE message_id = ? AND reporter_id = ?', [
          m.id,
          reporterId,
        ]);
        if (existing[0] !== undefined) return { reportId: existing[0].id };
        const context = await this.#context(tx, m, intFromDb(rows[0]?.seq));
        // Once per (message, reporter): a parallel duplicate finds the first one's row.
        await tx.run(
          `INSERT INTO chat_reports (id, message_id, room_id, hand_number, reporter_id, sender_id, reason, context, status, created_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (message_id, reporter_id) DO NOTHING`,
          [newId('crp'), m.id, m.roomId, m.handNumber, reporterId, m.playerId, reason, JSON.stringify(context), tx.nowMs],
        );
        const filed = await tx.query<{ id: string }>('SELECT id FROM chat_reports WHERE message_id = ? AND reporter_id = ?', [
          m.id,
          reporterId,
        ]);
        const id = filed[0]?.id;
        assert(id !== undefined, 'the chat report was stored');
        return { reportId: id };
      },
      { label: 'chat.report' },
    );
  }

  /** The delivered messages around `m` in its room, oldest first. */
  async #context(reader: Reader, m: ChatMessage, seq: number): Promise<ChatMessage[]> {
    const before = await reader.query<Row>(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE room_id = ? AND status = 'delivered' AND (created_at_ms < ? OR (created_at_ms = ? AND seq <= ?))
       ORDER BY created_at_ms DESC, seq DESC LIMIT ?`,
      [m.roomId, m.atMs, m.atMs, seq, REPORT_CONTEXT_MESSAGES + 1],
    );
    const after = await reader.query<Row>(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE room_id = ? AND status = 'delivered' AND (created_at_ms > ? OR (created_at_ms = ? AND seq > ?))
       ORDER BY created_at_ms, seq LIMIT ?`,
      [m.roomId, m.atMs, m.atMs, seq, REPORT_CONTEXT_MESSAGES],
    );
    return [...before.reverse(), ...after].map((r) => deliveredView(toStored(r)));
  }

  async reports(q: { readonly status?: 'open' | 'dismissed' | 'upheld'; readonly limit?: number }): Promise<ChatReport[]> {
    const limit = Math.min(q.limit ?? 50, CHAT_PAGE_MAX);
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT * FROM chat_reports ${q.status ? 'WHERE status = ?' : ''} ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      q.status ? [q.status, limit] : [limit],
    );
    return Promise.all(rows.map((r) => this.#toReport(this.#o.store.reader, r)));
  }

  async #toReport(reader: Reader, r: Row): Promise<ChatReport> {
    const m = await reader.query<Row>(`SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE id = ?`, [String(r.message_id)]);
    let context: ChatMessage[] = [];
    try {
      const parsed = JSON.parse(String(r.context)) as unknown;
      if (Array.isArray(parsed)) context = parsed as ChatMessage[];
    } catch {
      context = [];
    }
    return {
      id: String(r.id),
      messageId: String(r.message_id),
      roomId: String(r.room_id),
      handNumber: intOrNullFromDb(r.hand_number),
      reporterId: String(r.reporter_id),
      senderId: String(r.sender_id),
      reason: String(r.reason),
      message: m[0] === undefined ? null : toStored(m[0]),
      context,
      status: String(r.status) as ChatReport['status'],
      resolutionNote: r.resolution_note === null ? null : String(r.resolution_note),
      handledBy: r.handled_by === null ? null : String(r.handled_by),
      handledAtMs: intOrNullFromDb(r.handled_at_ms),
      createdAtMs: intFromDb(r.created_at_ms),
    };
  }

  /** An operator decides a report: dismiss it, or uphold it (the sender's chat is restricted for a day). Audited. */
  async resolveReport(
    reportId: string,
    op: OperatorActor,
    decision: { readonly action: 'dismiss' | 'uphold'; readonly note: string },
    meta: { readonly requestId?: string; readonly ip?: string } = {},
  ): Promise<ChatReport> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        const rows = await tx.query<Row>('SELECT * FROM chat_reports WHERE id = ?', [reportId]);
        const r = rows[0];
        if (r === undefined) throw new AppError(ChatErrors.CHAT_REPORT_NOT_FOUND);
        if (r.status !== 'open') throw new AppError(ChatErrors.CHAT_REPORT_CLOSED);
        const status = decision.action === 'uphold' ? 'upheld' : 'dismissed';
        await tx.run('UPDATE chat_reports SET status = ?, resolution_note = ?, handled_by = ?, handled_at_ms = ? WHERE id = ?', [
          status,
          decision.note,
          op.username,
          tx.nowMs,
          reportId,
        ]);
        if (decision.action === 'uphold') {
          await this.#restrict(tx, String(r.sender_id), tx.nowMs + CHAT_RESTRICTION_MS, 'report_upheld', null);
        }
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: `chat.report_${status}`,
          target: { kind: 'chat_report', id: reportId },
          reason: decision.note,
          before: { status: 'open' },
          after: { status, senderId: String(r.sender_id), chatRestricted: decision.action === 'uphold' },
          ...(meta.requestId ? { requestId: meta.requestId } : {}),
          ...(meta.ip ? { ip: meta.ip } : {}),
        });
        const after = (await tx.query<Row>('SELECT * FROM chat_reports WHERE id = ?', [reportId]))[0] as Row;
        return this.#toReport(tx, after);
      },
      { label: 'chat.resolveReport' },
    );
  }

  /** A room's chat for the console's hand and dispute view: every message (refused ones marked), oldest first. */
  async roomChat(roomId: string, handNumber: number | null, limit = CHAT_PAGE_MAX): Promise<StoredChatMessage[]> {
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE room_id = ? ${handNumber === null ? '' : 'AND hand_number = ?'} ORDER BY created_at_ms, seq LIMIT ?`,
      handNumber === null ? [roomId, Math.min(limit, CHAT_PAGE_MAX)] : [roomId, handNumber, Math.min(limit, CHAT_PAGE_MAX)],
    );
    return rows.map(toStored);
  }

  /**
   * Retention: deletes messages older than CHAT_RETENTION_MS (as long as the room's hand histories
   * and orders are kept), except those an open report still needs, and reports handled that long ago.
   */
  async purgeExpired(): Promise<{ messages: number; reports: number }> {
    const cutoff = this.#o.clock.nowMs() - CHAT_RETENTION_MS;
    return this.#o.store.unitOfWork(
      async (tx) => {
        const reports = await tx.run("DELETE FROM chat_reports WHERE status <> 'open' AND created_at_ms < ?", [cutoff]);
        // Restrictions that ended that long ago say nothing any more.
        await tx.run('DELETE FROM chat_restrictions WHERE until_ms < ?', [cutoff]);
        const messages = await tx.run(
          `DELETE FROM chat_messages WHERE id IN (
             SELECT id FROM chat_messages WHERE created_at_ms < ?
               AND id NOT IN (SELECT message_id FROM chat_reports WHERE status = 'open')
             ORDER BY created_at_ms LIMIT ?)`,
          [cutoff, RETENTION_BATCH_MAX],
        );
        return { messages, reports };
      },
      { label: 'chat.retention' },
    );
  }
}
