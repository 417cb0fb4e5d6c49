// Chat at the mini-game table, in headless Chromium through the browser host, against the real
// platform process signing in through code2session at the weixin sandbox (so each player has an
// openid WeChat's content check accepts). The host (375 px, Chinese) creates a room; a friend
// (320 px, English) lands in a seat from the shared card. The host taps the chat button and a
// quick phrase: it shows as a bubble over the host's seat on the friend's screen, in English. The
// friend types through the mini-game keyboard (`wx.showKeyboard`): text that passes msgSecCheck v2
// on the sandbox reaches the host; text it refuses is explained in a toast and never reaches the
// host. Screens saved in test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningPlatform, screenshot } from '../../server/test/browser/harness.ts';
import type { Snapshot } from './host/drive.ts';
import { type Person, startTablePair, type TablePair } from './host/table-pair.ts';

interface ChatDebug {
  open: boolean;
  freeText: { allowed: boolean; reason: string | null } | null;
  lastResult: string | null;
  chat: { playerId: string; seat: number | null; kind: string; text: string }[];
}
const chatOf = (s: Snapshot) => (s.state as { chat?: ChatDebug }).chat as ChatDebug;
const mySeat = (s: Snapshot) => (s.state as { mySeat: number | null }).mySeat;

describe('chat at the mini-game table', () => {
  let pair: TablePair;
  let platform: RunningPlatform;
  let owner: Person;
  let friend: Person;
  /** The operator's session (a one-time code is accepted once, so it signs in once). */
  let opToken = '';

  before(async () => {
    pair = await startTablePair('chat', 70);
    ({ platform, owner, friend } = pair);
  });

  after(async () => {
    await pair?.close();
  });

  it('the host creates a room and a friend lands in a seat from the shared card', async () => {
    opToken = await pair.operatorToken();
    await pair.seatTogether(opToken, 'chat');
  });

  it('a quick phrase from the host shows over the host’s seat on the friend’s screen, in the friend’s language', async () => {
    await owner.d.tap('chat-button');
    await owner.d.region('chat-phrase-nice');
    const offer = await owner.d.waitFor('the offer', (s) => chatOf(s).freeText);
    assert.deepEqual(offer, { allowed: true, reason: null }, 'a mini-game player who just signed in may type');
    await screenshot(owner.page, 'minigame-375-chat-picker');
    await owner.d.tap('chat-phrase-nice');
    await owner.d.waitFor('the phrase sent', (s) => chatOf(s).lastResult === 'ok');
    const ownerSeat = mySeat(await owner.d.snapshot());
    const bubble = await friend.d.region(`chat-bubble-${ownerSeat}`);
    assert.equal(bubble.label, friendLang(bubble.label));
    await screenshot(friend.page, 'minigame-320-chat-bubble');
  });

  it('the friend types: text that passes the content check reaches the host; refused text is explained and reaches no one', async () => {
    await friend.d.tap('chat-button');
    await friend.d.region('chat-type');
    await friend.d.read(`(__wxHost.keyboardInput = ${JSON.stringify('good game everyone')}, 0)`);
    await friend.d.tap('chat-type');
    await owner.d.waitFor('the friend’s text', (s) => chatOf(s).chat.some((l) => l.text === 'good game everyone'));
    const friendSeat = mySeat(await friend.d.snapshot());
    await owner.d.region(`chat-bubble-${friendSeat}`);
    await screenshot(owner.page, 'minigame-375-chat-text');
    await friend.d.read(`(__wxHost.keyboardInput = ${JSON.stringify('you idiot')}, 0)`);
    await friend.d.tap('chat-type');
    await friend.d.waitFor('the refusal', (s) => chatOf(s).lastResult === 'CHAT_TEXT_REFUSED');
    const toast = await friend.d.region('toast');
    assert.match(toast.label, /Failed the content check/);
    await screenshot(friend.page, 'minigame-320-chat-refused');
    // The host's table saw the passed text and never the refused one.
    await owner.d.waitFor('a settled view', (s) => chatOf(s).chat.length >= 2);
    const seen = chatOf(await owner.d.snapshot()).chat.map((l) => l.text);
    assert.ok(!seen.some((t) => t.includes('idiot')), JSON.stringify(seen));
    assert.deepEqual(await owner.d.read<string[]>('__wxHost.errors'), []);
    assert.deepEqual(await friend.d.read<string[]>('__wxHost.errors'), []);
  });

  it('the host taps the friend’s bubble to report the message and to mute the friend, whose next message then never reaches the host', async () => {
    // The host's picker is closed, so the friend's bubble is not under it.
    await owner.d.tap('chat-button');
    await owner.d.waitFor('the picker closed', (s) => !s.regions.some((r) => r.id === 'chat-picker'));
    await friend.d.tap('chat-phrase-again');
    const friendSeat = mySeat(await friend.d.snapshot());
    await owner.d.waitFor('the phrase', (s) => chatOf(s).chat.some((l) => l.text === '再来一局！'));
    await owner.d.tap(`chat-bubble-${friendSeat}`);
    const report = await owner.d.waitFor('the report button', (s) => s.regions.find((r) => r.id.startsWith('chat-report-') && r.enabled));
    await screenshot(owner.page, 'minigame-375-chat-actions');
    await owner.d.tap(report.id);
    await owner.d.waitFor('the report toast', (s) => s.regions.some((r) => r.id === 'toast' && /举报/.test(r.label)));
    const queue = (await (
      await fetch(`${platform.url}/api/admin/chat/reports?status=open`, { headers: { authorization: `Bearer ${opToken}` } })
    ).json()) as {
      items: { message: { text: string } | null }[];
    };
    assert.ok(
      queue.items.some((r) => r.message?.text === '再来一局！'),
      'the report is in the console queue',
    );
    await owner.d.tap(`chat-bubble-${friendSeat}`);
    const mute = await owner.d.waitFor('the mute button', (s) => s.regions.find((r) => r.id.startsWith('chat-mute-') && r.enabled));
    await owner.d.tap(mute.id);
    await owner.d.waitFor('muted', (s) => s.regions.some((r) => r.id === 'toast' && /已屏蔽/.test(r.label)));
    await friend.d.tap('chat-phrase-luck');
    await friend.d.waitFor('the friend’s own line', (s) =>
      chatOf(s).chat.some((l) => l.text === 'Luck is on my side today.' || l.text === '今天手气不错。'),
    );
    await owner.d.tap('chat-button');
    await owner.d.tap('chat-phrase-bye');
    await owner.d.waitFor('the host’s own line', (s) => chatOf(s).chat.some((l) => l.text === '我先走了，下次再玩。'));
    const seen = chatOf(await owner.d.snapshot()).chat.map((l) => l.text);
    assert.ok(!seen.includes('今天手气不错。'), `the muted friend's line never reached the host: ${JSON.stringify(seen)}`);
    assert.ok(!seen.includes('再来一局！'), 'and the earlier lines of the muted friend are hidden');
  });
});

/** The friend plays in English: the host's phrase reads as its English words. */
function friendLang(label: string): string {
  return label === 'Nice hand!' ? label : `expected the English words, got ${label}`;
}
