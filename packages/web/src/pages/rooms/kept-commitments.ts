// What this device saw of each hand before it was dealt, kept in localStorage so the fairness page
// can check the revealed seed against the commitment this client itself received — not only
// against the server's stored record, which whoever runs the server could rewrite afterwards:
// the server seed's commitment (published when the hand was set up), the closed set of client
// commitments the deal is made from (once the commitments close, before the deal) and, when this
// client took part, its own commitment.
import { type KeptHand, mergeKept, type NextHandCommitments, type SeatCommitment } from '@fairground/rules';

export type { KeptHand };

const PREFIX = 'fg.kept.';
/** Hands kept per device (the oldest are dropped): enough for a long evening of rooms. */
const KEPT_HANDS_MAX = 300;

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
export function keepBeforeDeal(roomId: string, next: NextHandCommitments, mine: SeatCommitment | null, nowMs: number): void {
  try {
    const before = keptHand(roomId, next.handNumber);
    const kept = mergeKept(before, roomId, next, mine, nowMs);
    if (kept === null) return;
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
