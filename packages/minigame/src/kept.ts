// What this device saw of each hand before it was dealt, kept in WeChat storage so "verify this
// hand" can check the revealed seed against the commitment this client itself received — not only
// against the server's stored record. The merge (a first value is never overwritten) is the H5
// client's, from @fairground/rules (fair/verify-hand.ts).
import { type KeptHand, mergeKept, type NextHandCommitments, type SeatCommitment } from '@fairground/rules';

const PREFIX = 'fg.kept.';
/** The keys kept, oldest first, so the oldest can be dropped without listing storage. */
const INDEX_KEY = 'fg.kept.index';
/** Hands kept per device: enough for a long evening of rooms, small beside WeChat's 10 MB of storage. */
const KEPT_HANDS_MAX = 200;

const keyOf = (roomId: string, handNumber: number) => `${PREFIX}${roomId}.${handNumber}`;

/** What was kept for a hand on this device, or null. */
export function keptHand(roomId: string, handNumber: number): KeptHand | null {
  try {
    const v: unknown = wx.getStorageSync(keyOf(roomId, handNumber));
    return v !== null && typeof v === 'object' && 'serverCommitment' in v ? (v as KeptHand) : null;
  } catch {
    return null;
  }
}

/** Records what the room shows of the next hand (only fills in). */
export function keepBeforeDeal(roomId: string, next: NextHandCommitments, mine: SeatCommitment | null, nowMs: number): void {
  try {
    const before = keptHand(roomId, next.handNumber);
    const kept = mergeKept(before, roomId, next, mine, nowMs);
    if (kept === null) return;
    const key = keyOf(roomId, next.handNumber);
    wx.setStorageSync(key, kept);
    if (before !== null) return;
    const raw: unknown = wx.getStorageSync(INDEX_KEY);
    const index = Array.isArray(raw) ? (raw as string[]).filter((k) => k !== key) : [];
    index.push(key);
    while (index.length > KEPT_HANDS_MAX) wx.removeStorageSync(index.shift() as string);
    wx.setStorageSync(INDEX_KEY, index);
  } catch {
    // Storage full or refused: "verify this hand" then checks the stored record only, and says so.
  }
}
