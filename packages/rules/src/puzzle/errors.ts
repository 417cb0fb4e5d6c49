// Expected failures of the puzzle: malformed or illegal commands from a client, and a client that
// ran out of the refills it was sent. Codes are stable forever; errors.catalogue.json pins them.
import { defineErrors } from '@fairground/core';

export const PuzzleErrors = defineErrors('puzzle', {
  PUZZLE_CONFIG_INVALID: { status: 400, message: 'the puzzle configuration is outside its limits' },
  PUZZLE_BOARD_INVALID: { status: 400, message: 'the board does not fit the configuration' },
  PUZZLE_COMMAND_INVALID: { status: 400, message: 'a command is {seq, atMs, move: {from, to}} with non-negative integers' },
  PUZZLE_SEQ_GAP: { status: 409, message: 'a command is missing before this one (sequence gap)' },
  PUZZLE_SEQ_REPLAYED: { status: 409, message: 'this sequence number was already used' },
  PUZZLE_TIME_BACKWARDS: { status: 409, message: 'the command’s timestamp is earlier than the previous command’s' },
  PUZZLE_TIME_OVER: { status: 409, message: 'the command’s timestamp is after the session’s time limit' },
  PUZZLE_MOVE_INVALID: { status: 409, message: 'a move swaps two orthogonally adjacent cells of the board' },
  PUZZLE_MOVE_NO_MATCH: { status: 409, message: 'the swap makes no line of three' },
  PUZZLE_ENDED: { status: 409, message: 'the game is over' },
  PUZZLE_REFILLS_NEEDED: { status: 409, message: 'the client needs more refills from the server to play this move', retryable: true },
});
