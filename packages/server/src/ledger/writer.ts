// The double-entry ledger: TigerBeetle's contract (research/ledgers.md §2, §7) on SQL.
//
// Inside a unit of work the ledger keeps, per database transaction, the rows it has locked and
// the writes it has staged (a `TxParticipant`): a ledger operation first locks the head of each
// chain shard it appends to (a transfer belongs to the shard of its debit account; one shard, the
// default, is one global chain), then each account it touches is loaded once with `FOR UPDATE`
// (PostgreSQL; SQLite has one writer anyway). Checks run against those locked, in-memory
// balances; the transfers, the idempotency records, the new balances and the new shard heads are
// written in one statement (PostgreSQL) or a few pipelined ones (SQLite) just before COMMIT.
// Coalesced direct requests lock all their shard heads in shard order before any account, so
// they cannot deadlock; units that append to a second shard after locking accounts can, and the
// store then runs the group again (PostgreSQL reports the deadlock, a bounded number of retries).
//
// Idempotency: every request (a transfer, a linked batch, a post or a void) carries a scope and a
// key. Same scope+key and same content → the original result, nothing moves again. Same key,
// different content → LEDGER_IDEMPOTENCY_CONFLICT. Same key while an earlier unit of the same
// transaction staged it and has not committed yet → LEDGER_IN_PROGRESS. A request that failed
// (insufficient funds, say) stores nothing: retrying the same key later is evaluated afresh, which
// is what a player topping up and retrying expects.
import { randomBytes } from 'node:crypto';
import { AppError, type Clock, present, systemClock } from '@fairground/core';
import type { SqlValue, Store, Tx, TxParticipant, UnitOptions } from '../storage/ports.ts';
import { intFromDb, placeholders } from '../storage/sql.ts';
import {
  ACCOUNT_ID_SHAPE,
  type AccountRow,
  type AccountState,
  accountFromRow,
  batchContentHash,
  chainHash,
  contentHash,
  rowToResult,
  globalSeq,
  headsText,
  rootHash,
  shardOf,
  type TransferRow,
  transferContentHash,
  ZERO_HASH,
} from './codec.ts';
import { LedgerErrors } from './errors.ts';
import type { DirectRequestInput, DirectStats } from './hosted-wire.ts';
import {
  AccountFlags,
  type AccountId,
  accountAsset,
  ASSETS,
  type Asset,
  defaultFlags,
  isAsset,
  isTransferCode,
  parseAccountId,
  SYSTEM_ACCOUNTS,
  systemAccount,
  type TransferCode,
  TransferFlags,
} from './model.ts';
import {
  type BatchInput,
  type BatchTransferInput,
  type CloseInput,
  LEDGER_DEFAULTS,
  type LedgerOptions,
  type RequestResult,
  type TransferInput,
  type TransferResult,
} from './types.ts';

const SCOPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

interface StagedTransfer extends TransferResult {
  readonly scope: string;
  readonly key: string;
  readonly batchIndex: number;
  readonly prevHash: string;
  readonly hash: string;
}

interface StagedRequest {
  /** The request's scope and key (its map key joins them; kept apart so the flush need not split it). */
  readonly scope: string;
  readonly key: string;
  readonly contentHash: string;
  readonly result: string;
  readonly unitMark: number;
  readonly createdAtMs: number;
}

interface TxState {
  unitMark: number;
  /** Locked shard heads (shard → its chain position and hash, advanced as transfers are staged). */
  heads: Map<number, { seq: number; hash: string }>;
  accounts: Map<AccountId, AccountState>;
  dirty: Set<AccountId>;
  transfers: StagedTransfer[];
  requests: Map<string, StagedRequest>;
  closedPending: Set<string>;
  /** Whether this transaction has checked the shard heads against the configured count. */
  shardsChecked: boolean;
  /** The writer's cache of committed rows, when this transaction found it current (direct groups only); `accounts` is then its map. */
  cache: RowCache | null;
  /** Idempotency records prefetched for this transaction: null means known absent. */
  known: Map<string, { contentHash: string; result: string } | null>;
  /**
   * Undo steps for every change to the maps above, so a failed request or unit costs O(its
   * changes) to roll back. Loads and locks are journalled too: a savepoint rolled back releases
   * the row locks taken inside it, so what was read under them is forgotten with it.
   */
  journal: (() => void)[];
}

/** A transfer or linked batch checked, validated and hashed, with the shard of each transfer: what is known before anything is read. */
interface PreparedRequest {
  readonly scope: string;
  readonly key: string;
  readonly ts: readonly NormalTransfer[];
  readonly content: string;
  readonly shards: readonly number[];
}

/** An idempotency key as the group's read sends it (scope and key, the JSON the query expands). */
interface RequestKey {
  readonly s: string;
  readonly k: string;
}

interface Snapshot {
  journalLength: number;
  transfersLength: number;
}

/**
 * Committed account rows and shard heads as this writer last wrote them, kept between direct
 * groups when the writer is the connection's only user most of the time (SQLite's writer thread).
 * Current as long as nothing else has committed since the writer's own last commit: nothing on
 * its connection (`commitCount`, which counts every transaction there, the main thread's units
 * included) and nothing on another connection or process (`PRAGMA data_version`). Both are read
 * inside the group's transaction, which holds the write lock, so nothing can commit between the
 * check and the group's own commit.
 */
interface RowCache {
  readonly accounts: Map<AccountId, AccountState>;
  readonly heads: Map<number, { seq: number; hash: string }>;
  /** The connection's commit count right after this writer's last commit; `STALE` while a group works on the cache's map. */
  commits: number;
  dataVersion: number;
}

/** A store whose connection counts the transactions committed on it, and runs statements on this thread (SQLite's writer thread). */
interface CommitCounting {
  readonly commitCount?: () => number;
  readonly runLocal?: (sql: string, params: readonly SqlValue[]) => number;
}

/** How the writer reaches its connection. */
export interface LedgerWriterPlacement {
  /**
   * The write connection is on this thread (the writer hosted in SQLite's writer thread): a
   * statement costs no message, so the flush sends one prepared statement per row, which SQLite
   * runs faster than one long multi-row statement.
   */
  readonly localConnection?: boolean;
}

export class LedgerWriter {
  readonly store: Store;
  readonly #localConnection: boolean;
  /** Set when the writer may keep committed rows between groups (see `RowCache`). */
  readonly #commitCount: (() => number) | null;
  #cache: RowCache | null = null;
  /** Set with `#commitCount`: the flush's statements run on the connection at once (see `#flushSqliteRows`). */
  readonly #runLocal: ((sql: string, params: readonly SqlValue[]) => number) | null;
  #groups = 0;
  #groupRequests = 0;
  #groupTransfers = 0;
  readonly #clock: Clock;
  readonly #amountMax: number;
  readonly #batchMax: number;
  readonly #shards: number;
  readonly #allShards: readonly number[];
  /** Set once a committed transaction has seen exactly `#shards` chain heads. */
  #shardsChecked = false;
  readonly #participant: TxParticipant<TxState>;

