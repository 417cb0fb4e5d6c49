// Expected failures of skill-game sessions, matches and tournaments. Codes are stable forever.
// Rule violations inside a command (an illegal move, a sequence gap) keep the puzzle's own
// PUZZLE_* codes; these are the platform's.
import { defineErrors } from '@fairground/core';

export const SkillErrors = defineErrors('skill', {
  SKILL_GAME_UNKNOWN: { status: 404, message: 'no such skill game' },
  SKILL_STAKE_UNKNOWN: { status: 400, message: 'that entry fee is not offered for this game' },
  SKILL_SESSION_NOT_FOUND: { status: 404, message: 'no such session' },
  SKILL_SESSION_NOT_YOURS: { status: 403, message: 'this session belongs to another player' },
  SKILL_SESSION_ENDED: { status: 409, message: 'the session has ended' },
  SKILL_SESSION_EXPIRED: { status: 409, message: 'the session’s time (with its grace period) is over' },
  SKILL_TIME_AHEAD: { status: 409, message: 'the command’s timestamp is ahead of the server’s clock for this session' },
  SKILL_BATCH_TOO_LARGE: { status: 400, message: 'too many commands in one batch' },
  SKILL_COMMAND_CONFLICT: { status: 409, message: 'a different command was already accepted with this sequence number' },
  SKILL_TOO_MANY_ACTIVE: { status: 409, message: 'finish an active game before starting another' },
  SKILL_BUSY: { status: 409, message: 'the session changed under this request; try again', retryable: true },
  SKILL_MATCH_NOT_FOUND: { status: 404, message: 'no such match' },
  SKILL_MATCH_NOT_HELD: { status: 409, message: 'the match is not held for review' },
  SKILL_SEED_NOT_REVEALED: { status: 409, message: 'the seed is revealed when the match or tournament is over' },
  SKILL_TOURNAMENT_NOT_FOUND: { status: 404, message: 'no such tournament' },
  SKILL_TOURNAMENT_INVALID: { status: 400, message: 'the tournament settings are invalid' },
  SKILL_TOURNAMENT_CLOSED: { status: 409, message: 'the tournament no longer takes entries or games' },
  SKILL_TOURNAMENT_FULL: { status: 409, message: 'the tournament is full' },
  SKILL_TOURNAMENT_ENTERED: { status: 409, message: 'you have already entered this tournament' },
  SKILL_TOURNAMENT_NOT_ENTERED: { status: 409, message: 'enter the tournament before playing in it' },
  SKILL_TOURNAMENT_PLAYED: { status: 409, message: 'you have already played your game in this tournament' },
  SKILL_TOURNAMENT_LINKED_ENTRANT: { status: 409, message: 'an account linked to yours has already entered this tournament' },
  SKILL_TOURNAMENT_OVER: { status: 409, message: 'the tournament is already settled or cancelled' },
});
