// The table voice bar (H5): join or leave the call, push-to-talk (hold the button) or open mic,
// mute any player on this device, and a level meter per player that lights when they speak. The
// call itself is VoiceMesh (voice.ts); seats at the table show a speaker mark from the same levels.
import type { Lang } from '../../shared/i18n.ts';
import { errorText } from '../../shared/errors.ts';
import { SPEAKING_LEVEL_MIN, type VoiceMesh, type VoiceState } from './voice.ts';

const WORDS = {
  zh: {
    title: '语音',
    join: '加入语音',
    leave: '退出语音',
    ptt: '按住说话',
    talking: '正在说话…',
    modePtt: '按键说话',
    modeOpen: '自由麦',
    mute: '静音',
    unmute: '取消静音',
    you: '我',
    connecting: '连接中…',
    inCall: '{n} 人在语音中',
    micDenied: '没有麦克风权限，请在浏览器设置中允许后重试。',
    unsupported: '这个浏览器不支持语音。',
    ended_kicked: '你已被移出房间，语音已结束。',
    ended_voice_off: '房主关闭了语音。',
    ended_left_room: '你已离开房间，语音已结束。',
    ended_room_closed: '房间已结束，语音已结束。',
    ended_disconnected: '连接断开，语音已结束。',
  },
  en: {
    title: 'Voice',
    join: 'Join voice',
    leave: 'Leave voice',
    ptt: 'Hold to talk',
    talking: 'Talking…',
    modePtt: 'Push to talk',
    modeOpen: 'Open mic',
    mute: 'Mute',
    unmute: 'Unmute',
    you: 'You',
    connecting: 'Connecting…',
    inCall: '{n} in voice',
    micDenied: 'No microphone permission; allow it in the browser settings and try again.',
    unsupported: 'This browser does not support voice.',
    ended_kicked: 'You were removed from the room; voice ended.',
    ended_voice_off: 'The host turned voice off.',
    ended_left_room: 'You left the room; voice ended.',
    ended_room_closed: 'The room is over; voice ended.',
    ended_disconnected: 'The connection dropped; voice ended.',
  },
} as const;

type Key = keyof (typeof WORDS)['zh'];

export function voiceWords(lang: Lang) {
  const w = WORDS[lang === 'en' ? 'en' : 'zh'];
  return (key: Key, vars: Record<string, string | number> = {}) =>
    Object.entries(vars).reduce<string>((s, [k, v]) => s.replace(`{${k}}`, String(v)), w[key]);
}

export function isSpeaking(level: number | undefined): boolean {
  return (level ?? 0) >= SPEAKING_LEVEL_MIN;
}

function Meter({ level, testId }: { level: number; testId: string }) {
  return (
    <span class={`voice-meter${isSpeaking(level) ? ' speaking' : ''}`} data-testid={testId} data-level={level} aria-hidden="true">
      <span style={{ width: `${Math.min(100, level)}%` }} />
    </span>
  );
}

export function VoiceBar(props: { lang: Lang; mesh: VoiceMesh; state: VoiceState; nameOfSeat: (seat: number) => string }) {
  const { lang, mesh, state: v, nameOfSeat } = props;
  const t = voiceWords(lang);
  const problem = problemText(lang, v);
  return (
    <section class="card voice-bar" data-testid="voice-bar" data-status={v.status} data-mode={v.mode}>
      <div class="row voice-head">
        <strong>🎙 {t('title')}</strong>
        {v.status === 'on' && <span class="small muted">{t('inCall', { n: v.inCall.length })}</span>}
        {v.status === 'off' ? (
          <button type="button" class="primary" data-testid="voice-join" onClick={() => void mesh.join()}>
            {t('join')}
          </button>
        ) : (
          <button type="button" data-testid="voice-leave" onClick={() => void mesh.leave()}>
            {t('leave')}
          </button>
        )}
      </div>
      {v.status === 'joining' && <p class="small muted">{t('connecting')}</p>}
      {v.status === 'on' && <VoiceControls t={t} mesh={mesh} v={v} nameOfSeat={nameOfSeat} />}
      {problem !== null && (
        <p class="small error" data-testid="voice-problem">
          {problem}
        </p>
      )}
    </section>
  );
}

/** What stops the call, in words: the microphone refused, no WebRTC, a server error, or why it ended. */
function problemText(lang: Lang, v: VoiceState): string | null {
  const t = voiceWords(lang);
  return v.error === 'MIC_DENIED'
    ? t('micDenied')
    : v.error === 'VOICE_UNSUPPORTED'
      ? t('unsupported')
      : v.error !== null
        ? errorText(lang, { code: v.error })
        : v.ended !== null && v.ended !== 'left' && `ended_${v.ended}` in WORDS.zh
          ? t(`ended_${v.ended}` as Key)
          : null;
}

type Words = ReturnType<typeof voiceWords>;

/** In the call: the talk mode, the push-to-talk button, and every player's level and mute. */
function VoiceControls(props: { t: Words; mesh: VoiceMesh; v: VoiceState; nameOfSeat: (seat: number) => string }) {
  const { t, mesh, v, nameOfSeat } = props;
  return (
    <>
      <div class="row voice-modes">
        <button
          type="button"
          aria-pressed={v.mode === 'ptt'}
          class={v.mode === 'ptt' ? 'primary' : ''}
          data-testid="voice-mode-ptt"
          onClick={() => mesh.setMode('ptt')}
        >
          {t('modePtt')}
        </button>
        <button
          type="button"
          aria-pressed={v.mode === 'open'}
          class={v.mode === 'open' ? 'primary' : ''}
          data-testid="voice-mode-open"
          onClick={() => mesh.setMode('open')}
        >
          {t('modeOpen')}
        </button>
      </div>
      {v.mode === 'ptt' && (
        <button
          type="button"
          class={`voice-ptt${v.talking ? ' primary' : ''}`}
          data-testid="voice-ptt"
          data-talking={String(v.talking)}
          onPointerDown={() => mesh.setTalking(true)}
          onPointerUp={() => mesh.setTalking(false)}
          onPointerLeave={() => mesh.setTalking(false)}
          onPointerCancel={() => mesh.setTalking(false)}
        >
          {v.talking ? t('talking') : t('ptt')}
        </button>
      )}
      <ul class="voice-peers">
        <li data-testid="voice-self">
          <span class="voice-name">{t('you')}</span>
          <Meter level={v.level} testId="voice-self-level" />
        </li>
        {v.peers.map((p) => (
          <li
            key={p.seat}
            data-testid={`voice-peer-${p.seat}`}
            data-connected={String(p.connected)}
            data-muted={String(p.muted)}
            data-level={p.level}
          >
            <span class="voice-name">{nameOfSeat(p.seat)}</span>
            <Meter level={p.muted ? 0 : p.level} testId={`voice-peer-${p.seat}-level`} />
            <button type="button" class="small" data-testid={`voice-mute-${p.seat}`} onClick={() => mesh.mutePeer(p.seat, !p.muted)}>
              {p.muted ? t('unmute') : t('mute')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
