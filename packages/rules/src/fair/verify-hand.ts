// Checking a dealt hand on the player's own device, shared by every client (the H5 fairness page,
// the mini-game's "verify this hand"): the server seed against its commitment, the closed client
// commitments against the client seed, the shuffle and the deal against the recorded cards, every
// recorded action up to the result — and all of it against what this device itself received
// before the deal and kept, not only against the server's stored record, which whoever runs the
// server could rewrite afterwards. Pure: the caller fetches the record and reads its own storage.
import { applyHandAction, createHand } from '../zjh/betting.ts';
import type { HandAction } from '../zjh/hand-state.ts';
import type { TableRulesInput } from '../zjh/table-rules.ts';
import { hexToBytes } from './bytes.ts';
import {
  clientSeedCommitment,
  combineClientSeeds,
  combineCommitments,
  type SeatCommitment,
  type SeatSeed,
  verifyServerSeed,
} from './seeds.ts';
import { fairDeck } from './shuffle.ts';

/** What one device saw of a hand before it was dealt. */
export interface KeptHand {
  readonly roomId: string;
  readonly handNumber: number;
  /** The server seed's commitment as this client received it before the deal. */
  readonly serverCommitment: string;
  /** The closed client commitments, or null if this client never saw them close. */
  readonly commitments: readonly SeatCommitment[] | null;
  /** This client's own commitment, when it committed one. */
  readonly mine: SeatCommitment | null;
  readonly keptAtMs: number;
}

/** The room's view of the next hand, as far as keeping is concerned. */
export interface NextHandCommitments {
  readonly handNumber: number;
  readonly commitment: string;
  readonly ceremonyPhase: string;
  readonly commitments?: readonly SeatCommitment[];
}

/**
 * What to keep for the next hand after this view: only fills in, so a commitment seen once is never
 * overwritten by a later view and a server that changes its story is caught by the first one.
 * Null when nothing changed (no need to write).
 */
export function mergeKept(
  before: KeptHand | null,
  roomId: string,
  next: NextHandCommitments,
  mine: SeatCommitment | null,
  nowMs: number,
): KeptHand | null {
  const closed = next.ceremonyPhase !== 'committing' && next.commitments !== undefined ? [...next.commitments] : null;
  const kept: KeptHand = {
    roomId,
    handNumber: next.handNumber,
    serverCommitment: before?.serverCommitment ?? next.commitment,
    commitments: before?.commitments ?? closed,
    mine: before?.mine ?? mine,
    keptAtMs: before?.keptAtMs ?? nowMs,
  };
  if (before !== null && JSON.stringify(before) === JSON.stringify(kept)) return null;
  return kept;
}

/** The seeds of a hand's record. */
export interface HandSeeds {
  readonly v?: number;
  readonly handNumber: number;
  readonly serverCommitment: string;
  readonly serverSeed: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  readonly clientCommitments?: readonly SeatCommitment[];
}

/** A finished hand as `GET /api/rooms/:roomId/hands` returns it. */
export interface HandRecordWire extends HandSeeds {
  readonly rules: TableRulesInput;
  readonly dealerSeat: number;
  readonly players: readonly { seat: number; playerId: string; cards: readonly string[]; stackPoints: number | null }[];
  readonly actions: readonly { type: string; seat: number; toStakePoints?: number; targetSeat?: number }[];
  readonly result: unknown;
}

/**
 * The client seed is the one the closed commitments (or, for version 1 records, the reveals) give,
 * and every reveal matches its commitment.
 */
export function clientSeedOk(r: HandSeeds): boolean {
  try {
    if (r.v !== 2) return combineClientSeeds(r.clientSeeds) === r.clientSeed;
    const commitments = r.clientCommitments ?? [];
    if (combineCommitments(commitments) !== r.clientSeed) return false;
    return r.clientSeeds.every((s) => commitments.some((c) => c.seat === s.seat && c.commitment === clientSeedCommitment(s.seed)));
  } catch {
    return false;
  }
}

const sameCommitments = (a: readonly SeatCommitment[], b: readonly SeatCommitment[]) =>
  JSON.stringify([...a].sort((x, y) => x.seat - y.seat).map((c) => [c.seat, c.commitment])) ===
  JSON.stringify([...b].sort((x, y) => x.seat - y.seat).map((c) => [c.seat, c.commitment]));

/**
 * Against what this device kept: null when it kept nothing for the hand (another device, or the
 * player was not at the table); else whether the revealed seed matches the commitment this client
 * received, and the record's commitments are the ones it saw close (its own among them).
 */
export function keptOk(r: HandSeeds, kept: KeptHand | null): boolean | null {
  if (kept === null) return null;
  if (kept.serverCommitment !== r.serverCommitment || !verifyServerSeed(r.serverSeed, kept.serverCommitment)) return false;
  const recorded = r.clientCommitments ?? [];
  if (kept.commitments !== null && r.v === 2 && !sameCommitments(kept.commitments, recorded)) return false;
  if (kept.mine !== null && r.v === 2 && !recorded.some((c) => c.seat === kept.mine?.seat && c.commitment === kept.mine.commitment))
    return false;
  return true;
}

export type HandCheckKey = 'commitment' | 'clientSeed' | 'kept' | 'deal' | 'replay';

export interface HandCheck {
  readonly key: HandCheckKey;
  readonly ok: boolean;
}

export interface HandVerdict {
  readonly checks: readonly HandCheck[];
  /** Every check passed. */
  readonly ok: boolean;
  /** This device kept nothing for the hand: its record alone was checked. */
  readonly notKept: boolean;
}

/** Everything the server recorded about a hand, checked again on this device. */
export function verifyHandRecord(r: HandRecordWire, kept: KeptHand | null): HandVerdict {
  const checks: HandCheck[] = [];
  const seed = hexToBytes(r.serverSeed);
  checks.push({ key: 'commitment', ok: seed !== null && verifyServerSeed(r.serverSeed, r.serverCommitment) });
  checks.push({ key: 'clientSeed', ok: clientSeedOk(r) });
  const fromKept = keptOk(r, kept);
  if (fromKept !== null) checks.push({ key: 'kept', ok: fromKept });
  let dealOk = false;
  let replayOk = false;
  if (seed !== null) {
    const deck = fairDeck(seed, r.clientSeed, r.handNumber);
    const created = createHand({
      rules: r.rules,
      dealerSeat: r.dealerSeat,
      players: r.players.map((p) => ({ seat: p.seat, stackPoints: p.stackPoints })),
      deck,
      handNumber: r.handNumber,
    });
    if (created.ok) {
      let state = created.value;
      dealOk = r.players.every((p) => {
        const dealt = state.players.find((x) => x.seat === p.seat)?.cards ?? [];
        return dealt.join(',') === p.cards.join(',');
      });
      replayOk = true;
      for (const a of r.actions) {
        const next = applyHandAction(state, a as HandAction);
        if (!next.ok) {
          replayOk = false;
          break;
        }
        state = next.value;
      }
      replayOk = replayOk && JSON.stringify(state.result) === JSON.stringify(r.result);
    }
  }
  checks.push({ key: 'deal', ok: dealOk });
  checks.push({ key: 'replay', ok: replayOk });
  return { checks, ok: checks.every((c) => c.ok), notKept: fromKept === null };
}