  constructor(store: Store, options: LedgerOptions = {}, placement: LedgerWriterPlacement = {}) {
    this.store = store;
    this.#localConnection = placement.localConnection === true;
    const counting = (store as Store & CommitCounting).commitCount;
    this.#commitCount = this.#localConnection && store.dialect === 'sqlite' && typeof counting === 'function' ? counting : null;
    const runLocal = (store as Store & CommitCounting).runLocal;
    this.#runLocal = this.#commitCount && typeof runLocal === 'function' ? runLocal : null;
    this.#clock = options.clock ?? systemClock;
    this.#amountMax = options.transferAmountMax ?? LEDGER_DEFAULTS.transferAmountMax;
    this.#batchMax = options.batchTransfersMax ?? LEDGER_DEFAULTS.batchTransfersMax;
    if (!Number.isSafeInteger(this.#amountMax) || this.#amountMax < 1) throw new Error('transferAmountMax must be a positive safe integer');
    this.#shards = options.chainShards ?? 1;
    if (!Number.isSafeInteger(this.#shards) || this.#shards < 1 || this.#shards > LEDGER_DEFAULTS.chainShardsMax)
      throw new Error(`chainShards must be an integer from 1 to ${LEDGER_DEFAULTS.chainShardsMax}`);
    this.#allShards = Array.from({ length: this.#shards }, (_, i) => i);
    this.#queues = this.#allShards.map(() => []);
    this.#draining = this.#allShards.map(() => false);
    // A direct group with a row cache commits alone, so the connection's commit count tells its
    // own commits from everyone else's.
    this.#directOptions = {
      label: 'ledger.direct',
      ...((this.#shards > 1 && store.dialect === 'postgres') || this.#commitCount ? { ownTransaction: true } : {}),
    };
    this.#participant = {
      name: 'ledger',
      create: () => ({
        unitMark: 0,
        heads: new Map(),
        accounts: new Map(),
        dirty: new Set(),
        transfers: [],
        requests: new Map(),
        closedPending: new Set(),
        shardsChecked: false,
        cache: null,
        known: new Map(),
        journal: [],
      }),
      snapshot: (s): Snapshot => {
        // Called when each unit of a group starts: the mark tells this unit's staged requests from earlier units'.
        s.unitMark += 1;
        return takeSnapshot(s);
      },
      restore: (s, snap) => restoreSnapshot(s, snap as Snapshot),
      flush: (tx, s) => this.#flush(tx, s),
    };
  }

  // ---------------------------------------------------------------- accounts

  /** Opens an account if it does not exist (idempotent). Flags default by owner kind. */
  async openAccount(tx: Tx, id: AccountId, flags?: number): Promise<void> {
    const parsed = parseAccountId(id);
    const f = flags ?? defaultFlags(parsed.ownerKind);
    if (f !== 0 && f !== AccountFlags.debitsMustNotExceedCredits && f !== AccountFlags.creditsMustNotExceedDebits) {
      throw new Error(`invalid account flags ${f}`);
    }
    await tx.run(
      'INSERT INTO ledger_accounts (id, owner_kind, owner_id, asset, flags, created_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      [id, parsed.ownerKind, parsed.ownerId, parsed.asset, f, tx.nowMs],
    );
  }

  /** Opens every system account for every asset. Run once at start. */
  async openSystemAccounts(): Promise<void> {
    await this.store.unitOfWork(async (tx) => {
      for (const name of SYSTEM_ACCOUNTS) for (const asset of ASSETS) await this.openAccount(tx, systemAccount(name, asset));
    });
  }

  // ---------------------------------------------------------------- writes inside a unit of work

  /**
   * Takes every shard head's lock now, in shard order, as ledger writers do before any account
   * (PostgreSQL: `FOR UPDATE`; SQLite has one writer anyway). A domain that must count what was
   * done before it moves money (a cap on active games, a daily limit) calls this at the start of
   * its unit and counts after it: every unit that moved money before has committed by then (or
   * shares this transaction), none can commit beside it, and the lock order stays heads first.
   * Idempotent within a transaction.
   */
  async serialize(tx: Tx): Promise<void> {
    await this.#lockShards(tx, tx.participant(this.#participant), this.#allShards);
  }

  async transfer(tx: Tx, input: TransferInput): Promise<RequestResult> {
    return this.#applyPrepared(tx, tx.participant(this.#participant), this.#prepareTransfer(input));
  }

  /** A linked batch: every transfer succeeds or none does. */
  async batch(tx: Tx, input: BatchInput): Promise<RequestResult> {
    return this.#applyPrepared(tx, tx.participant(this.#participant), this.#prepareBatch(input));
  }

  /** A transfer's checks, validation, content hash and shard, done before anything is read or locked. */
  #prepareTransfer(input: TransferInput): PreparedRequest {
    checkRequestKey(input.scope, input.key);
    const t = this.#validate(input);
    return { scope: input.scope, key: input.key, ts: [t], content: transferContentHash(t), shards: [shardOf(t.debit, this.#shards)] };
  }

  /** A linked batch's checks, validation, content hash and shards, done before anything is read or locked. */
  #prepareBatch(input: BatchInput): PreparedRequest {
    checkRequestKey(input.scope, input.key);
    if (!Array.isArray(input.transfers) || input.transfers.length === 0 || input.transfers.length > this.#batchMax) {
      throw new AppError(LedgerErrors.LEDGER_BATCH_INVALID, {
        count: Array.isArray(input.transfers) ? input.transfers.length : null,
        max: this.#batchMax,
      });
    }
    const ts = input.transfers.map((t) => this.#validate(t));
    return { scope: input.scope, key: input.key, ts, content: batchContentHash(ts), shards: ts.map((t) => shardOf(t.debit, this.#shards)) };
  }

  /**
   * A prepared transfer or linked batch, staged: at once, without an await, when its shard heads
   * are held, its accounts loaded and its idempotency record known (`#idempotentNow`: a plain
   * result); otherwise a promise that locks the heads and reads what it lacks.
   */
  #applyPrepared(tx: Tx, s: TxState, p: PreparedRequest): RequestResult | Promise<RequestResult> {
    return (holdsShards(s, p.shards) ? this.#idempotentNow(tx, s, p.scope, p.key, p.content, p.ts) : null) ?? this.#applyRead(tx, s, p);
  }

  /** `#applyPrepared`'s async part: the heads locked, then staged at once if that now suffices, else read and applied. */
  async #applyRead(tx: Tx, s: TxState, p: PreparedRequest): Promise<RequestResult> {
    const locked = !holdsShards(s, p.shards);
    if (locked) await this.#lockShards(tx, s, p.shards);
    return (
      (locked ? this.#idempotentNow(tx, s, p.scope, p.key, p.content, p.ts) : null) ??
      this.#idempotent(tx, s, p.scope, p.key, p.content, async () => {
        const out: StagedTransfer[] = [];
        for (const [i, t] of p.ts.entries()) out.push(await this.#applyNew(tx, s, p.scope, p.key, i, t));
        return out;
      })
    );
  }

  /** Posts a hold, in full or in part (the rest is released). */
  async post(tx: Tx, input: CloseInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    const amount = input.amount === undefined ? undefined : this.#checkAmount(input.amount);
    const pendingId = checkPendingId(input.pendingId);
    const content = contentHash({ op: 'post', pendingId, amount: amount ?? null });
    const s = tx.participant(this.#participant);
    const pending = await this.#lockForClose(tx, s, pendingId);
    return this.#idempotent(tx, s, input.scope, input.key, content, async () => [
      await this.#close(tx, s, input.scope, input.key, pendingId, pending, 'post', amount),
    ]);
  }

  /** Voids a hold: the reserved amount returns to the debit account. */
  async void(tx: Tx, input: CloseInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    const pendingId = checkPendingId(input.pendingId);
    const content = contentHash({ op: 'void', pendingId });
    const s = tx.participant(this.#participant);
    const pending = await this.#lockForClose(tx, s, pendingId);
    return this.#idempotent(tx, s, input.scope, input.key, content, async () => [
      await this.#close(tx, s, input.scope, input.key, pendingId, pending, 'void', undefined),
    ]);
  }

  // ---------------------------------------------------------------- convenience: one unit each

  // Requests submitted directly (not inside a caller's unit) are coalesced: whatever arrived while
  // the previous batch was committing runs as one unit of work, with one query for all their
  // idempotency keys and one locking query for all their accounts. Each request still succeeds or
  // fails on its own; a failed request leaves nothing staged.

  submit(input: TransferInput): Promise<RequestResult> {
    return this.#direct({ kind: 'transfer', input });
  }

  submitBatch(input: BatchInput): Promise<RequestResult> {
    return this.#direct({ kind: 'batch', input });
  }

  submitPost(input: CloseInput): Promise<RequestResult> {
    return this.#direct({ kind: 'post', input });
  }

  submitVoid(input: CloseInput): Promise<RequestResult> {
    return this.#direct({ kind: 'void', input });
  }

  /**
   * Requests that arrived together (one message from the event loop), each settling on its own.
   * They are a group already: a shard that is not committing starts on them at once rather than
   * on the next turn, so a second group sent behind this one queues for the next commit instead of
   * joining this one (the sender keeps two groups in flight to overlap its work with the commit).
   */
  submitMany(requests: readonly DirectRequestInput[]): Promise<PromiseSettledResult<RequestResult>[]> {
    // One promise for the group, its outcomes written in place: no promise per request.
    const settled = new Array<PromiseSettledResult<RequestResult>>(requests.length);
    const done = new Promise<PromiseSettledResult<RequestResult>[]>((resolve) => {
      let left = requests.length;
      if (left === 0) resolve(settled);
      for (const [i, req] of requests.entries()) {
        this.#enqueue(
          req,
          (value) => {
            settled[i] = { status: 'fulfilled', value };
            left -= 1;
            if (left === 0) resolve(settled);
          },
          (reason: unknown) => {
            settled[i] = { status: 'rejected', reason };
            left -= 1;
            if (left === 0) resolve(settled);
          },
          true,
        );
      }
    });
    for (let shard = 0; shard < this.#shards; shard += 1) {
      if (this.#queue(shard).length > 0 && !this.#draining[shard]) void this.#drain(shard);
    }
    return done;
  }

  /** Direct groups committed so far (each its own unit of work), and the requests and new transfers in them. */
  directStats(): DirectStats {
    return { groups: this.#groups, requests: this.#groupRequests, transfers: this.#groupTransfers };
  }

  readonly #queues: DirectRequest[][];
  /**
   * With several shards on PostgreSQL each shard's batch commits in its own transaction: grouped
   * with another shard's batch it would lock a second shard head after the first batch's accounts,
   * and two such groups can deadlock. (SQLite has one writer: sharing the commit is free there.)
   */
  readonly #directOptions: UnitOptions;
  readonly #draining: boolean[];

  #direct(req: DirectRequest['req']): Promise<RequestResult> {
    return new Promise((resolve, reject) => this.#enqueue(req, resolve, reject, false));
  }

  /** Queues a direct request; `reject` is called at once when the queue is full. */
  #enqueue(req: DirectRequest['req'], resolve: (r: RequestResult) => void, reject: (e: unknown) => void, deferDrain: boolean): void {
    // One queue per shard (the shard of the request's first debit account; holds closed by id go
    // to shard 0's queue): each queue commits its own batches, so on PostgreSQL with several
    // writer connections, batches of different shards lock different heads and commit side by side.
    const shard = this.#shards === 1 ? 0 : this.#routeShard(req);
    const queue = this.#queue(shard);
    if (queue.length >= LEDGER_DEFAULTS.directQueueMax) {
      reject(new AppError(LedgerErrors.LEDGER_BUSY));
      return;
    }
    queue.push({ req, resolve, reject });
    if (!this.#draining[shard] && !deferDrain) {
      // Start on the next turn of the event loop, so that every caller resumed by the previous
      // batch's answers has queued its next request by then and they all share one batch.
      this.#draining[shard] = true;
      setImmediate(() => void this.#drain(shard));
    }
  }

  #routeShard(req: DirectRequest['req']): number {
    const first =
      req.kind === 'transfer' ? req.input : req.kind === 'batch' && Array.isArray(req.input.transfers) ? req.input.transfers[0] : undefined;
    return typeof first?.debit === 'string' ? shardOf(first.debit, this.#shards) : 0;
  }

  #queue(shard: number): DirectRequest[] {
    return present(this.#queues[shard], 'a direct queue for every shard');
  }

  async #drain(shard: number): Promise<void> {
    const queue = this.#queue(shard);
    this.#draining[shard] = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, LEDGER_DEFAULTS.directBatchMax);
        let outcomes: ({ ok: true; value: RequestResult } | { ok: false; error: unknown })[];
        try {
          outcomes = await this.store.unitOfWork((tx) => this.#runDirect(tx, batch), this.#directOptions);
          this.#groups += 1;
          this.#groupRequests += batch.length;
          for (const o of outcomes) if (o.ok && !o.value.replayed) this.#groupTransfers += o.value.transfers.length;
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false as const, error }));
        }
        for (const [i, waiter] of batch.entries()) {
          const o = present(outcomes[i], 'an outcome for every request');
          if (o.ok) waiter.resolve(o.value);
          else waiter.reject(o.error);
        }
      }
    } finally {
      this.#draining[shard] = false;
    }
  }

  async #runDirect(
    tx: Tx,
    batch: readonly DirectRequest[],
  ): Promise<({ ok: true; value: RequestResult } | { ok: false; error: unknown })[]> {
    const s = tx.participant(this.#participant);
    const { keys, accountIds, shards } = this.#batchTouches(batch);
    // The head locks, then every idempotency record and every account these requests name, one
    // query each, sent together without waiting for each other (on a pipelined PostgreSQL writer
    // connection, one round trip; the server runs them in the order sent, so the heads are still
    // locked before any account). The statements' text does not depend on the batch size, so each
    // is prepared once.
    if (!this.#shardsChecked && !s.shardsChecked) await this.#checkShards(tx, s);
    if (this.#commitCount) await this.#useCache(tx, s, this.#commitCount);
    await Promise.all([
      this.#lockShards(tx, s, shards),
      this.#readRequests(tx, s, keys),
      this.#loadAccounts(
        tx,
        s,
        [...accountIds].filter((id) => !s.accounts.has(id)),
      ),
    ]);
    const out: ({ ok: true; value: RequestResult } | { ok: false; error: unknown })[] = [];
    for (const { req } of batch) {
      try {
        let value: RequestResult;
        if (req.kind === 'transfer' || req.kind === 'batch') {
          // Prepared once; staged at once when all it needs is at hand (the group's reads nearly
          // always leave it so), which spares a group of 64 an async call and its promises per
          // request; otherwise the prepared request goes on to read what it lacks.
          const staged = this.#applyPrepared(
            tx,
            s,
            req.kind === 'transfer' ? this.#prepareTransfer(req.input) : this.#prepareBatch(req.input),
          );
          value = staged instanceof Promise ? await staged : staged;
        } else value = req.kind === 'post' ? await this.post(tx, req.input) : await this.void(tx, req.input);
        out.push({ ok: true, value });
      } catch (error) {
        // Expected failures are answers; anything else (a database error) fails the whole unit.
        if (!(error instanceof AppError)) throw error;
        out.push({ ok: false, error });
      }
    }
    return out;
  }

  /**
   * The idempotency records of these keys, written into the transaction's `known` (null where
   * there is none): one query for them all, a JSON array expanded by the database (one message or
   * round trip). Point lookups on a prepared statement, one per key, cost the writer thread more
   * CPU than this join at 64 keys and the same at 8 (bench/README.md, "Two more cuts").
   */
  async #readRequests(tx: Tx, s: TxState, keys: readonly RequestKey[]): Promise<void> {
    if (keys.length === 0) return;
    const rows = await tx.query<RequestRow & { scope: string; idem_key: string }>(
      tx.dialect === 'postgres'
        ? READ_REQUESTS_POSTGRES_SQL
        : "SELECT r.scope, r.idem_key, r.content_hash, r.result FROM json_each(?) AS k JOIN ledger_requests r ON r.scope = k.value ->> '$.s' AND r.idem_key = k.value ->> '$.k'",
      [JSON.stringify(keys)],
    );
    for (const k of keys) s.known.set(`${k.s}\u0000${k.k}`, null);
    for (const r of rows) s.known.set(`${r.scope}\u0000${r.idem_key}`, { contentHash: r.content_hash, result: r.result });
  }

  /** The idempotency keys, accounts and chain shards a batch of requests names, to lock and load before it runs. */
  #batchTouches(batch: readonly DirectRequest[]): { keys: RequestKey[]; accountIds: Set<AccountId>; shards: number[] } {
    // Every shard head these requests append to is locked first, in shard order (a close's shard
    // is known only from its hold, so a batch with closes takes them all): no account lock is
    // ever taken before a head lock on this path.
    const keys: RequestKey[] = [];
    const accountIds = new Set<AccountId>();
    let shards: number[] = this.#shards === 1 ? this.#allShards.slice() : [];
    for (const { req } of batch) {
      const input = req.input as { scope?: unknown; key?: unknown };
      if (typeof input.scope === 'string' && typeof input.key === 'string') keys.push({ s: input.scope, k: input.key });
      if (req.kind === 'post' || req.kind === 'void') {
        shards = this.#allShards.slice();
        continue;
      }
      const ts = req.kind === 'batch' ? (Array.isArray(req.input.transfers) ? req.input.transfers : []) : [req.input];
      for (const t of ts) {
        if (typeof t?.debit === 'string') {
          accountIds.add(t.debit);
          if (this.#shards > 1 && ACCOUNT_ID_SHAPE.test(t.debit)) shards.push(shardOf(t.debit, this.#shards));
        }
        if (typeof t?.credit === 'string') accountIds.add(t.credit);
      }
    }
    return { keys, accountIds, shards };
  }

  /**
   * Checks the row cache against the connection's commit count and data version (inside this
   * transaction, under the write lock), starts it afresh when anyone else has committed, and
   * after this group commits refreshes it with the rows the group read and wrote.
   */
  async #useCache(tx: Tx, s: TxState, commitCount: () => number): Promise<void> {
    const commits = commitCount();
    const dataVersion = intFromDb((await tx.query<{ data_version: unknown }>('PRAGMA data_version'))[0]?.data_version);
    let cache = this.#cache;
    if (!cache || cache.commits !== commits || cache.dataVersion !== dataVersion) {
      cache = { accounts: new Map(), heads: new Map(), commits, dataVersion };
      this.#cache = cache;
    }
    s.cache = cache;
    const current = cache;
    // The group works on the cache's own map: what it loads and changes is in the cache as it
    // goes, and the refresh after the commit has no account to copy. Until this group commits
    // the cache is marked stale, so a group rolled back whole (a failed flush or COMMIT) leaves
    // a cache no later group takes: the next one starts afresh. A unit rolled back inside the
    // group is undone in the map by the journal, as before.
    for (const [id, a] of s.accounts) cache.accounts.set(id, a);
    s.accounts = cache.accounts;
    cache.commits = STALE;
    tx.afterCommit(() => {
      if (this.#cache !== current) return;
      if (current.accounts.size > LEDGER_DEFAULTS.rowCacheAccountsMax) {
        this.#cache = null;
        return;
      }
      for (const [shard, h] of s.heads) current.heads.set(shard, h);
      current.commits = commits + 1;
    });
  }

  /** Loads and locks accounts in id order (the lock order), skipping unknown ids (they fail later, per request). */
  async #loadAccounts(tx: Tx, s: TxState, ids: readonly AccountId[]): Promise<void> {
    // With a row cache `s.accounts` is the cache's map: an id the caller did not find there is not cached.
    const valid = ids.filter((id) => ACCOUNT_ID_SHAPE.test(id));
    if (valid.length === 0) return;
    const rows = await tx.query<AccountRow>(
      tx.dialect === 'postgres'
        ? // `= ANY (ARRAY(…))` rather than `IN (SELECT …)`: an index lookup per id, where the planner
          // would otherwise hash-join against a scan of every account while the table is small.
          'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id = ANY (ARRAY(SELECT json_array_elements_text(?::json))) ORDER BY id FOR UPDATE'
        : 'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(valid)],
    );
    for (const row of rows) {
      const id = row.id;
      s.accounts.set(id, accountFromRow(row));
      s.journal.push(() => s.accounts.delete(id));
    }
  }

