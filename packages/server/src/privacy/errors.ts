import { defineErrors } from '@fairground/core';

/** A player closing their own account. Pinned, with every other code the server sends, by src/errors.catalogue.json. */
export const PrivacyErrors = defineErrors('privacy', {
  ACCOUNT_CLOSURE_BALANCE: {
    status: 409,
    message: 'withdraw or use what is left in your wallet (money, room cards, points) before closing your account',
  },
  ACCOUNT_CLOSURE_WITHDRAWAL_OPEN: {
    status: 409,
    message: 'a withdrawal of yours is still in progress: close your account once it has finished',
  },
  ACCOUNT_CLOSURE_SEATED: { status: 409, message: 'you are still in a room: leave it (or let its game end) before closing your account' },
});
