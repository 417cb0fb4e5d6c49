// Customer service both ways. A player's feedback (an analytics event) or report (a complaint) is a
// thread; an operator's answer is stored, put in the player's inbox and audited in one unit of work.
import { AppError, newId } from '@fairground/core';
import type { AuditLog } from '../audit/index.ts';
import { csvLine, isoTime } from '../analytics/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Settings } from '../settings/index.ts';
import { supportOpen } from '../settings/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { SupportErrors } from './errors.ts';
import { SUPPORT_THREADS_MAX } from './limits.ts';

export type ThreadKind = 'feedback' | 'report';

export interface SupportAnswer {
  readonly id: string;
  readonly operator: string;
  readonly text: string;
  readonly atMs: number;
}

export interface SupportThread {
  readonly kind: ThreadKind;
  readonly id: string;
  readonly playerId: string;
  readonly topic: string;
  readonly text: string;
  readonly status: string;
  readonly atMs: number;
  readonly answers: SupportAnswer[];
}

export interface RequestMeta {
  readonly requestId: string;
  readonly ip: string;
}

export interface SupportOptions {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly settings: Settings;
  readonly nowMs: () => number;
}

interface Question {
  readonly kind: ThreadKind;
  readonly id: string;
  readonly playerId: string;
  readonly topic: string;
  readonly text: string;
  readonly status: string;
  readonly atMs: number;
}

interface FeedbackRow {
  actor_id: string | null;
  at_ms: unknown;
  data: string;
}

interface ComplaintRow {
  id: string;
  reporter_id: string;
  reason: string;
  text: string;
  status: string;
  created_at_ms: unknown;
}

interface AnswerRow {
  id: string;
  thread_kind: string;
  thread_id: string;
  operator_username: string;
  text: string;
  created_at_ms: unknown;
}

function feedbackQuestion(r: FeedbackRow): Question | null {
  const data = JSON.parse(r.data) as Record<string, unknown>;
  if (typeof data.feedbackId !== 'string' || r.actor_id === null) return null;
  return {
    kind: 'feedback',
    id: data.feedbackId,
    playerId: r.actor_id,
    topic: String(data.topic ?? 'other'),
    text: String(data.text ?? ''),
    status: 'open',
    atMs: intFromDb(r.at_ms),
  };
}

function complaintQuestion(r: ComplaintRow): Question {
  return {
    kind: 'report',
    id: r.id,
    playerId: r.reporter_id,
    topic: r.reason,
    text: r.text,
    status: r.status,
    atMs: intFromDb(r.created_at_ms),
  };
}

export class Support {
  readonly #o: SupportOptions;

  constructor(o: SupportOptions) {
    this.#o = o;
  }

  hours() {
    const s = this.#o.settings.get('support');
    return { ...s, openNow: supportOpen(s, this.#o.nowMs()) };
  }

  async #question(r: Reader, kind: ThreadKind, id: string): Promise<Question | null> {
    if (kind === 'report') {
      const rows = await r.query<ComplaintRow>(
        'SELECT id, reporter_id, reason, text, status, created_at_ms FROM risk_complaints WHERE id = ?',
        [id],
      );
      return rows[0] ? complaintQuestion(rows[0]) : null;
    }
    // The id sits in the event's JSON; LIKE narrows, the parsed value decides (`_` is a LIKE wildcard).
    const rows = await r.query<FeedbackRow>(
      "SELECT actor_id, at_ms, data FROM analytics_events WHERE kind = 'feedback_filed' AND data LIKE ?",
      [`%${JSON.stringify(id)}%`],
    );
    for (const row of rows) {
      const q = feedbackQuestion(row);
      if (q !== null && q.id === id) return q;
    }
    return null;
  }

  async #withAnswers(r: Reader, questions: Question[]): Promise<SupportThread[]> {
    if (questions.length === 0) return [];
    const ids = questions.map((q) => q.id);
    const rows = await r.query<AnswerRow>(
      `SELECT id, thread_kind, thread_id, operator_username, text, created_at_ms FROM support_answers WHERE thread_id IN (${ids.map(() => '?').join(', ')}) ORDER BY created_at_ms, id`,
      ids,
    );
    return questions.map((q) => {
      const answers = rows
        .filter((a) => a.thread_kind === q.kind && a.thread_id === q.id)
        .map((a) => ({ id: a.id, operator: a.operator_username, text: a.text, atMs: intFromDb(a.created_at_ms) }));
      const status = q.kind === 'feedback' && answers.length > 0 ? 'answered' : q.status;
      return { ...q, status, answers };
    });
  }