  /**
   * Voids holds whose timeout has passed. Only holds created with a timeout can expire; holds
   * that wait on an outside party (a withdrawal the player may confirm for 24 h) are created
   * without one, or with one longer than that party's window, so a sweep never voids a hold
   * that can still be paid.
   */
  async expirePending(limit = 100): Promise<number> {
    const nowMs = this.#clock.nowMs();
    const rows = await this.store.reader.query<{ id: string }>(
      `SELECT t.id FROM ledger_transfers t
        WHERE t.timeout_at_ms IS NOT NULL AND t.timeout_at_ms <= ?
          AND NOT EXISTS (SELECT 1 FROM ledger_transfers c WHERE c.pending_id = t.id)
        ORDER BY t.timeout_at_ms LIMIT ?`,
      [nowMs, limit],
    );
    let expired = 0;
    for (const row of rows) {
      try {
        await this.store.unitOfWork(async (tx) => {
          const s = tx.participant(this.#participant);
          const pending = await this.#lockForClose(tx, s, row.id);
          return this.#idempotent(tx, s, 'ledger.expiry', row.id, contentHash({ op: 'expire', pendingId: row.id }), async () => [
            await this.#close(tx, s, 'ledger.expiry', row.id, row.id, pending, 'expire', undefined),
          ]);
        });
        expired += 1;
      } catch (e) {
        // Posted or voided by its domain between the read and the unit: nothing to expire.
        if (!(e instanceof AppError && e.code === LedgerErrors.LEDGER_PENDING_CLOSED.code)) throw e;
      }
    }
    return expired;
  }

  /**
   * Seals a root over every shard's committed head, linked to the previous root, unless nothing
   * moved since the last one. Run periodically: a rewrite of any shard's history from before a
   * root no longer matches that root, and roots are what an outside timestamp would anchor.
   * Returns the new root, or null.
   */
  async sealRoot(): Promise<{ seq: number; hash: string } | null> {
    return this.store.unitOfWork(
      async (tx) => {
        const heads = (
          await tx.query<{ id: unknown; seq: unknown; hash: string }>('SELECT id, seq, hash FROM ledger_chain ORDER BY id')
        ).map((r) => ({ shard: intFromDb(r.id) - 1, seq: intFromDb(r.seq), hash: r.hash }));
        const last = (
          await tx.query<{ seq: unknown; heads: string; hash: string }>(
            'SELECT seq, heads, hash FROM ledger_roots ORDER BY seq DESC LIMIT 1',
          )
        )[0];
        const text = headsText(heads);
        if (last?.heads === text) return null;
        const seq = last ? intFromDb(last.seq) + 1 : 1;
        const hash = rootHash(last?.hash ?? ZERO_HASH, seq, tx.nowMs, heads);
        await tx.run('INSERT INTO ledger_roots (seq, heads, created_at_ms, prev_hash, hash) VALUES (?, ?, ?, ?, ?)', [
          seq,
          text,
          tx.nowMs,
          last?.hash ?? ZERO_HASH,
          hash,
        ]);
        return { seq, hash };
      },
      { label: 'ledger.root' },
    );
  }

  // ---------------------------------------------------------------- internals

  #checkAmount(amount: unknown): number {
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || Object.is(amount, -0) || amount < 1 || amount > this.#amountMax) {
      throw new AppError(LedgerErrors.LEDGER_AMOUNT_INVALID, {
        amount: typeof amount === 'number' ? (Object.is(amount, -0) ? '-0' : String(amount)) : typeof amount,
        max: this.#amountMax,
      });
    }
    return amount;
  }

  #validate(t: BatchTransferInput): NormalTransfer {
    const amount = this.#checkAmount(t.amount);
    const debitAsset = accountAsset(t.debit);
    const creditAsset = accountAsset(t.credit);
    if (t.debit === t.credit) throw new AppError(LedgerErrors.LEDGER_ACCOUNTS_SAME, { account: t.debit });
    if (!isAsset(t.asset)) throw new AppError(LedgerErrors.LEDGER_ASSET_UNKNOWN, { asset: String(t.asset).slice(0, 20) });
    if (debitAsset !== t.asset || creditAsset !== t.asset) throw new AppError(LedgerErrors.LEDGER_ASSET_MISMATCH, { asset: t.asset });
    if (!isTransferCode(t.code)) throw new AppError(LedgerErrors.LEDGER_CODE_UNKNOWN, { code: String(t.code).slice(0, 40) });
    let timeoutAtMs: number | null = null;
    if (t.pending !== undefined) {
      if (t.pending === null || typeof t.pending !== 'object') throw new AppError(LedgerErrors.LEDGER_TIMEOUT_INVALID);
      if (t.pending.timeoutAtMs !== undefined) {
        const v = t.pending.timeoutAtMs;
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= this.#clock.nowMs())
          throw new AppError(LedgerErrors.LEDGER_TIMEOUT_INVALID);
        timeoutAtMs = v;
      }
    }
    return {
      debit: t.debit,
      credit: t.credit,
      asset: t.asset,
      amount,
      code: t.code,
      pending: t.pending !== undefined,
      timeoutAtMs,
      metadata: checkMetadata(t.metadata),
    };
  }

  async #idempotent(
    tx: Tx,
    s: TxState,
    scope: string,
    key: string,
    content: string,
    apply: () => Promise<StagedTransfer[]>,
  ): Promise<RequestResult> {
    const reqKey = `${scope}\u0000${key}`;
    let answer = localAnswer(s, reqKey, scope, key, content);
    if (answer === undefined) {
      const rows = await tx.query<RequestRow>(SELECT_REQUEST_SQL, [scope, key]);
      const existing = rows[0];
      answer = existing ? replayOf(existing.content_hash, existing.result, content, scope, key) : null;
    }
    if (answer) return answer;
    // A linked batch must leave nothing behind when one of its transfers fails.
    const before = takeSnapshot(s);
    let applied: StagedTransfer[];
    try {
      applied = await apply();
    } catch (e) {
      restoreSnapshot(s, before);
      throw e;
    }
    return this.#recordNew(tx, s, scope, key, reqKey, content, applied);
  }

  /**
   * `#idempotent` for new transfers without waiting on anything, when all it needs is at hand: the
   * request's idempotency record known (a direct group reads them all first) and every account
   * loaded. The same checks and staging, run synchronously, which spares a group of 64 some
   * five hundred promises. Null (having changed nothing) when something must still be read.
   */
  #idempotentNow(tx: Tx, s: TxState, scope: string, key: string, content: string, ts: readonly NormalTransfer[]): RequestResult | null {
    for (const t of ts) if (!s.accounts.has(t.debit) || !s.accounts.has(t.credit)) return null;
    const reqKey = `${scope}\u0000${key}`;
    const answer = localAnswer(s, reqKey, scope, key, content);
    if (answer === undefined) return null;
    if (answer) return answer;
    const before = takeSnapshot(s);
    const applied: StagedTransfer[] = [];
    try {
      for (const [i, t] of ts.entries()) {
        const d = present(s.accounts.get(t.debit), 'a loaded debit account');
        const c = present(s.accounts.get(t.credit), 'a loaded credit account');
        applied.push(this.#applyLoaded(tx, s, scope, key, i, t, d, c));
      }
    } catch (e) {
      restoreSnapshot(s, before);
      throw e;
    }
    return this.#recordNew(tx, s, scope, key, reqKey, content, applied);
  }

  /** Stages a new request's idempotency record and returns its result. */
  #recordNew(
    tx: Tx,
    s: TxState,
    scope: string,
    key: string,
    reqKey: string,
    content: string,
    applied: readonly StagedTransfer[],
  ): RequestResult {
    const results: TransferResult[] = applied.map(publicResult);
    const json = JSON.stringify(results);
    s.requests.set(reqKey, { scope, key, contentHash: content, result: json, unitMark: s.unitMark, createdAtMs: tx.nowMs });
    s.journal.push(() => s.requests.delete(reqKey));
    return withJson({ transfers: results, replayed: false }, json);
  }

  /** Locks the heads of these shards that this transaction does not hold yet, in shard order. */
  async #lockShards(tx: Tx, s: TxState, shards: readonly number[]): Promise<void> {
    const missing: number[] = [];
    for (const k of shards) if (!s.heads.has(k) && !missing.includes(k)) missing.push(k);
    if (missing.length === 0) return;
    const cachedHeads = s.cache?.heads;
    if (cachedHeads && missing.every((k) => cachedHeads.has(k))) {
      // SQLite: one writer, no row lock to take; the cached head is the committed one.
      for (const shard of missing) {
        s.heads.set(shard, present(cachedHeads.get(shard), 'a cached head'));
        s.journal.push(() => s.heads.delete(shard));
      }
      return;
    }
    if (!this.#shardsChecked && !s.shardsChecked) await this.#checkShards(tx, s);
    missing.sort((a, b) => a - b);
    const rows = await tx.query<{ id: unknown; seq: unknown; hash: string }>(
      `SELECT id, seq, hash FROM ledger_chain WHERE id IN (${placeholders(missing.length)}) ORDER BY id${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
      missing.map((k) => k + 1),
    );
    if (rows.length !== missing.length) throw new Error('ledger_chain shard head rows missing: migrations not applied');
    for (const row of rows) {
      const shard = intFromDb(row.id) - 1;
      s.heads.set(shard, { seq: intFromDb(row.seq), hash: row.hash });
      s.journal.push(() => s.heads.delete(shard));
    }
  }

  /**
   * The shard count is fixed once transfers exist: a transfer's shard follows from its debit
   * account and the count, so changing it would re-file history. A fresh ledger gets one head
   * row per configured shard; a ledger with transfers and another count refuses to write.
   */
  async #checkShards(tx: Tx, s: TxState): Promise<void> {
    const rows = await tx.query<{ id: unknown }>('SELECT id FROM ledger_chain ORDER BY id');
    const ids = rows.map((r) => intFromDb(r.id));
    if (ids.length !== this.#shards || ids[ids.length - 1] !== this.#shards) {
      const any = await tx.query('SELECT 1 AS x FROM ledger_transfers LIMIT 1');
      if (any.length > 0) {
        throw new Error(
          `the ledger holds transfers in ${ids.length} chain shard(s) but chainShards is ${this.#shards}; changing it needs an offline reshard`,
        );
      }
      await tx.run('DELETE FROM ledger_chain WHERE id > ?', [this.#shards]);
      for (const shard of this.#allShards) {
        await tx.run('INSERT INTO ledger_chain (id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (id) DO NOTHING', [shard + 1, ZERO_HASH]);
      }
    }
    s.shardsChecked = true;
    s.journal.push(() => {
      s.shardsChecked = false;
    });
    tx.afterCommit(() => {
      this.#shardsChecked = true;
    });
  }

  /** Reads the hold a post or void closes (no lock: a transfer never changes) and locks its shard. */
  async #lockForClose(tx: Tx, s: TxState, pendingId: string): Promise<TransferResult | undefined> {
    let pending: TransferResult | undefined = s.transfers.find((t) => t.id === pendingId);
    if (!pending) {
      const rows = await tx.query<TransferRow>('SELECT * FROM ledger_transfers WHERE id = ?', [pendingId]);
      pending = rows[0] ? rowToResult(rows[0]) : undefined;
    }
    if (pending) await this.#lockShards(tx, s, [shardOf(pending.debit, this.#shards)]);
    return pending;
  }

  async #account(tx: Tx, s: TxState, id: AccountId): Promise<AccountState> {
    const cached = s.accounts.get(id);
    if (cached) return cached;
    const rows = await tx.query<AccountRow>(
      `SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id = ?${
        tx.dialect === 'postgres' ? ' FOR UPDATE' : ''
      }`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new AppError(LedgerErrors.LEDGER_ACCOUNT_UNKNOWN, { account: id });
    const a = accountFromRow(row);
    s.accounts.set(id, a);
    s.journal.push(() => s.accounts.delete(id));
    return a;
  }

  /** Loads both accounts, lower id first (the lock order within a transaction). */
  async #pair(tx: Tx, s: TxState, debitId: AccountId, creditId: AccountId): Promise<[AccountState, AccountState]> {
    if (!s.accounts.has(debitId) && !s.accounts.has(creditId)) await this.#loadAccounts(tx, s, [debitId, creditId]);
    if (debitId < creditId) {
      const d = await this.#account(tx, s, debitId);
      return [d, await this.#account(tx, s, creditId)];
    }
    const c = await this.#account(tx, s, creditId);
    return [await this.#account(tx, s, debitId), c];
  }

  async #applyNew(tx: Tx, s: TxState, scope: string, key: string, batchIndex: number, t: NormalTransfer): Promise<StagedTransfer> {
    const [d, c] = await this.#pair(tx, s, t.debit, t.credit);
    return this.#applyLoaded(tx, s, scope, key, batchIndex, t, d, c);
  }

  /** Checks and stages one new transfer against its loaded accounts `d` (debit) and `c` (credit). */
  #applyLoaded(
    tx: Tx,
    s: TxState,
    scope: string,
    key: string,
    batchIndex: number,
    t: NormalTransfer,
    d: AccountState,
    c: AccountState,
  ): StagedTransfer {
    const amt = t.amount;
    if (d.flags & AccountFlags.debitsMustNotExceedCredits && d.dp + d.dpo + amt > d.cpo) {
      throw new AppError(LedgerErrors.LEDGER_INSUFFICIENT_FUNDS, { account: t.debit, availableFen: d.cpo - d.dpo - d.dp, amount: amt });
    }
    if (c.flags & AccountFlags.creditsMustNotExceedDebits && c.cp + c.cpo + amt > c.dpo) {
      throw new AppError(LedgerErrors.LEDGER_CREDITS_EXCEEDED, { account: t.credit, amount: amt });
    }
    const nd = t.pending ? { ...d, dp: safeAdd(d.dp, amt) } : { ...d, dpo: safeAdd(d.dpo, amt) };
    const nc = t.pending ? { ...c, cp: safeAdd(c.cp, amt) } : { ...c, cpo: safeAdd(c.cpo, amt) };
    this.#setAccount(s, nd);
    this.#setAccount(s, nc);
    return this.#stage(tx, s, {
      scope,
      key,
      batchIndex,
      debit: t.debit,
      credit: t.credit,
      asset: t.asset,
      amount: amt,
      code: t.code,
      flags: t.pending ? TransferFlags.pending : TransferFlags.none,
      pendingId: null,
      timeoutAtMs: t.timeoutAtMs,
      metadata: t.metadata,
    });
  }

  async #close(
    tx: Tx,
    s: TxState,
    scope: string,
    key: string,
    pendingId: string,
    pending: TransferResult | undefined,
    how: 'post' | 'void' | 'expire',
    amount: number | undefined,
  ): Promise<StagedTransfer> {
    if (!pending || !(pending.flags & TransferFlags.pending)) throw new AppError(LedgerErrors.LEDGER_PENDING_NOT_FOUND, { pendingId });
    if (s.closedPending.has(pendingId)) throw new AppError(LedgerErrors.LEDGER_PENDING_CLOSED, { pendingId });
    const closedRows = await tx.query('SELECT 1 AS x FROM ledger_transfers WHERE pending_id = ?', [pendingId]);
    if (closedRows.length > 0) throw new AppError(LedgerErrors.LEDGER_PENDING_CLOSED, { pendingId });
    if (how !== 'expire' && pending.timeoutAtMs !== null && pending.timeoutAtMs <= tx.nowMs) {
      throw new AppError(LedgerErrors.LEDGER_PENDING_EXPIRED, { pendingId });
    }
    const postAmount = how === 'post' ? (amount ?? pending.amount) : pending.amount;
    if (postAmount > pending.amount)
      throw new AppError(LedgerErrors.LEDGER_POST_AMOUNT_EXCEEDS, { pendingId, pendingAmount: pending.amount });
    const [d, c] = await this.#pair(tx, s, pending.debit, pending.credit);
    let nd: AccountState = { ...d, dp: d.dp - pending.amount };
    let nc: AccountState = { ...c, cp: c.cp - pending.amount };
    if (how === 'post') {
      nd = { ...nd, dpo: safeAdd(nd.dpo, postAmount) };
      nc = { ...nc, cpo: safeAdd(nc.cpo, postAmount) };
    }
    this.#setAccount(s, nd);
    this.#setAccount(s, nc);
    s.closedPending.add(pendingId);
    s.journal.push(() => s.closedPending.delete(pendingId));
    return this.#stage(tx, s, {
      scope,
      key,
      batchIndex: 0,
      debit: pending.debit,
      credit: pending.credit,
      asset: pending.asset,
      amount: postAmount,
      code: pending.code,
      flags: how === 'post' ? TransferFlags.post : how === 'void' ? TransferFlags.void : TransferFlags.void | TransferFlags.expired,
      pendingId,
      timeoutAtMs: null,
      metadata: pending.metadata,
    });
  }

  #setAccount(s: TxState, a: AccountState): void {
    const prev = s.accounts.get(a.id);
    const wasDirty = s.dirty.has(a.id);
    s.journal.push(() => {
      if (prev) s.accounts.set(a.id, prev);
      else s.accounts.delete(a.id);
      if (!wasDirty) s.dirty.delete(a.id);
    });
    s.accounts.set(a.id, a);
    s.dirty.add(a.id);
  }

  #stage(tx: Tx, s: TxState, t: Omit<StagedTransfer, 'id' | 'seq' | 'createdAtMs' | 'prevHash' | 'hash'>): StagedTransfer {
    const shard = shardOf(t.debit, this.#shards);
    const head = s.heads.get(shard);
    if (!head) throw new Error(`chain shard ${shard} head not locked`);
    const shardSeq = head.seq + 1;
    const staged = t as StagedTransfer & { id: string; seq: number; createdAtMs: number; prevHash: string; hash: string };
    // The staged transfer is the caller's fresh object, completed in place (one allocation per transfer).
    staged.id = nextTransferId();
    staged.seq = globalSeq(shard, shardSeq, this.#shards);
    staged.createdAtMs = tx.nowMs;
    staged.prevHash = head.hash;
    staged.hash = chainHash(head.hash, staged);
    s.transfers.push(staged);
    s.heads.set(shard, { seq: shardSeq, hash: staged.hash });
    s.journal.push(() => s.heads.set(shard, head));
    return staged;
  }

  async #flush(tx: Tx, s: TxState): Promise<void> {
    if (s.transfers.length === 0 && s.requests.size === 0) return;
    const heads = new Map<number, { seq: number; hash: string }>();
    for (const t of s.transfers) {
      const shard = shardOf(t.debit, this.#shards);
      if (!heads.has(shard)) heads.set(shard, present(s.heads.get(shard), 'a locked head for every staged transfer'));
    }
    if (tx.dialect === 'postgres') await this.#flushPostgres(tx, s, heads);
    else if (this.#localConnection) await this.#flushSqliteRows(tx, s, heads);
    else await this.#flushSqlite(tx, s, heads);
  }

  /**
   * PostgreSQL: the whole batch in one statement and one round trip — the transfers, the
   * idempotency records, the balances and the shard heads each as a JSON array expanded by the
   * server, so the statement's text never changes and is prepared once per connection. The
   * balances join the accounts through `id = ANY (…)` so the rows are found by index, not by a
   * hash join over a scan of every account (the planner's choice while the table is small).
   */
  async #flushPostgres(tx: Tx, s: TxState, heads: Map<number, { seq: number; hash: string }>): Promise<void> {
    const transfers = s.transfers.map((t) => ({
      seq: t.seq,
      id: t.id,
      scope: t.scope,
      idem_key: t.key,
      batch_index: t.batchIndex,
      debit_account: t.debit,
      credit_account: t.credit,
      asset: t.asset,
      amount: t.amount,
      code: t.code,
      flags: t.flags,
      pending_id: t.pendingId,
      timeout_at_ms: t.timeoutAtMs,
      metadata: t.metadata ? JSON.stringify(t.metadata) : null,
      created_at_ms: t.createdAtMs,
      prev_hash: t.prevHash,
      hash: t.hash,
    }));
    const requests: { scope: string; idem_key: string; content_hash: string; result: string; created_at_ms: number }[] = [];
    for (const r of s.requests.values()) {
      requests.push({
        scope: r.scope,
        idem_key: r.key,
        content_hash: r.contentHash,
        result: r.result,
        created_at_ms: r.createdAtMs,
      });
    }
    const accounts = [...s.dirty].map((id) => {
      const a = dirtyAccount(s, id);
      return { id, dp: a.dp, dpo: a.dpo, cp: a.cp, cpo: a.cpo };
    });
    const chain = [...heads].map(([shard, h]) => ({ id: shard + 1, seq: h.seq, hash: h.hash }));
    await tx.run(
      `WITH t AS (
         INSERT INTO ledger_transfers (seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash)
         SELECT seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash
           FROM json_populate_recordset(NULL::ledger_transfers, ?::json)
       ), r AS (
         INSERT INTO ledger_requests (scope, idem_key, content_hash, result, created_at_ms)
         SELECT scope, idem_key, content_hash, result, created_at_ms FROM json_populate_recordset(NULL::ledger_requests, ?::json)
       ), v AS MATERIALIZED (
         SELECT * FROM json_to_recordset(?::json) AS v(id text, dp bigint, dpo bigint, cp bigint, cpo bigint)
       ), a AS (
         UPDATE ledger_accounts AS a SET debits_pending = v.dp, debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo
           FROM v WHERE a.id = v.id AND a.id = ANY (ARRAY(SELECT id FROM v))
       )
       UPDATE ledger_chain AS c SET seq = v.seq, hash = v.hash
         FROM json_to_recordset(?::json) AS v(id integer, seq bigint, hash text)
        WHERE c.id = v.id`,
      [JSON.stringify(transfers), JSON.stringify(requests), JSON.stringify(accounts), JSON.stringify(chain)],
    );
  }

  /**
   * SQLite with the connection on this thread: one prepared statement per row (no message per
   * statement to save; SQLite binds and runs short statements faster than one long multi-row one).
   */
  async #flushSqliteRows(tx: Tx, s: TxState, heads: Map<number, { seq: number; hash: string }>): Promise<void> {
    // In the writer thread the rows go straight to the connection (a flush runs outside any unit's
    // savepoint, inside the transaction this unit holds): two promises fewer per row, some 260
    // rows in a group of 64 transfers. Elsewhere through the transaction, sent together.
    const local = this.#runLocal;
    const writes: Promise<number>[] = [];
    const run = local
      ? (sql: string, params: SqlValue[]) => void local(sql, params)
      : (sql: string, params: SqlValue[]) => void writes.push(tx.run(sql, params));
    for (const t of s.transfers) run(INSERT_TRANSFER_SQL, transferParams(t));
    for (const r of s.requests.values()) run(INSERT_REQUEST_SQL, [r.scope, r.key, r.contentHash, r.result, r.createdAtMs]);
    for (const id of s.dirty) {
      const a = dirtyAccount(s, id);
      run(UPDATE_ACCOUNT_SQL, [a.dp, a.dpo, a.cp, a.cpo, id]);
    }
    for (const [shard, h] of heads) run('UPDATE ledger_chain SET seq = ?, hash = ? WHERE id = ?', [h.seq, h.hash, shard + 1]);
    await Promise.all(writes);
  }

  /**
   * SQLite: multi-row statements sent together without waiting for each other's answers (the
   * writer may be in another thread), balances in one UPDATE … FROM.
   */
  async #flushSqlite(tx: Tx, s: TxState, heads: Map<number, { seq: number; hash: string }>): Promise<void> {
    const rowsMax = LEDGER_DEFAULTS.insertRowsMax;
    const writes: Promise<number>[] = [];
    for (let i = 0; i < s.transfers.length; i += rowsMax) {
      const chunk = s.transfers.slice(i, i + rowsMax);
      const params = chunk.flatMap(transferParams);
      writes.push(
        tx.run(
          `INSERT INTO ledger_transfers (seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash) VALUES ${rowsSql(chunk.length, TRANSFER_ROW_SQL)}`,
          params,
        ),
      );
    }
    const requests = [...s.requests.values()];
    for (let i = 0; i < requests.length; i += rowsMax) {
      const chunk = requests.slice(i, i + rowsMax);
      const params: (string | number)[] = [];
      for (const r of chunk) params.push(r.scope, r.key, r.contentHash, r.result, r.createdAtMs);
      writes.push(
        tx.run(
          `INSERT INTO ledger_requests (scope, idem_key, content_hash, result, created_at_ms) VALUES ${rowsSql(chunk.length, '(?, ?, ?, ?, ?)')}`,
          params,
        ),
      );
    }
    const dirty = [...s.dirty];
    for (let i = 0; i < dirty.length; i += rowsMax) {
      const chunk = dirty.slice(i, i + rowsMax);
      const params: (string | number)[] = [];
      for (const id of chunk) {
        const a = dirtyAccount(s, id);
        params.push(id, a.dp, a.dpo, a.cp, a.cpo);
      }
      writes.push(
        tx.run(
          `WITH v(id, dp, dpo, cp, cpo) AS (VALUES ${rowsSql(chunk.length, '(?, ?, ?, ?, ?)')})
           UPDATE ledger_accounts SET debits_pending = v.dp, debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo
             FROM v WHERE ledger_accounts.id = v.id`,
          params,
        ),
      );
    }
    for (const [shard, h] of heads)
      writes.push(tx.run('UPDATE ledger_chain SET seq = ?, hash = ? WHERE id = ?', [h.seq, h.hash, shard + 1]));
    await Promise.all(writes);
  }
}

