// The table voice in the browser: WebRTC audio between the seated players, a full mesh of up to
// six, signalled over the room's own WebSocket (`voice_signal` frames the room relays seat to
// seat) and relayed through the platform's TURN server with short-lived credentials the room hands
// out on `voice_join`. Every connection is relay-only (`iceTransportPolicy: 'relay'`), so players
// never learn each other's network addresses. The lower seat of each pair makes the offer; a seat
// that leaves the roster is hung up at once (its track ends), and `voice.ended` (left, kicked,
// voice turned off, room over) hangs up everything and stops the microphone.
//
// Talking is push-to-talk (the microphone track is enabled only while the button is held) or open
// mic; each remote player can be muted on this device. Speaker indicators come from a WebAudio
// analyser on every stream, local and remote.
import type { Reply } from './channel.ts';

export type VoiceMode = 'ptt' | 'open';

export interface VoicePeer {
  readonly seat: number;
  /** The other side's audio is arriving. */
  readonly connected: boolean;
  readonly muted: boolean;
  /** 0–100, the speaker indicator's level. */
  readonly level: number;
}

export interface VoiceState {
  readonly status: 'off' | 'joining' | 'on';
  /** An error code (the room's, or MIC_DENIED / VOICE_UNSUPPORTED) to show, or why the call ended. */
  readonly error: string | null;
  readonly ended: string | null;
  readonly mode: VoiceMode;
  /** The microphone is open now (open mic, or push-to-talk held). */
  readonly talking: boolean;
  readonly level: number;
  readonly seat: number | null;
  /** Seats in the call (browser and mini-game), and this device's view of each browser peer. */
  readonly inCall: readonly number[];
  readonly peers: readonly VoicePeer[];
}

interface Turn {
  readonly urls: readonly string[];
  readonly username: string;
  readonly credential: string;
  /** How long the credentials last, in seconds. */
  readonly ttlS: number;
}

interface Peer {
  readonly seat: number;
  readonly pc: RTCPeerConnection;
  /** Candidates that came before the remote description. */
  readonly pending: RTCIceCandidateInit[];
  audio: HTMLAudioElement | null;
  analyser: AnalyserNode | null;
  level: number;
  muted: boolean;
}

/** The mesh's bound (the server refuses a seventh with VOICE_CALL_FULL). */
export const MESH_MAX = 6;
/**
 * How often speaker levels are read (each read covers the last ANALYSER_SAMPLES, ~43 ms at 48 kHz,
 * so reads every 40 ms miss no syllable), how much of the last level a quieter read keeps (the
 * indicator falls back over a few reads instead of flickering), and the level from which a seat
 * shows as speaking.
 */
const LEVEL_EVERY_MS = 40;
const ANALYSER_SAMPLES = 2048;
const LEVEL_HOLD = 0.75;
const LEVEL_STEP = 4;
/** Credentials are renewed (and every connection's ICE restarted on them) at this share of their life. */
const RENEW_AT_SHARE = 0.8;
export const SPEAKING_LEVEL_MIN = 8;

type Send = (frame: Record<string, unknown> & { t: string }) => Promise<Reply>;

