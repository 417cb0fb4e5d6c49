// A hand record's JSON is hashed into the room's chain as it is made, so its keys keep one order:
// each action's are type, seat, the raise's or the compare's own field, auto, atMs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandActions } from './hand-actions.ts';
import { handRecord, recordJson } from './history.ts';
import type { CurrentHand, HandActionRecord } from './state.ts';

describe('hand records', () => {
  it('writes each action’s keys in one order, whatever its type', () => {
    const taken: HandActionRecord[] = [
      { action: { type: 'look', seat: 0, step: 1 }, auto: false, atMs: 10 },
      { action: { type: 'raise', seat: 1, toStakePoints: 4, step: 2 }, auto: false, atMs: 20 },
      { action: { type: 'compare', seat: 0, targetSeat: 1, step: 3 }, auto: true, atMs: 30 },
      { action: { type: 'fold', seat: 1 }, auto: false, atMs: 40 },
    ];
    let actions = HandActions.EMPTY;
    for (const a of taken) actions = actions.append(a);
    const hand = {
      handNumber: 3,
      commitment: 'c',
      clientSeed: 's',
      clientSeeds: [],
      clientCommitments: [],
      dealtFromCommitments: true,
      dealerSeat: 0,
      players: [],
      startedAtMs: 5,
      state: { players: [], rules: {}, result: null },
      actions,
    } as unknown as CurrentHand;
    const json = recordJson(handRecord('room', hand, { serverSeed: 'x', deltas: [], aborted: false, endedAtMs: 50 }));
    const listed = json.slice(json.indexOf('"actions":') + '"actions":'.length, json.indexOf(',"result"'));
    assert.equal(
      listed,
      '[{"type":"look","seat":0,"auto":false,"atMs":10},{"type":"raise","seat":1,"toStakePoints":4,"auto":false,"atMs":20},' +
        '{"type":"compare","seat":0,"targetSeat":1,"auto":true,"atMs":30},{"type":"fold","seat":1,"auto":false,"atMs":40}]',
    );
  });
});
