// Every way a virtual-payment request can be refused, with a stable code. Codes are never renamed
// or reused; `src/errors.catalogue.json` pins them with every other code the server sends.
import { defineErrors } from '@fairground/core';

export const VpayErrors = defineErrors('vpay', {
  VPAY_NOT_ENABLED: { status: 503, message: 'room cards cannot be bought in the mini-game: virtual payment is not configured' },
  VPAY_SESSION_REQUIRED: { status: 401, message: 'sign in again in WeChat before paying (the WeChat session has ended)' },
  VPAY_ORDER_UNKNOWN: { status: 404, message: 'no such virtual-payment order' },
  VPAY_ORDER_NOT_REFUNDABLE: { status: 409, message: 'only a delivered order that was never refunded can be refunded' },
  VPAY_REFUND_CARDS_SPENT: {
    status: 409,
    message: 'the player no longer holds the room cards of this order (spent or held): they cannot be taken back, so it is not refunded',
  },
  VPAY_IDEMPOTENCY_CONFLICT: { status: 409, message: 'this idempotency key was used for another request' },
  VPAY_BILL_NOT_READY: { status: 409, message: 'the bill of a day is published once the day has ended (China time)' },
});
