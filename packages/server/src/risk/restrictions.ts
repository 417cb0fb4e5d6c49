// Restrictions and bans: placed automatically by a severe signal or by an operator (audited),
// lifted by an operator, and what the compliance port asks before each money or play action.
import { AppError, newId } from '@fairground/core';
import type { ComplianceAction } from '../compliance/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { Tx } from '../storage/ports.ts';
import { RiskErrors } from './errors.ts';
import type { RequestMeta } from './ports.ts';
import { BAN_ACTIONS, RESTRICT_DEFAULT_ACTIONS, type Restriction, type RiskOptions, type Row, toRestriction } from './model.ts';

export class Restrictions {
  readonly #o: RiskOptions;

  constructor(o: RiskOptions) {
    this.#o = o;
  }

  /** The compliance port: an active restriction that blocks this action, if any. */
  async restrictionFor(playerId: string, action: ComplianceAction): Promise<{ code: string; message: string } | null> {
    // A ban answers before a lesser restriction: the player is told the strongest reason.
    const active = (await this.restrictions(playerId)).sort((x, y) => (x.kind === y.kind ? 0 : x.kind === 'ban' ? -1 : 1));
    for (const r of active) {
      if (!r.actions.includes(action)) continue;
      return r.kind === 'ban'
        ? { code: 'PLAYER_BANNED', message: 'this account is banned; contact support' }
        : { code: 'PLAYER_RESTRICTED', message: `this account is restricted (${r.reason}); contact support` };
    }
    return null;
  }

  async restrictIn(
    tx: Tx,
    r: {
      playerId: string;
      kind: 'restrict' | 'ban';
      actions: readonly ComplianceAction[];
      reason: string;
      caseId: string | null;
      createdBy: string;
      untilMs: number | null;
    },
  ): Promise<string> {
    const id = newId('rst');
    await tx.run(
      'INSERT INTO risk_restrictions (id, player_id, kind, actions, reason, case_id, created_by, created_at_ms, until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, r.playerId, r.kind, JSON.stringify(r.actions), r.reason.slice(0, 500), r.caseId, r.createdBy, tx.nowMs, r.untilMs],
    );
    return id;
  }

  /** Active restrictions of a player. */
  async restrictions(playerId: string): Promise<Restriction[]> {
    const nowMs = this.#o.clock.nowMs();
    const rows = await this.#o.store.reader.query<Row>(
      'SELECT * FROM risk_restrictions WHERE player_id = ? AND lifted_at_ms IS NULL AND (until_ms IS NULL OR until_ms > ?) ORDER BY created_at_ms, id',
      [playerId, nowMs],
    );
    return rows.map(toRestriction);
  }

  async restrict(
    op: OperatorActor,
    input: { playerId: string; kind: 'restrict' | 'ban'; actions?: readonly ComplianceAction[]; reason: string; days?: number },
    meta: RequestMeta,
  ): Promise<Restriction[]> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        const actions =
          input.kind === 'ban' ? BAN_ACTIONS : input.actions && input.actions.length > 0 ? input.actions : RESTRICT_DEFAULT_ACTIONS;
        const id = await this.restrictIn(tx, {
          playerId: input.playerId,
          kind: input.kind,
          actions,
          reason: input.reason,
          caseId: null,
          createdBy: op.username,
          untilMs: input.days ? tx.nowMs + input.days * 24 * 3600 * 1000 : null,
        });
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: `risk.${input.kind}`,
          target: { kind: 'player', id: input.playerId },
          reason: input.reason,
          after: { restrictionId: id, actions, days: input.days ?? null },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'risk.restrict' },
    );
    return this.restrictions(input.playerId);
  }

  async lift(op: OperatorActor, playerId: string, restrictionId: string, reason: string, meta: RequestMeta): Promise<Restriction[]> {
    const changed = await this.#o.store.unitOfWork(
      async (tx) => {
        const n = await tx.run(
          'UPDATE risk_restrictions SET lifted_at_ms = ?, lifted_by = ? WHERE id = ? AND player_id = ? AND lifted_at_ms IS NULL',
          [tx.nowMs, op.username, restrictionId, playerId],
        );
        if (n === 0) return false;
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'risk.lift',
          target: { kind: 'player', id: playerId },
          reason,
          before: { restrictionId },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return true;
      },
      { label: 'risk.lift' },
    );
    if (!changed) throw new AppError(RiskErrors.RISK_RESTRICTION_NOT_FOUND, { restrictionId });
    return this.restrictions(playerId);
  }
}