/**
 * PostgreSQL's idempotency read: one index lookup per key, whatever the table's size when the plan
 * was made. As a plain join of the keys with `ledger_requests`, the writer connection's prepared
 * statement got a generic plan (made after its fifth run, while the table was small, and kept
 * until the table is next analyzed) that hashed the keys and scanned every record, a cost that
 * grew with the table: 8 ms a group of 64 keys at 20,000 records (bench/README.md, ninth pass).
 * `OFFSET 0` keeps the subquery from being flattened back into that join.
 */
export const READ_REQUESTS_POSTGRES_SQL =
  'SELECT r.scope, r.idem_key, r.content_hash, r.result FROM json_to_recordset(?::json) AS k(s text, k text) CROSS JOIN LATERAL (SELECT scope, idem_key, content_hash, result FROM ledger_requests WHERE scope = k.s AND idem_key = k.k OFFSET 0) AS r';

/** A staged transfer's row, in the column order of `INSERT_TRANSFER_SQL` (and of every multi-row insert). */
function transferParams(t: StagedTransfer): SqlValue[] {
  return [
    t.seq,
    t.id,
    t.scope,
    t.key,
    t.batchIndex,
    t.debit,
    t.credit,
    t.asset,
    t.amount,
    t.code,
    t.flags,
    t.pendingId,
    t.timeoutAtMs,
    t.metadata ? JSON.stringify(t.metadata) : null,
    t.createdAtMs,
    t.prevHash,
    t.hash,
  ];
}

