// Expected failures of skins. Codes are stable forever.
import { defineErrors } from '@fairground/core';

export const SkinErrors = defineErrors('skins', {
  SKIN_UNKNOWN: { status: 404, message: 'no such skin' },
  SKIN_NOT_FOR_SALE: { status: 409, message: 'this skin is not sold; it comes with a VIP tier' },
  SKIN_OWNED: { status: 409, message: 'you already have this skin' },
  SKIN_NOT_OWNED: { status: 409, message: 'you do not have this skin yet' },
  SKIN_FUNDS_INSUFFICIENT: { status: 409, message: 'your balance does not cover this skin' },
});
