// Writes a plan: its events in the room's log, and in the same unit of work everything they imply
// (fee holds, charges and refunds in the ledger, membership and room rows, sealed hand histories
// with their chain and their place in the notary's queue, per-day point totals, friendships, analytics, risk signals, notifications).
// Either all of it commits or none of it does. The projections read none of their statements'
// outcomes, so they queue them (`Tx.write`): a hand's rows cross to the database with the unit's
// end in one message instead of one awaited round trip each.
import { assert } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Notifier } from '../notifications/index.ts';
import { MultiRowInsert } from '../storage/multi-row.ts';
import type { Tx } from '../storage/ports.ts';
import type { Plan } from './decide.ts';
import { insertEventRows } from './event-rows.ts';
import { chinaDay, type Payment } from './fees.ts';
import type { RoomMoney } from './money.ts';
import { recordLeafHash } from './history.ts';
import type { Notary, RiskSignals } from './ports.ts';
import { handSummary } from './risk-summary.ts';
import type { RoomSealer } from './sealing.ts';
import type { RoomEvent, RoomState } from './state.ts';

export interface PersistDeps {
  readonly money: RoomMoney;
  readonly analytics: Analytics;
  readonly notifier: Notifier;
  readonly risk: RiskSignals;
  readonly sealer: RoomSealer;
  readonly prizesAllowed: () => boolean;
  /** Finished hands are queued for attestation in the unit of work that stores them. */
  readonly notary: Notary;
}

export interface PlanExtras {
  /** The fee a joining player pays (AA), decided with their join. */
  readonly joinPayment?: { readonly playerId: string; readonly payment: Payment };
  /** Pairs of players already recorded as friends (skips redundant writes); updated here. */
  readonly knownPairs?: Set<string>;
}

export function insertEvents(tx: Tx, roomId: string, events: readonly RoomEvent[]): Promise<void> {
  return insertEventRows(
    tx,
    events.map((event) => ({ roomId, event })),
  );
}

/** Events whose only record is the log itself: a plan made of these alone can share a write with other rooms' plans. */
const LOG_ONLY_KINDS: ReadonlySet<RoomEvent['kind']> = new Set([
  'hand_action',
  'ready_set',
  'trusteeship_set',
  'identity_verified',
  'ip_changed',
  'seed_committed',
  'ceremony_closed',
  'seed_revealed',
  'window_closed',
  'hand_committed',
]);

export function isLogOnly(plan: Plan, extras: PlanExtras): boolean {
  return plan.records.length === 0 && extras.joinPayment === undefined && plan.events.every((e) => LOG_ONLY_KINDS.has(e.kind));
}

function befriend(tx: Tx, a: string, b: string, source: 'shared_room' | 'invitation', roomId: string, known?: Set<string>): void {
  if (a === b) return;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  if (known?.has(key)) return;
  for (const [p, f] of [
    [a, b],
    [b, a],
  ] as const) {
    tx.write(
      'INSERT INTO room_friends (player_id, friend_id, source, room_id, created_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (player_id, friend_id) DO NOTHING',
      [p, f, source, roomId, tx.nowMs],
    );
  }
  known?.add(key);
}

export async function persistPlan(tx: Tx, plan: Plan, deps: PersistDeps, extras: PlanExtras = {}): Promise<void> {
  const roomId = plan.before.id;
  await insertEvents(tx, roomId, plan.events);
  // Each event's projection sees the room just before and just after it.
  let before: RoomState = plan.before;
  for (const [i, e] of plan.events.entries()) {
    const after = plan.statesAfter[i] as RoomState;
    await project(tx, e, before, after, plan, deps, extras);
    before = after;
  }
}

/** One event's projection, with what every projection reads. */
interface Projection {
  readonly tx: Tx;
  readonly roomId: string;
  readonly before: RoomState;
  readonly after: RoomState;
  readonly plan: Plan;
  readonly deps: PersistDeps;
  readonly extras: PlanExtras;
}

type EventOf<K extends RoomEvent['kind']> = Extract<RoomEvent, { kind: K }>;