/** A balance the transaction changed: loaded before it was changed, so always present. */
function dirtyAccount(s: TxState, id: AccountId): AccountState {
  return present(s.accounts.get(id), 'a dirty account is loaded');
}

const TRANSFER_ROW_SQL = `(${placeholders(17)})`;
const INSERT_TRANSFER_SQL = `INSERT INTO ledger_transfers (seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash) VALUES ${TRANSFER_ROW_SQL}`;
/** A row cache's commit count while a group that uses it is open: no connection's count is negative. */
const STALE = -1;
const SELECT_REQUEST_SQL = 'SELECT content_hash, result FROM ledger_requests WHERE scope = ? AND idem_key = ?';
interface RequestRow {
  readonly content_hash: string;
  readonly result: string;
}
const INSERT_REQUEST_SQL = 'INSERT INTO ledger_requests (scope, idem_key, content_hash, result, created_at_ms) VALUES (?, ?, ?, ?, ?)';
const UPDATE_ACCOUNT_SQL =
  'UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?, credits_pending = ?, credits_posted = ? WHERE id = ?';

/** The JSON text of a result's transfers, as stored in its idempotency record (no second stringify to send it on). */
const resultJson = new WeakMap<RequestResult, string>();
function withJson(r: RequestResult, json: string): RequestResult {
  resultJson.set(r, json);
  return r;
}
export function resultJsonOf(r: RequestResult): string {
  return resultJson.get(r) ?? JSON.stringify(r.transfers);
}
const rowsSqlCache = new Map<string, string>();
/** `(?, …), (?, …)` for n rows, cached: the same few sizes recur batch after batch. */
function rowsSql(n: number, row: string): string {
  const k = `${n}${row}`;
  let out = rowsSqlCache.get(k);
  if (out === undefined) {
    out = new Array<string>(n).fill(row).join(', ');
    if (rowsSqlCache.size > 2 * LEDGER_DEFAULTS.insertRowsMax + 8) rowsSqlCache.clear();
    rowsSqlCache.set(k, out);
  }
  return out;
}

