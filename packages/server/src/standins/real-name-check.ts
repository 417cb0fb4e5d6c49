// Stand-in for the real-name check port, for development and tests. A real provider asks the
// authority whether the name matches the identity number; this one confirms any well-formed pair
// except names that end in "拒" or "Reject" (so tests and demos can see a refusal). It cannot tell
// a minor who lies from an adult, so a production start refuses it unless
// FAIRGROUND_ACCEPT_STANDINS names `real-name-check`.
import { randomBytes } from 'node:crypto';
import type { VerificationProvider } from '../accounts/index.ts';

export function createSandboxVerificationProvider(): VerificationProvider {
  return {
    async verify(doc) {
      if (/(拒|Reject)$/.test(doc.realName)) return { verified: false, reason: 'SANDBOX_NAME_MISMATCH' };
      return { verified: true, providerRef: `sbx_kyc_${randomBytes(8).toString('hex')}` };
    },
  };
}
