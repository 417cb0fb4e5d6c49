// The room defaults of seed §二 (3 seats, 8 rounds, base score 1, advanced rules off, the owner
// pays) and the ranges the create form offers. Pure data with no server dependency, so the H5
// client's create form starts from the values the server fills in (package entry
// `@fairground/server/room-defaults`) instead of a copy of them.
import { BASE_SCORE_MIN, CLASSIC_SEATS, ROUNDS_MIN, SEATS_MAX, SEATS_MIN, TURN_TIME_CHOICES_S } from './limits.ts';
import type { FeeChoice, RoomParams } from './params.ts';

export { SEATS_MAX, SEATS_MIN, TURN_TIME_CHOICES_S };

export const DEFAULT_PARAMS: RoomParams = {
  mode: 'classic',
  seats: CLASSIC_SEATS,
  rounds: ROUNDS_MIN,
  baseScore: BASE_SCORE_MIN,
  spectators: true,
  friendsVisible: false,
  voiceChat: false,
  turnTimeS: 30,
  trusteeship: 'off',
  stakeCapMultiple: 10,
  bettingRoundsMax: 20,
  compareFromRound: 2,
  blindRounds: 0,
  leopardMultiplier: 0,
  straightFlushMultiplier: 0,
  sameIpAllowed: false,
  identityCheck: false,
};

export const DEFAULT_FEE: FeeChoice = { mode: 'room_card', payer: 'owner' };
