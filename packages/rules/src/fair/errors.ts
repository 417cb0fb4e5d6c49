// Expected failures of provably fair dealing: malformed seeds and commitments, and seed-ceremony
// steps taken out of order. Codes are stable forever; src/errors.catalogue.json pins them.
import { defineErrors } from '@fairground/core';

export const FairErrors = defineErrors('fair', {
  FAIR_SEED_INVALID: { status: 400, message: 'the seed is malformed' },
  FAIR_COMMITMENT_INVALID: { status: 400, message: 'a commitment is 64 lowercase hex characters (a SHA-256 digest)' },
  FAIR_HAND_NUMBER_INVALID: { status: 400, message: 'the hand number must be a non-negative safe integer' },
  FAIR_CEREMONY_PHASE: { status: 409, message: 'the seed ceremony is not in the phase this step needs' },
  FAIR_SEAT_ALREADY_COMMITTED: { status: 409, message: 'this seat has already committed a client seed' },
  FAIR_SEAT_NOT_COMMITTED: { status: 409, message: 'this seat did not commit a client seed' },
  FAIR_SEAT_ALREADY_REVEALED: { status: 409, message: 'this seat has already revealed its client seed' },
  FAIR_REVEAL_MISMATCH: { status: 409, message: 'the revealed client seed does not match its commitment' },
  FAIR_TOO_MANY_SEATS: { status: 409, message: 'the seed ceremony has reached its seat limit' },
});
