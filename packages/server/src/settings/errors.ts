// Expected failures of the business settings. Codes are stable forever.
import { defineErrors } from '@fairground/core';

export const SettingsErrors = defineErrors('settings', {
  SETTINGS_INVALID: { status: 400, message: 'the setting is invalid; see details.problems' },
  SETTINGS_OUTSIDE_POLICY: {
    status: 400,
    message: 'the setting is outside what the jurisdiction policy allows; see details for the field and its bounds',
  },
  SETTINGS_FEE_ON_POT: {
    status: 400,
    message:
      'a fee computed on the pot or on winnings (抽头) is gambling under 公通字〔2007〕3号 and is never allowed: room fees are charged up front, per seat and block of hands',
  },
  SETTINGS_VERSION_CONFLICT: {
    status: 409,
    message: 'the setting changed since it was read; reload it and apply the change again',
  },
  SETTINGS_AGREEMENT_VERSION_USED: {
    status: 409,
    message: 'this agreement version was already published; give the new text a new version',
  },
});
