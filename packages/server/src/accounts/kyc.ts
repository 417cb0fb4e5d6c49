// Real-name identity (KYC). The name and identity number are sealed (AES-256-GCM) before they
// reach the database; a keyed fingerprint of the identity number finds a second account for the
// same person without decrypting anything. Screens get masked values; compliance gets the birth
// date it needs for age rules.
import { AppError, type Clock } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { parseIdNumber } from './id-number.ts';
import { REAL_NAME_LENGTH_MAX } from './limits.ts';
import type { VerificationProvider } from './ports.ts';
import type { Sealer } from './sealing.ts';

export interface KycStatus {
  readonly status: 'none' | 'verified';
  readonly maskedName: string | null;
  readonly maskedIdNumber: string | null;
  readonly verifiedAtMs: number | null;
}

export interface VerifiedIdentity {
  readonly realName: string;
  readonly idNumber: string;
  readonly birthDate: string;
}

const NAME_PATTERN = /^[\p{L}·• .'-]{2,40}$/u;

function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

function maskIdNumber(id: string): string {
  return `${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`;
}

export class Kyc {
  readonly #store: Store;
  readonly #provider: VerificationProvider;
  readonly #sealer: Sealer;
  readonly #analytics: Analytics;
  readonly #clock: Clock;

  constructor(options: { store: Store; provider: VerificationProvider; sealer: Sealer; analytics: Analytics; clock: Clock }) {
    this.#store = options.store;
    this.#provider = options.provider;
    this.#sealer = options.sealer;
    this.#analytics = options.analytics;
    this.#clock = options.clock;
  }

  async submit(playerId: string, input: { realName: string; idNumber: string }): Promise<KycStatus> {
    const realName = input.realName.trim();
    const idNumber = input.idNumber.trim().toUpperCase();
    if (realName.length > REAL_NAME_LENGTH_MAX || !NAME_PATTERN.test(realName)) {
      throw new AppError(AccountsErrors.KYC_NAME_INVALID);
    }
    const todayIso = new Date(this.#clock.nowMs()).toISOString().slice(0, 10);
    const parsed = parseIdNumber(idNumber, todayIso);
    if (parsed === null) throw new AppError(AccountsErrors.KYC_ID_NUMBER_INVALID, { field: 'idNumber' });
    if ((await this.status(playerId)).status === 'verified') throw new AppError(AccountsErrors.KYC_ALREADY_VERIFIED);
    const fingerprint = this.#sealer.fingerprint(idNumber);
    const taken = await this.#store.reader.query('SELECT 1 FROM player_kyc WHERE id_fingerprint = ?', [fingerprint]);
    if (taken.length > 0) throw new AppError(AccountsErrors.KYC_ID_NUMBER_IN_USE);

    const result = await this.#provider.verify({ realName, idNumber });
    if (!result.verified) {
      await this.#store.unitOfWork((tx) =>
        this.#analytics.append(tx, { kind: 'kyc_rejected', actor: { kind: 'player', id: playerId }, data: { reason: result.reason } }),
      );
      throw new AppError(AccountsErrors.KYC_REJECTED, { reason: result.reason });
    }
    const sealed = this.#sealer.seal(JSON.stringify({ realName, idNumber, birthDate: parsed.birthDate }), playerId);
    const outcome = await this.#store.unitOfWork(
      async (tx) => {
        const clash = await tx.query<{ player_id: string }>('SELECT player_id FROM player_kyc WHERE player_id = ? OR id_fingerprint = ?', [
          playerId,
          fingerprint,
        ]);
        if (clash.length > 0) return clash.some((c) => c.player_id === playerId) ? 'already' : 'in_use';
        await tx.run(
          'INSERT INTO player_kyc (player_id, status, sealed, id_fingerprint, provider_ref, verified_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
          [playerId, 'verified', sealed, fingerprint, result.providerRef, tx.nowMs],
        );
        await this.#analytics.append(tx, { kind: 'kyc_verified', actor: { kind: 'player', id: playerId } });
        return 'ok';
      },
      { label: 'accounts.kyc' },
    );
    if (outcome === 'already') throw new AppError(AccountsErrors.KYC_ALREADY_VERIFIED);
    if (outcome === 'in_use') throw new AppError(AccountsErrors.KYC_ID_NUMBER_IN_USE);
    return this.status(playerId);
  }

  async status(playerId: string): Promise<KycStatus> {
    const identity = await this.identityOf(playerId);
    if (identity === null) return { status: 'none', maskedName: null, maskedIdNumber: null, verifiedAtMs: null };
    const rows = await this.#store.reader.query<{ verified_at_ms: unknown }>('SELECT verified_at_ms FROM player_kyc WHERE player_id = ?', [
      playerId,
    ]);
    return {
      status: 'verified',
      maskedName: maskName(identity.realName),
      maskedIdNumber: maskIdNumber(identity.idNumber),
      verifiedAtMs: rows[0] ? intFromDb(rows[0].verified_at_ms) : null,
    };
  }

  /** The decrypted identity, for compliance (age rules) and authorised review only. */
  async identityOf(playerId: string): Promise<VerifiedIdentity | null> {
    const rows = await this.#store.reader.query<{ sealed: string }>(
      "SELECT sealed FROM player_kyc WHERE player_id = ? AND status = 'verified'",
      [playerId],
    );
    const row = rows[0];
    if (!row) return null;
    return JSON.parse(this.#sealer.open(row.sealed, playerId)) as VerifiedIdentity;
  }
}
