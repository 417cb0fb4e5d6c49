// For `npm run staging`: the NPPA sandbox as a process of its own (the staging platform then talks
// to it exactly as production talks to the NPPA: the real client, over HTTP, with credentials from
// configuration), and the environment that points a `fairground` process at it.
import { type SpawnNppaSandboxOptions, spawnNppaSandbox } from '@fairground/nppa/sandbox';

export interface StagingNppa {
  /** The sandbox's address: its admin page lists the identities that verify, its API injects faults. */
  readonly baseUrl: string;
  readonly pid: number;
  /** FAIRGROUND_NPPA* variables for every platform process of the staging set-up. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the NPPA sandbox as a separate process and returns the configuration that reaches it. */
export async function startStagingNppa(options: SpawnNppaSandboxOptions = {}): Promise<StagingNppa> {
  const s = await spawnNppaSandbox(options);
  return {
    baseUrl: s.baseUrl,
    pid: s.pid,
    env: {
      FAIRGROUND_NPPA: 'nppa',
      FAIRGROUND_NPPA_APP_ID: s.appId,
      FAIRGROUND_NPPA_BIZ_ID: s.bizId,
      FAIRGROUND_NPPA_SECRET_KEY: s.secretKey,
      FAIRGROUND_NPPA_BASE_URL: s.baseUrl,
    },
    stop: () => s.stop(),
  };
}
