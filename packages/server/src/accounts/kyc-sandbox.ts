// Real-name verification for development and tests. A real provider asks the authority whether the
// name matches the identity number; the sandbox confirms any well-formed pair except names that
// end in "拒" or "Reject" (so tests and demos can see a refusal).
import { randomBytes } from 'node:crypto';
import type { VerificationProvider } from './ports.ts';

export function createSandboxVerificationProvider(): VerificationProvider {
  return {
    async verify(doc) {
      if (/(拒|Reject)$/.test(doc.realName)) return { verified: false, reason: 'SANDBOX_NAME_MISMATCH' };
      return { verified: true, providerRef: `sbx_kyc_${randomBytes(8).toString('hex')}` };
    },
  };
}
