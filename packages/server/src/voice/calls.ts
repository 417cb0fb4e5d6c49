// The table voice of every live room this process holds. The room checks that the sender is a
// member of the live room; this decides the rest and speaks for the call:
//   voice_join   webrtc: a seated player of a room with voice on joins the mesh (at most
//                VOICE_MESH_MAX) and gets short-lived TURN credentials; wechat: a seated player
//                (or a spectator, where the room lets spectators in) gets the wx.joinVoIPChat
//                signature for the room's group, from their mini-game session_key.
//   voice_signal an offer, answer or ICE candidate from one seat in the mesh to another, relayed
//                as it came (the room never reads it; it carries no game state).
//   voice_leave  out of the call.
// Whoever is in the call gets `voice.roster` (the seats in it) on every change; a player dropped
// (left, kicked, disconnected, voice turned off, room over) gets `voice.ended` with the reason, so
// their client hangs up and stops the microphone, and the peers, seeing the roster without them,
// close their connections to that seat at once.
import { AppError, type Clock } from '@fairground/core';
import type { RoomVoice, VoiceCommandFrame, VoiceEndReason, VoiceRoom } from '../rooms/index.ts';
import { VoiceErrors } from './errors.ts';
import { VOICE_CALLS_MAX, VOICE_MESH_MAX, VOICE_PARTICIPANTS_MAX } from './limits.ts';
import { voipGroupId, voipNonce, voipSignature } from './signature.ts';
import { type TurnConfig, turnCredentials, turnUserOf } from './turn.ts';

export type VoiceVia = 'webrtc' | 'wechat';

interface Participant {
  readonly seat: number | null;
  readonly via: VoiceVia;
}

/** The mini-game side: its app id and a player's current session there. */
export interface VoiceWechat {
  readonly appId: string;
  /** The player's session_key and openid from their latest mini-game sign-in; null: none. */
  sessionOf(playerId: string): Promise<{ readonly sessionKey: string; readonly openid: string } | null>;
}

export interface VoiceCallsOptions {
  readonly clock: Clock;
  /** Null: no TURN server configured (browser voice is refused with VOICE_TURN_UNCONFIGURED). */
  readonly turn: TurnConfig | null;
  /** Null: no mini-game app configured (mini-game voice is refused). */
  readonly wechat: VoiceWechat | null;
}

export class VoiceCalls implements RoomVoice {
  readonly #o: VoiceCallsOptions;
  /** roomId → playerId → participant. */
  readonly #calls = new Map<string, Map<string, Participant>>();
  /** playerId → openid in the mini-game app, learnt when they joined (maps WeChat's speaker lists to seats). */
  readonly #openids = new Map<string, Map<string, string>>();

  constructor(o: VoiceCallsOptions) {
    this.#o = o;
  }