async function project(
  tx: Tx,
  e: RoomEvent,
  before: RoomState,
  after: RoomState,
  plan: Plan,
  deps: PersistDeps,
  extras: PlanExtras,
): Promise<void> {
  const p: Projection = { tx, roomId: after.id, before, after, plan, deps, extras };
  const roomId = after.id;
  switch (e.kind) {
    case 'member_joined':
      return projectMemberJoined(p, e);
    case 'member_left':
      return projectMemberLeft(p, e);
    case 'role_changed':
      tx.write('UPDATE room_members SET role = ? WHERE room_id = ? AND player_id = ?', [e.role, roomId, e.playerId]);
      return;
    case 'owner_transferred':
      tx.write("UPDATE room_members SET role = 'member' WHERE room_id = ? AND player_id = ?", [roomId, e.from]);
      tx.write("UPDATE room_members SET role = 'owner' WHERE room_id = ? AND player_id = ?", [roomId, e.to]);
      tx.write('UPDATE rooms SET owner_id = ? WHERE id = ?', [e.to, roomId]);
      return;
    case 'rules_changed':
      return projectRulesChanged(p, e);
    case 'hand_started':
      return projectHandStarted(p, e);
    case 'hand_ended':
      return projectHandEnded(p, e);
    case 'room_finished':
      return projectRoomFinished(p, e);
    case 'room_dissolved':
      return projectRoomDissolved(p, e);
    default:
      return;
  }
}

/** A member row, the seat's fee when joining pays one, friendships from an invitation. */
async function projectMemberJoined({ tx, roomId, after, deps, extras }: Projection, e: EventOf<'member_joined'>): Promise<void> {
  tx.write(
    `INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, ?, ?, 'active', ?, ?, NULL)
      ON CONFLICT (room_id, player_id) DO UPDATE SET role = excluded.role, seat = excluded.seat, status = 'active', invited_by = excluded.invited_by,
        joined_at_ms = excluded.joined_at_ms, left_at_ms = NULL`,
    [roomId, e.playerId, e.role, e.seat, e.invitedBy, e.atMs],
  );
  const pay = extras.joinPayment;
  if (pay !== undefined && pay.playerId === e.playerId && e.role === 'member') {
    await deps.money.pay(tx, {
      roomId,
      playerId: e.playerId,
      payment: pay.payment,
      fee: after.fee,
      started: after.status !== 'waiting',
    });
  }
  if (e.invitedBy !== null) befriend(tx, e.invitedBy, e.playerId, 'invitation', roomId, extras.knownPairs);
  await deps.analytics.append(tx, { kind: 'room_joined', actor: { kind: 'player', id: e.playerId }, data: { roomId, role: e.role } });
}

/** The member row closed; an AA fee goes back before the start, an early exit is a risk signal. */
async function projectMemberLeft({ tx, roomId, after, deps }: Projection, e: EventOf<'member_left'>): Promise<void> {
  tx.write('UPDATE room_members SET status = ?, seat = NULL, left_at_ms = ? WHERE room_id = ? AND player_id = ?', [
    e.reason === 'kicked' ? 'kicked' : 'left',
    e.atMs,
    roomId,
    e.playerId,
  ]);
  // Before the start an AA seat's fee goes back with the player; an owner-paid fee stays with
  // the room (even if the payer handed over ownership and left) until it starts or is dissolved.
  if (after.status === 'waiting' && after.fee.payer === 'aa') await deps.money.voidHeld(tx, roomId, e.playerId);
  else if (e.reason === 'left' || e.reason === 'disconnected') {
    await deps.risk.record(tx, { kind: 'early_exit', playerId: e.playerId, roomId, reason: e.reason });
  }
}

/** The room's rules stored, and every other member told. */
async function projectRulesChanged({ tx, roomId, after, deps }: Projection, e: EventOf<'rules_changed'>): Promise<void> {
  tx.write('UPDATE rooms SET params = ?, friends_visible = ?, base_score = ? WHERE id = ?', [
    JSON.stringify(e.params),
    e.params.friendsVisible ? 1 : 0,
    e.params.baseScore,
    roomId,
  ]);
  // Seed §三: every member hears about a rule change, also when not at the table right now.
  for (const m of after.members) {
    if (m.playerId === e.by) continue;
    await deps.notifier.notify(tx, m.playerId, {
      kind: 'room_rules_changed',
      data: { roomId, code: after.code, changed: e.changed.join(',') },
    });
  }
}

/** The first hand posts the held fees; every hand makes its players acquainted. */
async function projectHandStarted({ tx, roomId, before, after, deps, extras }: Projection, e: EventOf<'hand_started'>): Promise<void> {
  if (before.status === 'waiting') {
    await deps.money.postHeld(tx, roomId);
    tx.write("UPDATE rooms SET status = 'playing', started_at_ms = ? WHERE id = ?", [e.atMs, roomId]);
    await deps.analytics.append(tx, {
      kind: 'room_first_hand_started',
      data: { roomId, msSinceCreated: e.atMs - after.createdAtMs, players: e.players.length },
    });
  }
  await deps.analytics.append(tx, { kind: 'hand_started', data: { roomId, handNumber: e.handNumber, players: e.players.length } });
  const ids = e.players.map((p) => p.playerId);
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) befriend(tx, ids[i] as string, ids[j] as string, 'shared_room', roomId, extras.knownPairs);
  }
}

