// Who gets which choice on the mini-game table's room menu (`menuChoices`): the owner, an admin, a
// seated member, a spectator; between hands and during one; and no menu once the room has ended.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { menuChoices, stillOffered } from '../src/scenes/table-menu-choices.ts';
import type { MemberView, RoomView } from '../src/wire.ts';

const member = (playerId: string, role: string, seat: number | null): MemberView =>
  ({ playerId, nickname: `n-${playerId}`, role, seat, ready: false, connected: true }) as unknown as MemberView;
const members = [member('o', 'owner', 0), member('a', 'admin', 1), member('m', 'member', 2), member('w', 'observer', null)];
const room = (status: string): RoomView => ({ status, members }) as unknown as RoomView;
const kinds = (me: string, status = 'waiting', inHand = false) =>
  menuChoices(
    room(status),
    members.find((m) => m.playerId === me),
    inHand,
  ).map((c) => (c.kind === 'kick' ? `kick:${c.playerId}` : c.kind));

describe('the room menu’s choices', () => {
  it('gives the owner removing seated players, the rules between hands and dissolving; never leaving', () => {
    assert.deepEqual(kinds('o'), ['kick:a', 'kick:m', 'rules', 'dissolve']);
    assert.deepEqual(kinds('o', 'playing', true), ['kick:a', 'kick:m', 'dissolve'], 'no rules form during a hand');
  });

  it('lets an admin remove seated members (not another admin or the owner) and leave; a member only leave', () => {
    assert.deepEqual(kinds('a'), ['kick:m', 'leave']);
    assert.deepEqual(kinds('m'), ['leave']);
  });

  it('offers a spectator nothing, and nobody anything once the room has ended', () => {
    assert.deepEqual(kinds('w'), []);
    for (const status of ['finished', 'dissolved']) assert.deepEqual(kinds('o', status), []);
    assert.deepEqual(menuChoices(room('waiting'), undefined), []);
  });

  it('keeps a picked choice only while the room still offers it', () => {
    const now = menuChoices(room('playing'), members[0], true);
    assert.equal(stillOffered(now, { kind: 'dissolve' }), true);
    assert.equal(stillOffered(now, { kind: 'rules' }), false, 'no rules form once a hand is dealt');
    assert.equal(stillOffered(now, { kind: 'kick', playerId: 'm', name: 'n-m' }), true);
    assert.equal(stillOffered(now, { kind: 'kick', playerId: 'gone', name: 'n' }), false, 'a player who left the table');
  });
});
