import { defineErrors } from '@fairground/core';

export const WalletErrors = defineErrors('wallet', {
  ADJUSTMENT_AMOUNT_ZERO: { status: 400, message: 'an adjustment must move a non-zero amount' },
});
