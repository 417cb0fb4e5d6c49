// Expected failures of the 拼三张 rules: bad input from a client or a room, and every illegal
// action. Codes are stable forever; src/errors.catalogue.json pins them.
import { defineErrors } from '@fairground/core';

export const ZjhErrors = defineErrors('zjh', {
  ZJH_CARDS_INVALID: { status: 400, message: 'a hand is three different cards written like "As", "Td", "2c"' },
  ZJH_RULES_INVALID: { status: 400, message: 'the hand or table rules hold a value that is not one of their variants' },
  ZJH_HAND_CONFIG_INVALID: { status: 400, message: 'the room parameters for the hand are invalid' },
  ZJH_DECK_INVALID: { status: 400, message: 'the deck must hold each of the 52 cards exactly once' },
  ZJH_ACTION_INVALID: { status: 400, message: 'the action is malformed' },
  ZJH_STALE_ACTION: { status: 409, message: 'the action was made against an older state of the hand' },
  ZJH_HAND_OVER: { status: 409, message: 'the hand is over' },
  ZJH_NOT_IN_HAND: { status: 409, message: 'this seat was not dealt into the hand' },
  ZJH_PLAYER_FOLDED: { status: 409, message: 'the player has folded and cannot act in this hand' },
  ZJH_PLAYER_OUT: { status: 409, message: 'the player lost a comparison and cannot act in this hand' },
  ZJH_NOT_YOUR_TURN: { status: 409, message: 'it is not this player’s turn' },
  ZJH_ALREADY_LOOKED: { status: 409, message: 'the player has already looked at the cards' },
  ZJH_MUST_STAY_BLIND: { status: 409, message: 'players must stay blind for the first rounds of this room' },
  ZJH_RAISE_NOT_ABOVE_STAKE: { status: 409, message: 'a raise must be above the current stake' },
  ZJH_RAISE_ABOVE_CAP: { status: 409, message: 'the raise is above the room’s stake cap' },
  ZJH_RAISE_NOT_ON_LADDER: { status: 409, message: 'the raise is not one of the room’s stake steps' },
  ZJH_COMPARE_TOO_EARLY: { status: 409, message: 'comparing is not allowed yet in this round' },
  ZJH_COMPARE_SELF: { status: 409, message: 'a player cannot compare with themselves' },
  ZJH_COMPARE_TARGET_NOT_IN_HAND: { status: 409, message: 'the compared seat was not dealt into the hand' },
  ZJH_COMPARE_TARGET_FOLDED: { status: 409, message: 'the compared player has folded' },
  ZJH_COMPARE_TARGET_OUT: { status: 409, message: 'the compared player already lost a comparison' },
  ZJH_INSUFFICIENT_POINTS: { status: 409, message: 'the player does not have enough points for this action' },
  ZJH_ALL_IN_NOT_ALLOWED: { status: 409, message: 'all-in is allowed only when the room allows it and the player cannot cover a call' },
});
