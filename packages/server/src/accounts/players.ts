// Players: who they are (one row per person, linked to one or more WeChat app identities), their
// profile, and which user agreement they accepted.
import { AppError, assert, newId } from '@fairground/core';
import type { Analytics } from '../analytics/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { NICKNAME_LENGTH_MAX, PLAYER_SEARCH_RESULTS_MAX } from './limits.ts';
import type { IdentityProvider, LoginKind, WechatIdentity } from './ports.ts';
import type { Sealer } from './sealing.ts';
import type { OpenedSession, AuthSessions, TokenPair } from './auth-sessions.ts';

/** `closed`: the player closed the account (privacy/closure.ts); its personal fields are erased. */
export type PlayerStatus = 'active' | 'suspended' | 'closed';

export interface Player {
  readonly id: string;
  readonly nickname: string;
  readonly avatarUrl: string | null;
  readonly status: PlayerStatus;
  readonly termsVersion: string | null;
  readonly termsAcceptedAtMs: number | null;
  readonly createdAtMs: number;
}

export interface PlayerLogin {
  readonly player: Player;
  readonly created: boolean;
  readonly tokens: TokenPair;
}

/** The app id recorded for development logins, which bypass WeChat. */
export const DEV_APP_ID = 'dev';
/** A unit that lost a race to create the same identity is run again this many times. */
const LOGIN_ATTEMPTS_MAX = 3;
const NOTHING_SEEN: SignInContext = { device: null, address: null };

interface PlayerRow {
  id: string;
  nickname: string;
  avatar_url: string | null;
  status: string;
  terms_version: string | null;
  terms_accepted_at_ms: unknown;
  created_at_ms: unknown;
}

const PLAYER_COLUMNS = 'p.id, p.nickname, p.avatar_url, p.status, p.terms_version, p.terms_accepted_at_ms, p.created_at_ms';

function toPlayer(r: PlayerRow): Player {
  return {
    id: r.id,
    nickname: r.nickname,
    avatarUrl: r.avatar_url,
    status: r.status === 'suspended' || r.status === 'closed' ? r.status : 'active',
    termsVersion: r.terms_version,
    termsAcceptedAtMs: intOrNullFromDb(r.terms_accepted_at_ms),
    createdAtMs: intFromDb(r.created_at_ms),
  };
}

/** What a sign-in shows of the client beside its WeChat identity. */
export interface SignInContext {
  readonly device: string | null;
  readonly address: string | null;
}

/** What a sign-in saw, reported in its unit (the risk domain links accounts that share a device or a WeChat account). */
export interface SignInSeen extends SignInContext {
  readonly playerId: string;
  readonly appId: string;
  readonly openid: string;
  readonly unionid: string | null;
}

export interface PlayersOptions {
  readonly store: Store;
  readonly sessions: AuthSessions;
  readonly analytics: Analytics;
  readonly identity: IdentityProvider;
  readonly appIds: { readonly miniprogram: string; readonly h5: string; readonly web?: string };
  /** Seals the mini-program's session_key at rest (bound to the app and openid). */
  readonly sessionKeySealer: Sealer;
  /** Runs in the unit of work that creates a player (the wallet opens the player's ledger accounts here). */
  readonly onPlayerCreated?: (tx: Tx, playerId: string) => Promise<void>;
  /** Runs in the unit of every successful sign-in. */
  readonly onSignedIn?: (tx: Tx, seen: SignInSeen) => Promise<void>;
}

export class Players {
  readonly #o: PlayersOptions;

  constructor(options: PlayersOptions) {
    this.#o = options;
  }

  /** Signs a player in with a WeChat login code; creates the player on first sign-in. */
  async loginWithCode(kind: LoginKind, code: string, seen: SignInContext = NOTHING_SEEN): Promise<PlayerLogin> {
    const appId = this.#o.appIds[kind];
    if (appId === undefined) throw new AppError(AccountsErrors.LOGIN_APP_UNKNOWN, { kind });
    const identity = await this.#o.identity.exchangeCode(kind, code);
    return this.#login(appId, identity, kind, seen);
  }

