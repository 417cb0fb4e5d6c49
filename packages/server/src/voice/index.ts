// Voice at the table: WeChat real-time voice in the mini-game, WebRTC through TURN in H5.
export { type VoiceCallsOptions, VoiceCalls, type VoiceVia, type VoiceWechat } from './calls.ts';
export { VoiceErrors } from './errors.ts';
export * from './limits.ts';
export { VOICE_CANDIDATE_CHARS_MAX, VOICE_FRAME_BYTES_MAX, VOICE_SDP_CHARS_MAX } from '../rooms/index.ts';
export { type VoipSignInput, voipGroupId, voipNonce, voipSignature, voipSignString } from './signature.ts';
export { type TurnConfig, type TurnCredentials, turnCredentials, turnPassword, turnUserOf } from './turn.ts';
