// Every way a virtual-payment request can be refused, with a stable code. Codes are never renamed
// or reused; `src/errors.catalogue.json` pins them with every other code the server sends.
import { defineErrors } from '@fairground/core';

export const VpayErrors = defineErrors('vpay', {
  VPAY_NOT_ENABLED: { status: 503, message: 'room cards cannot be bought in the mini-game: virtual payment is not configured' },
  VPAY_SESSION_REQUIRED: { status: 401, message: 'sign in again in WeChat before paying (the WeChat session has ended)' },
  VPAY_ORDER_UNKNOWN: { status: 404, message: 'no such virtual-payment order' },
});
