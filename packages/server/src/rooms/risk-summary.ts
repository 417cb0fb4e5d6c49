// What the risk domain learns from each finished hand, built from its hand record in the unit that
// stores it: who sat, every 比牌 decision with the opponents the asker could have picked, each
// player's net points, and how long each player took to act — measured on the server's clock
// (every action's time is when the room received it), so a client cannot fake its pace.
import { compareHands } from '@fairground/rules';
import type { HandRecord } from './history.ts';
import type { RoomHandSummary } from './ports.ts';

export function handSummary(r: HandRecord): RoomHandSummary {
  const playerOf = new Map(r.players.map((p) => [p.seat, p.playerId]));
  const cardsOf = new Map(r.players.map((p) => [p.seat, p.cards]));
  const live = new Set(r.players.map((p) => p.seat));
  const compares: { by: string; choices: string[]; target: string; winner: string }[] = [];
  const decisions: { playerId: string; reactionMs: number }[] = [];
  let lastAtMs = r.startedAtMs;
  for (const a of r.actions) {
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
  for (const d of r.deltas) deltas[d.playerId] = d.points;
  return {
    handId: `${r.roomId}:${r.handNumber}`,
    roomId: r.roomId,
    endedAtMs: r.endedAtMs,
    players: r.players.map((p) => p.playerId),
    compares,
    deltas,
    decisions,
  };
}
