import { defineErrors } from '@fairground/core';

export const NotaryErrors = defineErrors('notary', {
  NOTARY_HAND_NOT_FOUND: {
    status: 404,
    message: 'no finished hand with that number in this room (a hand in progress has no record yet)',
  },
  NOTARY_NOT_ATTESTED: {
    status: 409,
    message: 'this hand is queued for a time-stamp and is not attested yet; the notary stamps once a minute — try again shortly',
    retryable: true,
  },
});
