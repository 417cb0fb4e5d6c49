// Compliance's limits on a player's money, counted by payments inside the units that take it
// (see `PlayerLimitsPort`). A refusal reads exactly like compliance's own at request time:
// COMPLIANCE_DENIED with the limit's reason code and the policy that set it.
import { AppError } from '@fairground/core';
import { ComplianceErrors } from '../compliance/index.ts';
import type { AmountLimit } from './ports.ts';

export function complianceRefusal(
  action: 'deposit' | 'withdraw',
  broken: { readonly limit: AmountLimit; readonly usedFen: number },
  policy: string,
): AppError {
  return new AppError(
    ComplianceErrors.COMPLIANCE_DENIED,
    { action, reason: broken.limit.code, policy, usedFen: broken.usedFen, maxFen: broken.limit.maxFen },
    broken.limit.message,
  );
}

/** The first limit `amountFen` more would break, given what `usedSince` says was used since each limit's start. */
export async function firstBroken(
  limits: readonly AmountLimit[],
  amountFen: number,
  usedSince: (sinceMs: number) => Promise<number>,
): Promise<{ limit: AmountLimit; usedFen: number } | null> {
  const used = new Map<number, number>();
  for (const limit of limits) {
    let usedFen = 0;
    if (limit.sinceMs !== null) {
      usedFen = used.get(limit.sinceMs) ?? (await usedSince(limit.sinceMs));
      used.set(limit.sinceMs, usedFen);
    }
    if (usedFen + amountFen > limit.maxFen) return { limit, usedFen };
  }
  return null;
}