export class VoiceMesh {
  readonly #send: Send;
  readonly #onChange: (s: VoiceState) => void;
  #state: VoiceState = {
    status: 'off',
    error: null,
    ended: null,
    mode: 'ptt',
    talking: false,
    level: 0,
    seat: null,
    inCall: [],
    peers: [],
  };
  #local: MediaStream | null = null;
  #localAnalyser: AnalyserNode | null = null;
  #audioContext: AudioContext | null = null;
  #turn: Turn | null = null;
  readonly #peers = new Map<number, Peer>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** The player asked to be in the call: a reconnect joins it again. */
  #wanted = false;

  constructor(o: { send: Send; onChange: (s: VoiceState) => void }) {
    this.#send = o.send;
    this.#onChange = o.onChange;
  }

  get state(): VoiceState {
    return this.#state;
  }

  #set(patch: Partial<VoiceState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#onChange(this.#state);
  }

  #publishPeers(): void {
    const peers = [...this.#peers.values()]
      .map((p) => ({ seat: p.seat, connected: p.audio !== null, muted: p.muted, level: p.level }))
      .sort((a, b) => a.seat - b.seat);
    this.#set({ peers });
  }

  /** Opens the microphone and joins the table's call. */
  async join(): Promise<void> {
    if (this.#state.status !== 'off') return;
    if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      this.#set({ error: 'VOICE_UNSUPPORTED' });
      return;
    }
    this.#wanted = true;
    this.#set({ status: 'joining', error: null, ended: null });
    try {
      this.#local ??= await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: false,
      });
    } catch {
      this.#wanted = false;
      this.#set({ status: 'off', error: 'MIC_DENIED' });
      return;
    }
    this.#applyTalking();
    this.#localAnalyser = this.#analyse(this.#local);
    const r = await this.#send({ t: 'voice_join', via: 'webrtc' });
    if (r.t === 'error') {
      this.#wanted = false;
      this.#hangUp();
      this.#set({ status: 'off', error: r.code });
    }
  }

  /** Leaves the call (and stops the microphone). */
  async leave(): Promise<void> {
    this.#wanted = false;
    this.#hangUp();
    this.#set({ status: 'off', ended: null });
    await this.#send({ t: 'voice_leave' });
  }

  /** The room socket came back: the server forgot the call, so join it again if the player was in it. */
  rejoin(): void {
    if (!this.#wanted) return;
    this.#hangUp();
    this.#set({ status: 'off' });
    void this.join();
  }

  setMode(mode: VoiceMode): void {
    this.#set({ mode, talking: mode === 'open' });
    this.#applyTalking();
  }

  /** Push-to-talk: the button is held (true) or let go. */
  setTalking(talking: boolean): void {
    if (this.#state.mode === 'open') return;
    this.#set({ talking });
    this.#applyTalking();
  }

  #applyTalking(): void {
    for (const t of this.#local?.getAudioTracks() ?? []) t.enabled = this.#state.mode === 'open' || this.#state.talking;
  }

  /** Mutes (or unmutes) one seat's voice on this device. */
  mutePeer(seat: number, muted: boolean): void {
    const p = this.#peers.get(seat);
    if (p === undefined) return;
    p.muted = muted;
    if (p.audio) p.audio.muted = muted;
    this.#publishPeers();
  }

  /** A `voice.*` frame from the room. */
  receive(f: Record<string, unknown> & { t: string }): void {
    switch (f.t) {
      case 'voice.joined': {
        const turn = f.turn as Turn | undefined;
        if (turn === undefined) return;
        const renewing = this.#state.status === 'on' && this.#turn !== null;
        this.#turn = turn;
        // TURN refuses to refresh an allocation once its credentials expire: ask for new ones in time.
        clearTimeout(this.#renewTimer);
        this.#renewTimer = setTimeout(() => void this.#send({ t: 'voice_join', via: 'webrtc' }), turn.ttlS * 1000 * RENEW_AT_SHARE);
        if (renewing) {
          // New credentials: each connection gathers fresh relay candidates with them (an ICE restart).
          for (const p of this.#peers.values()) {
            p.pc.setConfiguration(this.#rtcConfig());
            void this.#offer(p, true);
          }
          return;
        }
        this.#set({ status: 'on', seat: typeof f.seat === 'number' ? f.seat : null });
        this.#startLevels();
        return;
      }
      case 'voice.roster':
        this.#roster((f.peers as { seat: number; via: string }[] | undefined) ?? []);
        return;
      case 'voice.signal':
        void this.#signal(f);
        return;
      case 'voice.ended':
        this.#wanted = false;
        this.#hangUp();
        this.#set({ status: 'off', ended: String(f.reason ?? '') });
        return;
      default:
        return;
    }
  }

  #roster(list: readonly { seat: number; via: string }[]): void {
    const mine = this.#state.seat;
    this.#set({ inCall: list.map((p) => p.seat) });
    if (mine === null || this.#state.status !== 'on') return;
    const browser = new Set(list.filter((p) => p.via === 'webrtc' && p.seat !== mine).map((p) => p.seat));
    // A seat no longer in the call is hung up at once: its track ends here and now.
    for (const seat of [...this.#peers.keys()]) if (!browser.has(seat)) this.#closePeer(seat);
    for (const seat of browser) {
      if (this.#peers.has(seat) || this.#peers.size >= MESH_MAX - 1) continue;
      // The lower seat offers; the higher one answers when the offer comes.
      if (mine < seat) void this.#offer(this.#peer(seat));
    }
    this.#publishPeers();
  }

  #peer(seat: number): Peer {
    const existing = this.#peers.get(seat);
    if (existing !== undefined) return existing;
    const pc = new RTCPeerConnection(this.#rtcConfig());
    const peer: Peer = { seat, pc, pending: [], audio: null, analyser: null, level: 0, muted: false };
    this.#peers.set(seat, peer);
    for (const track of this.#local?.getAudioTracks() ?? []) pc.addTrack(track, this.#local as MediaStream);
    pc.onicecandidate = (e) => {
      if (e.candidate === null || e.candidate.candidate === '') return;
      void this.#send({
        t: 'voice_signal',
        to: seat,
        kind: 'ice',
        candidate: { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex },
      });
    };
    pc.ontrack = (e) => {
      if (this.#peers.get(seat) !== peer) return;
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      const audio = new Audio();
      audio.autoplay = true;
      audio.dataset.voiceSeat = String(seat);
      audio.muted = peer.muted;
      audio.srcObject = stream;
      // Chromium feeds a remote stream to WebAudio only while a media element plays it.
      document.body.append(audio);
      void audio.play().catch(() => undefined);
      peer.audio?.remove();
      peer.audio = audio;
      peer.analyser = this.#analyse(stream);
      this.#publishPeers();
    };
    return peer;
  }

  /** Relay only: every packet goes through the platform's TURN server, so no player learns another's address. */
  #rtcConfig(): RTCConfiguration {
    const turn = this.#turn as Turn;
    return { iceServers: [{ urls: [...turn.urls], username: turn.username, credential: turn.credential }], iceTransportPolicy: 'relay' };
  }

  async #offer(peer: Peer, iceRestart = false): Promise<void> {
    const offer = await peer.pc.createOffer({ iceRestart });
    await peer.pc.setLocalDescription(offer);
    await this.#send({ t: 'voice_signal', to: peer.seat, kind: 'offer', sdp: offer.sdp ?? '' });
  }

  async #signal(f: Record<string, unknown>): Promise<void> {
    if (this.#state.status !== 'on' || typeof f.from !== 'number') return;
    const seat = f.from;
    try {
      if (f.kind === 'offer') {
        const peer = this.#peer(seat);
        // Both sides offered at once (a renewal): the lower seat's offer wins, the higher seat takes it back.
        if (peer.pc.signalingState === 'have-local-offer') {
          const mine = this.#state.seat;
          if (mine !== null && mine < seat) return;
          await peer.pc.setLocalDescription({ type: 'rollback' });
        }
        await peer.pc.setRemoteDescription({ type: 'offer', sdp: String(f.sdp) });
        await this.#flush(peer);
        const answer = await peer.pc.createAnswer();
        await peer.pc.setLocalDescription(answer);
        await this.#send({ t: 'voice_signal', to: seat, kind: 'answer', sdp: answer.sdp ?? '' });
        this.#publishPeers();
      } else if (f.kind === 'answer') {
        const peer = this.#peers.get(seat);
        if (peer === undefined) return;
        await peer.pc.setRemoteDescription({ type: 'answer', sdp: String(f.sdp) });
        await this.#flush(peer);
      } else if (f.kind === 'ice') {
        // A candidate may overtake its offer: the answering side keeps it until the offer is in.
        const mine = this.#state.seat;
        const peer = this.#peers.get(seat) ?? (mine !== null && seat < mine ? this.#peer(seat) : undefined);
        const c = f.candidate as RTCIceCandidateInit;
        if (peer === undefined) return;
        if (peer.pc.remoteDescription === null) peer.pending.push(c);
        else await peer.pc.addIceCandidate(c);
      }
    } catch {
      // A broken negotiation with one seat hangs up that seat only; the roster brings it back.
      this.#closePeer(seat);
      this.#publishPeers();
    }
  }

  async #flush(peer: Peer): Promise<void> {
    for (const c of peer.pending.splice(0)) await peer.pc.addIceCandidate(c);
  }

  #analyse(stream: MediaStream): AnalyserNode | null {
    try {
      this.#audioContext ??= new AudioContext();
      void this.#audioContext.resume();
      const analyser = this.#audioContext.createAnalyser();
      analyser.fftSize = ANALYSER_SAMPLES;
      this.#audioContext.createMediaStreamSource(stream).connect(analyser);
      return analyser;
    } catch {
      return null;
    }
  }

  #startLevels(): void {
    if (this.#timer !== undefined) return;
    const buffer = new Float32Array(ANALYSER_SAMPLES);
    const read = (a: AnalyserNode | null, last: number): number => {
      if (a === null) return 0;
      a.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const x of buffer) sum += x * x;
      // RMS on a rough 0–100 scale (speech peaks around 0.1–0.3), held against the last level.
      // In steps of LEVEL_STEP: the table redraws only when a level moves by a visible amount.
      const now = Math.min(100, Math.round(Math.sqrt(sum / buffer.length) * 300));
      const level = Math.max(now, Math.floor(last * LEVEL_HOLD));
      return Math.floor(level / LEVEL_STEP) * LEVEL_STEP;
    };
    this.#timer = setInterval(() => {
      const level = this.#state.talking || this.#state.mode === 'open' ? read(this.#localAnalyser, this.#state.level) : 0;
      let changed = level !== this.#state.level;
      for (const p of this.#peers.values()) {
        const l = read(p.analyser, p.level);
        if (l !== p.level) changed = true;
        p.level = l;
      }
      if (!changed) return;
      this.#state = { ...this.#state, level };
      this.#publishPeers();
    }, LEVEL_EVERY_MS);
  }

  #closePeer(seat: number): void {
    const p = this.#peers.get(seat);
    if (p === undefined) return;
    this.#peers.delete(seat);
    p.pc.close();
    if (p.audio) {
      p.audio.srcObject = null;
      p.audio.remove();
    }
  }

  #closePeers(): void {
    for (const seat of [...this.#peers.keys()]) this.#closePeer(seat);
    this.#set({ peers: [], inCall: [] });
  }

  /** Every connection closed, the microphone stopped, the levels stopped. */
  #hangUp(): void {
    this.#closePeers();
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
    for (const t of this.#local?.getTracks() ?? []) t.stop();
    this.#local = null;
    this.#localAnalyser = null;
    void this.#audioContext?.close().catch(() => undefined);
    this.#audioContext = null;
    this.#turn = null;
    this.#state = { ...this.#state, level: 0, seat: null };
  }

  close(): void {
    this.#wanted = false;
    this.#hangUp();
  }
}