interface DirectRequest {
  readonly req: DirectRequestInput;
  readonly resolve: (r: RequestResult) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * What this transaction already knows of a request's idempotency record: its replayed result,
 * null when known absent, undefined when it must be read. Throws on a conflict, or when an earlier
 * unit of this transaction staged the key and has not committed.
 */
function localAnswer(s: TxState, reqKey: string, scope: string, key: string, content: string): RequestResult | null | undefined {
  const staged = s.requests.get(reqKey);
  if (staged) {
    if (staged.contentHash !== content) throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { scope, key });
    if (staged.unitMark !== s.unitMark) throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { scope, key });
    return withJson({ transfers: JSON.parse(staged.result) as TransferResult[], replayed: true }, staged.result);
  }
  const known = s.known.get(reqKey);
  if (known === undefined || known === null) return known;
  return replayOf(known.contentHash, known.result, content, scope, key);
}

/** A stored record's answer to a request with this content hash: its result replayed, or a conflict. */
function replayOf(storedHash: string, result: string, content: string, scope: string, key: string): RequestResult {
  if (storedHash !== content) throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { scope, key });
  return withJson({ transfers: JSON.parse(result) as TransferResult[], replayed: true }, result);
}

/** Whether the transaction holds every one of these shard heads. */
function holdsShards(s: TxState, shards: readonly number[]): boolean {
  for (const k of shards) if (!s.heads.has(k)) return false;
  return true;
}

