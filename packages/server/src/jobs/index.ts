// Periodic work of the whole platform (sweeps, reconcilers, reports), run once per interval across
// the cluster. Every node with the worker role ticks each job a few times per interval; a tick
// takes the job's leader lock (so two passes never overlap, see ops/leader.ts) and then claims
// the job's slot in `job_runs` with a conditional update, so however many nodes tick, one pass
// runs per interval. A failure is logged, counted and retried at the next slot. Tests drive the
// passes with `runDue()` on a manual clock, or `runAll()`, instead of waiting for timers.
import type { Clock } from '@fairground/core';
import { inProcessLeader, type LeaderLock } from '../ops/leader.ts';
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { Migration, Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';

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

export interface JobsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: JobLogger;
  /** Keeps two passes of one job from overlapping across processes. */
  readonly leader?: LeaderLock;
  /** This process's name, recorded with each pass it runs. */
  readonly nodeId: string;
}

/** What the cluster knows of a job's latest pass. */
export interface JobStatus {
  readonly name: string;
  readonly intervalMs: number;
  readonly nextDueMs: number;
  readonly lastStartedMs: number | null;
  readonly lastFinishedMs: number | null;
  readonly lastOk: boolean | null;
  readonly lastHandled: number | null;
  readonly lastDurationMs: number | null;
  readonly lastNode: string | null;
  readonly lastError: string | null;
}

export const JOBS_MAX = 64;
export const JOB_INTERVAL_MS_MIN = 10;
/** Ticks per interval: a slot is claimed at most this fraction of an interval late. */
const TICKS_PER_INTERVAL = 4;
const TICK_MS_MAX = 60_000;
const ERROR_TEXT_MAX = 300;

export const jobsMigrations: Migration[] = [
  {
    id: 'jobs_001_runs',
    sql: `
CREATE TABLE job_runs (
  name TEXT PRIMARY KEY,
  next_due_ms BIGINT NOT NULL,
  last_started_ms BIGINT,
  last_finished_ms BIGINT,
  last_ok INTEGER,
  last_handled BIGINT,
  last_duration_ms BIGINT,
  last_node TEXT,
  last_error TEXT
);
`,
  },
];

export class Jobs {
  readonly #jobs: Job[] = [];
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<string>();
  readonly #o: JobsOptions;
  readonly #leader: LeaderLock;
  readonly #passes = new Map<string, { ok: number; failed: number }>();
  #stopped = false;

  constructor(o: JobsOptions) {
    this.#o = o;
    this.#leader = o.leader ?? inProcessLeader();
  }

