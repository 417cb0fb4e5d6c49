// The payments domain's expected failures. Clients branch on these codes, so they are never
// renamed or reused; `src/errors.catalogue.json` pins them.
import { defineErrors } from '@fairground/core';

export const PaymentsErrors = defineErrors('payments', {
  PAYMENT_AMOUNT_BELOW_MIN: { status: 400, message: 'the amount is below the minimum' },
  PAYMENT_AMOUNT_ABOVE_MAX: { status: 400, message: 'the amount is above the maximum for one request' },
  PAYMENT_DAILY_LIMIT_REACHED: { status: 409, message: 'this would exceed the daily limit' },
  PAYMENT_DAILY_COUNT_REACHED: { status: 409, message: 'the most requests allowed today have been made' },
  PAYMENT_BALANCE_INSUFFICIENT: { status: 409, message: 'the available balance does not cover this amount' },
  PAYMENT_WAGERING_INCOMPLETE: { status: 409, message: 'an active bonus has wagering left; finish it before withdrawing' },
  PAYMENT_RISK_DENIED: { status: 403, message: 'this withdrawal cannot be made; contact support' },
  PAYMENT_IDEMPOTENCY_CONFLICT: { status: 409, message: 'this idempotency key was already used for a different request' },
  PAYMENT_CHANNEL_UNAVAILABLE: {
    status: 400,
    message: 'this payment channel needs a WeChat identity in the paying app; sign in through WeChat first',
  },
  PAYMENT_PAYOUT_IDENTITY_MISSING: {
    status: 400,
    message: 'withdrawals are paid to the WeChat account you signed in with in the paying app; sign in through WeChat first',
  },
  PAYMENT_NOT_FOUND: { status: 404, message: 'no such payment' },
  PAYMENT_STATE_INVALID: { status: 409, message: 'the payment is not in a state that allows this' },
  PAYMENT_REFUND_EXCEEDS: { status: 409, message: 'the refund is larger than what is left of the payment' },
  PAYMENT_PROVIDER_UNAVAILABLE: {
    status: 503,
    message: 'WeChat Pay is not answering right now; new deposits and withdrawals are paused and resume by themselves in a few minutes',
    retryable: true,
  },
  PAYMENT_PROVIDER_NOT_CONFIGURED: { status: 503, message: 'no payment provider is configured on this server' },
  PAYMENT_BILL_NOT_READY: {
    status: 409,
    message: 'the provider has not published this day’s bills yet (after 10:00 Beijing time the next day)',
    retryable: true,
  },
  PAYMENT_BILL_DATE_INVALID: { status: 400, message: 'bill dates are YYYY-MM-DD days that have ended' },
  PAYMENT_BILL_TOO_OLD: {
    status: 400,
    message: 'WeChat Pay keeps bills for three months only; that day can no longer be reconciled against its bills',
  },
});
