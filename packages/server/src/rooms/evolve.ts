// The room reducer: (state, event) → state. Pure and total over the events `decide` produces; it
// throws only on a programmer error (an event that cannot apply), because every event was checked
// before it was written. Live rooms and rebuilt rooms run exactly this code.
import { assert, assertionFailed } from '@fairground/core';
import {
  applyHandAction,
  closeCommitments,
  combineClientSeeds,
  commitClientSeed,
  createHand,
  fairDeck,
  lockSeedCeremony,
  openSeedCeremony,
  type RulesResult,
  revealClientSeed,
} from '@fairground/rules';
import { HandActions } from './hand-actions.ts';
import { genesisHash } from './history.ts';
import { HAND_ACTIONS_MAX } from './limits.ts';
import { tableRulesOf } from './params.ts';
import type { Member, RoomEvent, RoomState, ScoreLine } from './state.ts';

export interface EvolveContext {
  /** Opens a sealed server seed (the 32 seed bytes). */
  openSeed(sealedSeed: string, roomId: string, handNumber: number): Uint8Array;
}

function must<T>(r: RulesResult<T>, what: string): T {
  if (!r.ok) assertionFailed(`${what}: ${r.error.code}`);
  return r.value;
}

function updateMember(s: RoomState, playerId: string, patch: Partial<Member>): RoomState {
  let found = false;
  const members = s.members.map((m) => {
    if (m.playerId !== playerId) return m;
    found = true;
    return { ...m, ...patch };
  });
  assert(found, `member ${playerId} exists`);
  return { ...s, members };
}

function addScore(scores: readonly ScoreLine[], playerId: string, nickname: string, points: number): ScoreLine[] {
  const i = scores.findIndex((l) => l.playerId === playerId);
  if (i < 0) return [...scores, { playerId, nickname, points, hands: 1 }];
  return scores.map((l, j) => (j === i ? { ...l, points: l.points + points, hands: l.hands + 1 } : l));
}

export function initialState(e: RoomEvent): RoomState {
  assert(e.kind === 'room_created' && e.seq === 1, 'a room log starts with room_created');
  const owner: Member = {
    playerId: e.ownerId,
    nickname: e.nickname,
    role: 'owner',
    seat: 0,
    ready: false,
    ip: e.ip,
    joinedAtMs: e.atMs,
    invitedBy: null,
    trusteeship: false,
    windowClosed: false,
    identityHand: 0,
    ...(e.skin !== undefined ? { skin: e.skin } : {}),
  };
  return {
    id: e.roomId,
    code: e.code,
    ownerId: e.ownerId,
    createdAtMs: e.atMs,
    version: 1,
    headerVersion: 1,
    status: 'waiting',
    params: e.params,
    fee: e.fee,
    members: [owner],
    kicked: [],
    scores: [],
    handsPlayed: 0,
    hand: null,
    next: null,
    last: null,
    startedAtMs: null,
    endedAtMs: null,
    endReason: null,
    chainHash: genesisHash(e.roomId),
  };
}

/**
 * A hand action: the room's one event per action, so it makes one copy of the room and of the hand
 * (the other events copy the room with its header version first). The header stays as it was.
 */
function handActionApplied(prev: RoomState, e: Extract<RoomEvent, { kind: 'hand_action' }>): RoomState {
  const hand = prev.hand;
  assert(hand !== null, 'a hand to act in');
  assert(hand.actions.length < HAND_ACTIONS_MAX, 'a hand stays within its action limit');
  const state = must(applyHandAction(hand.state, e.action), `action ${e.action.type}`);
  const turnMoved = e.action.type !== 'look' || state.turnSeat !== hand.state.turnSeat;
  return {
    ...prev,
    version: e.seq,
    hand: {
      ...hand,
      state,
      actions: hand.actions.append({ action: e.action, auto: e.auto, atMs: e.atMs }),
      turnStartedAtMs: turnMoved ? e.atMs : hand.turnStartedAtMs,
      sinceVersion: e.seq,
    },
  };
}

