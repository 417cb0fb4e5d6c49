// Card rooms' evidence and the policy on it: each finished hand's summary is stored in the hand's
// own unit (the rooms' port), and the `risk.hands` job judges new hands against each player's
// look-back — collusion per pair (collusion.ts) and bot timing on the server's receive times of
// room actions (timing.ts) — and dissolves the live rooms where a colluding pair sits, retrying a
// dissolution that failed and reporting it as the job's error until it is done.
import { MultiRowInsert } from '../storage/multi-row.ts';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import type { HandSummary } from './collusion.ts';
import {
  HANDS_PER_BATCH_MAX,
  HANDS_PER_POLL_MAX,
  PLAYERS_PER_POLL_MAX,
  ROOM_ACTION_ATTEMPTS_MAX,
  ROOM_DECISIONS_PER_PLAYER_MAX,
} from './limits.ts';
import { evidenceJson, type RiskOptions, type RiskParts } from './model.ts';
import { judgeTiming, timingFeatures } from './timing.ts';

export interface HandsPassReport {
  readonly hands: number;
  readonly colludingPairs: number;
  readonly bots: number;
  readonly roomsDissolved: number;
  readonly roomsFailed: number;
}

/** A dissolution the policy asked for and the rooms domain could not carry out (the job's error names them). */
export class RoomActionFailed extends Error {
  readonly roomIds: readonly string[];
  constructor(failures: readonly { roomId: string; error: string }[]) {
    super(`risk policy could not dissolve ${failures.length} room(s): ${failures.map((f) => `${f.roomId} (${f.error})`).join('; ')}`);
    this.name = 'RoomActionFailed';
    this.roomIds = failures.map((f) => f.roomId);
  }
}

/** Risk's hand players, at most 32 rows a statement (three parameters each). */
const handPlayersInsert = new MultiRowInsert({
  head: 'INSERT INTO risk_hand_players (hand_id, player_id, ended_at_ms)',
  columns: 3,
  tail: 'ON CONFLICT (hand_id, player_id) DO NOTHING',
  maxRows: 32,
});

export class RoomHands {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;

  constructor(o: RiskOptions, p: RiskParts) {
    this.#o = o;
    this.#p = p;
  }

  /** In the rooms' unit that stores the hand; queued (`Tx.write`): nothing reads the outcome. */
  async store(tx: Tx, h: HandSummary & { readonly endedAtMs: number }): Promise<void> {
    tx.write(
      'INSERT INTO risk_hands (hand_id, room_id, summary, ended_at_ms, judged) VALUES (?, ?, ?, ?, 0) ON CONFLICT (hand_id) DO NOTHING',
      [h.handId, h.roomId, JSON.stringify(h), h.endedAtMs],
    );
    // The hand's players in one statement (a hand has a few; at most 32 a statement).
    const params: (string | number)[] = [];
    for (const p of new Set(h.players)) params.push(h.handId, p, h.endedAtMs);
    handPlayersInsert.write(tx, params);
  }

