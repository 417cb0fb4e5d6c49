// Voice at the mini-game table: WeChat's own real-time voice (wx.joinVoIPChat). Tapping the voice
// button sends `voice_join` (via `wechat`) over the room socket; the room answers with the
// signature it computed from this player's mini-game session_key over the room's group id
// (a seated player of a room with voice on, or a spectator where the room lets spectators in),
// and the game joins WeChat's voice room with it. The microphone button mutes and unmutes this
// player (wx.updateVoIPChatMuteConfig; a spectator listens only); speaker marks light over the
// seats WeChat names in wx.onVoIPChatSpeakersChanged (openids mapped to seats by the room's
// roster). Leaving, being removed from the room (`voice.ended`), or WeChat interrupting the call
// exits it.
import type { App } from '../app.ts';
import { COLORS, type Gfx } from '../engine.ts';
import type { RoomChannel } from '../room-channel.ts';

const WORDS = {
  zh: {
    voice: '🎙 语音',
    leave: '退出语音',
    mute: '🔇 闭麦',
    unmute: '🎙 开麦',
    joining: '加入语音中…',
    joinFailed: '语音没有接通（{code}）',
    ended: '语音已结束',
    VOICE_OFF: '这个房间没有开启语音',
    VOICE_LISTEN_NOT_ALLOWED: '这个房间不允许观战者收听语音',
    VOICE_MINIGAME_SESSION_REQUIRED: '请重新打开小游戏后再加入语音',
  },
  en: {
    voice: '🎙 Voice',
    leave: 'Leave voice',
    mute: '🔇 Mic off',
    unmute: '🎙 Mic on',
    joining: 'Joining voice…',
    joinFailed: 'Voice did not connect ({code})',
    ended: 'Voice ended',
    VOICE_OFF: 'Voice is off in this room',
    VOICE_LISTEN_NOT_ALLOWED: 'Spectators may not listen in this room',
    VOICE_MINIGAME_SESSION_REQUIRED: 'Open the mini-game again, then join voice',
  },
} as const;
type Word = keyof (typeof WORDS)['zh'];

interface Voip {
  readonly groupId: string;
  readonly nonceStr: string;
  readonly timeStamp: number;
  readonly signature: string;
  readonly muteMicrophone: boolean;
}

export interface TableVoice {
  /** A `voice.*` frame from the room. */
  receive(f: Record<string, unknown> & { t: string }): void;
  /** The room socket came back: join the call again if the player was in it. */
  rejoin(): void;
  /** Draws the voice buttons (when the room's voice option is on) and the speaker marks over seats. */
  draw(g: Gfx, voiceOn: boolean, seatAt: (seat: number) => { x: number; y: number } | null): void;
  debug(): Record<string, unknown>;
  close(): void;
}

/** The call's state at this table, and the WeChat listeners registered while in it. */
interface VoiceState {
  readonly app: App;
  readonly channel: RoomChannel;
  status: 'off' | 'joining' | 'on';
  wanted: boolean;
  micMuted: boolean;
  listenOnly: boolean;
  lastError: string | null;
  ended: string | null;
  groupId: string | null;
  /** openid → seat, from the room's roster. */
  seats: Map<string, number>;
  speaking: readonly string[];
  readonly onSpeakers: (res: { openIdList: string[] }) => void;
  readonly onInterrupted: () => void;
}

const word = (v: VoiceState, k: Word, code = '') => WORDS[v.app.lang][k].replace('{code}', code);

export function createTableVoice(app: App, channel: RoomChannel): TableVoice {
  const v: VoiceState = {
    app,
    channel,
    status: 'off',
    wanted: false,
    micMuted: false,
    listenOnly: false,
    lastError: null,
    ended: null,
    groupId: null,
    seats: new Map(),
    speaking: [],
    onSpeakers: (res) => {
      v.speaking = res.openIdList.slice(0, 16);
      app.stage.invalidate();
    },
    onInterrupted: () => {
      // WeChat ended the call (a phone call, the app in the background): out, and say so.
      leaveLocally(v);
      v.ended = 'interrupted';
      app.stage.invalidate();
    },
  };
  return {
    receive: (f) => receive(v, f),
    rejoin() {
      if (!v.wanted) return;
      leaveLocally(v);
      void join(v);
    },
    draw: (g, voiceOn, seatAt) => drawVoice(v, g, voiceOn, seatAt),
    debug: () => ({
      status: v.status,
      micMuted: v.micMuted,
      listenOnly: v.listenOnly,
      groupId: v.groupId,
      lastError: v.lastError,
      ended: v.ended,
      speakingSeats: v.speaking.flatMap((o) => {
        const s = v.seats.get(o);
        return s === undefined ? [] : [s];
      }),
    }),
    close() {
      v.wanted = false;
      leaveLocally(v);
    },
  };
}

