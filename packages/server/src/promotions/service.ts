// Promotions: campaigns with budgets; bonuses credited as the separate BONUS asset with a
// wagering requirement (withdrawals wait until it is met); invite-a-friend rewards in room cards,
// paid once the friend has verified their real name and only when the pair does not look like one
// person with two accounts; and platform POINTS, issued only here and by operators. Points move
// only from the issuance account to a player: there is no transfer between players and no
// redemption (the compliance policy refuses `redeem_points` whatever it says).
import { randomBytes } from 'node:crypto';
import { AppError, assertionFailed, type Clock, newId, present } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { IdentitySource } from '../compliance/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import { type Asset, type Ledger, LedgerErrors, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb, isUniqueViolation } from '../storage/sql.ts';
import { PromotionsErrors } from './errors.ts';

export type CampaignKind = 'bonus' | 'invite' | 'points';
/** Ledger codes whose debits count as wagering towards a bonus. */
const WAGER_CODES = new Set(['entry_fee', 'room_fee']);
/** A player older than this is no longer new enough to be invited. */
export const REFERRAL_NEW_PLAYER_MS = 7 * 24 * 3600 * 1000;
/** Referrals accepted from one address in a day beyond which they look farmed. */
export const REFERRALS_PER_ADDRESS_DAY_MAX = 3;
/** Referrals settled per call. */
const SETTLE_BATCH_MAX = 200;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Fresh invite codes tried when a random one is already someone else's (32^8 codes: practically never twice). */
const INVITE_CODE_ATTEMPTS_MAX = 4;

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly kind: CampaignKind;
  readonly asset: Asset;
  readonly amount: number;
  readonly inviteeAmount: number;
  readonly wageringMultiplier: number;
  readonly budget: number;
  readonly spent: number;
  readonly perPlayerMax: number;
  readonly startsAtMs: number;
  readonly endsAtMs: number | null;
  readonly status: 'active' | 'paused';
}

export interface Grant {
  readonly id: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly asset: Asset;
  readonly amount: number;
  readonly wageringRequiredFen: number;
  readonly status: 'active' | 'completed';
  readonly transferId: string;
  readonly createdAtMs: number;
}

export interface Wagering {
  readonly requiredFen: number;
  readonly wageredFen: number;
  readonly outstandingFen: number;
}

type Row = Record<string, unknown>;

function toCampaign(r: Row): Campaign {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as CampaignKind,
    asset: r.asset as Asset,
    amount: intFromDb(r.amount),
    inviteeAmount: intFromDb(r.invitee_amount),
    wageringMultiplier: intFromDb(r.wagering_multiplier),
    budget: intFromDb(r.budget),
    spent: intFromDb(r.spent),
    perPlayerMax: intFromDb(r.per_player_max),
    startsAtMs: intFromDb(r.starts_at_ms),
    endsAtMs: intOrNullFromDb(r.ends_at_ms),
    status: r.status === 'paused' ? 'paused' : 'active',
  };
}

/** The grant a reused key made, when the request names the same player (and reason, when both are known). */
function replayedGrant(r: Row, playerId: string, reason: string | null, idemKey: string): Grant {
  const g = toGrant(r);
  const stored = (r.reason as string | null | undefined) ?? null;
  if (g.playerId !== playerId || (stored !== null && reason !== null && stored !== reason)) {
    throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { idempotencyKey: idemKey, grantId: g.id });
  }
  return g;
}

function toGrant(r: Row): Grant {
  return {
    id: r.id as string,
    campaignId: r.campaign_id as string,
    playerId: r.player_id as string,
    asset: r.asset as Asset,
    amount: intFromDb(r.amount),
    wageringRequiredFen: intFromDb(r.wagering_required_fen),
    status: r.status === 'completed' ? 'completed' : 'active',
    transferId: r.transfer_id as string,
    createdAtMs: intFromDb(r.created_at_ms),
  };
}

export interface PromotionsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly audit: AuditLog;
  readonly identity: IdentitySource;
  /** When each player was created (the accounts domain knows). */
  readonly createdAtMsOf: (playerId: string) => Promise<number | null>;
  /** The address a player's latest request came from. */
  readonly addressOf: (playerId: string) => string | null;
}

export class Promotions {
  readonly #o: PromotionsOptions;

  constructor(options: PromotionsOptions) {
    this.#o = options;
  }

  // ------------------------------------------------------------------ campaigns

