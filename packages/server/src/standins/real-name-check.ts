// Stand-in for the real-name check port, for unit tests only: the platform binds the NPPA (or its
// sandbox peer in development), never this. It confirms any well-formed pair with a `pi` derived
// from the identity number, except names that end in "拒" or "Reject" (a refusal) and names that
// end in "等" or "Wait" (in progress until queried once). It cannot tell a minor who lies from an
// adult, which is why no start may bind it.
import { createHash } from 'node:crypto';
import type { RealNameAuthority } from '../accounts/index.ts';

/** Checks kept in memory at most; the oldest go first. */
const CHECKS_KEPT_MAX = 10_000;

export function createSandboxVerificationProvider(): RealNameAuthority {
  const checks = new Map<string, { idNumber: string; realName: string; queried: boolean }>();
  const pi = (idNumber: string) => createHash('sha256').update(`pi:${idNumber}`).digest('hex').slice(0, 38);
  return {
    name: 'standin',
    async check(attemptId, doc) {
      while (checks.size >= CHECKS_KEPT_MAX) checks.delete(checks.keys().next().value as string);
      checks.set(attemptId, { idNumber: doc.idNumber, realName: doc.realName, queried: false });
      if (/(拒|Reject)$/.test(doc.realName)) return { status: 'failed', reason: 'SANDBOX_NAME_MISMATCH' };
      if (/(等|Wait)$/.test(doc.realName)) return { status: 'pending' };
      return { status: 'verified', pi: pi(doc.idNumber) };
    },
    async query(attemptId) {
      const c = checks.get(attemptId);
      if (c === undefined) return { status: 'not_found' };
      if (/(拒|Reject)$/.test(c.realName)) return { status: 'failed', reason: 'SANDBOX_NAME_MISMATCH' };
      return { status: 'verified', pi: pi(c.idNumber) };
    },
  };
}
