// Expected failures of customer service. Codes are stable forever.
import { defineErrors } from '@fairground/core';

export const SupportErrors = defineErrors('support', {
  SUPPORT_THREAD_NOT_FOUND: { status: 404, message: 'no such feedback or report to answer' },
});
