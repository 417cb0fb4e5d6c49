// Hand histories: one record per hand with everything needed to audit and verify it (seeds, cards,
// every action, the result), chained by hash per room. The record is stored sealed (AES-256-GCM);
// each hand (its record as a Merkle leaf, with its chain head) is queued for the notary, which has
// an independent time-stamping authority sign it, so a stored hand that is later altered no
// longer matches what was signed.
import { createHash } from 'node:crypto';
import type { HandResult, SeatCommitment, SeatSeed, TableRules } from '@fairground/rules';
import type { CurrentHand, HandActionRecord, HandDelta } from './state.ts';

export interface HandRecordAction {
  readonly type: string;
  readonly seat: number;
  readonly toStakePoints?: number;
  readonly targetSeat?: number;
  readonly auto: boolean;
  readonly atMs: number;
}

export interface HandRecord {
  /** 2: the client seed is made from the commitments (`clientCommitments`); 1: from the revealed seeds. */
  readonly v: 1 | 2;
  readonly roomId: string;
  readonly handNumber: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly aborted: boolean;
  readonly dealerSeat: number;
  readonly rules: TableRules;
  readonly serverCommitment: string;
  readonly serverSeed: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  /** Version 2: the closed commitments, in seat order. */
  readonly clientCommitments?: readonly SeatCommitment[];
  readonly players: readonly { seat: number; playerId: string; cards: readonly string[]; stackPoints: number | null }[];
  readonly actions: readonly HandRecordAction[];
  readonly result: HandResult | null;
  readonly deltas: readonly HandDelta[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The chain's starting head for a room. */
export function genesisHash(roomId: string): string {
  return sha256Hex(`fairground/rooms/hand-chain/${roomId}`);
}

export function chainNext(prevHash: string, recordHash: string): string {
  return sha256Hex(`${prevHash}:${recordHash}`);
}

/** The record of the hand that just ended. Key order is fixed here, so the JSON (and its hash) is reproducible. */
export function handRecord(
  roomId: string,
  hand: CurrentHand,
  end: { serverSeed: string; deltas: readonly HandDelta[]; aborted: boolean; endedAtMs: number },
): HandRecord {
  const bySeat = new Map(hand.state.players.map((p) => [p.seat, p]));
  return {
    v: hand.dealtFromCommitments ? 2 : 1,
    roomId,
    handNumber: hand.handNumber,
    startedAtMs: hand.startedAtMs,
    endedAtMs: end.endedAtMs,
    aborted: end.aborted,
    dealerSeat: hand.dealerSeat,
    rules: hand.state.rules,
    serverCommitment: hand.commitment,
    serverSeed: end.serverSeed,
    clientSeed: hand.clientSeed,
    clientSeeds: hand.clientSeeds.map((c) => ({ seat: c.seat, seed: c.seed })),
    ...(hand.dealtFromCommitments
      ? { clientCommitments: hand.clientCommitments.map((c) => ({ seat: c.seat, commitment: c.commitment })) }
      : {}),
    players: hand.players.map((p) => ({
      seat: p.seat,
      playerId: p.playerId,
      cards: [...(bySeat.get(p.seat)?.cards ?? [])],
      stackPoints: p.stackPoints,
    })),
    actions: hand.actions.toArray().map(recordAction),
    result: hand.state.result,
    deltas: end.deltas.map((d) => ({ seat: d.seat, playerId: d.playerId, points: d.points })),
  };
}

/**
 * One action as the record holds it. The keys go in this order (type, seat, the raise's or the
 * compare's own field, auto, atMs), so the JSON is the same whichever branch made it; built
 * without spreads, which made two objects per action.
 */
function recordAction({ action: x, auto, atMs }: HandActionRecord): HandRecordAction {
  if (x.type === 'raise') return { type: x.type, seat: x.seat, toStakePoints: x.toStakePoints, auto, atMs };
  if (x.type === 'compare') return { type: x.type, seat: x.seat, targetSeat: x.targetSeat, auto, atMs };
  return { type: x.type, seat: x.seat, auto, atMs };
}

export function recordJson(r: HandRecord): string {
  return JSON.stringify(r);
}

export function recordHash(json: string): string {
  return sha256Hex(json);
}

/** The record as a Merkle leaf (RFC 9162): SHA-256(0x00 ‖ record JSON), what the notary's time-stamped trees hold. */
export function recordLeafHash(json: string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(json, 'utf8')
    .digest('hex');
}
