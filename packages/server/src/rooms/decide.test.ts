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
});
