// NPPA configuration from the environment: which real-name authority the platform talks to, and
// the operator's credentials for it (appId, bizId and the secret key, from the NPPA console,
// 网络游戏防沉迷实名验证系统 → 企业用户). `FAIRGROUND_NPPA=sandbox` (the default outside production)
// runs a protocol-faithful NPPA sandbox inside the server on its own loopback port and talks to it
// with the real client; `nppa` talks to the NPPA (or to any server that speaks its protocol, such
// as a standalone sandbox at FAIRGROUND_NPPA_BASE_URL) with the operator's credentials; `off` runs
// without real-name checks or play reports, which no policy requiring real name starts with.
import { type NppaBaseUrls, TIMEOUT_MS_MAX } from '@fairground/nppa';
import { type TSchema, Type } from '@sinclair/typebox';

const url = () => Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]{1,500}$' }));

/** The variables NPPA reads (spread into the server's EnvSchema). */
export const NppaEnvSchema: Record<string, TSchema> = {
  FAIRGROUND_NPPA: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('nppa'), Type.Literal('off')])),
  /** 应用标识 (APPID) from the NPPA console. */
  FAIRGROUND_NPPA_APP_ID: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{1,64}$' })),
  /** 游戏备案识别码 (bizId) of the game. */
  FAIRGROUND_NPPA_BIZ_ID: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{1,32}$' })),
  /** 用户密钥 (secret key): 32 hex characters. A secret: prefer FAIRGROUND_NPPA_SECRET_KEY_FILE (config.ts reads it). */
  FAIRGROUND_NPPA_SECRET_KEY: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{32}$' })),
  /** One URL for every NPPA host (a standalone sandbox, a proxy); the production hosts by default. */
  FAIRGROUND_NPPA_BASE_URL: url(),
  /** Per-host overrides: the identity check, the result query, the behaviour reports. */
  FAIRGROUND_NPPA_CHECK_URL: url(),
  FAIRGROUND_NPPA_QUERY_URL: url(),
  FAIRGROUND_NPPA_LOGINOUT_URL: url(),
  /** Deadline of one call to the NPPA (default 5000, the spec's advice). */
  FAIRGROUND_NPPA_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{2,4}$' })),
  /** Port of the in-process sandbox (default 0: any free port). */
  FAIRGROUND_NPPA_SANDBOX_PORT: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,4})$' })),
};

export interface NppaCredentials {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
}

export interface NppaConfig {
  readonly mode: 'sandbox' | 'nppa' | 'off';
  /** For `nppa`. */
  readonly credentials: NppaCredentials | undefined;
  /** Host overrides for `nppa` (the production hosts where absent). */
  readonly baseUrls: Partial<NppaBaseUrls>;
  readonly timeoutMs: number;
  readonly sandboxPort: number;
}

export class NppaConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

export function loadNppaConfig(env: Record<string, string | undefined>, o: { readonly production: boolean }): NppaConfig {
  const given = env.FAIRGROUND_NPPA as NppaConfig['mode'] | undefined;
  // Credentials name the NPPA; without them production runs without it (and refuses policies that need it).
  const mode = given ?? (env.FAIRGROUND_NPPA_APP_ID !== undefined ? 'nppa' : o.production ? 'off' : 'sandbox');
  if (o.production && mode === 'sandbox')
    throw new NppaConfigError(
      'FAIRGROUND_NPPA',
      'the NPPA sandbox is a development peer, not an authority: use "nppa" (a standalone sandbox is reached through FAIRGROUND_NPPA_BASE_URL) or "off"',
    );
  const timeoutMs = Number(env.FAIRGROUND_NPPA_TIMEOUT_MS ?? '5000');
  if (timeoutMs > TIMEOUT_MS_MAX) throw new NppaConfigError('FAIRGROUND_NPPA_TIMEOUT_MS', `must be at most ${TIMEOUT_MS_MAX}`);
  const baseUrls: Partial<{ -readonly [K in keyof NppaBaseUrls]: string }> = {};
  const all = env.FAIRGROUND_NPPA_BASE_URL;
  if (all !== undefined) Object.assign(baseUrls, { check: all, query: all, loginout: all, test: all });
  if (env.FAIRGROUND_NPPA_CHECK_URL !== undefined) baseUrls.check = env.FAIRGROUND_NPPA_CHECK_URL;
  if (env.FAIRGROUND_NPPA_QUERY_URL !== undefined) baseUrls.query = env.FAIRGROUND_NPPA_QUERY_URL;
  if (env.FAIRGROUND_NPPA_LOGINOUT_URL !== undefined) baseUrls.loginout = env.FAIRGROUND_NPPA_LOGINOUT_URL;
  let credentials: NppaCredentials | undefined;
  if (mode === 'nppa') {
    const need = (key: string) => {
      const v = env[key];
      if (v === undefined) throw new NppaConfigError(key, 'required with FAIRGROUND_NPPA=nppa (from the NPPA console)');
      return v;
    };
    credentials = {
      appId: need('FAIRGROUND_NPPA_APP_ID'),
      bizId: need('FAIRGROUND_NPPA_BIZ_ID'),
      // Inline or from FAIRGROUND_NPPA_SECRET_KEY_FILE: config.ts reads secret files before this runs.
      secretKey: need('FAIRGROUND_NPPA_SECRET_KEY').toLowerCase(),
    };
  } else {
    for (const key of ['FAIRGROUND_NPPA_APP_ID', 'FAIRGROUND_NPPA_BIZ_ID', 'FAIRGROUND_NPPA_SECRET_KEY'])
      if (env[key] !== undefined) throw new NppaConfigError(key, `is only used with FAIRGROUND_NPPA=nppa (it is ${mode})`);
  }
  return { mode, credentials, baseUrls, timeoutMs, sandboxPort: Number(env.FAIRGROUND_NPPA_SANDBOX_PORT ?? '0') };
}
