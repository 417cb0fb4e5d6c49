// The checkpoint helper thread: a connection of its own that runs one
// `PRAGMA wal_checkpoint(PASSIVE)` each time the writer thread asks (`request`), so the bulk of the
// copying from the WAL into the database file happens beside the writer, not in its commits. The
// writer decides when (`WriterCheckpoints` below, `beside`) and copies what is left itself, between
// two transactions, once the WAL passes its bound. Durability does not depend on it: every commit
// is fsynced in the WAL (`synchronous=FULL`) before it is acknowledged, and a restart replays the
// WAL whatever its size.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

export interface CheckpointerOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

/** The slots of the shared state: checkpoints asked for, the stop flag, a checkpoint running. */
const REQUESTS = 0;
const STOP = 1;
const RUNNING = 2;
/** How long the thread sleeps at most without a request: it rechecks the stop flag. */
const IDLE_WAKE_MS = 1000;

export interface Checkpointer {
  /** Whether the thread is between checkpoints. */
  idle(): boolean;
  /** Asks for one checkpoint now (the thread is busy from this call until it has run). */
  request(): void;
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
    idle() {
      return Atomics.load(state, RUNNING) === 0;
    },
    request() {
      Atomics.store(state, RUNNING, 1);
      Atomics.add(state, REQUESTS, 1);
      Atomics.notify(state, REQUESTS);
    },
    async close() {
      Atomics.store(state, STOP, 1);
      Atomics.notify(state, REQUESTS);
      await exited;
    },
  };
}

function run(options: CheckpointerOptions, state: Int32Array): void {
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  db.exec('PRAGMA synchronous = FULL');
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let seen = 0;
  while (Atomics.load(state, STOP) === 0) {
    const requests = Atomics.load(state, REQUESTS);
    if (requests === seen) {
      Atomics.wait(state, REQUESTS, requests, IDLE_WAKE_MS);
      continue;
    }
    seen = requests;
    Atomics.store(state, RUNNING, 1);
    try {
      passive.get();
    } catch (e) {
      // SQLITE_BUSY (another checkpoint running): the writer asks again.
      if ((e as { errcode?: number }).errcode !== 5) throw e;
    } finally {
      Atomics.store(state, RUNNING, 0);
    }
  }
  db.close();
}

// ---------------------------------------------------------------- checkpoints between transactions
//
// The default: the writer thread checkpoints the WAL itself, with
// `PRAGMA wal_checkpoint(PASSIVE)` on its own connection, between two transactions instead of
// inside a COMMIT. SQLite's automatic checkpoint runs in the COMMIT that carries the WAL past its
// threshold, before that COMMIT returns, so the group's answers wait for it. Here a commit that
// leaves `idlePages` or more frames not yet copied asks for a checkpoint; it runs after the
// commit's answers are posted, when no transaction holds or waits for the connection (so it
// overlaps with the callers' turn, not with a group waiting to commit). Past `maxPages` it runs
// between the next two transactions even when one is waiting, so the WAL stays bounded under a
// load that never leaves the writer idle. Being on the writer's own connection between its
// transactions, the checkpoint copies the whole WAL (no commit lands during it), and the writer's
// next transaction starts the WAL over (unless a reader still holds an older snapshot, as with
// SQLite's own checkpoint). Durability is unchanged: every commit is fsynced in the WAL
// (`synchronous=FULL`) before it is acknowledged; the checkpoint only copies committed pages into
// the database file and fsyncs it.

export interface WriterCheckpointOptions {
  /** Frames not yet copied past which a checkpoint runs at the writer's next idle moment (or, with `beside`, in the helper thread). */
  readonly idlePages: number;
  /** Frames not yet copied past which it runs between the next two transactions, idle or not. */
  readonly maxPages: number;
  /**
   * The bulk of the copying in a helper thread beside the writer (`startCheckpointer`, asked by
   * the writer, one PASSIVE checkpoint at a time), the writer copying only the tail the helper
   * left, between its transactions, once the WAL holds `restartPages` frames, so that its next
   * transaction starts the WAL over.
   */
  readonly beside?: { readonly restartPages: number };
}

/** What the scheduler acts on: injected, so tests can drive it without a database or real time. */
export interface WriterCheckpointIo {
  /** WAL frames written and not yet copied into the database file (0 when unknown). */
  backlog(): number;
  /** WAL frames written since the WAL last started over (with `beside`). */
  frames?(): number;
  /** The helper thread (with `beside`): whether it is between checkpoints, and asking it for one. */
  helper?: { idle(): boolean; request(): void };
  /** Runs the checkpoint (the caller holds the connection). */
  checkpoint(): void;
  /** Whether a transaction holds the connection or waits for it. */
  busy(): boolean;
  /** Takes the connection between two transactions (in turn behind those already waiting). */
  lock(): Promise<void>;
  unlock(): void;
  /** Runs `fn` on a later turn of the event loop (`setImmediate`). */
  defer(fn: () => void): void;
  /** Lets go of what `backlog` reads and stops the helper (the connection is closing). */
  close?(): Promise<void>;
}

