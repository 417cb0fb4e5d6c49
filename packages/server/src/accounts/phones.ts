// A player's phone number, shared from the mini-program (getPhoneNumber). It is personal data:
// sealed at rest with the data key (bound to the player), with a keyed fingerprint so support can
// find the accounts sharing one number without decrypting. The player sees it masked.
import { AppError } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { AccountsErrors } from './errors.ts';
import type { WechatWeb } from './ports.ts';
import type { Sealer } from './sealing.ts';

export interface PhoneView {
  readonly countryCode: string;
  /** `138****8000`: enough for the player to recognise it. */
  readonly masked: string;
  readonly verifiedAtMs: number;
}

export function maskPhone(phone: string): string {
  return phone.length <= 7 ? `${phone.slice(0, 1)}****` : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export class Phones {
  readonly #o: { readonly store: Store; readonly sealer: Sealer; readonly miniprogramAppId: string; readonly web: WechatWeb | null };

  constructor(o: { readonly store: Store; readonly sealer: Sealer; readonly miniprogramAppId: string; readonly web: WechatWeb | null }) {
    this.#o = o;
  }

  get enabled(): boolean {
    return this.#o.web?.phone === true;
  }

  /** Exchanges the mini-program's getPhoneNumber code of `playerId` and keeps the number. */
  async share(playerId: string, code: string): Promise<PhoneView> {
    const web = this.#o.web;
    if (web === null || !web.phone) throw new AppError(AccountsErrors.PHONE_NOT_ENABLED);
    const { store, sealer, miniprogramAppId } = this.#o;
    const identity = (
      await store.reader.query<{ openid: string }>('SELECT openid FROM player_identities WHERE player_id = ? AND app_id = ?', [
        playerId,
        miniprogramAppId,
      ])
    )[0];
    if (identity === undefined) throw new AppError(AccountsErrors.PHONE_MINIPROGRAM_REQUIRED);
    const phone = await web.phoneNumber(code, identity.openid);
    return store.unitOfWork(
      async (tx) => {
        await tx.run(
          `INSERT INTO player_phones (player_id, sealed, fingerprint, country_code, verified_at_ms) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (player_id) DO UPDATE SET sealed = excluded.sealed, fingerprint = excluded.fingerprint,
             country_code = excluded.country_code, verified_at_ms = excluded.verified_at_ms`,
          [playerId, sealer.seal(phone.phoneNumber, playerId), sealer.fingerprint(phone.phoneNumber), phone.countryCode, tx.nowMs],
        );
        return { countryCode: phone.countryCode, masked: maskPhone(phone.phoneNumber), verifiedAtMs: tx.nowMs };
      },
      { label: 'accounts.sharePhone' },
    );
  }
}
