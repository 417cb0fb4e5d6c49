import { defineErrors } from '@fairground/core';

/** The risk domain's expected failures. Pinned by test/compliance/errors.test.ts. */
export const RiskErrors = defineErrors('risk', {
  RISK_CASE_NOT_FOUND: { status: 404, message: 'no such review case' },
  RISK_CASE_CLOSED: { status: 409, message: 'this review case is already decided' },
  RISK_ACTION_INVALID: { status: 400, message: 'that action does not apply to this case' },
  RISK_RESTRICTION_NOT_FOUND: { status: 404, message: 'no such active restriction' },
  COMPLAINT_NOT_FOUND: { status: 404, message: 'no such complaint' },
  COMPLAINT_ALREADY_HANDLED: { status: 409, message: 'this complaint was already upheld or dismissed' },
  COMPLAINT_SELF: { status: 400, message: 'you cannot report yourself' },
  COMPLAINT_TARGET_REQUIRED: { status: 400, message: 'name the player or the room you are reporting' },
  RISK_MODEL_NOT_FOUND: { status: 404, message: 'no such fraud model version' },
  RISK_MODEL_NOT_PROVEN: {
    status: 409,
    message: 'this model has not beaten the rules alone on held-back cases at the same false-positive rate; it can only run in shadow mode',
  },
  RISK_MODEL_TOO_FEW_CASES: { status: 409, message: 'not enough reviewed cases of each decision to train a model' },
  COMPLAINTS_TOO_MANY: { status: 429, message: 'you have too many open reports; support will look at them first' },
});
