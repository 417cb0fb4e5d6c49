import type { Tx } from '../storage/ports.ts';
import type { GateAction, GateDecision } from './ports.ts';
import type { RiskOptions, RiskParts, RoomSignal } from './model.ts';

export class RoomGate {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;

  constructor(o: RiskOptions, p: RiskParts) {
    this.#o = o;
    this.#p = p;
  }

  /** The rooms port: signals from rooms, in the rooms' unit of work. */
  async recordRoomSignal(tx: Tx, signal: RoomSignal): Promise<void> {
    const c = this.#o.config.credit;
    switch (signal.kind) {
      case 'hand_finished':
        await this.#p.hands.store(tx, signal.summary);
        return;
      case 'room_completed':
        for (const p of signal.playerIds) await this.#p.credit.roomCompleted(tx, p, signal.roomId);
        return;
      case 'early_exit':
        await this.#p.credit.adjustCredit(tx, signal.playerId, c.earlyExit, 'early_exit', signal.roomId);
        return;
      case 'identity_check_failed':
        await this.#p.credit.adjustCredit(tx, signal.playerId, c.identityCheckFailed, 'identity_check_failed', signal.roomId);
        await this.#p.signals.recordSignal(tx, {
          playerId: signal.playerId,
          kind: 'identity_check_failed',
          value: 1,
          subject: { kind: 'room', id: signal.roomId },
        });
        return;
      case 'report_filed':
        await this.#p.complaints.insertComplaint(tx, {
          reporterId: signal.playerId,
          targetPlayerId: signal.targetPlayerId,
          roomId: signal.roomId,
          reason: signal.reason,
          text: '',
        });
        return;
      case 'same_ip_blocked':
        await this.#p.signals.recordSignal(tx, {
          playerId: signal.playerId,
          kind: 'shared_address',
          value: this.#o.config.signals.shared_address.threshold,
          subject: { kind: 'room', id: signal.roomId },
        });
        return;
      case 'same_ip_dissolved':
        for (const p of signal.playerIds)
          await this.#p.signals.recordSignal(tx, {
            playerId: p,
            kind: 'shared_address',
            value: Math.max(signal.playerIds.length, this.#o.config.signals.shared_address.threshold),
            subject: { kind: 'room', id: signal.roomId },
            evidence: { players: signal.playerIds },
          });
        return;
    }
  }

  /** The rooms port (credit score and restrictions) before creating or joining a room. */
  async allows(playerId: string, action: GateAction): Promise<GateDecision> {
    const r = await this.#p.restrictions.restrictionFor(playerId, action);
    if (r) return { allow: false, ...r };
    const credit = await this.#p.credit.credit(playerId);
    const min = action === 'create_room' ? this.#o.config.credit.createRoomMin : this.#o.config.credit.joinRoomMin;
    if (credit < min)
      return {
        allow: false,
        code: 'CREDIT_TOO_LOW',
        message: `your credit score ${credit} is below ${min}, needed to ${action === 'create_room' ? 'create' : 'join'} rooms`,
      };
    return { allow: true };
  }
}
