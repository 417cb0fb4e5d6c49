// What the risk domain learns from each finished hand, built from its hand record in the unit that
// stores it: who sat, every 比牌 decision with the opponents the asker could have picked, each
// player's net points, and how long each player took to act — measured on the server's clock
// (every action's time is when the room received it), so a client cannot fake its pace.
//
// Persistence builds it from the hand itself (`handSummaryOfHand`), from the same fields the
// record is made of (`history.ts` `handRecord`), instead of reading the record's JSON back: the
// two give the same summary (`test/rooms/records.test.ts` compares every stored summary with the
// one its sealed record gives).
import { compareHands } from '@fairground/rules';
import type { HandRecord } from './history.ts';
import type { RoomHandSummary } from './ports.ts';
import type { CurrentHand, HandDelta } from './state.ts';

/** What a summary reads of one action. */
interface SummaryAction {
  readonly type: string;
  readonly seat: number;
  readonly targetSeat?: number | undefined;
  readonly auto: boolean;
  readonly atMs: number;
}

/** What a summary reads of one player. */
interface SummaryPlayer {
  readonly seat: number;
  readonly playerId: string;
  readonly cards: readonly string[];
}

/** The summary of a stored hand record. */
export function handSummary(r: HandRecord): RoomHandSummary {
  return summarize(r.roomId, r.handNumber, r.startedAtMs, r.endedAtMs, r.players, r.actions, r.deltas);
}

/** The summary of the hand that ends, as `handSummary` gives it of that hand's record (`handRecord` with these deltas and end time). */
export function handSummaryOfHand(roomId: string, hand: CurrentHand, deltas: readonly HandDelta[], endedAtMs: number): RoomHandSummary {
  const cardsOf = new Map(hand.state.players.map((p) => [p.seat, p.cards]));
  const players = hand.players.map((p) => ({ seat: p.seat, playerId: p.playerId, cards: cardsOf.get(p.seat) ?? [] }));
  const actions = hand.actions.toArray().map(({ action: x, auto, atMs }) => ({
    type: x.type,
    seat: x.seat,
    targetSeat: x.type === 'compare' ? x.targetSeat : undefined,
    auto,
    atMs,
  }));
  return summarize(roomId, hand.handNumber, hand.startedAtMs, endedAtMs, players, actions, deltas);
}

function summarize(
  roomId: string,
  handNumber: number,
  startedAtMs: number,
  endedAtMs: number,
  players: readonly SummaryPlayer[],
  actions: readonly SummaryAction[],
  handDeltas: readonly HandDelta[],
): RoomHandSummary {
  const playerOf = new Map(players.map((p) => [p.seat, p.playerId]));
  const cardsOf = new Map(players.map((p) => [p.seat, p.cards]));
  const live = new Set(players.map((p) => p.seat));
  const compares: { by: string; choices: string[]; target: string; winner: string }[] = [];
  const decisions: { playerId: string; reactionMs: number }[] = [];
  let lastAtMs = startedAtMs;
  for (const a of actions) {
    const by = playerOf.get(a.seat);
    // Auto-play (a timer acted for the player) says nothing about the player's own pace.
    if (by !== undefined && !a.auto) decisions.push({ playerId: by, reactionMs: Math.max(0, a.atMs - lastAtMs) });
    lastAtMs = a.atMs;
    if (a.type === 'fold') live.delete(a.seat);
    if (a.type === 'compare' && a.targetSeat !== undefined && by !== undefined) {
      const target = playerOf.get(a.targetSeat);
      if (target === undefined) continue;
      const choices = [...live].filter((s) => s !== a.seat).map((s) => playerOf.get(s) as string);
      // The asker loses a tie (the rules' 比牌 convention); only the loser leaves the hand.
      const askerWins = compareHands(cardsOf.get(a.seat) ?? [], cardsOf.get(a.targetSeat) ?? []) > 0;
      compares.push({ by, choices, target, winner: askerWins ? by : target });
      live.delete(askerWins ? a.targetSeat : a.seat);
    }
  }
  const deltas: Record<string, number> = {};
  for (const d of handDeltas) deltas[d.playerId] = d.points;
  return {
    handId: `${roomId}:${handNumber}`,
    roomId,
    endedAtMs,
    players: players.map((p) => p.playerId),
    compares,
    deltas,
    decisions,
  };
}
