// Voice at the mini-game table, in headless Chromium through the browser host, against the real
// platform signing in through code2session at the weixin sandbox. The host (375 px, Chinese)
// creates a room with voice on; a friend (320 px, English) lands in a seat from the shared card.
// Each taps the voice button: the game calls wx.joinVoIPChat with the signature the room computed
// from that player's session_key over the room's group, and the weixin sandbox accepts it as
// WeChat would (it names the player's openid). WeChat's speaker list lights the speaker's seat;
// the microphone button mutes through wx.updateVoIPChatMuteConfig; when the host removes the
// friend from the room, the friend's game gets `voice.ended` and exits WeChat's voice room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox } from '@fairground/wechatpay-sandbox';
import { type RunningPlatform, screenshot } from '../../server/test/browser/harness.ts';
import type { Snapshot } from './host/drive.ts';
import { type Person, startTablePair, type TablePair } from './host/table-pair.ts';

interface VoiceDebug {
  status: string;
  micMuted: boolean;
  groupId: string | null;
  ended: string | null;
  speakingSeats: number[];
}
interface Join {
  groupId: string;
  nonceStr: string;
  timeStamp: number;
  signature: string;
  muteConfig: { muteMicrophone: boolean };
}
const voiceOf = (s: Snapshot) => (s.state as { voice?: VoiceDebug }).voice as VoiceDebug;
const mySeat = (s: Snapshot) => (s.state as { mySeat: number | null }).mySeat;

describe('voice at the mini-game table', () => {
  let pair: TablePair;
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let owner: Person;
  let friend: Person;
  let roomId = '';
  let friendOpenid = '';

  before(async () => {
    pair = await startTablePair('voice', 80);
    ({ sandbox, platform, owner, friend } = pair);
  });

  after(async () => {
    await pair?.close();
  });

  const tokenOf = (p: Person) => pair.tokenOf(p);

  it('the host creates a room with voice on and a friend lands in a seat', async () => {
    ({ roomId } = await pair.seatTogether(await pair.operatorToken(), 'voice', async () => {
      assert.equal((await owner.d.region('value-voice')).label, '关');
      await owner.d.tap('voice-inc');
      await owner.d.waitFor('voice on', (s) => s.regions.find((x) => x.id === 'value-voice')?.label === '开');
      await screenshot(owner.page, 'minigame-375-voice-create');
    }));
  });

  it('each joins WeChat’s voice room with the room’s signature, which the weixin sandbox accepts for that player', async () => {
    for (const p of [owner, friend]) {
      await p.d.tap('voice-join');
      await p.d.waitFor('in the call', (s) => voiceOf(s).status === 'on');
    }
    const joins = {
      owner: (await owner.d.read<Join[]>('__wxHost.voip.joins'))[0] as Join,
      friend: (await friend.d.read<Join[]>('__wxHost.voip.joins'))[0] as Join,
    };
    for (const j of Object.values(joins)) {
      assert.equal(j.groupId, `fg-room-${roomId}`);
      assert.equal(j.muteConfig.muteMicrophone, false);
    }
    const ownerOpenid = sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.owner });
    friendOpenid = sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.friend }) ?? '';
    assert.ok(ownerOpenid !== null && friendOpenid !== '' && ownerOpenid !== friendOpenid, 'each signature is the player’s own');
    // A signature for another group is refused, as WeChat would refuse it.
    assert.equal(sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.owner, groupId: 'fg-room-other' }), null);
  });

  it('WeChat’s speaker list lights the speaker’s seat; the microphone button mutes and unmutes', async () => {
    const friendSeat = mySeat(await friend.d.snapshot());
    await owner.d.read(`(__wxHost.speakers(${JSON.stringify([friendOpenid])}), 0)`);
    await owner.d.waitFor('the speaker mark', (s) => voiceOf(s).speakingSeats.includes(friendSeat as number));
    await owner.d.region(`voice-speaking-${friendSeat}`);
    await screenshot(owner.page, 'minigame-375-voice-speaking');
    await friend.d.tap('voice-mic');
    await friend.d.waitFor('mic off', (s) => voiceOf(s).micMuted);
    assert.deepEqual((await friend.d.read<unknown[]>('__wxHost.voip.mutes')).at(-1), { muteMicrophone: true, muteEarphone: false });
    await screenshot(friend.page, 'minigame-320-voice-muted');
    await friend.d.tap('voice-mic');
    await friend.d.waitFor('mic on', (s) => !voiceOf(s).micMuted);
  });

  it('the host removes the friend: the friend’s game is told voice ended and leaves WeChat’s voice room at once', async () => {
    const friendId = (
      (await (await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${await tokenOf(friend)}` } })).json()) as {
        id: string;
      }
    ).id;
    // The host's second device: the same account on its own socket sends the kick.
    const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/api/rooms/ws`);
    const frames: Record<string, unknown>[] = [];
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)) as Record<string, unknown>);
    await new Promise((resolve) => (ws.onopen = resolve));
    ws.send(JSON.stringify({ t: 'hello', token: await tokenOf(owner), roomId }));
    const until = Date.now() + 10_000;
    while (!frames.some((f) => f.t === 'welcome') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const welcome = frames.find((f) => f.t === 'welcome') as { v: number };
    ws.send(JSON.stringify({ t: 'kick', id: 'k1', v: welcome.v, playerId: friendId }));
    await friend.d.waitFor('voice ended', (s) => voiceOf(s).ended === 'kicked' && voiceOf(s).status === 'off');
    assert.equal(await friend.d.read<string | null>('__wxHost.voip.inCall'), null);
    assert.ok((await friend.d.read<number>('__wxHost.voip.exits')) >= 1);
    ws.close();
    assert.deepEqual(await owner.d.read<string[]>('__wxHost.errors'), []);
    assert.deepEqual(await friend.d.read<string[]>('__wxHost.errors'), []);
  });
});
