// What this device saw of each hand before it was dealt, kept in localStorage so the fairness page
// can check the revealed seed against the commitment this client itself received — not only
// against the server's stored record, which whoever runs the server could rewrite afterwards:
// the server seed's commitment (published when the hand was set up), the closed set of client
// commitments the deal is made from (once the commitments close, before the deal) and, when this
// client took part, its own commitment.
import type { SeatCommitment } from '@fairground/rules';

const PREFIX = 'fg.kept.';
/** Hands kept per device (the oldest are dropped): enough for a long evening of rooms. */
const KEPT_HANDS_MAX = 300;

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

const keyOf = (roomId: string, handNumber: number) => `${PREFIX}${roomId}.${handNumber}`;

/** Reads what was kept for a hand on this device, or null. */
export function keptHand(roomId: string, handNumber: number): KeptHand | null {
  try {
    const raw = localStorage.getItem(keyOf(roomId, handNumber));
    return raw === null ? null : (JSON.parse(raw) as KeptHand);
  } catch {
    return null;
  }
}

/**
 * Records what the room shows of the next hand. Only fills in: a commitment seen once is never
 * overwritten by a later view, so a server that changes its story is caught by the first one.
 */
export function keepBeforeDeal(
  roomId: string,
  next: { handNumber: number; commitment: string; ceremonyPhase: string; commitments?: readonly SeatCommitment[] },
  mine: SeatCommitment | null,
  nowMs: number,
): void {
  try {
    const before = keptHand(roomId, next.handNumber);
    const closed = next.ceremonyPhase !== 'committing' && next.commitments !== undefined ? [...next.commitments] : null;
    const kept: KeptHand = {
      roomId,
      handNumber: next.handNumber,
      serverCommitment: before?.serverCommitment ?? next.commitment,
      commitments: before?.commitments ?? closed,
      mine: before?.mine ?? mine,
      keptAtMs: before?.keptAtMs ?? nowMs,
    };
    if (before !== null && JSON.stringify(before) === JSON.stringify(kept)) return;
    localStorage.setItem(keyOf(roomId, next.handNumber), JSON.stringify(kept));
    if (before === null) prune();
  } catch {
    // Storage full or refused: the fairness page then checks the stored record only, and says so.
  }
}

function prune(): void {
  const keys: { key: string; atMs: number }[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key === null || !key.startsWith(PREFIX)) continue;
    const at = (JSON.parse(localStorage.getItem(key) ?? '{}') as { keptAtMs?: number }).keptAtMs ?? 0;
    keys.push({ key, atMs: at });
  }
  if (keys.length <= KEPT_HANDS_MAX) return;
  keys.sort((a, b) => a.atMs - b.atMs);
  for (const k of keys.slice(0, keys.length - KEPT_HANDS_MAX)) localStorage.removeItem(k.key);
}
