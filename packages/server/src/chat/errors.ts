// The chat domain's expected failures. Codes are stable forever (pinned in src/errors.catalogue.json).
import { defineErrors } from '@fairground/core';

export const ChatErrors = defineErrors('chat', {
  CHAT_RATE_LIMITED: { status: 429, message: 'too many chat messages; wait a moment before the next one', retryable: true },
  CHAT_PHRASE_UNKNOWN: { status: 400, message: 'no such quick phrase (the list may have changed: reload it)' },
  CHAT_EMOJI_UNKNOWN: { status: 400, message: 'that emoji is not among the ones the table offers' },
  CHAT_TEXT_INVALID: { status: 400, message: 'a chat message is 1 to 60 characters of text' },
  CHAT_FREE_TEXT_NOT_ALLOWED: { status: 403, message: 'typed messages are not allowed here; use the quick phrases and emoji' },
  CHAT_FREE_TEXT_NEEDS_MINIGAME: {
    status: 403,
    message: 'typed messages need the content check, which works for players who opened the mini-game in the last two hours',
  },
  CHAT_TEXT_REFUSED: { status: 422, message: 'the message did not pass the content check and was not sent' },
  CHAT_RESTRICTED: { status: 403, message: 'chat is restricted for this account for a while (refused messages, or an upheld report)' },
  CHAT_CHECK_UNAVAILABLE: {
    status: 503,
    message: 'the content check is not available right now; try again or use a quick phrase',
    retryable: true,
  },
  CHAT_MESSAGE_NOT_FOUND: { status: 404, message: 'no such chat message in a room you were in' },
  CHAT_REPORT_SELF: { status: 400, message: 'you cannot report your own message' },
  CHAT_REPORT_NOT_FOUND: { status: 404, message: 'no such chat report' },
  CHAT_REPORT_CLOSED: { status: 409, message: 'this chat report was already handled' },
  CHAT_MUTE_SELF: { status: 400, message: 'you cannot mute yourself' },
});