/** Checkpoints on the writer thread between transactions (see above). */
export class WriterCheckpoints {
  readonly #options: WriterCheckpointOptions;
  readonly #io: WriterCheckpointIo;
  #scheduled = false;
  #closed = false;
  readonly maxPages: number;
  /** Checkpoints run so far, and how many of them ran with a transaction waiting (past `maxPages`). */
  runs = 0;
  forced = 0;

  constructor(options: WriterCheckpointOptions, io: WriterCheckpointIo) {
    const { idlePages, maxPages } = options;
    if (!Number.isSafeInteger(idlePages) || idlePages < 1 || !Number.isSafeInteger(maxPages) || maxPages < idlePages)
      throw new Error('idlePages must be a positive integer and maxPages an integer of at least idlePages');
    this.#options = options;
    this.maxPages = options.maxPages;
    this.#io = io;
  }

  /** Called after every commit on the writer connection, before its answers are posted. */
  committed(): void {
    if (this.#closed || this.#scheduled) return;
    const backlog = this.#io.backlog();
    const helper = this.#io.helper;
    if (this.#options.beside && helper) {
      const frames = this.#io.frames?.() ?? backlog;
      const restart = frames >= this.#options.beside.restartPages;
      if (!helper.idle()) return;
      // The helper copies while the writer goes on; past `restartPages` the writer copies what is left.
      if (!restart) {
        if (backlog >= this.#options.idlePages) helper.request();
        return;
      }
    } else if (backlog < this.#options.idlePages) return;
    this.#scheduled = true;
    // Two turns later: after the commit's answers are posted (promise callbacks), and after the
    // turn in which any transaction those answers queued takes the connection, so that `busy`
    // sees it.
    this.#io.defer(() => this.#io.defer(() => this.#run()));
  }

  /** The connection is closing: no more checkpoints (its close checkpoints what is left). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#io.close?.();
  }

  #run(): void {
    if (this.#closed) return;
    const backlog = this.#io.backlog();
    const beside = this.#options.beside;
    const pending = beside ? (this.#io.frames?.() ?? backlog) : backlog;
    const threshold = beside ? beside.restartPages : this.#options.idlePages;
    if (
      pending < threshold ||
      (pending < this.#options.maxPages && this.#io.busy()) ||
      (beside && this.#io.helper && !this.#io.helper.idle())
    ) {
      // Copied already, or a transaction is waiting and the WAL is under its bound: a later commit asks again.
      this.#scheduled = false;
      return;
    }
    const forced = this.#io.busy();
    void this.#io.lock().then(() => {
      try {
        if (!this.#closed) this.#io.checkpoint();
        this.runs += 1;
        if (forced) this.forced += 1;
      } finally {
        this.#scheduled = false;
        this.#io.unlock();
      }
    });
  }
}

/**
 * The WAL's backlog as the database's shared-memory index records it (`<db>-shm`, SQLite's
 * documented wal-index format: the header's `mxFrame` at byte 16 and the checkpoint's `nBackfill`
 * at byte 96, in the machine's byte order): frames written since the WAL last started over and
 * not yet copied (and `frames`, the `mxFrame` of the last read). A read of 100 bytes, no lock: a
 * torn read only misjudges one decision. Null when the index cannot be opened.
 */
export function walBacklogReader(dbPath: string): { frames: number; read(): number; close(): void } | null {
  let fd: number;
  try {
    fd = openSync(`${dbPath}-shm`, 'r');
  } catch {
    return null;
  }
  const buf = Buffer.alloc(100);
  const le = endianness() === 'LE';
  const out = {
    frames: 0,
    read() {
      if (readSync(fd, buf, 0, 100, 0) < 100) return 0;
      const mxFrame = le ? buf.readUInt32LE(16) : buf.readUInt32BE(16);
      const nBackfill = le ? buf.readUInt32LE(96) : buf.readUInt32BE(96);
      out.frames = mxFrame;
      return mxFrame > nBackfill ? mxFrame - nBackfill : 0;
    },
    close() {
      closeSync(fd);
    },
  };
  return out;
}

const data = workerData as { fairgroundSqliteCheckpointer?: CheckpointerOptions; state?: Int32Array } | undefined;
if (!isMainThread && data?.fairgroundSqliteCheckpointer && data.state) run(data.fairgroundSqliteCheckpointer, data.state);
