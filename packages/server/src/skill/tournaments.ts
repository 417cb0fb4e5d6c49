// Tournaments: N players, one seed, an entry window, a prize table. Entering holds the fee in the
// tournament's escrow account; each entrant plays one session on the shared seed before the end;
// the sweep then settles (posts every fee, pays the prize table out of the pool minus the rake,
// tied scores sharing the prizes of the places they span) or cancels (too few entrants, nobody
// played, or an operator's decision), which refunds every fee.
import { AppError, type Clock, newId, present } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import { type Ledger, LedgerErrors } from '../ledger/index.ts';
import type { LinkedAccounts } from '../matchmaking/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb, isUniqueViolation } from '../storage/sql.ts';
import type { SkillCatalogue } from './catalogue.ts';
import { newSeed } from './digest.ts';
import { type PrizeResult, prizeTable } from './prize-table.ts';
import { SkillErrors } from './errors.ts';
import {
  LIST_PAGE_MAX,
  PRIZE_POSITIONS_MAX,
  SUBMIT_GRACE_MS,
  SWEEP_BATCH_MAX,
  TOURNAMENT_ENTRANTS_MAX,
  TOURNAMENT_TITLE_MAX,
} from './limits.ts';
import type { LiveSession } from './live.ts';
import { holdEntryFee, openEscrow, payOut, postEntryFee, rakeOf, refundEntryFee } from './money.ts';
import { type EntryRow, entryFromDb, type SessionRow, type TournamentRow, tournamentFromDb } from './rows.ts';
import { latestSlotMs, slotLabel, type TournamentSchedule } from './schedule.ts';
import type { SessionState, TournamentView } from './schemas.ts';

/** A tournament template as the schedule job reads it (the setting `skill.tournament_templates`). */
export interface ScheduledTemplate extends Omit<NewTournament, 'entryClosesAtMs' | 'endsAtMs' | 'rakeBps'> {
  readonly id: string;
  readonly rakeBps: number;
  /** How long entries stay open from the slot. */
  readonly entryWindowMs: number;
  /** How long after entries close the last entrant may still play. */
  readonly playWindowMs: number;
  readonly schedule?: TournamentSchedule | undefined;
}

/** Who created a scheduled tournament, in its row and the audit log. */
export const SCHEDULE_OPERATOR_ID = 'system:schedule';
/** Templates the schedule job looks at in one pass (the setting holds fewer). */
const SCHEDULED_TEMPLATES_MAX = 64;

/** What tournaments need from the session service. */
export interface TournamentSessions {
  /** Creates a tournament session in `tx` on the tournament's seed. */
  create(tx: Tx, playerId: string, t: TournamentRow): Promise<LiveSession>;
  state(live: LiveSession): SessionState;
  remember(live: LiveSession): void;
  forget(sessionId: string): void;
  /** Flags a finished session in `tx` with `flag` and its detail (a signal for review, raised to the risk domain). */
  flag(
    tx: Tx,
    session: { readonly id: string; readonly playerId: string },
    flag: 'linked_entrant',
    detail: Record<string, string | number>,
  ): Promise<void>;
}

export interface TournamentsOptions {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly catalogue: SkillCatalogue;
  readonly notifier: Notifier;
  readonly analytics: Analytics | undefined;
  readonly audit: AuditLog | undefined;
  readonly linked: LinkedAccounts;
  readonly nicknames: (ids: readonly string[]) => Promise<Map<string, string>>;
  readonly sessions: TournamentSessions;
}

export interface NewTournament {
  readonly game: string;
  readonly title: string;
  readonly entryFeeFen: number;
  readonly rakeBps?: number;
  /** Shares of the prize pool by finishing place, first place first (non-increasing). */
  readonly prizeWeights: readonly number[];
  readonly playersMin: number;
  readonly playersMax: number;
  readonly entryClosesAtMs: number;
  readonly endsAtMs: number;
}

