// The one settings service: every business setting (fees, the skill catalogue, tournament
// templates, VIP tiers and skins, the agreement) is read through it and changed through it.
//
// - Storage-backed and versioned: each change is a new row of `settings_versions`; the newest
//   version of a key is in force, older ones are its history.
// - Checked: the value's shape, then the jurisdiction policies' bounds (settings/bounds.ts).
// - Audited: the change and its audit entry (before and after) commit in one unit of work, and a
//   change made against a version that is no longer the newest is refused (SETTINGS_VERSION_CONFLICT),
//   so two operators never overwrite each other unseen.
// - Cached: reads are synchronous from memory; the request paths (a room's quote, a route's terms
//   check) never wait for the database.
// - Notified: after the commit every node re-reads the key (settings/bus.ts), and a node re-reads
//   any key held longer than CACHE_TTL_MS in case a notice was lost.
// Whatever was created under an older version keeps it: rooms store their fee quote, matches and
// tournaments their rake and rules, players the agreement version they accepted.
import { AppError, assert, type Clock } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { Policy } from '../compliance/index.ts';
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb, isUniqueViolation } from '../storage/sql.ts';
import { businessBounds } from './bounds.ts';
import type { SettingsBus } from './bus.ts';
import {
  type CheckContext,
  checkSetting,
  defaultSettings,
  isSettingKey,
  SETTING_KEYS,
  type SettingKey,
  type SettingValues,
} from './definitions.ts';
import { SettingsErrors } from './errors.ts';
import { CACHE_TTL_MS, HISTORY_PAGE_MAX, SETTING_JSON_CHARS_MAX } from './limits.ts';

export interface SettingsLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SettingsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly bus: SettingsBus;
  /** Every jurisdiction policy loaded: a setting must fit the strictest bounds among them. */
  readonly policies: () => readonly Policy[];
  /** The built-in agreement's version label (configuration). */
  readonly termsVersion: string;
  /** Skill-game plug-ins this build has. */
  readonly plugins: readonly string[];
  readonly log: SettingsLogger;
}

export interface SettingVersion<K extends SettingKey = SettingKey> {
  readonly key: K;
  /** 0: the built-in default, never stored. */
  readonly version: number;
  readonly value: SettingValues[K];
  readonly operatorUsername: string | null;
  readonly reason: string | null;
  readonly createdAtMs: number | null;
}

export interface SettingsOperator {
  readonly id: string;
  readonly username: string;
}

export interface UpdateMeta {
  /** The version the operator's change was made against. */
  readonly expectedVersion: number;
  readonly reason?: string;
  readonly requestId?: string;
  readonly ip?: string;
}

interface Cached {
  readonly version: number;
  readonly value: unknown;
  readonly loadedAtMs: number;
}

interface Row {
  setting_key: string;
  version: unknown;
  value_json: string;
  operator_username: string;
  reason: string | null;
  created_at_ms: unknown;
}

export class Settings {
  readonly #o: SettingsOptions;
  readonly #defaults: SettingValues;
  readonly #cache = new Map<SettingKey, Cached>();
  readonly #listeners = new Map<SettingKey, Array<(value: unknown, version: number) => void>>();
  readonly #reloading = new Map<SettingKey, Promise<void>>();
  #closed = false;