function takeSnapshot(s: TxState): Snapshot {
  return { journalLength: s.journal.length, transfersLength: s.transfers.length };
}

function restoreSnapshot(s: TxState, snap: Snapshot): void {
  while (s.journal.length > snap.journalLength) present(s.journal.pop(), 'a journal entry above the mark')();
  s.transfers.length = snap.transfersLength;
}

// Transfer ids: a random per-process prefix and a counter, 24 hex digits in all. They need to be
// unique, not secret; one CSPRNG call per process instead of one per transfer.
const idPrefix = randomBytes(8).toString('hex');
let idCounter = 0;
function nextTransferId(): string {
  idCounter = (idCounter + 1) >>> 0;
  if (idCounter === 0) throw new Error('transfer id counter wrapped; restart the process');
  return `tr_${idPrefix}${idCounter.toString(16).padStart(8, '0')}`;
}

interface NormalTransfer {
  readonly debit: AccountId;
  readonly credit: AccountId;
  readonly asset: Asset;
  readonly amount: number;
  readonly code: TransferCode;
  readonly pending: boolean;
  readonly timeoutAtMs: number | null;
  readonly metadata: Readonly<Record<string, string | number | boolean>> | null;
}
function publicResult(t: StagedTransfer): TransferResult {
  return {
    id: t.id,
    seq: t.seq,
    debit: t.debit,
    credit: t.credit,
    asset: t.asset,
    amount: t.amount,
    code: t.code,
    flags: t.flags,
    pendingId: t.pendingId,
    timeoutAtMs: t.timeoutAtMs,
    createdAtMs: t.createdAtMs,
    metadata: t.metadata,
  };
}

