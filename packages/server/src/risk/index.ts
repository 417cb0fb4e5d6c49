// Risk: signals, scores, review cases, restrictions, the credit score and complaints.
export { type HandSummary, judgePairs, type PairVerdict, pairStats } from './collusion.ts';
export {
  DEFAULT_RISK_CONFIG_FILE,
  defaultRiskConfig,
  loadRiskConfig,
  parseRiskConfig,
  type RiskConfig,
  RiskConfigError,
  RiskConfigSchema,
  SIGNAL_KINDS,
  type SignalKind,
} from './config.ts';
export { riskContract } from './contract.ts';
export { RiskErrors } from './errors.ts';
export type { RoomControl } from './model.ts';
export {
  type IdentifierKind,
  type IdentifierSource,
  type LinkEvidence,
  LinkedAccountsSource,
  type LinkedView,
  type Observation,
  STRONG_KINDS,
} from './links.ts';
export { type HandsPassReport, RoomActionFailed } from './room-hands.ts';
export { FEATURE_NAMES, type FeatureInput, fraudFeatures } from './features.ts';
export { type CaseModelScore, FraudModels, type ModelMode, type ModelView, TRAINING_SEED } from './learned.ts';
export { riskMigrations } from './migrations.ts';
export type { GateAction, GateDecision, RequestMeta, WithdrawalReviews } from './ports.ts';
export { type RiskRouteDeps, riskRoutes } from './routes.ts';
export {
  BAN_ACTIONS,
  type CaseAction,
  type CaseDetail,
  type CaseSummary,
  type Complaint,
  RESTRICT_DEFAULT_ACTIONS,
  type Restriction,
  Risk,
  type RiskOptions,
  type RoomSignal,
  type ScoreView,
  type Signal,
} from './service.ts';
export { judgeTiming, type TimingFeatures, type TimingVerdict, timingFeatures } from './timing.ts';
