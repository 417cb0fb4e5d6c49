// The platform's periodic jobs by name, with their default intervals. Configuration reads this
// (FAIRGROUND_JOB_INTERVALS_MS overrides any of them) before the heavy modules load; the
// composition root adds one job of each name.
export const JOB_INTERVALS_MS_DEFAULT = {
  /** Holds whose own timeout has passed are voided (holds waiting on an outside party have none). */
  'ledger.expire-pending': 30_000,
  /** A root over every ledger chain shard's head, linked to the one before (skipped when nothing moved). */
  'ledger.seal-root': 60_000,
  /** The payments outbox, and queries of orders, withdrawals and refunds whose notifications have not come. */
  'payments.sweep': 15_000,
  /** Each day's bills compared with the ledger once the provider publishes them. */
  'payments.reconcile': 10 * 60_000,
  /** Mini-game virtual-payment orders whose delivery push has not come are queried (and closed when unpaid). */
  'vpay.sweep': 30_000,
  /** The last three ended days' virtual-payment bills (China time) reconciled and WeChat's fee booked, each once. */
  'vpay.bills': 60 * 60_000,
  /** Operating metrics against their alert lines, and webhook deliveries. */
  'analytics.alerts': 60_000,
  /** Skill sessions past their deadline, unjoined matches, tournaments to close and settle, old boards. */
  'skill.sweep': 5_000,
  /** Tournament templates with a schedule: each slot's tournament is created when the slot comes. */
  'skill.schedule': 15_000,
  /**
   * Idle real-name sessions reported offline, and waiting login/logout reports sent to the NPPA
   * (which takes an event only within 180 s of it: the interval stays well below that).
   */
  'realname.report': 10_000,
  /** Real-name submissions the NPPA has not settled yet are queried (each on its own back-off). */
  'realname.verify': 15_000,
  /** Flagged skill sessions in the event log become risk signals. */
  'risk.poll': 30_000,
  /** New card-room hands judged for collusion and bot timing; rooms of colluders dissolved by policy. */
  'risk.hands': 60_000,
  /** Review cases' features gathered as of their opening, and the active fraud model's score of each recorded. */
  'risk.score': 30_000,
  /** A new fraud-model version trained on the reviewed cases (operators' decisions are the labels) when more were reviewed. */
  'risk.train': 24 * 3600_000,
  /** Invite rewards whose conditions are met are paid. */
  'promotions.referrals': 60_000,
  /**
   * Finished hands queued since the last root become one Merkle tree whose root the time-stamping
   * authority signs (public TSAs rate-limit: one token covers every hand of the minute).
   */
  'notary.attest': 60_000,
  /** Closed accounts past their retention lose their sealed real-name records (privacy/closure.ts). */
  'privacy.kyc-purge': 3600_000,
  /** Finished rooms' events and hands and finished skill sessions' commands past the window move to archives (retention/). */
  'retention.archive': 3600_000,
  /** Table chat older than its retention (as long as the rooms' orders and hand histories) deleted, except messages an open report needs. */
  'chat.retention': 3600_000,
  /** Rooms the database says are live but no node leases (clustered only). */
  'cluster.orphans': 10_000,
} as const;

export type JobName = keyof typeof JOB_INTERVALS_MS_DEFAULT;
export const JOB_NAMES = Object.keys(JOB_INTERVALS_MS_DEFAULT) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_INTERVALS_MS_DEFAULT, name);
}