  /** One pass of the `risk.hands` job. Throws RoomActionFailed (after judging) when a dissolution could not be done. */
  async judgePending(): Promise<HandsPassReport> {
    const reader = this.#o.store.reader;
    const nowMs = this.#o.clock.nowMs();
    const fresh = await reader.query<{ hand_id: string; room_id: string; summary: string }>(
      'SELECT hand_id, room_id, summary FROM risk_hands WHERE judged = 0 ORDER BY ended_at_ms, hand_id LIMIT ?',
      [HANDS_PER_POLL_MAX],
    );
    let colludingPairs = 0;
    let bots = 0;
    if (fresh.length > 0) {
      const freshHands = fresh.map((r) => JSON.parse(r.summary) as HandSummary);
      const players = [...new Set(freshHands.flatMap((h) => h.players))].slice(0, PLAYERS_PER_POLL_MAX);
      const window = await this.#lookback(players, nowMs - this.#o.config.collusion.lookbackMs);
      const { colluding } = await this.#p.signals.ingestHands(window);
      colludingPairs = colluding.length;
      bots = await this.#judgeTiming(players, window);
      // Rooms where a colluding pair sat together in the hands just finished: the policy dissolves them.
      const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
      const flagged = new Map(colluding.map((v) => [pairKey(v.a, v.b), v]));
      await this.#o.store.unitOfWork(
        async (tx) => {
          if (this.#o.config.collusion.dissolveRooms) {
            for (const h of freshHands) {
              for (let i = 0; i < h.players.length; i++)
                for (let j = i + 1; j < h.players.length; j++) {
                  const v = flagged.get(pairKey(h.players[i]!, h.players[j]!));
                  if (v === undefined) continue;
                  await tx.run(
                    `INSERT INTO risk_room_actions (room_id, action, reason, evidence, status, attempts, last_error, created_at_ms, updated_at_ms)
                     VALUES (?, 'dissolve', ?, ?, 'pending', 0, NULL, ?, ?) ON CONFLICT (room_id) DO NOTHING`,
                    [
                      h.roomId,
                      v.softPlay ? 'soft_play' : 'chip_dumping',
                      evidenceJson({
                        pair: [v.a, v.b],
                        hands: v.hands,
                        avoidancePermille: v.avoidancePermille,
                        oneWayPermille: v.oneWayPermille,
                      }),
                      tx.nowMs,
                      tx.nowMs,
                    ],
                  );
                }
            }
          }
          const ids = fresh.map((r) => r.hand_id);
          await tx.run(`UPDATE risk_hands SET judged = 1 WHERE hand_id IN (${ids.map(() => '?').join(', ')})`, ids);
        },
        { label: 'risk.judgeHands' },
      );
    }
    const { dissolved, failures } = await this.#carryOutRoomActions();
    if (failures.length > 0) throw new RoomActionFailed(failures);
    return { hands: fresh.length, colludingPairs, bots, roomsDissolved: dissolved, roomsFailed: 0 };
  }

  /** Room actions the policy decided: dissolve each room (through the rooms domain), recording the outcome. */
  async #carryOutRoomActions(): Promise<{ dissolved: number; failures: { roomId: string; error: string }[] }> {
    const due = await this.#o.store.reader.query<{ room_id: string; attempts: unknown }>(
      "SELECT room_id, attempts FROM risk_room_actions WHERE status IN ('pending', 'failed') AND attempts < ? ORDER BY updated_at_ms LIMIT 50",
      [ROOM_ACTION_ATTEMPTS_MAX],
    );
    let dissolved = 0;
    const failures: { roomId: string; error: string }[] = [];
    for (const a of due) {
      let status: string;
      let error: string | null = null;
      try {
        const r = await this.#o.rooms.dissolveForFairPlay(a.room_id);
        status = r === 'dissolved' ? 'done' : 'not_live';
        if (r === 'dissolved') dissolved++;
      } catch (e) {
        status = 'failed';
        error = (e as Error).message.slice(0, 300);
        failures.push({ roomId: a.room_id, error });
      }
      await this.#o.store.unitOfWork(
        (tx) =>
          tx.run('UPDATE risk_room_actions SET status = ?, attempts = ?, last_error = ?, updated_at_ms = ? WHERE room_id = ?', [
            status,
            intFromDb(a.attempts) + 1,
            error,
            tx.nowMs,
            a.room_id,
          ]),
        { label: 'risk.roomAction' },
      );
    }
    return { dissolved, failures };
  }

  /** The policy's actions on rooms, newest first (the console shows them with the evidence). */
  async roomActions(limit: number): Promise<
    {
      roomId: string;
      action: string;
      reason: string;
      evidence: unknown;
      status: string;
      attempts: number;
      lastError: string | null;
      createdAtMs: number;
      updatedAtMs: number;
    }[]
  > {
    const rows = await this.#o.store.reader.query<Record<string, unknown>>(
      'SELECT * FROM risk_room_actions ORDER BY created_at_ms DESC, room_id LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({
      roomId: r.room_id as string,
      action: r.action as string,
      reason: r.reason as string,
      evidence: JSON.parse(r.evidence as string) as unknown,
      status: r.status as string,
      attempts: intFromDb(r.attempts),
      lastError: (r.last_error as string | null) ?? null,
      createdAtMs: intFromDb(r.created_at_ms),
      updatedAtMs: intFromDb(r.updated_at_ms),
    }));
  }

  /** The hands of these players since `fromMs`, newest first, at most HANDS_PER_BATCH_MAX. */
  async #lookback(players: readonly string[], fromMs: number): Promise<HandSummary[]> {
    if (players.length === 0) return [];
    const rows = await this.#o.store.reader.query<{ summary: string }>(
      `SELECT h.summary FROM risk_hands h WHERE h.hand_id IN (
         SELECT hand_id FROM risk_hand_players WHERE player_id IN (${players.map(() => '?').join(', ')}) AND ended_at_ms >= ?)
       ORDER BY h.ended_at_ms DESC LIMIT ?`,
      [...players, fromMs, HANDS_PER_BATCH_MAX],
    );
    return rows.map((r) => JSON.parse(r.summary) as HandSummary);
  }

  /** Bot timing of room actions, on the server's receive times. Returns how many players were flagged. */
  async #judgeTiming(players: readonly string[], hands: readonly HandSummary[]): Promise<number> {
    const byPlayer = new Map<string, number[]>();
    for (const h of hands)
      for (const d of h.decisions ?? []) {
        const xs = byPlayer.get(d.playerId) ?? [];
        if (xs.length < ROOM_DECISIONS_PER_PLAYER_MAX) xs.push(d.reactionMs);
        byPlayer.set(d.playerId, xs);
      }
    let flagged = 0;
    await this.#o.store.unitOfWork(
      async (tx) => {
        for (const p of players) {
          const xs = byPlayer.get(p) ?? [];
          const f = timingFeatures(xs, this.#o.config.timing.humanFloorMs);
          const verdict = judgeTiming(f, this.#o.config.timing);
          if (verdict.kind !== 'bot') continue;
          flagged++;
          await this.#p.signals.recordSignalOnce(tx, {
            playerId: p,
            kind: 'bot_timing',
            value: 1,
            subject: { kind: 'room_actions', id: p },
            evidence: { source: 'room actions, server receive times', features: f, reasons: verdict.reasons },
          });
        }
      },
      { label: 'risk.roomTiming' },
    );
    return flagged;
  }
}
