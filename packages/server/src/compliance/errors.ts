import { defineErrors } from '@fairground/core';

export const ComplianceErrors = defineErrors('compliance', {
  COMPLIANCE_DENIED: { status: 403, message: 'the platform policy does not allow this action' },
});
