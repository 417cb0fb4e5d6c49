// What leaves the database and when. The growth tables (a room's event log and hand records, a
// skill session's command stream, the analytics log) move to compressed archives once what they
// belong to has ended and the window has passed; nothing that records money ever does. Each group
// rule names the rows of one "group" (a room, a session) so a group leaves whole or not at all; the
// analytics log, which belongs to no group, leaves a month at a time (its terms acceptances and
// feedback with it: the player row keeps the terms version accepted last, and the archive the rest).
//
// Kept online for ever (never archived by this job): ledger_* (transfers, hash chain, roots),
// payment_* (deposits, withdrawals, refunds, events, reconciliations), room_orders (the room fees:
// seed 003 wants them queryable ≥ 180 days; they are money records, so they stay), vpay_orders,
// admin_audit, and the notary's receipts and roots.

/** Days a finished room's hand records and a finished skill session's commands stay online (seed 003: 180 days). */
export const ONLINE_DAYS_DEFAULT = 180;
/**
 * Days a finished room's event log stays online. The log only rebuilds a live room; what a dispute
 * needs after the room ends is in its sealed hand records (kept 180 days) and the risk domain's
 * hand summaries. At a million players the log is ≈ 2.8 TB a day (bench/README.md), so it leaves
 * the day after — unless the room is held, like its hands.
 */
export const ROOM_EVENTS_ONLINE_DAYS = 1;
/** Groups (rooms or sessions) one archive file holds at most; one pass writes at most one file per table. */
export const GROUPS_PER_ARCHIVE_MAX = 500;
/** Rows one archive file holds at most (a pass stops adding groups past it). */
export const ROWS_PER_ARCHIVE_MAX = 200_000;

/**
 * Days analytics events stay online: 13 months, so a month can be compared with the same month a
 * year before. The log is archived by time (a month at a time), not by group.
 */
export const ANALYTICS_ONLINE_DAYS = 400;

/** A table archived by time: whole months past the window, in seq order (the analytics log). */
export interface RangeRetentionRule {
  readonly kind: 'range';
  readonly table: string;
  readonly onlineDays: number;
  /** The milliseconds column that places a row in its month. */
  readonly column: string;
  /** The increasing key the rows are archived in, chunk after chunk. */
  readonly seqColumn: string;
}

export type AnyRetentionRule = RetentionRule | RangeRetentionRule;

export interface RetentionRule {
  readonly kind: 'group';
  /** The table whose rows move. */
  readonly table: string;
  /** Days after its group ended that a row stays online. */
  readonly onlineDays: number;
  /** The column that names a row's group. */
  readonly groupColumn: string;
  /** Columns that order the rows (the primary key). */
  readonly orderBy: readonly string[];
  /** Groups whose rows may leave: ended before the cutoff, and not held. */
  readonly eligibleGroupsSql: string;
  /** The query's parameters, in order. */
  params(cutoffMs: number, nowMs: number, limit: number): (string | number)[];
}

// A room's order records say how long the room is kept (`retain_until_ms`, 180 days after creation);
// a room's hands (and its event log, which replays them) are also held while a complaint about the room
// is open or any of its members has an open risk review case: the evidence stays online.
const ROOM_ENDED = `
SELECT r.id AS group_id FROM rooms r
 WHERE r.status IN ('finished', 'dissolved') AND r.ended_at_ms IS NOT NULL AND r.ended_at_ms < ? AND r.retain_until_ms <= ?
   AND NOT EXISTS (SELECT 1 FROM risk_complaints c WHERE c.room_id = r.id AND c.status = 'open')
   AND NOT EXISTS (SELECT 1 FROM room_members m JOIN risk_cases k ON k.player_id = m.player_id
                    WHERE m.room_id = r.id AND k.status = 'open')`;

export const RETENTION_RULES: readonly AnyRetentionRule[] = [
  {
    kind: 'group',
    table: 'room_events',
    onlineDays: ROOM_EVENTS_ONLINE_DAYS,
    groupColumn: 'room_id',
    orderBy: ['room_id', 'seq'],
    // The orders' retention (retain_until_ms) is the hands' and the orders' own, not the event log's.
    eligibleGroupsSql: `${ROOM_ENDED.replace('AND r.retain_until_ms <= ?', '')} AND EXISTS (SELECT 1 FROM room_events e WHERE e.room_id = r.id) ORDER BY r.ended_at_ms, r.id LIMIT ?`,
    params: (cutoffMs, _nowMs, limit) => [cutoffMs, limit],
  },
  {
    kind: 'group',
    table: 'room_hands',
    onlineDays: ONLINE_DAYS_DEFAULT,
    groupColumn: 'room_id',
    orderBy: ['room_id', 'hand_number'],
    eligibleGroupsSql: `${ROOM_ENDED} AND EXISTS (SELECT 1 FROM room_hands h WHERE h.room_id = r.id) ORDER BY r.ended_at_ms, r.id LIMIT ?`,
    params: (cutoffMs, nowMs, limit) => [cutoffMs, nowMs, limit],
  },
  {
    kind: 'group',
    table: 'skill_commands',
    onlineDays: ONLINE_DAYS_DEFAULT,
    groupColumn: 'session_id',
    orderBy: ['session_id', 'seq'],
    eligibleGroupsSql: `
SELECT s.id AS group_id FROM skill_sessions s
 WHERE s.status <> 'active' AND s.ended_at_ms IS NOT NULL AND s.ended_at_ms < ?
   AND EXISTS (SELECT 1 FROM skill_commands c WHERE c.session_id = s.id)
 ORDER BY s.ended_at_ms, s.id LIMIT ?`,
    params: (cutoffMs, _nowMs, limit) => [cutoffMs, limit],
  },
  { kind: 'range', table: 'analytics_events', onlineDays: ANALYTICS_ONLINE_DAYS, column: 'at_ms', seqColumn: 'seq' },
];

/** Tables the job never archives or deletes from, whatever their age. */
export const NEVER_ARCHIVED = [
  'ledger_accounts',
  'ledger_transfers',
  'ledger_chain',
  'ledger_requests',
  'ledger_roots',
  'payment_deposits',
  'payment_withdrawals',
  'payment_refunds',
  'payment_events',
  'payment_outbox',
  'payment_reconciliations',
  'payment_reconciliation_items',
  'room_orders',
  'vpay_orders',
  'admin_audit',
] as const;