function checkRequestKey(scope: unknown, key: unknown): void {
  if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope) || typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new AppError(LedgerErrors.LEDGER_KEY_INVALID, {
      scopeLength: typeof scope === 'string' ? scope.length : null,
      keyLength: typeof key === 'string' ? key.length : null,
    });
  }
}

function checkPendingId(id: unknown): string {
  if (typeof id !== 'string' || !/^tr_[0-9a-f]{24}$/.test(id))
    throw new AppError(LedgerErrors.LEDGER_PENDING_NOT_FOUND, { pendingId: String(id).slice(0, 40) });
  return id;
}

function checkMetadata(m: unknown): Readonly<Record<string, string | number | boolean>> | null {
  if (m === undefined || m === null) return null;
  if (typeof m !== 'object' || Array.isArray(m)) throw new AppError(LedgerErrors.LEDGER_METADATA_INVALID);
  const entries = Object.entries(m as Record<string, unknown>);
  if (entries.length > LEDGER_DEFAULTS.metadataEntriesMax) throw new AppError(LedgerErrors.LEDGER_METADATA_INVALID);
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!/^[A-Za-z0-9_]{1,40}$/.test(k)) throw new AppError(LedgerErrors.LEDGER_METADATA_INVALID, { key: k.slice(0, 40) });
    if (
      typeof v === 'string'
        ? v.length > LEDGER_DEFAULTS.metadataValueLengthMax
        : typeof v === 'number'
          ? !Number.isSafeInteger(v)
          : typeof v !== 'boolean'
    ) {
      throw new AppError(LedgerErrors.LEDGER_METADATA_INVALID, { key: k });
    }
    out[k] = v as string | number | boolean;
  }
  return out;
}

function safeAdd(a: number, b: number): number {
  const r = a + b;
  if (!Number.isSafeInteger(r)) throw new AppError(LedgerErrors.LEDGER_OVERFLOW, { a, b });
  return r;
}
