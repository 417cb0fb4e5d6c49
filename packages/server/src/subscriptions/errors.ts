// Expected failures of subscription messages. Codes are stable forever.
import { defineErrors } from '@fairground/core';

export const SubscriptionErrors = defineErrors('subscriptions', {
  SUBSCRIBE_TEMPLATE_UNKNOWN: { status: 400, message: 'a template id is not one of the platform’s subscription templates' },
});
