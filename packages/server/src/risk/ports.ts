// What the risk domain needs from outside, in its own terms, and what it answers.
import type { OperatorActor } from '../accounts/index.ts';

export type GateAction = 'create_room' | 'join_room';
export type GateDecision = { readonly allow: true } | { readonly allow: false; readonly code: string; readonly message: string };

export interface RequestMeta {
  readonly requestId: string;
  readonly ip: string;
}

/** Withdrawals waiting for an operator in the payments domain (a case's approve and reject act on them). */
export interface WithdrawalReviews {
  inReview(playerId: string): Promise<readonly { readonly id: string; readonly amountFen: number; readonly createdAtMs: number }[]>;
  approve(operator: OperatorActor, withdrawalId: string, note: string, meta: RequestMeta): Promise<void>;
  reject(operator: OperatorActor, withdrawalId: string, note: string, meta: RequestMeta): Promise<void>;
}