  active(roomId: string): boolean {
    return (this.#calls.get(roomId)?.size ?? 0) > 0;
  }

  async frame(room: VoiceRoom, playerId: string, f: VoiceCommandFrame): Promise<void> {
    if (f.t === 'voice_leave') {
      this.drop(room, playerId, 'left');
      return;
    }
    if (f.t === 'voice_join') return this.#join(room, playerId, f.via);
    const call = this.#calls.get(room.id);
    const me = call?.get(playerId);
    if (call === undefined || me === undefined || me.via !== 'webrtc' || me.seat === null)
      throw new AppError(VoiceErrors.VOICE_NOT_IN_CALL);
    if (f.to === me.seat) throw new AppError(VoiceErrors.VOICE_SIGNAL_SELF);
    const target = [...call].find(([, p]) => p.via === 'webrtc' && p.seat === f.to);
    if (target === undefined) throw new AppError(VoiceErrors.VOICE_PEER_ABSENT, { seat: f.to });
    const body = f.kind === 'ice' ? { candidate: f.candidate } : { sdp: f.sdp };
    room.send(target[0], JSON.stringify({ t: 'voice.signal', from: me.seat, kind: f.kind, ...body }));
  }

  async #join(room: VoiceRoom, playerId: string, via: VoiceVia): Promise<void> {
    if (!room.voiceOn) throw new AppError(VoiceErrors.VOICE_OFF);
    const seat = room.seatOf(playerId) ?? null;
    const call = this.#calls.get(room.id) ?? new Map<string, Participant>();
    let joined: Record<string, unknown>;
    if (via === 'webrtc') {
      if (seat === null) throw new AppError(VoiceErrors.VOICE_NOT_SEATED);
      const turn = this.#o.turn;
      if (turn === null) throw new AppError(VoiceErrors.VOICE_TURN_UNCONFIGURED);
      const mesh = [...call].filter(([pid, p]) => pid !== playerId && p.via === 'webrtc').length;
      if (mesh >= VOICE_MESH_MAX) throw new AppError(VoiceErrors.VOICE_CALL_FULL, { playersMax: VOICE_MESH_MAX });
      const c = turnCredentials(turn, turnUserOf(turn.secret, playerId), this.#o.clock.nowMs());
      joined = { t: 'voice.joined', via, seat, turn: { urls: [...c.urls], username: c.username, credential: c.credential, ttlS: c.ttlS } };
    } else {
      if (seat === null && !room.spectatorsListen) throw new AppError(VoiceErrors.VOICE_LISTEN_NOT_ALLOWED);
      const wechat = this.#o.wechat;
      const session = wechat === null ? null : await wechat.sessionOf(playerId);
      if (wechat === null || session === null) throw new AppError(VoiceErrors.VOICE_MINIGAME_SESSION_REQUIRED);
      const groupId = voipGroupId(room.id);
      const nonceStr = voipNonce();
      const timeStamp = Math.floor(this.#o.clock.nowMs() / 1000);
      const signature = voipSignature(session.sessionKey, { appId: wechat.appId, groupId, nonceStr, timeStamp });
      const openids = this.#openids.get(room.id) ?? new Map<string, string>();
      openids.set(playerId, session.openid);
      this.#openids.set(room.id, openids);
      joined = {
        t: 'voice.joined',
        via,
        seat,
        // A spectator listens only: WeChat keeps their microphone muted from the start.
        voip: { groupId, nonceStr, timeStamp, signature, muteMicrophone: seat === null },
      };
    }
    if (!call.has(playerId) && call.size >= VOICE_PARTICIPANTS_MAX)
      throw new AppError(VoiceErrors.VOICE_CALL_FULL, { playersMax: VOICE_PARTICIPANTS_MAX });
    call.set(playerId, { seat, via });
    if (!this.#calls.has(room.id)) {
      if (this.#calls.size >= VOICE_CALLS_MAX) throw new AppError(VoiceErrors.VOICE_CALL_FULL, { callsMax: VOICE_CALLS_MAX });
      this.#calls.set(room.id, call);
    }
    room.send(playerId, JSON.stringify(joined));
    this.#roster(room);
  }

  /** Every participant hears who is in the call, by seat; wechat participants also get the openids (WeChat's speaker lists name them). */
  #roster(room: VoiceRoom): void {
    const call = this.#calls.get(room.id);
    if (call === undefined) return;
    const peers = [...call.values()].filter((p) => p.seat !== null).map((p) => ({ seat: p.seat as number, via: p.via }));
    peers.sort((a, b) => a.seat - b.seat);
    const openids = this.#openids.get(room.id);
    const wechatSeats = [...call]
      .filter(([pid, p]) => p.via === 'wechat' && p.seat !== null && openids?.has(pid))
      .map(([pid, p]) => ({ seat: p.seat as number, openid: openids?.get(pid) as string }));
    const text = JSON.stringify({ t: 'voice.roster', peers });
    const wechatText = JSON.stringify({ t: 'voice.roster', peers, openids: wechatSeats });
    for (const [pid, p] of call) room.send(pid, p.via === 'wechat' ? wechatText : text);
  }

  drop(room: VoiceRoom, playerId: string, reason: VoiceEndReason): void {
    const call = this.#calls.get(room.id);
    if (call === undefined || !call.delete(playerId)) return;
    this.#openids.get(room.id)?.delete(playerId);
    room.send(playerId, JSON.stringify({ t: 'voice.ended', reason }));
    if (call.size === 0) {
      this.forgetRoom(room.id);
      return;
    }
    this.#roster(room);
  }

  end(room: VoiceRoom, reason: VoiceEndReason): void {
    const call = this.#calls.get(room.id);
    if (call === undefined) return;
    const text = JSON.stringify({ t: 'voice.ended', reason });
    for (const pid of call.keys()) room.send(pid, text);
    this.forgetRoom(room.id);
  }

  forgetRoom(roomId: string): void {
    this.#calls.delete(roomId);
    this.#openids.delete(roomId);
  }
}
