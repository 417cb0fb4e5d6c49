// The room's decide/evolve pair without a database: random rooms played by random (legal and
// illegal) commands. After every command the log folds back into exactly the live state (what a
// restarted server rebuilds), hands sum to zero and stay inside the policy's caps, and a refused
// command adds nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '@fairground/core';
import { legalActions } from '@fairground/rules';
import fc from 'fast-check';
import {
  type DayUsage,
  decideAct,
  decideJoin,
  decideKick,
  decideLeave,
  decideReady,
  decideRules,
  Plan,
  type StartInfo,
  tryStart,
  commitNextHand,
} from './decide.ts';
import { DEVELOPMENT_ROOM_LIMITS } from './dev-ports.ts';
import { foldEvents, initialState } from './evolve.ts';
import { DEFAULT_FEE_SCHEDULE, quoteFee } from './fees.ts';
import { normalizeParams } from './params.ts';
import type { RoomPolicyLimits } from './ports.ts';
import { createRoomSealer } from './sealing.ts';
import type { RoomEvent, RoomState } from './state.ts';

const sealer = createRoomSealer(randomBytes(32));
const openSeed = (s: string, id: string, n: number) => sealer.openSeed(s, id, n);

function newRoom(seats: number, limits: RoomPolicyLimits): { state: RoomState; log: RoomEvent[] } {
  const params = normalizeParams({ mode: 'custom', seats, rounds: 8, baseScore: 2 });
  const fee = { ...quoteFee({ mode: 'cash', payer: 'owner' }, seats, 8, DEFAULT_FEE_SCHEDULE), remainderTo: 'revenue' as const };
  const first: RoomEvent = {
    kind: 'room_created',
    seq: 1,
    atMs: 1000,
    roomId: 'room_t',
    code: '123456',
    ownerId: 'p0',
    nickname: 'p0',
    ip: 'ip0',
    params,
    fee,
  };
  const plan = new Plan(initialState(first), { nowMs: 1000, limits, sealer, openSeed });
  commitNextHand(plan);
  return { state: plan.state, log: [first, ...plan.events] };
}