  constructor(o: SettingsOptions) {
    this.#o = o;
    this.#defaults = defaultSettings(o.termsVersion);
    const nowMs = o.clock.nowMs();
    for (const key of SETTING_KEYS) this.#cache.set(key, { version: 0, value: this.#defaults[key], loadedAtMs: nowMs });
    o.bus.subscribe((change) => {
      if (this.#closed || !isSettingKey(change.key)) return;
      if (change.version > (this.#cache.get(change.key)?.version ?? 0)) this.#reloadInBackground(change.key);
    });
  }

  /** Reads every setting's newest version. Call once before serving. */
  async start(): Promise<void> {
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT s.setting_key, s.version, s.value_json, s.operator_username, s.reason, s.created_at_ms FROM settings_versions s
        WHERE s.version = (SELECT MAX(v.version) FROM settings_versions v WHERE v.setting_key = s.setting_key)`,
    );
    // In the order of SETTING_KEYS: the catalogue before the templates that are checked against its games.
    const order = (k: string) => (SETTING_KEYS as readonly string[]).indexOf(k);
    rows.sort((a, b) => order(a.setting_key) - order(b.setting_key));
    for (const r of rows) if (isSettingKey(r.setting_key)) this.#accept(r.setting_key, intFromDb(r.version), r.value_json);
  }

  /** The value in force (from this node's cache). */
  get<K extends SettingKey>(key: K): SettingValues[K] {
    const c = this.#cache.get(key);
    assert(c !== undefined, `setting ${key} is cached`);
    if (this.#o.clock.nowMs() - c.loadedAtMs > CACHE_TTL_MS) this.#reloadInBackground(key);
    return c.value as SettingValues[K];
  }

  /** The version in force on this node (0: the built-in default). */
  version(key: SettingKey): number {
    return this.#cache.get(key)?.version ?? 0;
  }

  /** Called with the new value whenever this node's copy of `key` changes (here or on another node). */
  onChange<K extends SettingKey>(key: K, fn: (value: SettingValues[K], version: number) => void): void {
    const list = this.#listeners.get(key) ?? [];
    list.push(fn as (value: unknown, version: number) => void);
    this.#listeners.set(key, list);
  }

  /** The bounds the policies put on the settings (shown in the console beside the fields). */
  bounds() {
    return businessBounds(this.#o.policies());
  }

  /** Checks `value` and stores it as the next version of `key`, with its audit entry, in one unit of work. */
  async update<K extends SettingKey>(operator: SettingsOperator, key: K, value: unknown, meta: UpdateMeta): Promise<SettingVersion<K>> {
    let stored: SettingVersion<K>;
    try {
      stored = await this.#o.store.unitOfWork(
        async (tx) => {
          const newest = await this.#newest(tx, key);
          const current = newest?.version ?? 0;
          if (current !== meta.expectedVersion)
            throw new AppError(SettingsErrors.SETTINGS_VERSION_CONFLICT, { key, expectedVersion: meta.expectedVersion, version: current });
          const checked = checkSetting(key, value, await this.#context(tx, key, value));
          const json = JSON.stringify(checked);
          if (json.length > SETTING_JSON_CHARS_MAX)
            throw new AppError(SettingsErrors.SETTINGS_INVALID, { problems: ['the value is too large'] });
          const before = newest === null ? this.#defaults[key] : (JSON.parse(newest.value_json) as unknown);
          const version = current + 1;
          await tx.run(
            `INSERT INTO settings_versions (setting_key, version, value_json, operator_id, operator_username, reason, created_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [key, version, json, operator.id, operator.username, meta.reason ?? null, tx.nowMs],
          );
          await this.#o.audit.record(tx, {
            operator: { id: operator.id, username: operator.username },
            action: key === 'agreement' ? 'settings.agreement_publish' : 'settings.update',
            target: { kind: 'setting', id: key },
            ...(meta.reason !== undefined ? { reason: meta.reason } : {}),
            before: { version: current, value: before },
            after: { version, value: checked },
            ...(meta.requestId !== undefined ? { requestId: meta.requestId } : {}),
            ...(meta.ip !== undefined ? { ip: meta.ip } : {}),
          });
          tx.afterCommit(() => {
            this.#accept(key, version, json);
            this.#o.bus.publish({ key, version });
          });
          return {
            key,
            version,
            value: checked,
            operatorUsername: operator.username,
            reason: meta.reason ?? null,
            createdAtMs: tx.nowMs,
          };
        },
        { label: 'settings.update' },
      );
    } catch (e) {
      // Two operators saving the same version at once: the primary key lets one in.
      if (isUniqueViolation(e))
        throw new AppError(SettingsErrors.SETTINGS_VERSION_CONFLICT, { key, expectedVersion: meta.expectedVersion });
      throw e;
    }
    return stored;
  }

  /** A key's versions, newest first (the built-in default last, as version 0). */
  async history<K extends SettingKey>(key: K, o: { beforeVersion?: number; limit?: number } = {}): Promise<SettingVersion<K>[]> {
    const limit = Math.min(Math.max(o.limit ?? 20, 1), HISTORY_PAGE_MAX);
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT setting_key, version, value_json, operator_username, reason, created_at_ms FROM settings_versions
        WHERE setting_key = ? ${o.beforeVersion !== undefined ? 'AND version < ?' : ''} ORDER BY version DESC LIMIT ?`,
      o.beforeVersion !== undefined ? [key, o.beforeVersion, limit] : [key, limit],
    );
    const list: SettingVersion<K>[] = rows.map((r) => ({
      key,
      version: intFromDb(r.version),
      value: JSON.parse(r.value_json) as SettingValues[K],
      operatorUsername: r.operator_username,
      reason: r.reason,
      createdAtMs: intFromDb(r.created_at_ms),
    }));
    if (list.length < limit)
      list.push({ key, version: 0, value: this.#defaults[key], operatorUsername: null, reason: null, createdAtMs: null });
    return list;
  }

  /** Waits for re-reads in flight (tests; shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#reloading.values()]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.settled();
  }

  // ------------------------------------------------------------------------------------------

  async #newest(reader: Reader, key: SettingKey): Promise<Row | null> {
    const rows = await reader.query<Row>(
      `SELECT setting_key, version, value_json, operator_username, reason, created_at_ms FROM settings_versions
        WHERE setting_key = ? ORDER BY version DESC LIMIT 1`,
      [key],
    );
    return rows[0] ?? null;
  }

  async #context(tx: Tx | null, key: SettingKey, value: unknown): Promise<CheckContext> {
    const catalogue = key === 'skill.catalogue' ? (value as SettingValues['skill.catalogue']) : this.get('skill.catalogue');
    let agreementVersions: string[] = [];
    if (tx !== null && key === 'agreement') {
      const rows = await tx.query<{ value_json: string }>("SELECT value_json FROM settings_versions WHERE setting_key = 'agreement'");
      agreementVersions = [this.#defaults.agreement.version, ...rows.map((r) => (JSON.parse(r.value_json) as { version: string }).version)];
    }
    return {
      bounds: businessBounds(this.#o.policies()),
      plugins: this.#o.plugins,
      games: Array.isArray(catalogue?.games) ? catalogue.games.map((g) => g.id) : [],
      agreementVersions,
      templateGames: key === 'skill.catalogue' ? this.get('skill.tournament_templates').templates.map((t) => t.game) : [],
    };
  }

  /**
   * Takes a stored version into the cache. It is checked again as it is read: a value the
   * policies no longer allow (a policy file tightened since) is not applied, and the node says so.
   */
  #accept(key: SettingKey, version: number, json: string): void {
    const cached = this.#cache.get(key);
    const nowMs = this.#o.clock.nowMs();
    if (cached !== undefined && cached.version >= version) {
      this.#cache.set(key, { ...cached, loadedAtMs: nowMs });
      return;
    }
    let value: unknown;
    try {
      value = checkSetting(key, JSON.parse(json), {
        bounds: businessBounds(this.#o.policies()),
        plugins: this.#o.plugins,
        games: key === 'skill.tournament_templates' ? this.get('skill.catalogue').games.map((g) => g.id) : [],
        agreementVersions: [],
        // A catalogue read back is taken as stored: templates are checked against it, not the other way round.
        templateGames: [],
      });
    } catch (e) {
      this.#o.log.error(
        { key, version, err: e instanceof AppError ? e.toJSON() : String(e) },
        `setting ${key} version ${version} is not allowed any more (the policy changed?); keeping version ${cached?.version ?? 0} until an operator saves a new one`,
      );
      if (cached !== undefined) this.#cache.set(key, { ...cached, loadedAtMs: nowMs });
      return;
    }
    this.#cache.set(key, { version, value, loadedAtMs: nowMs });
    for (const fn of this.#listeners.get(key) ?? []) {
      try {
        fn(value, version);
      } catch (e) {
        this.#o.log.error({ key, version, err: String(e) }, `a listener of setting ${key} failed`);
      }
    }
  }

  #reloadInBackground(key: SettingKey): void {
    if (this.#reloading.has(key) || this.#closed) return;
    const p = this.#newest(this.#o.store.reader, key)
      .then((row) => {
        if (row !== null) this.#accept(key, intFromDb(row.version), row.value_json);
        else {
          const c = this.#cache.get(key);
          if (c !== undefined) this.#cache.set(key, { ...c, loadedAtMs: this.#o.clock.nowMs() });
        }
      })
      .catch((e: unknown) => this.#o.log.warn({ key, err: String(e) }, `setting ${key} could not be re-read; keeping the cached version`))
      .finally(() => this.#reloading.delete(key));
    this.#reloading.set(key, p);
  }
}
