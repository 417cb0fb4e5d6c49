// The wallet history as a person reads it: the ledger's transfers folded into one line per event.
// A hold and the post or void that settled it are one line with its state (held → paid or
// returned); the transfers of one order (a room fee and its commission, the cash and the cards of
// a purchase) are one line. Each line carries its effect on the posted balance of each asset, so
// the balance after every line can be worked back from today's balance and agrees with the lines.
import type { AssetCode } from './money.ts';

export interface LedgerItem {
  readonly id: string;
  readonly asset: AssetCode;
  readonly direction: 'in' | 'out';
  readonly amountFen: number;
  readonly code: string;
  readonly kind: 'posted' | 'pending' | 'post' | 'void' | 'expired';
  readonly pendingState: 'open' | 'posted' | 'voided' | 'expired' | null;
  readonly tag: 'over_limit' | null;
  readonly group: string | null;
  readonly createdAtMs: number;
}

export type LineState = 'held' | 'paid' | 'returned' | null;

export interface Line {
  readonly key: string;
  /** The code that names the line (a purchase over its parts, a room fee over its commission). */
  readonly code: string;
  readonly tag: 'over_limit' | null;
  readonly state: LineState;
  /** Newest part's time. */
  readonly atMs: number;
  /** Signed amount per asset as the player sees it (a hold shows what it holds or held). */
  readonly shown: ReadonlyMap<AssetCode, number>;
  /** Signed change of the posted balance per asset. */
  readonly effect: ReadonlyMap<AssetCode, number>;
  /** The commission inside a room fee line, in fen (0 when none). */
  readonly commissionFen: number;
  /** Posted balance of the line's main asset right after it, when known. */
  readonly balanceAfter: number | null;
  readonly asset: AssetCode;
}

/** Which code names a line of several parts. */
const NAMING_ORDER = ['room_card_purchase', 'room_card_consume', 'room_fee', 'commission', 'withdrawal', 'entry_fee', 'escrow'];

function signed(i: LedgerItem): number {
  return i.direction === 'in' ? i.amountFen : -i.amountFen;
}

function add(map: Map<AssetCode, number>, asset: AssetCode, n: number): void {
  map.set(asset, (map.get(asset) ?? 0) + n);
}

function stateOf(parts: readonly LedgerItem[]): LineState {
  const pending = parts.find((p) => p.kind === 'pending');
  const settle = parts.find((p) => p.kind === 'post' || p.kind === 'void' || p.kind === 'expired');
  if (pending === undefined && settle === undefined) return null;
  const s = pending?.pendingState ?? (settle?.kind === 'post' ? 'posted' : 'voided');
  return s === 'open' ? 'held' : s === 'posted' ? 'paid' : 'returned';
}

/**
 * Folds transfers (newest first, as the API pages them) into lines, newest first, and works the
 * balance after each line back from `postedNow` (today's posted balance per asset).
 */
export function foldLines(items: readonly LedgerItem[], postedNow: ReadonlyMap<AssetCode, number>): Line[] {
  const groups = new Map<string, LedgerItem[]>();
  const order: string[] = [];
  for (const i of items) {
    const key = i.group ?? `one:${i.id}`;
    let parts = groups.get(key);
    if (parts === undefined) {
      parts = [];
      groups.set(key, parts);
      order.push(key);
    }
    parts.push(i);
  }
  const running = new Map(postedNow);
  return order.map((key): Line => {
    const parts = groups.get(key) as LedgerItem[];
    const state = stateOf(parts);
    const shown = new Map<AssetCode, number>();
    const effect = new Map<AssetCode, number>();
    for (const p of parts) {
      // A hold moves nothing posted; its post does. The line shows what was held, or what was paid.
      if (p.kind !== 'pending' && p.kind !== 'void' && p.kind !== 'expired') add(effect, p.asset, signed(p));
    }
    // What the line shows: what was paid (the posts, or the posted parts of an order paid at once),
    // else what is or was held — every hold of the order (a room fee and its commission are two),
    // counted once: the holds themselves, or their voids when the holds are on an older page.
    const posts = parts.filter((p) => p.kind === 'post');
    const holds = parts.filter((p) => p.kind === 'pending');
    const basis =
      state === null
        ? parts
        : posts.length > 0
          ? posts
          : holds.length > 0
            ? holds
            : parts.filter((p) => p.kind === 'void' || p.kind === 'expired');
    let commissionFen = 0;
    for (const p of basis) {
      add(shown, p.asset, signed(p));
      if (p.code === 'commission') commissionFen += p.amountFen;
    }
    const codes = parts.map((p) => p.code);
    const code = NAMING_ORDER.find((c) => codes.includes(c)) ?? (parts[0] as LedgerItem).code;
    const assets = [...new Set(parts.map((p) => p.asset))];
    const asset: AssetCode = assets.includes('CNY') ? 'CNY' : (assets[0] as AssetCode);
    const known = running.get(asset);
    const balanceAfter = known === undefined ? null : known;
    for (const [a, n] of effect) {
      const r = running.get(a);
      if (r !== undefined) running.set(a, r - n);
    }
    return {
      key,
      code,
      tag: parts.find((p) => p.tag !== null)?.tag ?? null,
      state,
      atMs: Math.max(...parts.map((p) => p.createdAtMs)),
      shown,
      effect,
      commissionFen: code === 'room_fee' ? commissionFen : 0,
      balanceAfter,
      asset,
    };
  });
}