describe('room decisions', () => {
  it('folds its log back into the live state after every command, with zero-sum hands inside the caps', () => {
    let hands = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 100, maxLength: 600 }),
        fc.boolean(),
        (seats, choices, capped) => {
          const limits: RoomPolicyLimits = capped
            ? { ...DEVELOPMENT_ROOM_LIMITS, handPointsMax: 6, dayPointsMax: 20 }
            : DEVELOPMENT_ROOM_LIMITS;
          let { state, log } = newRoom(seats, limits);
          const usage = new Map<string, DayUsage>();
          let now = 1000;
          const info = (): StartInfo => ({ absent: new Set(), windows: new Map(), usage });
          const players = Array.from({ length: seats }, (_, i) => `p${i}`);
          for (const c of choices) {
            now += 10;
            const plan = new Plan(state, { nowMs: now, limits, sealer, openSeed });
            const who = players[c % players.length] as string;
            const r = Math.floor(c / 7) % 80;
            // Mostly play: joins, readies, a rare leave or kick, rule changes, and actions (some by whoever, often out of turn).
            const kind = r < 8 ? 0 : r < 24 ? 1 : r === 24 ? 2 : r === 25 ? 3 : r < 28 ? 4 : r < 34 ? 9 : 5;
            const version = state.version;
            try {
              if (kind === 0)
                decideJoin(plan, {
                  playerId: who,
                  nickname: who,
                  role: 'member',
                  ip: `ip-${who}`,
                  invitedBy: null,
                  personalInvite: false,
                  windowEndMs: null,
                });
              else if (kind === 1) {
                decideReady(plan, who, true);
                tryStart(plan, 'ready', info());
              } else if (kind === 2) decideLeave(plan, who);
              else if (kind === 3) decideKick(plan, 'p0', who);
              else if (kind === 4) decideRules(plan, who, { baseScore: 1 + (c % 10) });
              else {
                const hand = plan.state.hand;
                const seat = hand?.state.turnSeat ?? null;
                const actor = seat === null ? who : (hand?.players.find((p) => p.seat === seat)?.playerId ?? who);
                const legal = hand && seat !== null ? legalActions(hand.state, seat) : null;
                const options: { type: 'look' | 'call' | 'raise' | 'compare' | 'fold'; toStakePoints?: number; targetSeat?: number }[] = [];
                if (legal?.call) options.push({ type: 'call' }, { type: 'call' });
                if (legal?.compare) options.push({ type: 'compare', targetSeat: legal.compare.targetSeats[0] as number });
                if (legal?.raise) options.push({ type: 'raise', toStakePoints: legal.raise.minStakePoints });
                if (legal?.fold) options.push({ type: 'fold' });
                options.push({ type: 'look' });
                decideAct(plan, kind === 9 ? who : actor, options[c % options.length] as (typeof options)[number], {
                  usage,
                  leaveAfterHand: new Set(),
                });
              }
            } catch (e) {
              if (!(e instanceof AppError)) throw e;
              assert.equal(plan.state.version, version, 'a refusal adds nothing');
              continue;
            }
            hands += plan.records.length;
            for (const r of plan.records) {
              assert.equal(
                r.deltas.reduce((a, d) => a + d.points, 0),
                0,
              );
              for (const d of r.deltas) {
                if (capped) assert.ok(Math.abs(d.points) <= 6);
                const u = usage.get(d.playerId) ?? { won: 0, lost: 0 };
                usage.set(d.playerId, d.points > 0 ? { ...u, won: u.won + d.points } : { ...u, lost: u.lost - d.points });
              }
            }
            log = [...log, ...plan.events];
            state = plan.state;
            assert.deepEqual(foldEvents(log, { openSeed }), state, 'the log rebuilds the live state');
            if (state.status !== 'waiting' && state.status !== 'playing') break;
          }
          if (capped) for (const u of usage.values()) assert.ok(u.won <= 20 && u.lost <= 20);
          assert.equal(
            state.scores.reduce((a, l) => a + l.points, 0),
            0,
          );
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(hands > 20, `the random rooms played hands (${hands})`);
  });

  describe('who is dealt in between hands', () => {
    /** A 3-seat room that has played its first hand, so the next one is "between hands". */
    function afterFirstHand(trusteeship: 'off' | 'call'): RoomState {
      const params = normalizeParams({ mode: 'custom', seats: 3, rounds: 8, baseScore: 1, trusteeship });
      const fee = { ...quoteFee({ mode: 'cash', payer: 'owner' }, 3, 8, DEFAULT_FEE_SCHEDULE), remainderTo: 'revenue' as const };
      const first: RoomEvent = {
        kind: 'room_created',
        seq: 1,
        atMs: 1000,
        roomId: 'room_r',
        code: '654321',
        ownerId: 'p0',
        nickname: 'p0',
        ip: 'ip0',
        params,
        fee,
      };
      const plan = new Plan(initialState(first), { nowMs: 1000, limits: DEVELOPMENT_ROOM_LIMITS, sealer, openSeed });
      commitNextHand(plan);
      for (const p of ['p1', 'p2'])
        decideJoin(plan, {
          playerId: p,
          nickname: p,
          role: 'member',
          ip: `ip-${p}`,
          invitedBy: null,
          personalInvite: false,
          windowEndMs: null,
        });
      const info: StartInfo = { absent: new Set(), windows: new Map(), usage: new Map() };
      for (const p of ['p0', 'p1', 'p2']) decideReady(plan, p, true);
      assert.equal(tryStart(plan, 'ready', info), 'started');
      // Everyone folds to the first player to act: the hand ends and the next one is committed.
      for (let i = 0; i < 2 && plan.state.hand !== null; i++) {
        const seat = plan.state.hand.state.turnSeat as number;
        const who = plan.state.hand.players.find((x) => x.seat === seat)?.playerId as string;
        decideAct(plan, who, { type: 'fold' }, { usage: new Map(), leaveAfterHand: new Set() });
      }
      assert.equal(plan.state.hand, null);
      assert.equal(plan.state.status, 'playing');
      return plan.state;
    }
    const at = (state: RoomState) => new Plan(state, { nowMs: 5000, limits: DEVELOPMENT_ROOM_LIMITS, sealer, openSeed });
    const dealt = (plan: Plan) => plan.state.hand?.players.map((p) => p.playerId).sort() ?? [];

    it('deals in only the players who clicked ready when the pause runs out; the others sit out', () => {
      const plan = at(afterFirstHand('off'));
      decideReady(plan, 'p0', true);
      decideReady(plan, 'p1', true);
      assert.equal(tryStart(plan, 'timer', { absent: new Set(), windows: new Map(), usage: new Map() }), 'started');
      assert.deepEqual(dealt(plan), ['p0', 'p1']);
    });

    it('never deals in an offline player, even one who clicked ready, unless the room plays 托管', () => {
      const plan = at(afterFirstHand('off'));
      for (const p of ['p0', 'p1', 'p2']) decideReady(plan, p, true);
      assert.equal(tryStart(plan, 'ready', { absent: new Set(['p2']), windows: new Map(), usage: new Map() }), 'started');
      assert.deepEqual(dealt(plan), ['p0', 'p1']);

      const trust = at(afterFirstHand('call'));
      for (const p of ['p0', 'p1']) decideReady(trust, p, true);
      assert.equal(tryStart(trust, 'ready', { absent: new Set(['p2']), windows: new Map(), usage: new Map() }), 'started');
      assert.deepEqual(dealt(trust), ['p0', 'p1', 'p2'], 'under 托管 the offline player is dealt in and the timer plays for them');
    });

    it('does not play on by itself when everyone has left the table', () => {
      const plan = at(afterFirstHand('call'));
      const gone = { absent: new Set(['p0', 'p1', 'p2']), windows: new Map(), usage: new Map() };
      assert.equal(tryStart(plan, 'timer', gone), 'waiting');
      assert.equal(plan.state.hand, null);
      const off = at(afterFirstHand('off'));
      assert.equal(tryStart(off, 'timer', gone), 'waiting');
    });

    it('waits while fewer than two players are ready', () => {
      const plan = at(afterFirstHand('off'));
      decideReady(plan, 'p0', true);
      assert.equal(tryStart(plan, 'timer', { absent: new Set(), windows: new Map(), usage: new Map() }), 'waiting');
      assert.equal(plan.state.hand, null);
    });
  });
});
