// The WAL checkpoint off the commit path. With `wal_autocheckpoint` on, the commit that carries
// the WAL past its threshold copies the WAL's pages back into the database file and fsyncs it
// before it returns, on the writer thread, while the next group waits. Here the writer connection
// turns the automatic checkpoint off and a thread of its own, with its own connection, runs
// `PRAGMA wal_checkpoint(PASSIVE)` every few commits: it copies what is committed while the writer
// goes on appending. Durability does not depend on it: every commit is fsynced in the WAL
// (`synchronous=FULL`) before it is acknowledged, and a restart replays the WAL whatever its size.
//
// SQLite starts the WAL over from its beginning only when a write transaction begins after a
// checkpoint has copied all of it. Under a steady load a commit lands during nearly every
// checkpoint of this thread and leaves a tail, so the WAL would grow without end; and a blocking
// checkpoint from this thread loses the write lock to the writer's next group again and again
// (SQLite's locks are not fair). So once the WAL passes `restartPages`, this thread raises a flag
// and the writer thread itself, between two transactions, runs `wal_checkpoint(RESTART)`: it
// copies the tail (this thread has copied the rest), waits for readers within its busy timeout,
// and its next transaction starts the WAL over. The WAL is bounded by `restartPages` and what the
// commits of one checkpoint round add.
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';

export interface CheckpointerOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  /** A checkpoint every this many commits. */
  readonly everyCommits: number;
  /** WAL frames (pages) past which the writer checkpoints the tail itself and starts the WAL over. */
  readonly restartPages: number;
}

/** The slots of the shared state: commits counted by the writer, the stop flag, the restart flag. */
const COMMITS = 0;
const STOP = 1;
const RESTART = 2;
/** Catch-up rounds after a checkpoint that commits overtook, before waiting for more commits. */
const CATCH_UP_MAX = 4;
/** How long the thread sleeps at most without a commit: it rechecks the stop flag. */
const IDLE_WAKE_MS = 1000;

export interface Checkpointer {
  /**
   * Counts one commit of the writer connection (a shared counter and a wake-up; no message).
   * True when the WAL has passed `restartPages`: the writer should run a restart checkpoint
   * between two transactions, then call `restarted`.
   */
  committed(): boolean;
  /** The writer's restart checkpoint ran: the flag goes down. */
  restarted(): void;
  /** Stops the thread; the writer's own close then checkpoints what is left. */
  close(): Promise<void>;
}

/** Starts the checkpoint thread for the database at `options.path` (from the writer thread). */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const state = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { fairgroundSqliteCheckpointer: options, state },
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  // It never keeps its parent alive: the writer thread's own port does that.
  worker.unref();
  worker.on('error', (e) => console.error('sqlite checkpoint thread failed', e));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    committed() {
      Atomics.add(state, COMMITS, 1);
      Atomics.notify(state, COMMITS);
      return Atomics.load(state, RESTART) === 1;
    },
    restarted() {
      Atomics.store(state, RESTART, 0);
    },
    async close() {
      Atomics.store(state, STOP, 1);
      Atomics.notify(state, COMMITS);
      await exited;
    },
  };
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

function run(options: CheckpointerOptions, state: Int32Array): void {
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  db.exec('PRAGMA synchronous = FULL');
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let seen = 0;
  while (Atomics.load(state, STOP) === 0) {
    const commits = Atomics.load(state, COMMITS);
    if (commits - seen < options.everyCommits) {
      Atomics.wait(state, COMMITS, commits, IDLE_WAKE_MS);
      continue;
    }
    seen = commits;
    try {
      let row = passive.get() as unknown as CheckpointRow;
      for (let i = 0; i < CATCH_UP_MAX && row.checkpointed < row.log && Atomics.load(state, STOP) === 0; i += 1) {
        row = passive.get() as unknown as CheckpointRow;
      }
      if (row.log >= options.restartPages) Atomics.store(state, RESTART, 1);
    } catch (e) {
      // SQLITE_BUSY (another checkpoint running): the next round tries again.
      if ((e as { errcode?: number }).errcode !== 5) throw e;
    }
  }
  db.close();
}

const data = workerData as { fairgroundSqliteCheckpointer?: CheckpointerOptions; state?: Int32Array } | undefined;
if (!isMainThread && data?.fairgroundSqliteCheckpointer && data.state) run(data.fairgroundSqliteCheckpointer, data.state);