  async createCampaign(
    op: OperatorActor,
    c: {
      name: string;
      kind: CampaignKind;
      amount: number;
      inviteeAmount?: number;
      wageringMultiplier?: number;
      budget: number;
      perPlayerMax: number;
      endsAtMs?: number;
    },
    meta: { requestId: string; ip: string },
  ): Promise<Campaign> {
    // The asset follows the kind: bonuses are BONUS, invite rewards ROOM_CARD, points POINTS.
    const asset: Asset = c.kind === 'bonus' ? 'BONUS' : c.kind === 'invite' ? 'ROOM_CARD' : 'POINTS';
    const multiplier = c.kind === 'bonus' ? (c.wageringMultiplier ?? 0) : 0;
    if (c.amount <= 0 || c.budget < c.amount || (c.inviteeAmount ?? 0) < 0 || (c.kind !== 'invite' && (c.inviteeAmount ?? 0) > 0))
      throw new AppError(PromotionsErrors.PROMO_CAMPAIGN_INVALID);
    const id = newId('camp');
    await this.#o.store.unitOfWork(
      async (tx) => {
        await tx.run(
          `INSERT INTO promo_campaigns (id, name, kind, asset, amount, invitee_amount, wagering_multiplier, budget, spent, per_player_max, starts_at_ms, ends_at_ms, status, created_by, created_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 'active', ?, ?)`,
          [
            id,
            c.name,
            c.kind,
            asset,
            c.amount,
            c.inviteeAmount ?? 0,
            multiplier,
            c.budget,
            c.perPlayerMax,
            tx.nowMs,
            c.endsAtMs ?? null,
            op.username,
            tx.nowMs,
          ],
        );
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'promotions.create_campaign',
          target: { kind: 'campaign', id },
          after: { ...c, asset },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'promotions.createCampaign' },
    );
    return this.campaign(id);
  }

  async campaign(id: string): Promise<Campaign> {
    const rows = await this.#o.store.reader.query<Row>('SELECT * FROM promo_campaigns WHERE id = ?', [id]);
    if (!rows[0]) throw new AppError(PromotionsErrors.PROMO_CAMPAIGN_NOT_FOUND, { campaignId: id });
    return toCampaign(rows[0]);
  }

  async campaigns(): Promise<Campaign[]> {
    return (await this.#o.store.reader.query<Row>('SELECT * FROM promo_campaigns ORDER BY created_at_ms DESC, id LIMIT 200')).map(
      toCampaign,
    );
  }

  /**
   * Grants `amount` of the campaign's asset to a player in `tx`: the budget is taken first (a
   * conditional update, so two grants cannot both take the last of it), then the ledger transfer.
   */
  /**
   * Grants a campaign's amount in `tx`, once per (campaign, key). Everything that depends on other
   * grants (the key, the player's count against the campaign's limit) is read after the ledger's
   * lock, so parallel grants are counted one after another. The same key again answers the grant
   * it made (`replayed`) when it names the same player and reason, else LEDGER_IDEMPOTENCY_CONFLICT.
   */
  async #grantIn(
    tx: Tx,
    campaignId: string,
    playerId: string,
    amount: number,
    idemKey: string,
    reason: string | null,
  ): Promise<{ grant: Grant; replayed: boolean }> {
    await this.#o.ledger.serialize(tx);
    const existing = await tx.query<Row>('SELECT * FROM promo_grants WHERE campaign_id = ? AND idem_key = ?', [campaignId, idemKey]);
    if (existing[0]) return { grant: replayedGrant(existing[0], playerId, reason, idemKey), replayed: true };
    const rows = await tx.query<Row>('SELECT * FROM promo_campaigns WHERE id = ?', [campaignId]);
    if (!rows[0]) throw new AppError(PromotionsErrors.PROMO_CAMPAIGN_NOT_FOUND, { campaignId });
    const c = toCampaign(rows[0]);
    if (c.status !== 'active' || tx.nowMs < c.startsAtMs || (c.endsAtMs !== null && tx.nowMs >= c.endsAtMs))
      throw new AppError(PromotionsErrors.PROMO_CAMPAIGN_INACTIVE);
    const given = await tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM promo_grants WHERE campaign_id = ? AND player_id = ?', [
      campaignId,
      playerId,
    ]);
    if (intFromDb(given[0]?.n ?? 0) >= c.perPlayerMax) throw new AppError(PromotionsErrors.PROMO_PLAYER_LIMIT);
    const took = await tx.run("UPDATE promo_campaigns SET spent = spent + ? WHERE id = ? AND status = 'active' AND spent + ? <= budget", [
      amount,
      campaignId,
      amount,
    ]);
    if (took !== 1) throw new AppError(PromotionsErrors.PROMO_BUDGET_EXHAUSTED, { campaignId });
    const id = newId('grant');
    const source = c.asset === 'POINTS' ? systemAccount('points_issuance', 'POINTS') : systemAccount('promotions', c.asset);
    const r = await this.#o.ledger.transfer(tx, {
      scope: 'promotions.grant',
      key: id,
      debit: source,
      credit: playerAccount(playerId, c.asset),
      asset: c.asset,
      amount,
      code: c.asset === 'POINTS' ? 'points_grant' : 'bonus',
      metadata: { campaignId },
    });
    const wagering = c.asset === 'BONUS' ? amount * c.wageringMultiplier : 0;
    await tx.run(
      'INSERT INTO promo_grants (id, campaign_id, player_id, asset, amount, wagering_required_fen, status, idem_key, transfer_id, created_at_ms, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        campaignId,
        playerId,
        c.asset,
        amount,
        wagering,
        wagering > 0 ? 'active' : 'completed',
        idemKey,
        present(r.transfers[0], 'a one-transfer batch returns its transfer').id,
        tx.nowMs,
        reason,
      ],
    );
    return {
      grant: toGrant(present((await tx.query<Row>('SELECT * FROM promo_grants WHERE id = ?', [id]))[0], `grant ${id} was just written`)),
      replayed: false,
    };
  }

  /** An operator grants a campaign's amount (bonus or points) to a player; audited, idempotent by key. */
  async grant(
    op: OperatorActor,
    campaignId: string,
    playerId: string,
    idemKey: string,
    reason: string,
    meta: { requestId: string; ip: string },
  ): Promise<Grant & { replayed: boolean }> {
    const c = await this.campaign(campaignId);
    try {
      const { grant: g, replayed } = await this.#o.store.unitOfWork(
        async (tx) => {
          const made = await this.#grantIn(tx, campaignId, playerId, c.amount, idemKey, reason);
          if (made.replayed) return made;
          const g = made.grant;
          await this.#o.audit.record(tx, {
            operator: { id: op.operatorId, username: op.username },
            action: 'promotions.grant',
            target: { kind: 'player', id: playerId },
            reason,
            after: { campaignId, grantId: g.id, asset: g.asset, amount: g.amount, wageringRequiredFen: g.wageringRequiredFen },
            requestId: meta.requestId,
            ip: meta.ip,
          });
          return made;
        },
        { label: 'promotions.grant' },
      );
      return { ...g, replayed };
    } catch (e) {
      // A parallel grant with the same key committed between this one's lookup and its insert.
      if (!isUniqueViolation(e)) throw e;
      const rows = await this.#o.store.reader.query<Row>('SELECT * FROM promo_grants WHERE campaign_id = ? AND idem_key = ?', [
        campaignId,
        idemKey,
      ]);
      if (!rows[0]) throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { campaignId, idempotencyKey: idemKey });
      return { ...replayedGrant(rows[0], playerId, reason, idemKey), replayed: true };
    }
  }

  async grantsOf(playerId: string): Promise<Grant[]> {
    return (
      await this.#o.store.reader.query<Row>('SELECT * FROM promo_grants WHERE player_id = ? ORDER BY created_at_ms, id LIMIT 200', [
        playerId,
      ])
    ).map(toGrant);
  }

  // ------------------------------------------------------------------ wagering

  /**
   * Wagering on a player's active bonuses: the requirement of every active grant, and the entry
   * and room fees paid (from cash or bonus) since the oldest of them. Met requirements complete.
   */
  async wagering(playerId: string): Promise<Wagering> {
    const active = (
      await this.#o.store.reader.query<Row>(
        "SELECT * FROM promo_grants WHERE player_id = ? AND status = 'active' ORDER BY created_at_ms, id",
        [playerId],
      )
    ).map(toGrant);
    if (active.length === 0) return { requiredFen: 0, wageredFen: 0, outstandingFen: 0 };
    const fromMs = present(active[0], 'a grant is active').createdAtMs;
    let wageredFen = 0;
    for (const asset of ['CNY', 'BONUS'] as const) {
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await this.#o.ledger.history({
          ownerKind: 'player',
          ownerId: playerId,
          asset,
          fromMs,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const i of r.items)
          if (
            WAGER_CODES.has(i.code) &&
            i.direction === 'out' &&
            (i.kind === 'posted' || i.kind === 'pending') &&
            i.pendingState !== 'voided'
          )
            wageredFen += i.amount;
        if (r.nextCursor === null) break;
        cursor = r.nextCursor;
      }
    }
    const requiredFen = active.reduce((t, g) => t + g.wageringRequiredFen, 0);
    const outstandingFen = Math.max(0, requiredFen - wageredFen);
    if (outstandingFen === 0) {
      await this.#o.store.unitOfWork(
        async (tx) => {
          for (const g of active) await tx.run("UPDATE promo_grants SET status = 'completed' WHERE id = ? AND status = 'active'", [g.id]);
        },
        { label: 'promotions.wageringMet' },
      );
    }
    return { requiredFen, wageredFen, outstandingFen };
  }

  /** The payments port: wagering left before bonus-derived funds may be withdrawn. */
  get wageringPort(): { outstandingWageringFen(playerId: string): Promise<number> } {
    return { outstandingWageringFen: async (playerId) => (await this.wagering(playerId)).outstandingFen };
  }

  // ------------------------------------------------------------------ invitations

  async inviteCode(playerId: string): Promise<string> {
    const mine = async () =>
      (await this.#o.store.reader.query<{ code: string }>('SELECT code FROM promo_invite_codes WHERE player_id = ?', [playerId]))[0]?.code;
    const have = await mine();
    if (have !== undefined) return have;
    for (let attempt = 0; attempt < INVITE_CODE_ATTEMPTS_MAX; attempt++) {
      const bytes = randomBytes(8);
      const code = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
      // No conflict target: neither a parallel request for this player nor another player's equal
      // code can fail the insert; whichever row exists for this player afterwards is the answer.
      await this.#o.store.unitOfWork(
        (tx) =>
          tx.run('INSERT INTO promo_invite_codes (player_id, code, created_at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
            playerId,
            code,
            tx.nowMs,
          ]),
        { label: 'promotions.inviteCode' },
      );
      const now = await mine();
      if (now !== undefined) return now;
    }
    assertionFailed(`no free invite code after ${INVITE_CODE_ATTEMPTS_MAX} attempts`);
  }

  /**
   * A new player accepts an invitation. Self-referral is refused at once when it is plain (one's
   * own code); a shared address or an address already used by several invitees today is recorded
   * as a rejected referral, so the reward is never paid but the attempt stays visible.
   */
  async acceptInvite(inviteeId: string, code: string): Promise<{ status: 'pending' | 'rejected'; reason: string | null }> {
    const owner = await this.#o.store.reader.query<{ player_id: string }>('SELECT player_id FROM promo_invite_codes WHERE code = ?', [
      code.trim().toUpperCase(),
    ]);
    const inviterId = owner[0]?.player_id;
    if (inviterId === undefined) throw new AppError(PromotionsErrors.PROMO_INVITE_CODE_UNKNOWN);
    if (inviterId === inviteeId) throw new AppError(PromotionsErrors.PROMO_SELF_REFERRAL);
    const createdAtMs = await this.#o.createdAtMsOf(inviteeId);
    if (createdAtMs === null || this.#o.clock.nowMs() - createdAtMs > REFERRAL_NEW_PLAYER_MS)
      throw new AppError(PromotionsErrors.PROMO_REFERRAL_NOT_NEW);
    const inviteeAddress = this.#o.addressOf(inviteeId);
    const inviterAddress = this.#o.addressOf(inviterId);
    const outcome = await this.#o.store.unitOfWork(
      async (tx) => {
        // After the ledger's lock the referrals counted below include every one committed before.
        await this.#o.ledger.serialize(tx);
        const already = await tx.query('SELECT 1 FROM promo_referrals WHERE invitee_id = ?', [inviteeId]);
        if (already.length > 0) return null;
        let reason: string | null = null;
        if (inviteeAddress !== null && inviteeAddress === inviterAddress) reason = 'SELF_REFERRAL_SHARED_ADDRESS';
        else if (inviteeAddress !== null) {
          const same = await tx.query<{ n: unknown }>(
            'SELECT COUNT(*) AS n FROM promo_referrals WHERE invitee_address = ? AND created_at_ms >= ?',
            [inviteeAddress, tx.nowMs - 24 * 3600 * 1000],
          );
          if (intFromDb(same[0]?.n ?? 0) >= REFERRALS_PER_ADDRESS_DAY_MAX) reason = 'SELF_REFERRAL_ADDRESS_FARM';
        }
        const status = reason === null ? 'pending' : 'rejected';
        const inserted = await tx.run(
          'INSERT INTO promo_referrals (invitee_id, inviter_id, status, reason, invitee_address, inviter_address, created_at_ms, decided_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (invitee_id) DO NOTHING',
          [inviteeId, inviterId, status, reason, inviteeAddress, inviterAddress, tx.nowMs, reason === null ? null : tx.nowMs],
        );
        if (inserted !== 1) return null;
        return { status, reason } as const;
      },
      { label: 'promotions.acceptInvite' },
    );
    if (outcome === null) throw new AppError(PromotionsErrors.PROMO_ALREADY_REFERRED);
    return outcome;
  }

  /**
   * Pays pending referrals whose invitee has verified their real name, from the active invite
   * campaign: the inviter gets its amount and the invitee its invitee amount, in room cards.
   * A referral whose two players turned out to share an address since is rejected instead.
   */
  async settleReferrals(): Promise<{ rewarded: number; rejected: number; waiting: number }> {
    const pending = await this.#o.store.reader.query<Row>(
      "SELECT * FROM promo_referrals WHERE status = 'pending' ORDER BY created_at_ms LIMIT ?",
      [SETTLE_BATCH_MAX],
    );
    const campaign = (await this.campaigns()).find((c) => c.kind === 'invite' && c.status === 'active');
    let rewarded = 0;
    let rejected = 0;
    let waiting = 0;
    for (const r of pending) {
      const invitee = r.invitee_id as string;
      const inviter = r.inviter_id as string;
      if (!(await this.#o.identity.identityOf(invitee)).verified || campaign === undefined) {
        waiting += 1;
        continue;
      }
      const now = [this.#o.addressOf(invitee), this.#o.addressOf(inviter)];
      const shared = now[0] !== null && now[0] === now[1];
      const result = await this.#o.store
        .unitOfWork(
          async (tx) => {
            if (shared) {
              await tx.run(
                "UPDATE promo_referrals SET status = 'rejected', reason = ?, decided_at_ms = ? WHERE invitee_id = ? AND status = 'pending'",
                ['SELF_REFERRAL_SHARED_ADDRESS', tx.nowMs, invitee],
              );
              return 'rejected' as const;
            }
            const changed = await tx.run(
              "UPDATE promo_referrals SET status = 'rewarded', decided_at_ms = ? WHERE invitee_id = ? AND status = 'pending'",
              [tx.nowMs, invitee],
            );
            if (changed !== 1) return 'skip' as const;
            await this.#grantIn(tx, campaign.id, inviter, campaign.amount, `invite:${invitee}:inviter`, null);
            if (campaign.inviteeAmount > 0)
              await this.#grantIn(tx, campaign.id, invitee, campaign.inviteeAmount, `invite:${invitee}:invitee`, null);
            return 'rewarded' as const;
          },
          { label: 'promotions.settleReferral' },
        )
        .catch(async (e: unknown) => {
          // A spent budget or a player at the campaign's limit: the referral is closed without reward.
          if (!(e instanceof AppError)) throw e;
          await this.#o.store.unitOfWork(
            (tx) =>
              tx.run(
                "UPDATE promo_referrals SET status = 'rejected', reason = ?, decided_at_ms = ? WHERE invitee_id = ? AND status = 'pending'",
                [e.code, tx.nowMs, invitee],
              ),
            { label: 'promotions.referralUnpaid' },
          );
          return 'rejected' as const;
        });
      if (result === 'rewarded') rewarded += 1;
      else if (result === 'rejected') rejected += 1;
    }
    return { rewarded, rejected, waiting };
  }

  async referralsOf(inviterId: string): Promise<{ inviteeId: string; status: string; reason: string | null; createdAtMs: number }[]> {
    const rows = await this.#o.store.reader.query<Row>(
      'SELECT * FROM promo_referrals WHERE inviter_id = ? ORDER BY created_at_ms DESC LIMIT 200',
      [inviterId],
    );
    return rows.map((r) => ({
      inviteeId: r.invitee_id as string,
      status: r.status as string,
      reason: (r.reason as string | null) ?? null,
      createdAtMs: intFromDb(r.created_at_ms),
    }));
  }
}