  /** Feedback and reports, newest first, each with its answers. */
  async threads(limit: number): Promise<SupportThread[]> {
    const n = Math.min(Math.max(Math.trunc(limit), 1), SUPPORT_THREADS_MAX);
    const r = this.#o.store.reader;
    const feedback = await r.query<FeedbackRow>(
      "SELECT actor_id, at_ms, data FROM analytics_events WHERE kind = 'feedback_filed' ORDER BY seq DESC LIMIT ?",
      [n],
    );
    const reports = await r.query<ComplaintRow>(
      'SELECT id, reporter_id, reason, text, status, created_at_ms FROM risk_complaints ORDER BY created_at_ms DESC, id LIMIT ?',
      [n],
    );
    const questions = [...feedback.map(feedbackQuestion).filter((q): q is Question => q !== null), ...reports.map(complaintQuestion)]
      .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? -1 : 1))
      .slice(0, n);
    return this.#withAnswers(r, questions);
  }

  /** Answers a thread: stored, in the player's inbox and in the audit log, together or not at all. */
  async answer(op: OperatorActor, kind: ThreadKind, threadId: string, text: string, meta: RequestMeta): Promise<SupportThread> {
    await this.#o.store.unitOfWork(
      async (tx: Tx) => {
        const q = await this.#question(tx, kind, threadId);
        if (q === null) throw new AppError(SupportErrors.SUPPORT_THREAD_NOT_FOUND, { kind, threadId });
        const id = newId('sa');
        await tx.run(
          'INSERT INTO support_answers (id, thread_kind, thread_id, player_id, operator_id, operator_username, text, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [id, kind, threadId, q.playerId, op.operatorId, op.username, text, tx.nowMs],
        );
        await this.#o.notifier.notify(tx, q.playerId, {
          kind: 'support_answer',
          data: { threadKind: kind, threadId, answerId: id, question: q.text.slice(0, 120), text },
        });
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'support.answer',
          target: { kind: 'player', id: q.playerId },
          after: { threadKind: kind, threadId, answerId: id, text },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'support.answer' },
    );
    const q = await this.#question(this.#o.store.reader, kind, threadId);
    if (q === null) throw new AppError(SupportErrors.SUPPORT_THREAD_NOT_FOUND, { kind, threadId });
    return (await this.#withAnswers(this.#o.store.reader, [q]))[0]!;
  }

  /** The conversations as a file (one CSV row per message, or the threads as JSON); the export is audited. */
  async export(op: OperatorActor, format: 'csv' | 'json', limit: number, meta: RequestMeta): Promise<{ body: string; rows: number }> {
    const threads = await this.threads(limit);
    let body: string;
    let rows = 0;
    if (format === 'json') {
      body = JSON.stringify({ exportedAtMs: this.#o.nowMs(), threads }, null, 2);
      rows = threads.length;
    } else {
      body = csvLine(['thread_kind', 'thread_id', 'player_id', 'from', 'topic_or_status', 'text', 'at']);
      for (const t of threads) {
        body += csvLine([t.kind, t.id, t.playerId, 'player', `${t.topic} (${t.status})`, t.text, isoTime(t.atMs, 480)]);
        rows++;
        for (const a of t.answers) {
          body += csvLine([t.kind, t.id, t.playerId, `operator:${a.operator}`, null, a.text, isoTime(a.atMs, 480)]);
          rows++;
        }
      }
    }
    await this.#o.store.unitOfWork(
      (tx) =>
        this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'support.export',
          after: { format, threads: threads.length, rows },
          requestId: meta.requestId,
          ip: meta.ip,
        }),
      { label: 'support.export' },
    );
    return { body, rows };
  }
}
