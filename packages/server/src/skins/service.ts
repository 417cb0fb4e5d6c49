// Skins: the look of a player's seat at a 拼三张 table. The catalogue and the VIP tiers are a
// setting (settings/vip.ts). A player has every free skin, the skins their VIP tier grants (tiers
// follow credited deposits, so earned skins are worked out, never stored), and the skins they
// bought: a purchase is a ledger transfer from their wallet to revenue in the same unit of work
// that records the skin, keyed by the player's request key, so a retry never pays twice. The skin
// a player wears is stored on the server; rooms read it when the player sits down and every
// other player at the table sees it.
import { AppError, assert } from '@fairground/core';
import { type Ledger, LedgerErrors, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Settings, VipSettings } from '../settings/index.ts';
import type { Reader, Store } from '../storage/ports.ts';
import { SkinErrors } from './errors.ts';

const PURCHASE_SCOPE = 'skins.purchase';

export interface SkinsOptions {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly settings: Settings;
  /** The player's credited deposits in fen (the analytics domain's tier row). */
  readonly depositsFenOf: (playerId: string) => Promise<number>;
}

export interface PlayerSkin {
  readonly id: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly priceFen: number | null;
  /** How the player has it, or null when they do not. */
  readonly source: 'free' | 'tier' | 'bought' | null;
}

export interface PlayerSkins {
  readonly tier: { readonly id: string; readonly title: { readonly zh: string; readonly en: string } } | null;
  readonly next: { readonly id: string; readonly depositsFenMin: number } | null;
  readonly depositsFen: number;
  readonly worn: string;
  readonly skins: readonly PlayerSkin[];
}

export class Skins {
  readonly #o: SkinsOptions;

  constructor(o: SkinsOptions) {
    this.#o = o;
  }

  #vip(): VipSettings {
    return this.#o.settings.get('vip');
  }

  /** The first free skin: what a player wears until they choose. */
  #defaultSkin(v: VipSettings): string {
    const free = v.skins.find((s) => s.free);
    assert(free !== undefined, 'the vip setting has a free skin (checked on save)');
    return free.id;
  }

  async #bought(reader: Reader, playerId: string): Promise<Set<string>> {
    const rows = await reader.query<{ skin_id: string }>('SELECT skin_id FROM player_skins WHERE player_id = ?', [playerId]);
    return new Set(rows.map((r) => r.skin_id));
  }

  async view(playerId: string): Promise<PlayerSkins> {
    const v = this.#vip();
    const depositsFen = await this.#o.depositsFenOf(playerId);
    const tier = [...v.tiers].reverse().find((t) => depositsFen >= t.depositsFenMin) ?? null;
    const next = v.tiers.find((t) => depositsFen < t.depositsFenMin) ?? null;
    const bought = await this.#bought(this.#o.store.reader, playerId);
    const skins = v.skins.map(
      (s): PlayerSkin => ({
        id: s.id,
        title: s.title,
        priceFen: s.priceFen,
        source: s.free ? 'free' : tier?.skins.includes(s.id) ? 'tier' : bought.has(s.id) ? 'bought' : null,
      }),
    );
    const wornRows = await this.#o.store.reader.query<{ skin_id: string }>('SELECT skin_id FROM player_skin_worn WHERE player_id = ?', [
      playerId,
    ]);
    const chosen = wornRows[0]?.skin_id;
    // A worn skin the player no longer has (the tier's skins changed, the skin was removed) falls back to the default.
    const worn = chosen !== undefined && skins.some((s) => s.id === chosen && s.source !== null) ? chosen : this.#defaultSkin(v);
    return {
      tier: tier === null ? null : { id: tier.id, title: tier.title },
      next: next === null ? null : { id: next.id, depositsFenMin: next.depositsFenMin },
      depositsFen,
      worn,
      skins,
    };
  }

  /** The skin a player shows at a table now. */
  async wornBy(playerId: string): Promise<string> {
    return (await this.view(playerId)).worn;
  }

  /** Buys a skin at its current price. The same request key again answers the first purchase. */
  async buy(playerId: string, skinId: string, requestKey: string): Promise<{ view: PlayerSkins; replayed: boolean }> {
    const skin = this.#vip().skins.find((s) => s.id === skinId);
    if (skin === undefined) throw new AppError(SkinErrors.SKIN_UNKNOWN, { skin: skinId });
    // Whether the tier or a free skin already gives it is read first: a unit awaits nothing but its tx.
    const before = await this.view(playerId);
    const replayed = await this.#o.store.unitOfWork(
      async (tx) => {
        await this.#o.ledger.serialize(tx);
        const again = await tx.query<{ skin_id: string }>('SELECT skin_id FROM player_skins WHERE player_id = ? AND request_key = ?', [
          playerId,
          requestKey,
        ]);
        if (again[0]) {
          if (again[0].skin_id !== skinId) throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { requestKey });
          return true;
        }
        if (before.skins.find((s) => s.id === skinId)?.source !== null || (await this.#bought(tx, playerId)).has(skinId))
          throw new AppError(SkinErrors.SKIN_OWNED, { skin: skinId });
        if (skin.priceFen === null) throw new AppError(SkinErrors.SKIN_NOT_FOR_SALE, { skin: skinId });
        let transferId: string;
        try {
          const r = await this.#o.ledger.transfer(tx, {
            scope: PURCHASE_SCOPE,
            key: `${playerId}:${requestKey}`,
            debit: playerAccount(playerId, 'CNY'),
            credit: systemAccount('revenue', 'CNY'),
            asset: 'CNY',
            amount: skin.priceFen,
            code: 'skin_purchase',
            metadata: { skin: skinId },
          });
          transferId = r.transfers[0]?.id ?? '';
        } catch (e) {
          if (e instanceof AppError && e.code === LedgerErrors.LEDGER_INSUFFICIENT_FUNDS.code)
            throw new AppError(SkinErrors.SKIN_FUNDS_INSUFFICIENT, { priceFen: skin.priceFen });
          throw e;
        }
        await tx.run(
          'INSERT INTO player_skins (player_id, skin_id, price_fen, transfer_id, request_key, acquired_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
          [playerId, skinId, skin.priceFen, transferId, requestKey, tx.nowMs],
        );
        return false;
      },
      { label: 'skins.buy' },
    );
    return { view: await this.view(playerId), replayed };
  }

  /** Wears a skin the player has. */
  async wear(playerId: string, skinId: string): Promise<PlayerSkins> {
    const current = await this.view(playerId);
    const skin = current.skins.find((s) => s.id === skinId);
    if (skin === undefined) throw new AppError(SkinErrors.SKIN_UNKNOWN, { skin: skinId });
    if (skin.source === null) throw new AppError(SkinErrors.SKIN_NOT_OWNED, { skin: skinId });
    await this.#o.store.unitOfWork(
      (tx) =>
        tx.run(
          `INSERT INTO player_skin_worn (player_id, skin_id, updated_at_ms) VALUES (?, ?, ?)
           ON CONFLICT (player_id) DO UPDATE SET skin_id = excluded.skin_id, updated_at_ms = excluded.updated_at_ms`,
          [playerId, skinId, tx.nowMs],
        ),
      { label: 'skins.wear' },
    );
    return this.view(playerId);
  }
}
