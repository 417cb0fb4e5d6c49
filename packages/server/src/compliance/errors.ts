import { defineErrors } from '@fairground/core';

export const ComplianceErrors = defineErrors('compliance', {
  COMPLIANCE_DENIED: { status: 403, message: 'the platform policy does not allow this action' },
});

/** Picking a player's policy (operators' overrides). Pinned by test/compliance/errors.test.ts. */
export const JurisdictionErrors = defineErrors('jurisdiction', {
  JURISDICTION_UNKNOWN: { status: 404, message: 'no policy is loaded for that jurisdiction' },
});

/** A player's own responsible-play settings. Pinned by test/compliance/errors.test.ts. */
export const ResponsiblePlayErrors = defineErrors('responsible_play', {
  RESPONSIBLE_PLAY_NOT_OFFERED: { status: 409, message: 'the policy that applies to you offers no responsible-play settings' },
  DEPOSIT_LIMIT_INVALID: { status: 400, message: 'deposit limits are whole fen, and the monthly limit is at least the daily one' },
  SELF_EXCLUSION_PERIOD_INVALID: { status: 400, message: 'choose one of the offered self-exclusion periods' },
  SELF_EXCLUSION_CANNOT_SHORTEN: { status: 409, message: 'a self-exclusion cannot be shortened or lifted before it ends' },
});

/** The console's play-report queue. Pinned, with every other code the server sends, by src/errors.catalogue.json. */
export const RealNameReportErrors = defineErrors('realname', {
  REALNAME_REPORTING_OFF: { status: 409, message: 'no play reporting is configured on this server (FAIRGROUND_NPPA=off)' },
});

/** The minors' holiday calendars in the console. Pinned, with every other code the server sends, by src/errors.catalogue.json. */
export const CalendarErrors = defineErrors('calendar', {
  CALENDAR_YEAR_UNKNOWN: { status: 404, message: 'no calendar of that jurisdiction has a table for that year' },
  CALENDAR_YEAR_CHANGED: { status: 409, message: 'the calendar file changed since you read it: reload and check the new table' },
});
