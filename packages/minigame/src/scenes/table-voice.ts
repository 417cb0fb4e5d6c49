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

export function createTableVoice(app: App, channel: RoomChannel): TableVoice {
  const w = (k: Word, code = '') => WORDS[app.lang][k].replace('{code}', code);
  let status: 'off' | 'joining' | 'on' = 'off';
  let wanted = false;
  let micMuted = false;
  let listenOnly = false;
  let lastError: string | null = null;
  let ended: string | null = null;
  let groupId: string | null = null;
  /** openid → seat, from the room's roster. */
  let seats = new Map<string, number>();
  let speaking: readonly string[] = [];

  const onSpeakers = (res: { openIdList: string[] }) => {
    speaking = res.openIdList.slice(0, 16);
    app.stage.invalidate();
  };
  const onInterrupted = () => {
    // WeChat ended the call (a phone call, the app in the background): out, and say so.
    leaveLocally();
    ended = 'interrupted';
    app.stage.invalidate();
  };

  const leaveLocally = () => {
    if (status === 'on') wx.exitVoIPChat({});
    if (status !== 'off') {
      wx.offVoIPChatSpeakersChanged(onSpeakers);
    }
    status = 'off';
    speaking = [];
    groupId = null;
  };

  const join = async () => {
    if (status !== 'off') return;
    wanted = true;
    lastError = null;
    ended = null;
    status = 'joining';
    app.stage.invalidate();
    const r = await channel.send({ t: 'voice_join', via: 'wechat' });
    if (r.t === 'error') {
      status = 'off';
      wanted = false;
      lastError = r.code ?? 'error';
      app.toast(lastError in WORDS.zh ? w(lastError as Word) : w('joinFailed', lastError));
      app.stage.invalidate();
    }
  };

  const enter = (v: Voip) => {
    listenOnly = v.muteMicrophone;
    micMuted = v.muteMicrophone;
    wx.joinVoIPChat({
      groupId: v.groupId,
      nonceStr: v.nonceStr,
      timeStamp: v.timeStamp,
      signature: v.signature,
      muteConfig: { muteMicrophone: micMuted, muteEarphone: false },
      success: () => {
        status = 'on';
        groupId = v.groupId;
        wx.onVoIPChatSpeakersChanged(onSpeakers);
        wx.onVoIPChatInterrupted(onInterrupted);
        app.stage.invalidate();
      },
      fail: (res: { errCode?: number; errMsg?: string }) => {
        status = 'off';
        wanted = false;
        lastError = String(res.errCode ?? res.errMsg ?? 'fail');
        app.toast(w('joinFailed', lastError));
        void channel.send({ t: 'voice_leave' });
        app.stage.invalidate();
      },
    });
  };

  const leave = () => {
    wanted = false;
    leaveLocally();
    void channel.send({ t: 'voice_leave' });
    app.stage.invalidate();
  };

  const toggleMic = () => {
    if (status !== 'on' || listenOnly) return;
    const next = !micMuted;
    wx.updateVoIPChatMuteConfig({
      muteConfig: { muteMicrophone: next, muteEarphone: false },
      success: () => {
        micMuted = next;
        app.stage.invalidate();
      },
    });
  };

  return {
    receive(f) {
      if (f.t === 'voice.joined' && f.voip !== undefined) enter(f.voip as Voip);
      else if (f.t === 'voice.roster') {
        const list = (f.openids as { seat: number; openid: string }[] | undefined) ?? [];
        seats = new Map(list.map((x) => [x.openid, x.seat]));
        app.stage.invalidate();
      } else if (f.t === 'voice.ended') {
        wanted = false;
        leaveLocally();
        ended = String(f.reason ?? '');
        app.toast(w('ended'));
        app.stage.invalidate();
      }
    },
    rejoin() {
      if (!wanted) return;
      leaveLocally();
      void join();
    },
    draw(g, voiceOn, seatAt) {
      for (const openid of speaking) {
        const seat = seats.get(openid);
        const p = seat === undefined ? null : seatAt(seat);
        if (p === null) continue;
        g.circle(p.x + 22, p.y - 22, 9, COLORS.wechat);
        g.text('🔊', p.x + 22, p.y - 22, { size: 10, align: 'center', baseline: 'middle' });
        g.region(`voice-speaking-${seat}`, p.x + 13, p.y - 31, 18, 18, 'speaking', null);
      }
      if (!voiceOn && status === 'off') return;
      // Under the chat button, top right.
      const bx = g.w - 74;
      const by = 82;
      if (status === 'off') {
        g.button('voice-join', bx, by, 64, 30, w('voice'), () => void join(), { kind: 'ghost', size: 12 });
        return;
      }
      if (status === 'joining') {
        g.button('voice-joining', bx, by, 64, 30, '…', () => undefined, { kind: 'ghost', size: 12 });
        return;
      }
      if (!listenOnly) g.button('voice-mic', bx, by, 64, 30, micMuted ? w('unmute') : w('mute'), toggleMic, { kind: 'ghost', size: 12 });
      g.button('voice-leave', bx, by + (listenOnly ? 0 : 36), 64, 30, w('leave'), leave, { kind: 'ghost', size: 11 });
    },
    debug() {
      return {
        status,
        micMuted,
        listenOnly,
        groupId,
        lastError,
        ended,
        speakingSeats: speaking.flatMap((o) => {
          const s = seats.get(o);
          return s === undefined ? [] : [s];
        }),
      };
    },
    close() {
      wanted = false;
      leaveLocally();
    },
  };
}