  add(job: Job): void {
    if (this.#jobs.length >= JOBS_MAX) throw new Error(`more than ${JOBS_MAX} jobs`);
    if (this.#jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name} added twice`);
    if (!Number.isSafeInteger(job.intervalMs) || job.intervalMs < JOB_INTERVAL_MS_MIN)
      throw new Error(`job ${job.name} interval must be ≥ ${JOB_INTERVAL_MS_MIN} ms`);
    this.#jobs.push(job);
  }

  get names(): string[] {
    return this.#jobs.map((j) => j.name);
  }

  /** Starts ticking every job on real timers. */
  start(): void {
    this.#stopped = false;
    for (const job of this.#jobs) {
      const tickMs = Math.min(TICK_MS_MAX, Math.max(JOB_INTERVAL_MS_MIN, Math.floor(job.intervalMs / TICKS_PER_INTERVAL)));
      const timer = setInterval(() => void this.#tick(job, false), tickMs);
      timer.unref();
      this.#timers.set(job.name, timer);
    }
  }

  /** Runs, once, every job whose slot is due now (what the timers do, for tests on a manual clock). */
  async runDue(): Promise<Record<string, number | undefined>> {
    const out: Record<string, number | undefined> = {};
    for (const job of this.#jobs) {
      const handled = await this.#tick(job, false);
      if (handled !== NOT_RUN) out[job.name] = handled;
    }
    return out;
  }

  /** Runs every job once, in order, whatever their schedule. */
  async runAll(): Promise<Record<string, number | undefined>> {
    const out: Record<string, number | undefined> = {};
    for (const job of this.#jobs) {
      const handled = await this.#tick(job, true);
      out[job.name] = handled === NOT_RUN ? undefined : handled;
    }
    return out;
  }

  /** Stops the timers and waits for running passes to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearInterval(t);
    this.#timers.clear();
    while (this.#running.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** The latest pass of every job, as recorded in the database by whichever node ran it. */
  async status(): Promise<JobStatus[]> {
    const rows = await this.#o.store.reader.query<Record<string, unknown>>('SELECT * FROM job_runs ORDER BY name');
    const byName = new Map(rows.map((r) => [r.name as string, r]));
    return this.#jobs.map((job) => {
      const r = byName.get(job.name);
      const ok = r === undefined ? null : intOrNullFromDb(r.last_ok);
      return {
        name: job.name,
        intervalMs: job.intervalMs,
        nextDueMs: r === undefined ? 0 : intFromDb(r.next_due_ms),
        lastStartedMs: r === undefined ? null : intOrNullFromDb(r.last_started_ms),
        lastFinishedMs: r === undefined ? null : intOrNullFromDb(r.last_finished_ms),
        lastOk: ok === null ? null : ok === 1,
        lastHandled: r === undefined ? null : intOrNullFromDb(r.last_handled),
        lastDurationMs: r === undefined ? null : intOrNullFromDb(r.last_duration_ms),
        lastNode: r === undefined ? null : ((r.last_node as string | null) ?? null),
        lastError: r === undefined ? null : ((r.last_error as string | null) ?? null),
      };
    });
  }

  /** Gauges of every job's latest pass (read from the database at each scrape) and this node's pass counters. */
  registerMetrics(registry: MetricsRegistry): void {
    const finished = registry.gauge('fg_job_last_finished_seconds', 'when the latest pass of each job ended (any node), Unix seconds');
    const ok = registry.gauge('fg_job_last_ok', 'whether the latest pass of each job succeeded (1) or failed (0)');
    const duration = registry.gauge('fg_job_last_duration_seconds', 'how long the latest pass of each job took');
    const handled = registry.gauge('fg_job_last_handled', 'items the latest pass of each job handled');
    const passes = registry.gauge('fg_job_passes_total', 'passes of each job this node ran, by outcome');
    registry.onCollect(async () => {
      for (const s of await this.status()) {
        const labels = { job: s.name };
        if (s.lastFinishedMs !== null) finished.set(Math.floor(s.lastFinishedMs / 1000), labels);
        if (s.lastOk !== null) ok.set(s.lastOk ? 1 : 0, labels);
        if (s.lastDurationMs !== null) duration.set(s.lastDurationMs / 1000, labels);
        if (s.lastHandled !== null) handled.set(s.lastHandled, labels);
      }
      for (const [job, c] of this.#passes) {
        passes.set(c.ok, { job, outcome: 'ok' });
        passes.set(c.failed, { job, outcome: 'failed' });
      }
    });
  }

  async #tick(job: Job, force: boolean): Promise<number | undefined | typeof NOT_RUN> {
    if (this.#stopped || this.#running.has(job.name)) return NOT_RUN;
    this.#running.add(job.name);
    let leading = false;
    try {
      leading = await this.#leader.acquire(`job:${job.name}`);
      // Another process runs this job now; this one tries again at its next tick.
      if (!leading) return NOT_RUN;
      const startedMs = this.#o.clock.nowMs();
      if (!(await this.#claim(job, startedMs, force))) return NOT_RUN;
      try {
        const handled = await job.run();
        await this.#finish(job, startedMs, { ok: true, handled: handled ?? null, error: null });
        if (handled) this.#o.log.info({ job: job.name, handled }, 'job pass');
        return handled;
      } catch (e) {
        this.#o.log.error({ job: job.name, err: e }, 'job failed; retrying at the next interval');
        await this.#finish(job, startedMs, { ok: false, handled: null, error: String((e as Error)?.message ?? e) });
        return undefined;
      }
    } catch (e) {
      this.#o.log.error({ job: job.name, err: e }, 'job could not be scheduled; retrying at the next tick');
      return NOT_RUN;
    } finally {
      if (leading) await this.#leader.release(`job:${job.name}`).catch(() => {});
      this.#running.delete(job.name);
    }
  }

  /** Takes the job's slot when it is due (or when forced); false when another node already ran this slot. */
  async #claim(job: Job, nowMs: number, force: boolean): Promise<boolean> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        await tx.run('INSERT INTO job_runs (name, next_due_ms) VALUES (?, 0) ON CONFLICT (name) DO NOTHING', [job.name]);
        const changed = await tx.run(
          `UPDATE job_runs SET next_due_ms = ?, last_started_ms = ?, last_node = ? WHERE name = ?${force ? '' : ' AND next_due_ms <= ?'}`,
          force
            ? [nowMs + job.intervalMs, nowMs, this.#o.nodeId, job.name]
            : [nowMs + job.intervalMs, nowMs, this.#o.nodeId, job.name, nowMs],
        );
        return changed === 1;
      },
      { label: 'jobs.claim' },
    );
  }

  async #finish(job: Job, startedMs: number, r: { ok: boolean; handled: number | null; error: string | null }): Promise<void> {
    const counts = this.#passes.get(job.name) ?? { ok: 0, failed: 0 };
    if (r.ok) counts.ok += 1;
    else counts.failed += 1;
    this.#passes.set(job.name, counts);
    const nowMs = this.#o.clock.nowMs();
    await this.#o.store
      .unitOfWork(
        (tx) =>
          tx.run(
            'UPDATE job_runs SET last_finished_ms = ?, last_ok = ?, last_handled = ?, last_duration_ms = ?, last_error = ? WHERE name = ? AND last_node = ? AND last_started_ms = ?',
            [
              nowMs,
              r.ok ? 1 : 0,
              r.handled,
              Math.max(0, nowMs - startedMs),
              r.error === null ? null : r.error.slice(0, ERROR_TEXT_MAX),
              job.name,
              this.#o.nodeId,
              startedMs,
            ],
          ),
        { label: 'jobs.finish' },
      )
      .catch((e: unknown) => this.#o.log.error({ job: job.name, err: e }, 'job result not recorded'));
  }
}

const NOT_RUN = Symbol('not run');
