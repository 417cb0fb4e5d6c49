// The room's menu at the mini-game table, in headless Chromium through the browser host, against
// the real platform: the host (375 px, Chinese) opens a room and a friend (320 px, English) lands
// in a seat from the shared card. The friend's menu offers only leaving; confirmed, the friend's
// table says so and the host sees the seat free. Back from the card, the friend is removed by the
// host (the host's menu offers removing the friend and dissolving, nothing else), and the friend's
// table says so. The host changes the rules between hands; last the host dissolves the room, confirmed, and the final scoreboard shows.
// Every choice waits on a confirmation panel; cancelling it sends nothing. Screens saved in
// test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID } from '@fairground/wechatpay-sandbox';
import { screenshot } from '../../server/test/browser/harness.ts';
import { Driver, type Snapshot } from './host/drive.ts';
import { type Person, startTablePair, type TablePair } from './host/table-pair.ts';

interface TableDebug {
  connection: string;
  mySeat: number | null;
  roomStatus: string | null;
  closedCode: string | null;
  menu: string | null;
  version: number;
}
const table = (s: Snapshot) => s.state as unknown as TableDebug;
const ids = (s: Snapshot, prefix: string) => s.regions.filter((r) => r.id.startsWith(prefix)).map((r) => r.id);

describe('the room menu at the mini-game table', () => {
  let pair: TablePair;
  let owner: Person;
  let friend: Person;
  let shareQuery = '';
  let friendId = '';

  before(async () => {
    pair = await startTablePair('menu', 90);
    ({ owner, friend } = pair);
  });

  after(async () => {
    await pair?.close();
  });

  /** Opens the game from the share card; a remembered player just enters, a new one agrees first. */
  const fromCard = async (p: Person) => {
    await p.page.goto(
      `${pair.host.url}/host/?user=${p.name}&nick=${p.name}&appid=${SANDBOX_MINIGAME_APPID}&q=${encodeURIComponent(shareQuery)}`,
    );
    await p.page.locator('body[data-game="loaded"]').waitFor();
    p.d = await Driver.attach(p.page);
    const start = await p.d.waitFor('the start screen', (x) => (x.scene === 'start' && x.state.resuming === false ? x : null));
    if (start.regions.some((r) => r.id === 'agree')) await p.d.tap('agree');
    await p.d.tap('login');
    await p.d.waitFor('a seat', (s) => s.scene === 'table' && table(s).connection === 'live' && table(s).mySeat !== null);
  };

  it('the host opens a room and a friend lands in a seat from the shared card', async () => {
    ({ shareQuery } = await pair.seatTogether(await pair.operatorToken(), 'menu'));
    friendId = await pair.playerId(friend);
    await owner.d.waitFor('the friend seated', (s) => s.regions.some((x) => x.id.startsWith('seat-') && x.label === friendId));
  });

  it('the friend’s menu offers leaving only; cancelled it sends nothing, confirmed the friend is out and the seat is free', async () => {
    await friend.d.tap('room-menu');
    const menu = await friend.d.waitFor('the menu', (s) => (table(s).menu === 'open' ? s : null));
    assert.deepEqual(ids(menu, 'room-').sort(), ['room-leave', 'room-menu', 'room-menu-close'], 'a seated friend may only leave');
    await screenshot(friend.page, 'minigame-320-room-menu');
    await friend.d.tap('room-leave');
    const confirm = await friend.d.waitFor('the confirmation', (s) => s.regions.find((r) => r.id === 'room-confirm-text'));
    assert.match(confirm.label, /Leave the room\?/);
    const before = table(await friend.d.snapshot()).version;
    await friend.d.tap('room-cancel');
    await friend.d.waitFor('the menu again', (s) => table(s).menu === 'open');
    await friend.d.tap('room-menu-close');
    await friend.d.waitFor('the menu closed', (s) => table(s).menu === null);
    assert.equal(table(await friend.d.snapshot()).version, before, 'cancelling sent nothing');
    assert.equal(table(await friend.d.snapshot()).mySeat !== null, true, 'still seated');

    await friend.d.tap('room-menu');
    await friend.d.tap('room-leave');
    await friend.d.tap('room-confirm');
    await friend.d.waitFor('left', (s) => table(s).closedCode === 'ROOM_LEFT');
    const notice = await friend.d.waitFor('the notice', (s) => s.regions.find((r) => r.id === 'closed-back'));
    assert.equal(notice.label, 'Back to the lobby');
    await screenshot(friend.page, 'minigame-320-room-left');
    await owner.d.waitFor('the seat free', (s) => !s.regions.some((x) => x.id.startsWith('seat-') && x.label === friendId));
  });

  it('back from the card, the friend is removed by the host, whose menu offers removing and dissolving', async () => {
    await fromCard(friend);
    await owner.d.waitFor('the friend seated again', (s) => s.regions.some((x) => x.id.startsWith('seat-') && x.label === friendId));
    await owner.d.tap('room-menu');
    const menu = await owner.d.waitFor('the menu', (s) => (table(s).menu === 'open' ? s : null));
    assert.deepEqual(
      ids(menu, 'room-').sort(),
      ['room-dissolve', `room-kick-${friendId}`, 'room-menu', 'room-menu-close', 'room-rules'].sort(),
      'the owner removes others, changes the rules and dissolves; the owner does not leave',
    );
    await screenshot(owner.page, 'minigame-375-room-menu');
    await owner.d.tap(`room-kick-${friendId}`);
    const confirm = await owner.d.waitFor('the confirmation', (s) => s.regions.find((r) => r.id === 'room-confirm-text'));
    assert.match(confirm.label, /移出房间/);
    await owner.d.tap('room-confirm');
    await friend.d.waitFor('removed', (s) => table(s).closedCode === 'ROOM_KICKED');
    const notice = await friend.d.region('closed-notice');
    assert.equal(notice.label, 'The room closed: You were removed from the room');
    // Regions are listed in drawing order; a tap goes to the topmost, and the backdrop stops it.
    const order = (await friend.d.snapshot()).regions.map((r) => r.id);
    assert.ok(order.indexOf('closed-backdrop') > order.indexOf('ready-button'), 'the table under the notice answers no tap');
    await owner.d.waitFor('the seat free', (s) => !s.regions.some((x) => x.id.startsWith('seat-') && x.label === friendId));
    await screenshot(friend.page, 'minigame-320-room-removed');
  });

  it('the host changes the rules between hands: the form starts from the room’s, and the room takes what was saved', async () => {
    const params = async () => (table(await owner.d.snapshot()) as unknown as { rules: Record<string, unknown> }).rules;
    const before = await params();
    await owner.d.tap('room-menu');
    await owner.d.tap('room-rules');
    await owner.d.waitFor('the form', (s) => table(s).menu === 'rules');
    assert.equal((await owner.d.region('rules-value-rules-base')).label, String(before.baseScore), 'the form starts from the room’s rules');
    await owner.d.tap('rules-base-inc');
    await owner.d.tap('rules-base-inc');
    await owner.d.tap('rules-turn-inc');
    await owner.d.tap('rules-spectators-inc');
    await owner.d.waitFor(
      'the base raised',
      (s) => s.regions.find((r) => r.id === 'rules-value-rules-base')?.label === String(Number(before.baseScore) + 2),
    );
    await screenshot(owner.page, 'minigame-375-room-rules');
    await owner.d.tap('rules-save');
    const after = await owner.d.waitFor('the new rules', (s) => {
      const p = (table(s) as unknown as { rules: Record<string, unknown> }).rules;
      return p.baseScore === Number(before.baseScore) + 2 ? p : null;
    });
    assert.equal(after.spectators, !before.spectators);
    assert.notEqual(after.turnTimeS, before.turnTimeS);
    assert.equal(table(await owner.d.snapshot()).menu, null);
  });

  it('the host dissolves the room, confirmed, and the final scoreboard shows; no page logged an error', async () => {
    await owner.d.tap('room-menu');
    await owner.d.waitFor('the menu', (s) => table(s).menu === 'open');
    assert.deepEqual(ids(await owner.d.snapshot(), 'room-kick-'), [], 'nobody left to remove');
    await owner.d.tap('room-dissolve');
    const confirm = await owner.d.waitFor('the confirmation', (s) => s.regions.find((r) => r.id === 'room-confirm-text'));
    assert.match(confirm.label, /确定解散房间/);
    await screenshot(owner.page, 'minigame-375-room-dissolve-confirm');
    await owner.d.tap('room-confirm');
    await owner.d.waitFor('dissolved', (s) => table(s).roomStatus === 'dissolved');
    await owner.d.region('final-scoreboard');
    assert.equal((await owner.d.region('end-reason')).label, '房主解散了房间', 'why it ended, in words');
    const after = await owner.d.snapshot();
    assert.equal(table(after).menu, null);
    assert.ok(!after.regions.some((r) => r.id === 'room-menu'), 'a dissolved room has no menu');
    await screenshot(owner.page, 'minigame-375-room-dissolved');
    assert.deepEqual(await owner.d.read<string[]>('__wxHost.errors'), []);
    assert.deepEqual(await friend.d.read<string[]>('__wxHost.errors'), []);
  });
});
