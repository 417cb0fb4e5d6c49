// The voice domain's expected failures. Codes are stable forever (pinned in src/errors.catalogue.json).
import { defineErrors } from '@fairground/core';

export const VoiceErrors = defineErrors('voice', {
  VOICE_OFF: { status: 409, message: "this room's voice option is off" },
  VOICE_NOT_SEATED: { status: 403, message: 'only seated players talk at this table' },
  VOICE_LISTEN_NOT_ALLOWED: { status: 403, message: 'this room does not let spectators listen to the table' },
  VOICE_NOT_IN_CALL: { status: 409, message: 'join the table voice first' },
  VOICE_PEER_ABSENT: { status: 409, message: 'no player in the call at that seat' },
  VOICE_SIGNAL_SELF: { status: 400, message: 'a voice message cannot be addressed to your own seat' },
  VOICE_CALL_FULL: { status: 409, message: 'the table voice is full' },
  VOICE_TURN_UNCONFIGURED: { status: 503, message: 'voice in the browser needs a TURN server, which this platform has not configured' },
  VOICE_MINIGAME_SESSION_REQUIRED: {
    status: 403,
    message: 'voice in the mini-game needs a recent sign-in to the mini-game; open it again',
  },
});
