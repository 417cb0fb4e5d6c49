// Risk: the risk domain's one public service, composed of its parts — signals and the score
// (signals.ts), the rooms' gate and signals (gate.ts), restrictions, withdrawal assessment
// (withdrawals.ts), review cases (cases.ts), the credit score (credit.ts), complaints and linked
// accounts (links.ts), and the learned score beside the rules (learned.ts).
// Weights, thresholds and credit rules come from the risk configuration; legal limits stay in the
// compliance policy.
import type { ComplianceAction } from '../compliance/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { Tx } from '../storage/ports.ts';
import { Cases } from './cases.ts';
import type { HandSummary } from './collusion.ts';
import { Complaints } from './complaints.ts';
import type { RiskConfig, SignalKind } from './config.ts';
import { Credit } from './credit.ts';
import { RoomGate } from './gate.ts';
import type {
  CaseAction,
  CaseDetail,
  CaseStatus,
  CaseSummary,
  Complaint,
  Restriction,
  RiskOptions,
  RiskParts,
  RoomSignal,
  ScoreView,
  Signal,
} from './model.ts';
import type { GateAction, GateDecision, RequestMeta } from './ports.ts';
import { FraudModels } from './learned.ts';
import { LinkedAccountsSource } from './links.ts';
import { Restrictions } from './restrictions.ts';
import { type HandsPassReport, RoomHands } from './room-hands.ts';
import { RiskSignals } from './signals.ts';
import { WithdrawalAssessment } from './withdrawals.ts';

export {
  BAN_ACTIONS,
  type CaseAction,
  type CaseDetail,
  type CaseSummary,
  type Complaint,
  RESTRICT_DEFAULT_ACTIONS,
  type Restriction,
  type RiskOptions,
  type RoomSignal,
  type ScoreView,
  type Signal,
} from './model.ts';

export class Risk {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;
  readonly #gate: RoomGate;
  readonly #withdrawals: WithdrawalAssessment;
  /** Linked accounts (links.ts): other domains report what they see; matchmaking and tournaments ask. */
  readonly links: LinkedAccountsSource;
  /** The learned score beside the rules (learned.ts): case scores, versioned models, activation. */
  readonly models: FraudModels;

  constructor(options: RiskOptions) {
    this.#o = options;
    // Each part reaches its siblings through this one object, filled before any is called.
    const parts = {} as { -readonly [K in keyof RiskParts]: RiskParts[K] };
    parts.signals = new RiskSignals(options, parts);
    parts.restrictions = new Restrictions(options);
    parts.cases = new Cases(options, parts);
    parts.credit = new Credit(options);
    parts.complaints = new Complaints(options, parts);
    parts.hands = new RoomHands(options, parts);
    this.#p = parts;
    this.#gate = new RoomGate(options, parts);
    this.models = new FraudModels(options);
    this.#withdrawals = new WithdrawalAssessment(options, parts, this.models);
    this.links = new LinkedAccountsSource(options);
  }

  get config(): RiskConfig {
    return this.#o.config;
  }

  // signals and score

  recordSignal(
    tx: Tx,
    s: { playerId: string; kind: SignalKind; value: number; subject?: { kind: string; id: string }; evidence?: unknown },
  ): Promise<string | null> {
    return this.#p.signals.recordSignal(tx, s);
  }
  signalsOf(playerId: string, sinceMs = 0): Promise<Signal[]> {
    return this.#p.signals.signalsOf(playerId, sinceMs);
  }
  score(playerId: string): Promise<ScoreView> {
    return this.#p.signals.score(playerId);
  }
  ingestTiming(playerId: string, sessionId: string, intervalsMs: readonly number[]): Promise<boolean> {
    return this.#p.signals.ingestTiming(playerId, sessionId, intervalsMs);
  }
  ingestHands(hands: readonly HandSummary[]): ReturnType<RiskSignals['ingestHands']> {
    return this.#p.signals.ingestHands(hands);
  }
  /** The `risk.hands` job: new card-room hands judged, rooms of colluders dissolved (throws when a dissolution failed). */
  judgeRoomHands(): Promise<HandsPassReport> {
    return this.#p.hands.judgePending();
  }
  /** The policy's actions on rooms with their evidence and outcome (the console's review queue). */
  roomActions(limit: number): ReturnType<RoomHands['roomActions']> {
    return this.#p.hands.roomActions(limit);
  }
  pollEvents(): Promise<number> {
    return this.#p.signals.pollEvents();
  }

  // the rooms' ports and restrictions