  /** Development sign-in by handle, without WeChat. The caller checks that config allows it. */
  async devLogin(handle: string, seen: SignInContext = NOTHING_SEEN): Promise<PlayerLogin> {
    return this.#login(DEV_APP_ID, { openid: handle, profile: { nickname: handle, avatarUrl: null } }, 'dev', seen);
  }

  async #login(appId: string, identity: WechatIdentity, via: string, seen: SignInContext): Promise<PlayerLogin> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#o.store.unitOfWork((tx) => this.#loginUnit(tx, appId, identity, via, seen), {
          label: 'accounts.login',
        });
        if (result.opened === null) throw new AppError(AccountsErrors.PLAYER_SUSPENDED);
        return { player: result.player, created: result.created, tokens: await this.#o.sessions.tokens(result.opened) };
      } catch (e) {
        // Two first sign-ins of one person raced on the unique (app, openid) or unionid index:
        // the loser runs again and finds the winner's player.
        if (e instanceof AppError || attempt >= LOGIN_ATTEMPTS_MAX) throw e;
      }
    }
  }

  async #loginUnit(
    tx: Tx,
    appId: string,
    identity: WechatIdentity,
    via: string,
    seen: SignInContext,
  ): Promise<{ player: Player; created: boolean; opened: OpenedSession | null }> {
    const { openid } = identity;
    const unionid = identity.unionid ?? null;
    const { playerId, created } = await this.#resolvePlayer(tx, appId, identity, via);
    const player = await this.#getIn(tx, playerId);
    assert(player !== null, `identity points at missing player ${playerId}`);
    if (player.status === 'suspended') return { player, created, opened: null };
    if (identity.sessionKey !== undefined) {
      // The newest session_key replaces the last one (WeChat issues a new one with every wx.login).
      const sealed = this.#o.sessionKeySealer.seal(identity.sessionKey.reveal(), `${appId}:${openid}`);
      await tx.run(
        `INSERT INTO player_wechat_sessions (app_id, openid, player_id, sealed_session_key, updated_at_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (app_id, openid) DO UPDATE SET sealed_session_key = excluded.sealed_session_key, updated_at_ms = excluded.updated_at_ms`,
        [appId, openid, playerId, sealed, tx.nowMs],
      );
    }
    const opened = await this.#o.sessions.open(tx, { kind: 'player', id: playerId });
    await this.#o.analytics.append(tx, { kind: 'player_logged_in', actor: { kind: 'player', id: playerId }, data: { via, appId } });
    if (this.#o.onSignedIn) {
      // The unionid of the player record (set by whichever app first knew it), not only this sign-in's.
      const stored =
        (await tx.query<{ unionid: string | null }>('SELECT unionid FROM players WHERE id = ?', [playerId]))[0]?.unionid ?? null;
      await this.#o.onSignedIn(tx, { playerId, appId, openid, unionid: stored ?? unionid, ...seen });
    }
    return { player, created, opened };
  }

  /**
   * The player this WeChat identity signs in as: the one it already belongs to (taking its unionid
   * if it brings one now), else the player holding its unionid, else a new player; the identity is
   * recorded for the latter two.
   */
  async #resolvePlayer(tx: Tx, appId: string, identity: WechatIdentity, via: string): Promise<{ playerId: string; created: boolean }> {
    const { openid } = identity;
    const unionid = identity.unionid ?? null;
    const nickname = identity.profile?.nickname.slice(0, NICKNAME_LENGTH_MAX) || null;
    const avatarUrl = identity.profile?.avatarUrl ?? null;
    let playerId = (
      await tx.query<{ player_id: string }>('SELECT player_id FROM player_identities WHERE app_id = ? AND openid = ?', [appId, openid])
    )[0]?.player_id;
    let created = false;
    if (playerId !== undefined && unionid !== null) {
      // A known identity that first came without a unionid (an H5 snsapi_base sign-in) brings one
      // now: the same (app, openid) proves it is this player's, so the player takes it — unless
      // another player already holds it (two accounts made before the apps were bound to one Open
      // Platform account), which is never merged by guess: that stays for support to decide.
      await tx.run(
        'UPDATE players SET unionid = ? WHERE id = ? AND unionid IS NULL AND NOT EXISTS (SELECT 1 FROM players o WHERE o.unionid = ?)',
        [unionid, playerId, unionid],
      );
    }
    if (playerId === undefined) {
      if (unionid !== null) {
        playerId = (await tx.query<{ id: string }>('SELECT id FROM players WHERE unionid = ?', [unionid]))[0]?.id;
      }
      if (playerId === undefined) {
        playerId = newId('p');
        created = true;
        await tx.run('INSERT INTO players (id, nickname, avatar_url, unionid, status, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
          playerId,
          nickname ?? `玩家${playerId.slice(-4)}`,
          avatarUrl,
          unionid,
          'active',
          tx.nowMs,
        ]);
        if (this.#o.onPlayerCreated) await this.#o.onPlayerCreated(tx, playerId);
        await this.#o.analytics.append(tx, { kind: 'player_created', actor: { kind: 'player', id: playerId }, data: { via } });
      }
      await tx.run('INSERT INTO player_identities (app_id, openid, player_id, created_at_ms) VALUES (?, ?, ?, ?)', [
        appId,
        openid,
        playerId,
        tx.nowMs,
      ]);
    }
    return { playerId, created };
  }

  async #getIn(reader: Reader, id: string): Promise<Player | null> {
    const rows = await reader.query<PlayerRow>(`SELECT ${PLAYER_COLUMNS} FROM players p WHERE p.id = ?`, [id]);
    return rows[0] ? toPlayer(rows[0]) : null;
  }

  get(id: string): Promise<Player | null> {
    return this.#getIn(this.#o.store.reader, id);
  }

  async require(id: string): Promise<Player> {
    const p = await this.get(id);
    if (p === null) throw new AppError(AccountsErrors.PLAYER_NOT_FOUND, { playerId: id });
    return p;
  }

  async updateProfile(id: string, patch: { nickname?: string; avatarUrl?: string | null }): Promise<Player> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        if (patch.nickname !== undefined) await tx.run('UPDATE players SET nickname = ? WHERE id = ?', [patch.nickname, id]);
        if (patch.avatarUrl !== undefined) await tx.run('UPDATE players SET avatar_url = ? WHERE id = ?', [patch.avatarUrl, id]);
        const p = await this.#getIn(tx, id);
        if (p === null) throw new AppError(AccountsErrors.PLAYER_NOT_FOUND, { playerId: id });
        return p;
      },
      { label: 'accounts.updateProfile' },
    );
  }

  /** Records acceptance of `version`, which must be the agreement currently in force. */
  async acceptTerms(id: string, version: string, currentVersion: string): Promise<Player> {
    if (version !== currentVersion) throw new AppError(AccountsErrors.TERMS_VERSION_MISMATCH, { current: currentVersion });
    return this.#o.store.unitOfWork(
      async (tx) => {
        const before = await this.#getIn(tx, id);
        if (before === null) throw new AppError(AccountsErrors.PLAYER_NOT_FOUND, { playerId: id });
        if (before.termsVersion === version) return before;
        await tx.run('UPDATE players SET terms_version = ?, terms_accepted_at_ms = ? WHERE id = ?', [version, tx.nowMs, id]);
        await this.#o.analytics.append(tx, { kind: 'terms_accepted', actor: { kind: 'player', id }, data: { version } });
        return (await this.#getIn(tx, id))!;
      },
      { label: 'accounts.acceptTerms' },
    );
  }

  /** Operator lookup: an exact player id or openid, or a nickname prefix. */
  async search(query: string): Promise<Player[]> {
    const q = query.trim();
    if (q === '') return [];
    const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.#o.store.reader.query<PlayerRow>(
      `SELECT ${PLAYER_COLUMNS} FROM players p
        WHERE p.id = ? OR p.id IN (SELECT player_id FROM player_identities WHERE openid = ?) OR p.nickname LIKE ? ESCAPE '\\'
        ORDER BY p.created_at_ms DESC, p.id LIMIT ?`,
      [q, q, like, PLAYER_SEARCH_RESULTS_MAX],
    );
    return rows.map(toPlayer);
  }

  async identities(id: string): Promise<{ appId: string; openid: string }[]> {
    const rows = await this.#o.store.reader.query<{ app_id: string; openid: string }>(
      'SELECT app_id, openid FROM player_identities WHERE player_id = ? ORDER BY created_at_ms',
      [id],
    );
    return rows.map((r) => ({ appId: r.app_id, openid: r.openid }));
  }
}