/** A hand's daily points upsert, at most 32 rows a statement (four parameters each): a hand has a few players. */
const pointsUpsert = new MultiRowInsert({
  head: 'INSERT INTO room_points_daily (player_id, day, won, lost)',
  columns: 4,
  tail: 'ON CONFLICT (player_id, day) DO UPDATE SET won = room_points_daily.won + excluded.won, lost = room_points_daily.lost + excluded.lost',
  maxRows: 32,
});

/**
 * A hand's points into each player's day, one statement for the hand's players (instead of one
 * per player). A player's deltas are summed first: PostgreSQL refuses an upsert that meets one key
 * twice, and the sum is what one upsert per delta would leave.
 */
function addDailyPoints(tx: Tx, day: string, deltas: readonly { readonly playerId: string; readonly points: number }[]): void {
  const byPlayer = new Map<string, { won: number; lost: number }>();
  for (const d of deltas) {
    if (d.points === 0) continue;
    const u = byPlayer.get(d.playerId) ?? { won: 0, lost: 0 };
    u.won += Math.max(d.points, 0);
    u.lost += Math.max(-d.points, 0);
    byPlayer.set(d.playerId, u);
  }
  const params: (string | number)[] = [];
  for (const [playerId, u] of byPlayer) params.push(playerId, day, u.won, u.lost);
  pointsUpsert.write(tx, params);
}

/** The sealed hand record on the room's chain, the notary's queue, risk evidence and daily points. */
async function projectHandEnded({ tx, roomId, after, plan, deps }: Projection, e: EventOf<'hand_ended'>): Promise<void> {
  const record = plan.records.find((r) => r.handNumber === e.handNumber);
  assert(record !== undefined, 'hand_ended has its record');
  tx.write(
    'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      roomId,
      e.handNumber,
      deps.sealer.sealRecord(record.json, roomId, e.handNumber),
      record.recordHash,
      record.prevHash,
      record.chainHash,
      e.atMs,
    ],
  );
  await deps.notary.enqueue(tx, [
    { chainId: roomId, seq: e.handNumber, headHash: record.chainHash, leafHash: recordLeafHash(record.json), atMs: e.atMs },
  ]);
  await deps.analytics.append(tx, { kind: 'hand_finished', data: { roomId, handNumber: e.handNumber, aborted: e.aborted } });
  if (!e.aborted) {
    tx.write('UPDATE rooms SET hands_played = ? WHERE id = ?', [after.handsPlayed, roomId]);
    // The hand's evidence reaches the risk domain in the unit that stores the hand, made of the
    // very record that is sealed (not of its JSON read back).
    await deps.risk.record(tx, { kind: 'hand_finished', summary: handSummary(record.record) });
    addDailyPoints(tx, chinaDay(e.atMs), e.deltas);
  }
}

/** A completed room pays its prizes. */
async function projectRoomFinished({ tx, roomId, after, deps }: Projection, e: EventOf<'room_finished'>): Promise<void> {
  tx.write("UPDATE rooms SET status = 'finished', ended_at_ms = ?, end_reason = 'completed' WHERE id = ?", [e.atMs, roomId]);
  if (deps.prizesAllowed()) await deps.money.payPrizes(tx, roomId, after.scores);
  await deps.risk.record(tx, {
    kind: 'room_completed',
    roomId,
    playerIds: after.members.filter((m) => m.seat !== null).map((m) => m.playerId),
  });
  await deps.analytics.append(tx, {
    kind: 'room_finished',
    data: { roomId, hands: after.handsPlayed, msSinceCreated: e.atMs - after.createdAtMs },
  });
}

/** A dissolved room gives back held fees before the start, or pays prizes after it. */
async function projectRoomDissolved({ tx, roomId, before, after, deps }: Projection, e: EventOf<'room_dissolved'>): Promise<void> {
  tx.write("UPDATE rooms SET status = 'dissolved', ended_at_ms = ?, end_reason = ? WHERE id = ?", [e.atMs, e.reason, roomId]);
  if (before.status === 'waiting') await deps.money.voidHeld(tx, roomId);
  else if (deps.prizesAllowed()) await deps.money.payPrizes(tx, roomId, after.scores);
  if (e.reason === 'security_risk') {
    await deps.risk.record(tx, {
      kind: 'same_ip_dissolved',
      roomId,
      playerIds: before.members.filter((m) => m.seat !== null).map((m) => m.playerId),
    });
  }
  await deps.analytics.append(tx, {
    kind: 'room_dissolved',
    ...(e.by ? { actor: { kind: 'player' as const, id: e.by } } : {}),
    data: { roomId, reason: e.reason, hands: after.handsPlayed, started: before.status !== 'waiting' },
  });
}
