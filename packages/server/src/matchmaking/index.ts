// Matchmaking: Glicko-2 ratings per game and the rules for choosing an opponent.
export { matchmakingMigrations } from './migrations.ts';
export { createMemoryLinkedAccounts, type LinkedAccounts } from './ports.ts';
export { type PlayerRating, type RatingPool, Ratings, type RatingsOptions } from './ratings.ts';
export {
  type Candidate,
  chooseOpponent,
  DEFAULT_MATCHMAKING,
  type MatchmakingPolicy,
  type RefusalReason,
  ratingWindow,
  refusal,
  type Seeker,
} from './window.ts';
