// Payments: deposits, withdrawals and refunds through a payment provider (WeChat Pay v3 first),
// as state machines in the database with an outbox of provider calls, a notification route, a
// reconciler and a circuit breaker. See the module comments of each file for its part.
export { type BreakerState, CircuitBreaker } from './breaker.ts';
export { beijingDate, DEFAULT_SETTINGS, type OpenidLookup, type PaymentsDeps, type PaymentsLog, type PaymentsSettings } from './context.ts';
export { paymentsContract } from './contract.ts';
export { PaymentsEngine, type PaymentsEngineOptions, type SweepReport } from './engine.ts';
export { PaymentsErrors } from './errors.ts';
export { FAILPOINTS, type Failpoint } from './failpoints.ts';
export { isLoopbackUrl } from './config.ts';
export { paymentsMigrations } from './migrations.ts';
export type { Deposit, Refund, Withdrawal } from './model.ts';
export { WITHDRAWAL_FINAL } from './model.ts';
export { NOTIFY_PATH, registerNotifyRoute } from './notify-route.ts';
export * from './ports.ts';
export type { MismatchKind, ReconciliationItem, ReconciliationReport } from './reconciler.ts';
export { paymentsRoutes } from './routes.ts';
export { PROVIDER_ERROR_KINDS, paymentReads } from './reads.ts';