export interface OperatorRef {
  readonly id: string;
  readonly username: string;
}

/** Thrown inside an entry unit when the request key already made an entry (another request with it got there first). */
class KeyTaken extends Error {}

export interface RequestRef {
  readonly id?: string;
  readonly ip?: string;
}

export class Tournaments {
  readonly #o: TournamentsOptions;

  constructor(o: TournamentsOptions) {
    this.#o = o;
  }

  async #row(reader: Reader, id: string): Promise<TournamentRow> {
    const rows = await reader.query('SELECT * FROM skill_tournaments WHERE id = ?', [id]);
    if (!rows[0]) throw new AppError(SkillErrors.SKILL_TOURNAMENT_NOT_FOUND, { tournamentId: id });
    return tournamentFromDb(rows[0]);
  }

  async #entries(reader: Reader, id: string): Promise<EntryRow[]> {
    return (
      await reader.query('SELECT * FROM skill_tournament_entries WHERE tournament_id = ? ORDER BY entered_at_ms, player_id', [id])
    ).map(entryFromDb);
  }

  /**
   * Creates a tournament (an operator in the console, or a template's schedule). `scheduleKey`
   * (`<template>@<slot ms>`) makes a scheduled slot's tournament unique: a second create of the same
   * slot (another node's job) fails on the index and answers null from runSchedules.
   */
  async create(
    operator: OperatorRef,
    input: NewTournament,
    request: RequestRef = {},
    scheduleKey: string | null = null,
  ): Promise<TournamentView> {
    const settings = this.#o.catalogue.require(input.game);
    const nowMs = this.#o.clock.nowMs();
    const rakeBps = input.rakeBps ?? settings.rakeBps;
    const w = input.prizeWeights;
    const problems: string[] = [];
    if (input.title.trim().length === 0 || input.title.length > TOURNAMENT_TITLE_MAX) problems.push('title');
    if (!Number.isSafeInteger(input.entryFeeFen) || input.entryFeeFen < 1) problems.push('entryFeeFen');
    if (!Number.isSafeInteger(rakeBps) || rakeBps < 0 || rakeBps > 5000) problems.push('rakeBps');
    if (w.length < 1 || w.length > PRIZE_POSITIONS_MAX || !w.every((x, i) => Number.isSafeInteger(x) && x > 0 && x <= (w[i - 1] ?? x))) {
      problems.push('prizeWeights (1–20 positive integers, first place first, never increasing)');
    }
    if (input.playersMin < 2 || input.playersMax > TOURNAMENT_ENTRANTS_MAX || input.playersMin > input.playersMax) problems.push('players');
    if (input.entryClosesAtMs <= nowMs) problems.push('entryClosesAtMs (in the future)');
    if (input.endsAtMs < input.entryClosesAtMs + settings.puzzle.durationMs + SUBMIT_GRACE_MS) {
      problems.push('endsAtMs (late enough for the last entrant to play a whole game)');
    }
    if (problems.length > 0) throw new AppError(SkillErrors.SKILL_TOURNAMENT_INVALID, { problems });
    const id = newId('tn');
    const { seedHex, commitment } = newSeed();
    await this.#o.store.unitOfWork(
      async (tx) => {
        await openEscrow(this.#o.ledger, tx, 'tournament', id);
        await tx.run(
          `INSERT INTO skill_tournaments (id, game, title, entry_fee_fen, rake_bps, prize_weights, players_min, players_max, seed_hex, commitment,
             config, status, entries, entry_closes_at_ms, ends_at_ms, created_by, created_at_ms, schedule_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 0, ?, ?, ?, ?, ?)`,
          [
            id,
            settings.id,
            input.title.trim(),
            input.entryFeeFen,
            rakeBps,
            JSON.stringify(w),
            input.playersMin,
            input.playersMax,
            seedHex,
            commitment,
            JSON.stringify(settings.puzzle),
            input.entryClosesAtMs,
            input.endsAtMs,
            operator.id,
            tx.nowMs,
            scheduleKey,
          ],
        );
        await this.#o.audit?.record(tx, {
          operator: { id: operator.id, username: operator.username },
          action: 'skill.tournament.create',
          target: { kind: 'tournament', id },
          after: { ...input, rakeBps, prizeWeights: [...w], ...(scheduleKey ? { scheduleKey } : {}) },
          ...(request.id ? { requestId: request.id } : {}),
          ...(request.ip ? { ip: request.ip } : {}),
        });
      },
      { label: 'skill.tournament.create' },
    );
    return this.get(null, id);
  }

  /**
   * The schedule job: for each template with a schedule, its latest slot (at or before now) gets its
   * tournament if entries to it would still be open and none was created for it yet. A slot missed
   * while no node ran is skipped once its entry window has passed (nobody could have entered).
   * Returns the tournaments created; a template whose tournament cannot be created (its game left
   * the catalogue, a play window shorter than a game) is reported through `onProblem` and skipped.
   */
  async runSchedules(
    templates: readonly ScheduledTemplate[],
    onProblem: (templateId: string, error: unknown) => void,
  ): Promise<TournamentView[]> {
    const nowMs = this.#o.clock.nowMs();
    const created: TournamentView[] = [];
    for (const t of templates.slice(0, SCHEDULED_TEMPLATES_MAX)) {
      if (!t.schedule) continue;
      const slot = latestSlotMs(t.schedule, nowMs);
      if (slot === null || nowMs >= slot + t.entryWindowMs) continue;
      const key = `${t.id}@${slot}`;
      const taken = await this.#o.store.reader.query('SELECT id FROM skill_tournaments WHERE schedule_key = ?', [key]);
      if (taken.length > 0) continue;
      const entryClosesAtMs = slot + t.entryWindowMs;
      const input: NewTournament = {
        game: t.game,
        title: `${t.title.slice(0, TOURNAMENT_TITLE_MAX - 23)} · ${slotLabel(slot, t.schedule.utcOffsetMinutes)}`,
        entryFeeFen: t.entryFeeFen,
        rakeBps: t.rakeBps,
        prizeWeights: t.prizeWeights,
        playersMin: t.playersMin,
        playersMax: t.playersMax,
        entryClosesAtMs,
        endsAtMs: entryClosesAtMs + t.playWindowMs,
      };
      try {
        created.push(await this.create({ id: SCHEDULE_OPERATOR_ID, username: `schedule:${t.id}` }, input, {}, key));
      } catch (e) {
        // Another node created this slot's tournament between the look and the insert.
        if (isUniqueViolation(e)) continue;
        onProblem(t.id, e);
      }
    }
    return created;
  }

  async list(playerId: string | null, limit: number): Promise<TournamentView[]> {
    const rows = await this.#o.store.reader.query(
      "SELECT * FROM skill_tournaments ORDER BY CASE WHEN status IN ('open', 'running') THEN 0 ELSE 1 END, ends_at_ms DESC, id LIMIT ?",
      [Math.min(Math.max(1, limit), LIST_PAGE_MAX)],
    );
    const out: TournamentView[] = [];
    for (const r of rows) out.push(await this.#view(playerId, tournamentFromDb(r)));
    return out;
  }

  async get(playerId: string | null, id: string): Promise<TournamentView> {
    return this.#view(playerId, await this.#row(this.#o.store.reader, id));
  }

  async #view(playerId: string | null, t: TournamentRow): Promise<TournamentView> {
    const closed = t.status === 'settled' || t.status === 'cancelled';
    const entries = closed || playerId ? await this.#entries(this.#o.store.reader, t.id) : [];
    const mine = playerId ? entries.find((e) => e.playerId === playerId) : undefined;
    let standings: TournamentView['standings'] = [];
    if (t.status === 'settled') {
      const names = await this.#o.nicknames(entries.map((e) => e.playerId));
      standings = [...entries]
        .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER))
        .map((e) => ({ rank: e.rank, nickname: names.get(e.playerId) ?? '', score: e.score, prizeFen: e.prizeFen }));
    }
    return {
      tournamentId: t.id,
      game: t.game,
      title: t.title,
      entryFeeFen: t.entryFeeFen,
      rakeBps: t.rakeBps,
      prizeWeights: [...t.prizeWeights],
      playersMin: t.playersMin,
      playersMax: t.playersMax,
      entries: t.entries,
      status: t.status,
      entryClosesAtMs: t.entryClosesAtMs,
      endsAtMs: t.endsAtMs,
      commitment: t.commitment,
      seedHex: closed ? t.seedHex : null,
      poolFen: t.poolFen,
      rakeFen: t.rakeFen,
      closeReason: t.closeReason,
      you: mine ? { status: mine.status, sessionId: mine.sessionId, score: mine.score, rank: mine.rank, prizeFen: mine.prizeFen } : null,
      standings,
    };
  }

  /**
   * Holds the entry fee and records the entry. What others may be doing at the same moment (this
   * player's other requests, a linked account's entry, the request key) is checked again inside
   * the unit that holds the fee, after the ledger's lock: of parallel requests one enters, the
   * rest are SKILL_TOURNAMENT_ENTERED, or the entry itself (`replayed`) for a retry with its key.
   */
  async enter(playerId: string, id: string, requestKey: string | null = null): Promise<TournamentView & { replayed: boolean }> {
    const reader = this.#o.store.reader;
    if (requestKey !== null) {
      const earlier = await this.#entryByKey(reader, playerId, requestKey);
      if (earlier !== null) return this.#replayEntry(playerId, id, earlier, requestKey);
    }
    const t = await this.#row(reader, id);
    // The early, friendly answers; the unit checks again.
    const entries = await this.#entries(reader, id);
    if (entries.some((e) => e.playerId === playerId)) {
      // A parallel request with this key may have entered between the two reads above.
      if (requestKey !== null) {
        const winner = await this.#entryByKey(reader, playerId, requestKey);
        if (winner !== null) return this.#replayEntry(playerId, id, winner, requestKey);
      }
      throw new AppError(SkillErrors.SKILL_TOURNAMENT_ENTERED, { tournamentId: id });
    }
    const linked = await this.#o.linked.linkedTo(playerId);
    if (entries.some((e) => linked.has(e.playerId))) throw new AppError(SkillErrors.SKILL_TOURNAMENT_LINKED_ENTRANT, { tournamentId: id });
    try {
      await this.#o.store.unitOfWork(
        async (tx) => {
          await this.#o.ledger.serialize(tx);
          if (requestKey !== null && (await this.#entryByKey(tx, playerId, requestKey)) !== null) throw new KeyTaken();
          const now = await this.#entries(tx, id);
          if (now.some((e) => e.playerId === playerId)) throw new AppError(SkillErrors.SKILL_TOURNAMENT_ENTERED, { tournamentId: id });
          if (now.some((e) => linked.has(e.playerId)))
            throw new AppError(SkillErrors.SKILL_TOURNAMENT_LINKED_ENTRANT, { tournamentId: id });
          const changed = await tx.run(
            "UPDATE skill_tournaments SET entries = entries + 1 WHERE id = ? AND status = 'open' AND entries < players_max AND entry_closes_at_ms > ?",
            [id, tx.nowMs],
          );
          if (changed !== 1) {
            const current = await this.#row(tx, id);
            if (current.status !== 'open' || current.entryClosesAtMs <= tx.nowMs)
              throw new AppError(SkillErrors.SKILL_TOURNAMENT_CLOSED, { tournamentId: id });
            throw new AppError(SkillErrors.SKILL_TOURNAMENT_FULL, { tournamentId: id, playersMax: current.playersMax });
          }
          const holdId = await holdEntryFee(this.#o.ledger, tx, 'tournament', id, playerId, t.entryFeeFen);
          await tx.run(
            "INSERT INTO skill_tournament_entries (tournament_id, player_id, hold_id, status, entered_at_ms, request_key) VALUES (?, ?, ?, 'entered', ?, ?)",
            [id, playerId, holdId, tx.nowMs, requestKey],
          );
          await this.#o.analytics?.append(tx, {
            kind: 'skill_tournament_entered',
            actor: { kind: 'player', id: playerId },
            data: { tournamentId: id, entryFeeFen: t.entryFeeFen },
          });
        },
        { label: 'skill.tournament.enter' },
      );
    } catch (e) {
      // Another request got there first: its key made the entry (a retry), or the primary key on
      // (tournament, player) stopped this one (a second entry).
      if (!(e instanceof KeyTaken) && !isUniqueViolation(e)) throw e;
      if (requestKey !== null) {
        const winner = await this.#entryByKey(reader, playerId, requestKey);
        if (winner !== null) return this.#replayEntry(playerId, id, winner, requestKey);
      }
      if ((await this.#entries(reader, id)).some((x) => x.playerId === playerId))
        throw new AppError(SkillErrors.SKILL_TOURNAMENT_ENTERED, { tournamentId: id });
      throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { tournamentId: id });
    }
    return { ...(await this.get(playerId, id)), replayed: false };
  }

  async #entryByKey(reader: Reader, playerId: string, requestKey: string): Promise<{ tournamentId: string } | null> {
    const rows = await reader.query<{ tournament_id: string }>(
      'SELECT tournament_id FROM skill_tournament_entries WHERE player_id = ? AND request_key = ?',
      [playerId, requestKey],
    );
    return rows[0] ? { tournamentId: rows[0].tournament_id } : null;
  }

  /** The answer to a retried entry: the entry its key made, or a conflict when the key entered another tournament. */
  async #replayEntry(
    playerId: string,
    id: string,
    earlier: { tournamentId: string },
    requestKey: string,
  ): Promise<TournamentView & { replayed: boolean }> {
    if (earlier.tournamentId !== id) {
      throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { requestKey, tournamentId: earlier.tournamentId });
    }
    return { ...(await this.get(playerId, id)), replayed: true };
  }

  /** Starts the entrant's one session on the tournament's seed. */
  async play(playerId: string, id: string): Promise<SessionState> {
    const t = await this.#row(this.#o.store.reader, id);
    const mine = (await this.#entries(this.#o.store.reader, id)).find((e) => e.playerId === playerId);
    if (!mine) throw new AppError(SkillErrors.SKILL_TOURNAMENT_NOT_ENTERED, { tournamentId: id });
    if (mine.status !== 'entered') throw new AppError(SkillErrors.SKILL_TOURNAMENT_PLAYED, { tournamentId: id, status: mine.status });
    const nowMs = this.#o.clock.nowMs();
    if ((t.status !== 'open' && t.status !== 'running') || nowMs + t.config.durationMs + SUBMIT_GRACE_MS > t.endsAtMs) {
      throw new AppError(SkillErrors.SKILL_TOURNAMENT_CLOSED, { tournamentId: id });
    }
    const live = await this.#o.store.unitOfWork(
      async (tx) => {
        const live = await this.#o.sessions.create(tx, playerId, t);
        const changed = await tx.run(
          "UPDATE skill_tournament_entries SET status = 'playing', session_id = ? WHERE tournament_id = ? AND player_id = ? AND status = 'entered'",
          [live.row.id, id, playerId],
        );
        if (changed !== 1) throw new AppError(SkillErrors.SKILL_TOURNAMENT_PLAYED, { tournamentId: id });
        const current = await this.#row(tx, id);
        if (current.status !== 'open' && current.status !== 'running')
          throw new AppError(SkillErrors.SKILL_TOURNAMENT_CLOSED, { tournamentId: id });
        return live;
      },
      { label: 'skill.tournament.play' },
    );
    this.#o.sessions.remember(live);
    return this.#o.sessions.state(live);
  }

  /** Called in the unit that closes a tournament session: records the entrant's result. */
  async sessionEnded(tx: Tx, session: SessionRow): Promise<void> {
    const finished = session.status === 'finished';
    await tx.run(
      "UPDATE skill_tournament_entries SET status = ?, score = ? WHERE tournament_id = ? AND player_id = ? AND status = 'playing'",
      [finished ? 'played' : 'forfeited', finished ? session.score : null, session.tournamentId, session.playerId],
    );
  }

  async cancel(operator: OperatorRef, id: string, reason: string, request: RequestRef = {}): Promise<TournamentView> {
    await this.#row(this.#o.store.reader, id);
    const cancelled = await this.#o.store.unitOfWork(
      async (tx) => {
        await this.#o.ledger.serialize(tx);
        const ok = await this.#cancelInUnit(tx, id, `operator: ${reason}`.slice(0, 200));
        if (!ok) throw new AppError(SkillErrors.SKILL_TOURNAMENT_OVER, { tournamentId: id });
        await this.#o.audit?.record(tx, {
          operator: { id: operator.id, username: operator.username },
          action: 'skill.tournament.cancel',
          target: { kind: 'tournament', id },
          reason,
          ...(request.id ? { requestId: request.id } : {}),
          ...(request.ip ? { ip: request.ip } : {}),
        });
        return ok;
      },
      { label: 'skill.tournament.cancel' },
    );
    void cancelled;
    return this.get(null, id);
  }

  /** Refunds every entrant and stops the tournament's unfinished sessions. False when it was already over. */
  async #cancelInUnit(tx: Tx, id: string, reason: string): Promise<boolean> {
    const changed = await tx.run(
      "UPDATE skill_tournaments SET status = 'cancelled', close_reason = ?, closed_at_ms = ?, pool_fen = 0, rake_fen = 0 WHERE id = ? AND status IN ('open', 'running')",
      [reason, tx.nowMs, id],
    );
    if (changed !== 1) return false;
    const entries = await this.#entries(tx, id);
    for (const e of entries) {
      await refundEntryFee(this.#o.ledger, tx, 'tournament', id, e.playerId, e.holdId);
      await tx.run("UPDATE skill_tournament_entries SET status = 'refunded', prize_fen = 0 WHERE tournament_id = ? AND player_id = ?", [
        id,
        e.playerId,
      ]);
      await this.#o.notifier.notify(tx, e.playerId, {
        kind: 'skill_tournament_closed',
        data: { tournamentId: id, status: 'cancelled', prizeFen: 0 },
      });
    }
    const active = await tx.query<{ id: string }>("SELECT id FROM skill_sessions WHERE tournament_id = ? AND status = 'active'", [id]);
    await tx.run("UPDATE skill_sessions SET status = 'cancelled', ended_at_ms = ? WHERE tournament_id = ? AND status = 'active'", [
      tx.nowMs,
      id,
    ]);
    tx.afterCommit(() => {
      for (const s of active) this.#o.sessions.forget(s.id);
    });
    await this.#o.analytics?.append(tx, {
      kind: 'skill_tournament_closed',
      data: { tournamentId: id, status: 'cancelled', entries: entries.length },
    });
    return true;
  }

  /** Posts every fee and pays the prize table. False when the tournament is not ready or already over. */
  async #settleInUnit(tx: Tx, id: string): Promise<boolean> {
    const t = await this.#row(tx, id);
    if (t.status !== 'running') return false;
    const entries = await this.#entries(tx, id);
    if (entries.some((e) => e.status === 'playing')) return false;
    const played = entries.filter((e) => e.status === 'played');
    if (played.length === 0) return this.#cancelInUnit(tx, id, 'nobody_played');

    const poolFen = t.entryFeeFen * entries.length;
    const rakeFen = rakeOf(poolFen, t.rakeBps);
    // Copied play takes no prize: an entry whose session copied another's log, or was copied, is
    // ranked after every other entrant (held for review by the risk signal it raised); so is a linked
    // account's entry beyond its group's best.
    const copiedRows = await tx.query<{ session_id: string }>(
      "SELECT DISTINCT s.session_id FROM skill_signals s JOIN skill_sessions ss ON ss.id = s.session_id WHERE ss.tournament_id = ? AND s.kind = 'copied_log'",
      [id],
    );
    const copied = new Set(copiedRows.map((r) => r.session_id));
    // One prize per linked group: accounts the risk domain links (one device, one paying WeChat
    // account…) may have entered before the link was known. The group's best entry competes; the
    // others rank after every honest entrant, take nothing, and are flagged for review.
    const held = await this.#linkedHeld(
      tx,
      played.filter((e) => e.sessionId === null || !copied.has(e.sessionId)),
    );
    for (const h of held.values()) await this.#o.sessions.flag(tx, h.session, 'linked_entrant', h.detail);
    const isHeld = (e: (typeof played)[number]) => (e.sessionId !== null && copied.has(e.sessionId)) || held.has(e.playerId);
    const eligible = played.filter((e) => !isHeld(e)).length;
    if (eligible === 0) return this.#cancelInUnit(tx, id, 'nobody_played');
    // Prize places go to honest entries only, so the whole pool minus the rake is paid out.
    const results = prizeTable(played, isHeld, t.prizeWeights, poolFen - rakeFen);

    const changed = await tx.run(
      "UPDATE skill_tournaments SET status = 'settled', closed_at_ms = ?, pool_fen = ?, rake_fen = ? WHERE id = ? AND status = 'running'",
      [tx.nowMs, poolFen, rakeFen, id],
    );
    if (changed !== 1) return false;
    for (const e of entries) await postEntryFee(this.#o.ledger, tx, 'tournament', id, e.playerId, e.holdId);
    await payOut(
      this.#o.ledger,
      tx,
      'tournament',
      id,
      [...results].map(([playerId, r]) => ({ playerId, amountFen: r.prizeFen })),
      rakeFen,
    );
    await this.#recordResults(tx, id, entries, results);
    await this.#o.analytics?.append(tx, {
      kind: 'skill_tournament_closed',
      data: { tournamentId: id, status: 'settled', entries: entries.length, poolFen, rakeFen },
    });
    return true;
  }

  /** Each entry's rank and prize (or forfeit) on its row, and a notice to its player. */
  async #recordResults(tx: Tx, id: string, entries: readonly EntryRow[], results: ReadonlyMap<string, PrizeResult>): Promise<void> {
    for (const e of entries) {
      const r = results.get(e.playerId);
      if (r) {
        await tx.run(
          "UPDATE skill_tournament_entries SET status = 'paid', rank = ?, prize_fen = ? WHERE tournament_id = ? AND player_id = ?",
          [r.rank, r.prizeFen, id, e.playerId],
        );
      } else {
        await tx.run("UPDATE skill_tournament_entries SET status = 'forfeited', prize_fen = 0 WHERE tournament_id = ? AND player_id = ?", [
          id,
          e.playerId,
        ]);
      }
      await this.#o.notifier.notify(tx, e.playerId, {
        kind: 'skill_tournament_closed',
        data: { tournamentId: id, status: 'settled', rank: r?.rank ?? null, prizeFen: r?.prizeFen ?? 0 },
      });
    }
  }

  /**
   * Entries of linked accounts beyond each group's best (highest score, then earliest entry), with
   * the evidence their flag carries. Read in the settling unit.
   */
  async #linkedHeld(
    tx: Tx,
    played: readonly EntryRow[],
  ): Promise<Map<string, { session: { id: string; playerId: string }; detail: Record<string, string | number> }>> {
    const entrants = new Set(played.map((e) => e.playerId));
    const byPlayer = new Map(played.map((e) => [e.playerId, e]));
    const seen = new Set<string>();
    const held = new Map<string, { session: { id: string; playerId: string }; detail: Record<string, string | number> }>();
    for (const e of played) {
      if (seen.has(e.playerId)) continue;
      const group = [e.playerId, ...[...(await this.#o.linked.linkedTo(e.playerId, tx))].filter((p) => entrants.has(p))];
      for (const p of group) seen.add(p);
      if (group.length < 2) continue;
      const ranked = group
        .map((p) => present(byPlayer.get(p), 'every linked entrant played'))
        .sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.enteredAtMs - b.enteredAtMs || (a.playerId < b.playerId ? -1 : 1));
      const kept = present(ranked[0], 'a linked group has two or more entries');
      for (const r of ranked.slice(1)) {
        if (r.sessionId === null) continue;
        held.set(r.playerId, {
          session: { id: r.sessionId, playerId: r.playerId },
          detail: { tournamentId: r.tournamentId, keptPlayer: kept.playerId, group: group.sort().join(','), score: r.score ?? 0 },
        });
      }
    }
    return held;
  }

  /** Closes entry windows (cancelling tournaments short of players) and settles finished tournaments. */
  async sweep(onError: (e: unknown) => void): Promise<{ closed: number; settled: number }> {
    const nowMs = this.#o.clock.nowMs();
    const r = this.#o.store.reader;
    let closed = 0;
    let settled = 0;
    const closing = await r.query<{ id: string }>(
      "SELECT id FROM skill_tournaments WHERE status = 'open' AND entry_closes_at_ms <= ? ORDER BY entry_closes_at_ms LIMIT ?",
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const { id } of closing) {
      try {
        const did = await this.#o.store.unitOfWork(
          async (tx) => {
            await this.#o.ledger.serialize(tx);
            const t = await this.#row(tx, id);
            if (t.status !== 'open') return false;
            if (t.entries < t.playersMin) return this.#cancelInUnit(tx, id, 'not_enough_players');
            return (await tx.run("UPDATE skill_tournaments SET status = 'running' WHERE id = ? AND status = 'open'", [id])) === 1;
          },
          { label: 'skill.tournament.close' },
        );
        if (did) closed++;
      } catch (e) {
        onError(e);
      }
    }
    // Running tournaments whose end has come, or whose every entrant has finished playing.
    const ready = await r.query<{ id: string }>(
      `SELECT t.id FROM skill_tournaments t
        WHERE t.status = 'running' AND (t.ends_at_ms <= ? OR NOT EXISTS (
          SELECT 1 FROM skill_tournament_entries e WHERE e.tournament_id = t.id AND e.status IN ('entered', 'playing')))
        ORDER BY t.ends_at_ms LIMIT ?`,
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const { id } of ready) {
      try {
        const did = await this.#o.store.unitOfWork(
          async (tx) => {
            await this.#o.ledger.serialize(tx);
            const t = await this.#row(tx, id);
            // Entrants who never started by the end forfeit (their fee is in the pool).
            if (t.endsAtMs <= tx.nowMs) {
              await tx.run("UPDATE skill_tournament_entries SET status = 'forfeited' WHERE tournament_id = ? AND status = 'entered'", [id]);
            }
            return this.#settleInUnit(tx, id);
          },
          { label: 'skill.tournament.settle' },
        );
        if (did) settled++;
      } catch (e) {
        onError(e);
      }
    }
    return { closed, settled };
  }

  /** Count of entrants still to finish (tests and the console). */
  async pending(id: string): Promise<number> {
    const rows = await this.#o.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM skill_tournament_entries WHERE tournament_id = ? AND status IN ('entered', 'playing')",
      [id],
    );
    return intFromDb(rows[0]?.n ?? 0);
  }
}
