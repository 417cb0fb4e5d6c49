import { defineErrors } from '@fairground/core';

export const AnalyticsErrors = defineErrors('analytics', {
  ANALYTICS_WINDOW_INVALID: { status: 400, message: 'the period must end after it starts and be at most the allowed length' },
  ANALYTICS_EXPORT_PERIOD_INVALID: {
    status: 400,
    message: 'an export covers a period inside the last 180 days, ending after it starts',
  },
  ANALYTICS_EXPORT_TOO_LARGE: { status: 413, message: 'the period holds more rows than one export may carry; export it in parts' },
  ANALYTICS_EXPORT_ROLE_MISSING: { status: 403, message: 'this record kind needs another operator role' },
  ANALYTICS_ROOM_NOT_FOUND: { status: 404, message: 'no such room' },
  ANALYTICS_HAND_NOT_FOUND: {
    status: 404,
    message: 'no finished hand with that number in this room (a hand in progress has no record yet)',
  },
});