/** Out of WeChat's call on this device (the room may still count the player in). */
function leaveLocally(v: VoiceState): void {
  if (v.status === 'on') wx.exitVoIPChat({});
  if (v.status !== 'off') {
    wx.offVoIPChatSpeakersChanged(v.onSpeakers);
  }
  v.status = 'off';
  v.speaking = [];
  v.groupId = null;
}

/** Asks the room for the call's signature; `voice.joined` brings it. */
async function join(v: VoiceState): Promise<void> {
  if (v.status !== 'off') return;
  v.wanted = true;
  v.lastError = null;
  v.ended = null;
  v.status = 'joining';
  v.app.stage.invalidate();
  const r = await v.channel.send({ t: 'voice_join', via: 'wechat' });
  if (r.t === 'error') {
    v.status = 'off';
    v.wanted = false;
    v.lastError = r.code ?? 'error';
    v.app.toast(v.lastError in WORDS.zh ? word(v, v.lastError as Word) : word(v, 'joinFailed', v.lastError));
    v.app.stage.invalidate();
  }
}

/** Joins WeChat's call with the signature the room computed. */
function enter(v: VoiceState, voip: Voip): void {
  const { app } = v;
  v.listenOnly = voip.muteMicrophone;
  v.micMuted = voip.muteMicrophone;
  wx.joinVoIPChat({
    groupId: voip.groupId,
    nonceStr: voip.nonceStr,
    timeStamp: voip.timeStamp,
    signature: voip.signature,
    muteConfig: { muteMicrophone: v.micMuted, muteEarphone: false },
    success: () => {
      v.status = 'on';
      v.groupId = voip.groupId;
      wx.onVoIPChatSpeakersChanged(v.onSpeakers);
      wx.onVoIPChatInterrupted(v.onInterrupted);
      app.stage.invalidate();
    },
    fail: (res: { errCode?: number; errMsg?: string }) => {
      v.status = 'off';
      v.wanted = false;
      v.lastError = String(res.errCode ?? res.errMsg ?? 'fail');
      app.toast(word(v, 'joinFailed', v.lastError));
      void v.channel.send({ t: 'voice_leave' });
      app.stage.invalidate();
    },
  });
}

function leave(v: VoiceState): void {
  v.wanted = false;
  leaveLocally(v);
  void v.channel.send({ t: 'voice_leave' });
  v.app.stage.invalidate();
}

function toggleMic(v: VoiceState): void {
  if (v.status !== 'on' || v.listenOnly) return;
  const next = !v.micMuted;
  wx.updateVoIPChatMuteConfig({
    muteConfig: { muteMicrophone: next, muteEarphone: false },
    success: () => {
      v.micMuted = next;
      v.app.stage.invalidate();
    },
  });
}

function receive(v: VoiceState, f: Record<string, unknown> & { t: string }): void {
  if (f.t === 'voice.joined' && f.voip !== undefined) enter(v, f.voip as Voip);
  else if (f.t === 'voice.roster') {
    const list = (f.openids as { seat: number; openid: string }[] | undefined) ?? [];
    v.seats = new Map(list.map((x) => [x.openid, x.seat]));
    v.app.stage.invalidate();
  } else if (f.t === 'voice.ended') {
    v.wanted = false;
    leaveLocally(v);
    v.ended = String(f.reason ?? '');
    v.app.toast(word(v, 'ended'));
    v.app.stage.invalidate();
  }
}

function drawVoice(v: VoiceState, g: Gfx, voiceOn: boolean, seatAt: (seat: number) => { x: number; y: number } | null): void {
  for (const openid of v.speaking) {
    const seat = v.seats.get(openid);
    const p = seat === undefined ? null : seatAt(seat);
    if (p === null) continue;
    g.circle(p.x + 22, p.y - 22, 9, COLORS.wechat);
    g.text('🔊', p.x + 22, p.y - 22, { size: 10, align: 'center', baseline: 'middle' });
    g.region(`voice-speaking-${seat}`, p.x + 13, p.y - 31, 18, 18, 'speaking', null);
  }
  if (!voiceOn && v.status === 'off') return;
  // Under the chat button, top right.
  const bx = g.w - 74;
  const by = 82;
  if (v.status === 'off') {
    g.button('voice-join', bx, by, 64, 30, word(v, 'voice'), () => void join(v), { kind: 'ghost', size: 12 });
    return;
  }
  if (v.status === 'joining') {
    g.button('voice-joining', bx, by, 64, 30, '…', () => undefined, { kind: 'ghost', size: 12 });
    return;
  }
  if (!v.listenOnly)
    g.button('voice-mic', bx, by, 64, 30, v.micMuted ? word(v, 'unmute') : word(v, 'mute'), () => toggleMic(v), {
      kind: 'ghost',
      size: 12,
    });
  g.button('voice-leave', bx, by + (v.listenOnly ? 0 : 36), 64, 30, word(v, 'leave'), () => leave(v), { kind: 'ghost', size: 11 });
}
