// Periodic jobs (sweeps, reconcilers): each runs on its own interval, never overlapping itself,
// and a failure is logged and retried at the next tick rather than stopping the process. With
// several processes, a job runs only in the process that wins its leader lock for that pass
// (PostgreSQL advisory lock or Redis lease; see ops/leader.ts). Tests call `runAll()` with an
// injected clock instead of waiting for timers.
import { inProcessLeader, type LeaderLock } from '../ops/leader.ts';

export interface Job {
  readonly name: string;
  readonly intervalMs: number;
  /** Does one pass; returns how many items it handled (for logs and metrics). */
  run(): Promise<number | undefined>;
}

export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const JOBS_MAX = 64;

export class Jobs {
  readonly #jobs: Job[] = [];
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<string>();
  readonly #log: JobLogger;
  readonly #leader: LeaderLock;
  #stopped = false;

  constructor(log: JobLogger, leader: LeaderLock = inProcessLeader()) {
    this.#log = log;
    this.#leader = leader;
  }

  add(job: Job): void {
    if (this.#jobs.length >= JOBS_MAX) throw new Error(`more than ${JOBS_MAX} jobs`);
    if (this.#jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name} added twice`);
    if (!Number.isSafeInteger(job.intervalMs) || job.intervalMs < 10) throw new Error(`job ${job.name} interval must be ≥ 10 ms`);
    this.#jobs.push(job);
  }

  get names(): string[] {
    return this.#jobs.map((j) => j.name);
  }

  /** Starts every job's timer. */
  start(): void {
    for (const job of this.#jobs) {
      const timer = setInterval(() => void this.#tick(job), job.intervalMs);
      timer.unref();
      this.#timers.set(job.name, timer);
    }
  }

  /** Runs every job once, in order (tests and the first pass at start). */
  async runAll(): Promise<Record<string, number | undefined>> {
    const out: Record<string, number | undefined> = {};
    for (const job of this.#jobs) out[job.name] = await this.#tick(job);
    return out;
  }

  /** Stops the timers and waits for running passes to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearInterval(t);
    this.#timers.clear();
    while (this.#running.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  async #tick(job: Job): Promise<number | undefined> {
    if (this.#stopped || this.#running.has(job.name)) return undefined;
    this.#running.add(job.name);
    let leading = false;
    try {
      leading = await this.#leader.acquire(`job:${job.name}`);
      // Another process runs this job now; this one tries again at its next interval.
      if (!leading) return undefined;
      const handled = await job.run();
      if (handled) this.#log.info({ job: job.name, handled }, 'job pass');
      return handled;
    } catch (e) {
      this.#log.error({ job: job.name, err: e }, 'job failed; retrying at the next interval');
      return undefined;
    } finally {
      if (leading) await this.#leader.release(`job:${job.name}`).catch(() => {});
      this.#running.delete(job.name);
    }
  }
}
