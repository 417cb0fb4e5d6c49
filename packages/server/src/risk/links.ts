// Linked accounts: accounts one person (or one farm) controls. Other domains report what they see
// of a player in their own units — the device fingerprint the client sends at sign-in, the WeChat
// unionid and app identities of the player record, the WeChat account that paid a deposit, the
// account a payout goes to, the client address — and accounts that share a strong identifier are
// linked, transitively (A and B share a device, B and C a paying account: one group). A shared
// address is a weak signal only: carrier-grade NAT, a campus or a family puts many honest people
// behind one address, so an address is shown as evidence and never links accounts by itself.
// Values are stored as SHA-256 digests: the source compares them and never needs them back.
import { createHash } from 'node:crypto';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { LINK_GROUP_MAX, LINK_PLAYERS_PER_VALUE_MAX, LINK_VALUES_PER_PLAYER_MAX } from './limits.ts';
import type { RiskOptions } from './model.ts';

/** What an identifier is. `wechat` is one WeChat account in one app (`appId:openid`): signing in with it, paying with it, or being paid to it. */
export type IdentifierKind = 'device' | 'unionid' | 'wechat' | 'address';
/** Where it was seen, for the evidence. */
export type IdentifierSource = 'sign-in' | 'player record' | 'deposit payer' | 'payout account' | 'request';

/** Identifiers that link accounts on their own. */
export const STRONG_KINDS: readonly IdentifierKind[] = ['device', 'unionid', 'wechat'];

export interface Observation {
  readonly playerId: string;
  readonly kind: IdentifierKind;
  /** The raw value (a fingerprint, an `appId:openid`, an address); only its digest is kept. */
  readonly value: string;
  readonly source: IdentifierSource;
}

/** One reason two accounts are linked (or, for an address, merely seen together). */
export interface LinkEvidence {
  readonly playerId: string;
  readonly kind: IdentifierKind;
  /** How each side came to have it, e.g. `sign-in` and `deposit payer`. */
  readonly sources: readonly IdentifierSource[];
  /** The first characters of the shared value's digest: enough to tell two links apart, nothing to recover. */
  readonly digest: string;
  readonly strong: boolean;
}

export interface LinkedView {
  readonly playerId: string;
  /** Every account in the player's linked group (strong links, followed transitively), the player excluded. */
  readonly group: readonly string[];
  /** The player's own direct links and weak address matches, with their evidence. */
  readonly evidence: readonly LinkEvidence[];
}

const digestOf = (kind: IdentifierKind, value: string) => createHash('sha256').update(`${kind}\u0000${value}`).digest('hex');

export class LinkedAccountsSource {
  readonly #o: RiskOptions;

  constructor(o: RiskOptions) {
    this.#o = o;
  }

  /** Records what was seen, in the caller's unit (a sign-in, a paid deposit, a payout). Empty values are ignored. */
  async observe(tx: Tx, o: Observation): Promise<void> {
    if (o.value.length === 0) return;
    const digest = digestOf(o.kind, o.value);
    const updated = await tx.run(
      'UPDATE risk_identifiers SET last_seen_ms = ? WHERE kind = ? AND digest = ? AND player_id = ? AND source = ?',
      [tx.nowMs, o.kind, digest, o.playerId, o.source],
    );
    if (updated === 1) return;
    await tx.run(
      `INSERT INTO risk_identifiers (kind, digest, player_id, source, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, digest, player_id, source) DO NOTHING`,
      [o.kind, digest, o.playerId, o.source, tx.nowMs, tx.nowMs],
    );
  }

  /** The player's linked group without the player: strong links followed transitively, at most LINK_GROUP_MAX accounts. */
  async linkedTo(playerId: string, reader: Reader = this.#o.store.reader): Promise<ReadonlySet<string>> {
    const group = new Set<string>([playerId]);
    let frontier = [playerId];
    while (frontier.length > 0 && group.size < LINK_GROUP_MAX) {
      const next: string[] = [];
      for (const p of frontier) {
        for (const e of await this.#direct(reader, p, true)) {
          if (group.has(e.playerId) || group.size >= LINK_GROUP_MAX) continue;
          group.add(e.playerId);
          next.push(e.playerId);
        }
      }
      frontier = next;
    }
    group.delete(playerId);
    return group;
  }

  /** The console's view: the group, and the evidence of each direct link (addresses included, marked weak). */
  async view(playerId: string): Promise<LinkedView> {
    const reader = this.#o.store.reader;
    return { playerId, group: [...(await this.linkedTo(playerId, reader))].sort(), evidence: await this.#direct(reader, playerId, false) };
  }

  /** Accounts sharing an identifier with `playerId` directly: strong kinds only when `strongOnly`, else addresses too (marked weak). */
  async #direct(reader: Reader, playerId: string, strongOnly: boolean): Promise<LinkEvidence[]> {
    const kinds = strongOnly ? STRONG_KINDS : [...STRONG_KINDS, 'address'];
    const mine = await reader.query<{ kind: string; digest: string; source: string }>(
      `SELECT kind, digest, source FROM risk_identifiers WHERE player_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})
        ORDER BY last_seen_ms DESC LIMIT ?`,
      [playerId, ...kinds, LINK_VALUES_PER_PLAYER_MAX],
    );
    const out = new Map<string, { playerId: string; kind: IdentifierKind; sources: Set<IdentifierSource>; digest: string }>();
    const done = new Set<string>();
    for (const m of mine) {
      const key = `${m.kind}|${m.digest}`;
      if (done.has(key)) continue;
      done.add(key);
      const others = await reader.query<{ player_id: string; source: string }>(
        'SELECT player_id, source FROM risk_identifiers WHERE kind = ? AND digest = ? AND player_id <> ? ORDER BY first_seen_ms LIMIT ?',
        [m.kind, m.digest, playerId, LINK_PLAYERS_PER_VALUE_MAX],
      );
      const ownSources = mine.filter((x) => x.kind === m.kind && x.digest === m.digest).map((x) => x.source as IdentifierSource);
      for (const o of others) {
        const k = `${o.player_id}|${m.kind}|${m.digest}`;
        const e = out.get(k) ?? { playerId: o.player_id, kind: m.kind as IdentifierKind, sources: new Set(ownSources), digest: m.digest };
        e.sources.add(o.source as IdentifierSource);
        out.set(k, e);
      }
    }
    return [...out.values()]
      .map((e) => ({
        playerId: e.playerId,
        kind: e.kind,
        sources: [...e.sources].sort(),
        digest: e.digest.slice(0, 12),
        strong: STRONG_KINDS.includes(e.kind),
      }))
      .sort((a, b) => Number(b.strong) - Number(a.strong) || (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0));
  }

  /** How many accounts share identifiers of each kind with someone (the console's rule page). */
  async summary(): Promise<Record<IdentifierKind, number>> {
    const rows = await this.#o.store.reader.query<{ kind: string; n: unknown }>(
      `SELECT kind, COUNT(DISTINCT player_id) AS n FROM risk_identifiers i
        WHERE EXISTS (SELECT 1 FROM risk_identifiers j WHERE j.kind = i.kind AND j.digest = i.digest AND j.player_id <> i.player_id)
        GROUP BY kind`,
    );
    const out: Record<IdentifierKind, number> = { device: 0, unionid: 0, wechat: 0, address: 0 };
    for (const r of rows) if (r.kind in out) out[r.kind as IdentifierKind] = intFromDb(r.n);
    return out;
  }
}