// tidy: reducer
export function evolve(prev: RoomState, e: RoomEvent, ctx: EvolveContext): RoomState {
  assert(e.seq === prev.version + 1, `event ${e.seq} follows ${prev.version}`);
  if (e.kind === 'hand_action') return handActionApplied(prev, e);
  const s: RoomState = { ...prev, version: e.seq, headerVersion: prev.headerVersion + 1 };
  switch (e.kind) {
    case 'room_created':
      return assertionFailed('room_created only starts a log');
    case 'hand_committed': {
      assert(s.next === null, 'one next hand at a time');
      return {
        ...s,
        next: {
          handNumber: e.handNumber,
          commitment: e.commitment,
          sealedSeed: e.sealedSeed,
          ceremony: must(openSeedCeremony(e.commitment), 'open ceremony'),
          revealDeadlineMs: null,
          sinceVersion: e.seq,
        },
      };
    }
    case 'member_joined': {
      assert(
        s.members.every((m) => m.playerId !== e.playerId),
        'a player joins once',
      );
      const member: Member = {
        playerId: e.playerId,
        nickname: e.nickname,
        role: e.role,
        seat: e.seat,
        ready: false,
        ip: e.ip,
        joinedAtMs: e.atMs,
        invitedBy: e.invitedBy,
        trusteeship: false,
        windowClosed: false,
        identityHand: 0,
        ...(e.skin !== undefined ? { skin: e.skin } : {}),
      };
      return { ...s, members: [...s.members, member], kicked: s.kicked.filter((p) => p !== e.playerId) };
    }
    case 'member_left': {
      const members = s.members.filter((m) => m.playerId !== e.playerId);
      assert(members.length === s.members.length - 1, 'the leaving player was a member');
      const kicked = e.reason === 'kicked' && !s.kicked.includes(e.playerId) ? [...s.kicked, e.playerId] : s.kicked;
      return { ...s, members, kicked };
    }
    case 'role_changed':
      return updateMember(s, e.playerId, { role: e.role });
    case 'owner_transferred': {
      const t = updateMember(updateMember(s, e.from, { role: 'member' }), e.to, { role: 'owner' });
      return { ...t, ownerId: e.to };
    }
    case 'rules_changed':
      return { ...s, params: e.params };
    case 'ready_set':
      return updateMember(s, e.playerId, { ready: e.ready });
    case 'trusteeship_set':
      return updateMember(s, e.playerId, { trusteeship: e.on });
    case 'identity_verified':
      return updateMember(s, e.playerId, { identityHand: e.handNumber });
    case 'ip_changed':
      return updateMember(s, e.playerId, { ip: e.ip });
    case 'seed_committed': {
      assert(s.next !== null, 'a next hand to commit to');
      return { ...s, next: { ...s.next, ceremony: must(commitClientSeed(s.next.ceremony, e.seat, e.commitment), 'commit') } };
    }
    case 'ceremony_closed': {
      assert(s.next !== null, 'a next hand');
      return {
        ...s,
        next: { ...s.next, ceremony: must(closeCommitments(s.next.ceremony), 'close'), revealDeadlineMs: e.revealDeadlineMs },
      };
    }
    case 'seed_revealed': {
      assert(s.next !== null, 'a next hand');
      return { ...s, next: { ...s.next, ceremony: must(revealClientSeed(s.next.ceremony, e.seat, e.seed), 'reveal') } };
    }
    case 'hand_started': {
      const next = s.next;
      assert(next !== null && next.handNumber === e.handNumber && s.hand === null, 'hand_started follows its commitment');
      const ceremony = must(lockSeedCeremony(next.ceremony), 'lock');
      const clientSeed = e.dealtFrom === 'commitments' ? (ceremony.clientSeed as string) : combineClientSeeds(ceremony.reveals);
      const deck = fairDeck(ctx.openSeed(next.sealedSeed, s.id, e.handNumber), clientSeed, e.handNumber);
      const state = must(
        createHand({
          rules: tableRulesOf(s.params),
          dealerSeat: e.dealerSeat,
          players: e.players.map((p) => ({ seat: p.seat, stackPoints: p.stackPoints })),
          deck,
          handNumber: e.handNumber,
        }),
        'create hand',
      );
      const dealt = new Set(e.players.map((p) => p.playerId));
      return {
        ...s,
        status: 'playing',
        startedAtMs: s.startedAtMs ?? e.atMs,
        next: null,
        // Everyone starts the next hand unready again; a failed identity check does not carry over.
        members: s.members.map((m) => (dealt.has(m.playerId) ? { ...m, ready: false } : m)),
        hand: {
          handNumber: e.handNumber,
          commitment: next.commitment,
          sealedSeed: next.sealedSeed,
          clientSeed,
          clientSeeds: [...ceremony.reveals].sort((a, b) => a.seat - b.seat),
          // Empty on a hand logged before the deal was made from the commitments (its record stays version 1).
          clientCommitments: e.dealtFrom === 'commitments' ? [...ceremony.commitments].sort((a, b) => a.seat - b.seat) : [],
          dealtFromCommitments: e.dealtFrom === 'commitments',
          dealerSeat: e.dealerSeat,
          players: e.players,
          startedAtMs: e.atMs,
          state,
          actions: HandActions.EMPTY,
          turnStartedAtMs: e.atMs,
          sinceVersion: e.seq,
        },
      };
    }
    case 'window_closed':
      return updateMember(s, e.playerId, { windowClosed: true });
    case 'hand_ended': {
      const hand = s.hand;
      assert(hand !== null && hand.handNumber === e.handNumber, 'hand_ended ends the current hand');
      let scores: readonly ScoreLine[] = s.scores;
      if (!e.aborted) {
        for (const d of e.deltas) {
          const nickname = s.members.find((m) => m.playerId === d.playerId)?.nickname ?? d.playerId;
          scores = addScore(scores, d.playerId, nickname, d.points);
        }
      }
      return {
        ...s,
        scores,
        handsPlayed: e.aborted ? s.handsPlayed : s.handsPlayed + 1,
        hand: null,
        chainHash: e.chainHash,
        members: s.members.map((m) => ({ ...m, ready: false })),
        last: {
          handNumber: hand.handNumber,
          commitment: hand.commitment,
          serverSeed: e.serverSeed,
          clientSeed: hand.clientSeed,
          clientSeeds: hand.clientSeeds,
          clientCommitments: hand.clientCommitments,
          dealerSeat: hand.dealerSeat,
          players: hand.players.map((p) => ({ seat: p.seat, playerId: p.playerId })),
          deltas: e.deltas,
          winnerSeats: hand.state.result?.winnerSeats ?? [],
          aborted: e.aborted,
          endedAtMs: e.atMs,
        },
      };
    }
    case 'room_finished':
      return { ...s, status: 'finished', endedAtMs: e.atMs, endReason: 'completed', next: null };
    case 'room_dissolved':
      return { ...s, status: 'dissolved', endedAtMs: e.atMs, endReason: e.reason, next: null, hand: null };
  }
}

/** Rebuilds a room from its log. */
export function foldEvents(events: readonly RoomEvent[], ctx: EvolveContext): RoomState {
  const first = events[0];
  assert(first !== undefined, 'a room log is not empty');
  let s = initialState(first);
  for (let i = 1; i < events.length; i++) s = evolve(s, events[i] as RoomEvent, ctx);
  return s;
}
