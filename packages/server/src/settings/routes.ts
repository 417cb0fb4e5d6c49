// Handlers of the settings endpoints.
import { implement, type Implementation } from '../http/routes.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { settingsContract as c } from './contract.ts';
import { SETTING_KEYS } from './definitions.ts';
import type { Settings } from './service.ts';

/** Acceptances shown per player. */
const ACCEPTANCES_MAX = 100;

export interface SettingsRouteDeps {
  readonly settings: Settings;
  readonly reader: Reader;
  readonly plugins: readonly string[];
  readonly tournaments: (limit: number) => Promise<unknown[]>;
}

export function settingsRoutes(d: SettingsRouteDeps): Record<keyof typeof c, Implementation> {
  const s = d.settings;
  return {
    adminSettings: implement(c.adminSettings, async () => ({
      settings: SETTING_KEYS.map((key) => ({ key, version: s.version(key), value: s.get(key) })),
      bounds: { ...s.bounds(), policies: [...s.bounds().policies] },
      plugins: [...d.plugins],
    })),
    adminSettingHistory: implement(c.adminSettingHistory, async ({ params, query }) => ({
      versions: await s.history(params.key, {
        ...(query.beforeVersion !== undefined ? { beforeVersion: query.beforeVersion } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    })),
    adminUpdateSetting: implement(c.adminUpdateSetting, async ({ actor, params, body, request }) =>
      s.update({ id: actor.operatorId, username: actor.username }, params.key, body.value, {
        expectedVersion: body.expectedVersion,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        requestId: request.id,
        ip: request.ip,
      }),
    ),
    adminSkillTournaments: implement(c.adminSkillTournaments, async ({ query }) => ({
      tournaments: (await d.tournaments(query.limit ?? 50)) as never,
    })),
    adminPlayerAgreements: implement(c.adminPlayerAgreements, async ({ params }) => {
      // Acceptances are the accounts domain's `terms_accepted` events, written in the unit that records the acceptance.
      const rows = await d.reader.query<{ at_ms: unknown; data: string }>(
        "SELECT at_ms, data FROM analytics_events WHERE kind = 'terms_accepted' AND actor_id = ? ORDER BY seq DESC LIMIT ?",
        [params.playerId, ACCEPTANCES_MAX],
      );
      return {
        current: s.get('agreement').version,
        acceptances: rows.map((r) => ({
          version: String((JSON.parse(r.data) as { version?: unknown }).version ?? ''),
          acceptedAtMs: intFromDb(r.at_ms),
        })),
      };
    }),
  };
}