  recordRoomSignal(tx: Tx, signal: RoomSignal): Promise<void> {
    return this.#gate.recordRoomSignal(tx, signal);
  }
  allows(playerId: string, action: GateAction): Promise<GateDecision> {
    return this.#gate.allows(playerId, action);
  }
  restrictionFor(playerId: string, action: ComplianceAction): Promise<{ code: string; message: string } | null> {
    return this.#p.restrictions.restrictionFor(playerId, action);
  }
  restrictions(playerId: string): Promise<Restriction[]> {
    return this.#p.restrictions.restrictions(playerId);
  }
  restrict(
    op: OperatorActor,
    input: { playerId: string; kind: 'restrict' | 'ban'; actions?: readonly ComplianceAction[]; reason: string; days?: number },
    meta: RequestMeta,
  ): Promise<Restriction[]> {
    return this.#p.restrictions.restrict(op, input, meta);
  }
  lift(op: OperatorActor, playerId: string, restrictionId: string, reason: string, meta: RequestMeta): Promise<Restriction[]> {
    return this.#p.restrictions.lift(op, playerId, restrictionId, reason, meta);
  }

  // withdrawals and cases

  assessWithdrawal(input: {
    playerId: string;
    amountFen: number;
    nowMs: number;
  }): Promise<{ action: 'allow' } | { action: 'review'; reasons: string[] } | { action: 'deny'; reasons: string[] }> {
    return this.#withdrawals.assessWithdrawal(input);
  }
  /** The payments port: an operator decided a withdrawal in 提现审核; its case takes the same decision. */
  withdrawalDecided(tx: Tx, input: Parameters<Cases['withdrawalDecided']>[1]): Promise<void> {
    return this.#p.cases.withdrawalDecided(tx, input);
  }
  /**
   * The chat domain: a player's typed messages keep failing the content check. Opens a case (kind
   * `signal`) in the caller's unit of work with the refused messages as evidence; the chat domain
   * restricts the player's chat itself. Returns the case id.
   */
  openChatCase(tx: Tx, c: { playerId: string; summary: string; evidence: unknown }): Promise<string> {
    return this.#p.cases.openCase(tx, {
      playerId: c.playerId,
      kind: 'signal',
      score: 0,
      amountFen: null,
      summary: c.summary,
      evidence: c.evidence,
    });
  }
  listCases(q: { status?: CaseStatus; playerId?: string; limit?: number }): Promise<CaseSummary[]> {
    return this.#p.cases.listCases(q);
  }
  getCase(caseId: string): Promise<CaseDetail> {
    return this.#p.cases.getCase(caseId);
  }
  actOnCase(
    caseId: string,
    op: OperatorActor,
    action: CaseAction,
    note: string,
    meta: RequestMeta,
    options: { days?: number } = {},
  ): Promise<CaseDetail> {
    return this.#p.cases.actOnCase(caseId, op, action, note, meta, options);
  }

  // credit

  credit(playerId: string): Promise<number> {
    return this.#p.credit.credit(playerId);
  }
  creditHistory(playerId: string): ReturnType<Credit['creditHistory']> {
    return this.#p.credit.creditHistory(playerId);
  }
  roomCompleted(tx: Tx, playerId: string, roomId: string): Promise<void> {
    return this.#p.credit.roomCompleted(tx, playerId, roomId);
  }

  // complaints

  fileComplaint(reporterId: string, c: { targetPlayerId?: string; roomId?: string; reason: string; text: string }): Promise<Complaint> {
    return this.#p.complaints.fileComplaint(reporterId, c);
  }
  getComplaint(id: string): Promise<Complaint> {
    return this.#p.complaints.getComplaint(id);
  }
  complaints(q: { status?: Complaint['status']; targetPlayerId?: string; reporterId?: string; limit?: number }): Promise<Complaint[]> {
    return this.#p.complaints.complaints(q);
  }
  resolveComplaint(id: string, op: OperatorActor, outcome: 'upheld' | 'dismissed', note: string, meta: RequestMeta): Promise<Complaint> {
    return this.#p.complaints.resolveComplaint(id, op, outcome, note, meta);
  }
  escalateComplaint(id: string, op: OperatorActor, note: string, meta: RequestMeta): Promise<CaseDetail> {
    return this.#p.complaints.escalateComplaint(id, op, note, meta);
  }
  complaintRate(fromMs: number): ReturnType<Complaints['complaintRate']> {
    return this.#p.complaints.complaintRate(fromMs);
  }
}
