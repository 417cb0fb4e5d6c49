// The double-entry ledger: TigerBeetle's contract (research/ledgers.md §2, §7) on SQL.
//
// Inside a unit of work the ledger keeps, per database transaction, the rows it has locked and
// the writes it has staged (a `TxParticipant`): the first ledger operation of a transaction locks
// the chain head, then each account it touches is loaded once with `FOR UPDATE` (PostgreSQL;
// SQLite has one writer anyway). Checks run against those locked, in-memory balances; the
// transfers, the idempotency records, the new balances and the new chain head are written in a
// few statements just before COMMIT. Lock order is therefore always chain head first, then
// accounts, in every process, so ledger writers cannot deadlock.
//
// Idempotency: every request (a transfer, a linked batch, a post or a void) carries a scope and a
// key. Same scope+key and same content → the original result, nothing moves again. Same key,
// different content → LEDGER_IDEMPOTENCY_CONFLICT. Same key while an earlier unit of the same
// transaction staged it and has not committed yet → LEDGER_IN_PROGRESS. A request that failed
// (insufficient funds, say) stores nothing: retrying the same key later is evaluated afresh, which
// is what a player topping up and retrying expects.
import { randomBytes } from 'node:crypto';
import { AppError, type Clock, systemClock } from '@fairground/core';
import type { Store, Tx, TxParticipant } from '../storage/ports.ts';
import { intFromDb, placeholders } from '../storage/sql.ts';
import {
  ACCOUNT_ID_SHAPE,
  type AccountRow,
  type AccountState,
  accountFromRow,
  chainHash,
  contentHash,
  rowToResult,
  type TransferRow,
} from './codec.ts';
import { LedgerErrors } from './errors.ts';
import {
  AccountFlags,
  type AccountId,
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
  readonly contentHash: string;
  readonly result: string;
  readonly unitMark: number;
  readonly createdAtMs: number;
}

interface TxState {
  unitMark: number;
  chain: { seq: number; hash: string } | null;
  accounts: Map<AccountId, AccountState>;
  dirty: Set<AccountId>;
  transfers: StagedTransfer[];
  requests: Map<string, StagedRequest>;
  closedPending: Set<string>;
  /** Idempotency records prefetched for this transaction: null means known absent. */
  known: Map<string, { contentHash: string; result: string } | null>;
  /** Undo steps for every change to the maps above, so a failed request or unit costs O(its changes) to roll back. */
  journal: (() => void)[];
}

interface Snapshot {
  chain: { seq: number; hash: string } | null;
  journalLength: number;
  transfersLength: number;
}

export class LedgerWriter {
  readonly store: Store;
  readonly #clock: Clock;
  readonly #amountMax: number;
  readonly #batchMax: number;
  readonly #participant: TxParticipant<TxState>;

  constructor(store: Store, options: LedgerOptions = {}) {
    this.store = store;
    this.#clock = options.clock ?? systemClock;
    this.#amountMax = options.transferAmountMax ?? LEDGER_DEFAULTS.transferAmountMax;
    this.#batchMax = options.batchTransfersMax ?? LEDGER_DEFAULTS.batchTransfersMax;
    if (!Number.isSafeInteger(this.#amountMax) || this.#amountMax < 1) throw new Error('transferAmountMax must be a positive safe integer');
    this.#participant = {
      name: 'ledger',
      create: () => ({
        unitMark: 0,
        chain: null,
        accounts: new Map(),
        dirty: new Set(),
        transfers: [],
        requests: new Map(),
        closedPending: new Set(),
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
   * Takes the chain-head lock now, as every ledger writer does first (PostgreSQL: `FOR UPDATE`;
   * SQLite has one writer anyway). A domain that must count what was done before it moves money
   * (a cap on active games, a daily limit) calls this at the start of its unit and counts after
   * it: every unit that moved money before has committed by then (or shares this transaction), none
   * can commit beside it, and the lock order stays chain head first. Idempotent within a transaction.
   */
  async serialize(tx: Tx): Promise<void> {
    await this.#lockChain(tx, tx.participant(this.#participant));
  }

  async transfer(tx: Tx, input: TransferInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    const t = this.#validate(input);
    const content = contentHash({ op: 'transfer', ...t });
    return this.#idempotent(tx, input.scope, input.key, content, async (s) => [await this.#applyNew(tx, s, input.scope, input.key, 0, t)]);
  }

  /** A linked batch: every transfer succeeds or none does. */
  async batch(tx: Tx, input: BatchInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    if (!Array.isArray(input.transfers) || input.transfers.length === 0 || input.transfers.length > this.#batchMax) {
      throw new AppError(LedgerErrors.LEDGER_BATCH_INVALID, {
        count: Array.isArray(input.transfers) ? input.transfers.length : null,
        max: this.#batchMax,
      });
    }
    const ts = input.transfers.map((t) => this.#validate(t));
    const content = contentHash({ op: 'batch', transfers: ts });
    return this.#idempotent(tx, input.scope, input.key, content, async (s) => {
      const out: StagedTransfer[] = [];
      for (let i = 0; i < ts.length; i += 1) out.push(await this.#applyNew(tx, s, input.scope, input.key, i, ts[i]!));
      return out;
    });
  }

  /** Posts a hold, in full or in part (the rest is released). */
  async post(tx: Tx, input: CloseInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    const amount = input.amount === undefined ? undefined : this.#checkAmount(input.amount);
    const pendingId = checkPendingId(input.pendingId);
    const content = contentHash({ op: 'post', pendingId, amount: amount ?? null });
    return this.#idempotent(tx, input.scope, input.key, content, async (s) => [
      await this.#close(tx, s, input.scope, input.key, pendingId, 'post', amount),
    ]);
  }

  /** Voids a hold: the reserved amount returns to the debit account. */
  async void(tx: Tx, input: CloseInput): Promise<RequestResult> {
    checkRequestKey(input.scope, input.key);
    const pendingId = checkPendingId(input.pendingId);
    const content = contentHash({ op: 'void', pendingId });
    return this.#idempotent(tx, input.scope, input.key, content, async (s) => [
      await this.#close(tx, s, input.scope, input.key, pendingId, 'void', undefined),
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

  readonly #queue: DirectRequest[] = [];
  #draining = false;

  #direct(req: DirectRequest['req']): Promise<RequestResult> {
    if (this.#queue.length >= LEDGER_DEFAULTS.directQueueMax) return Promise.reject(new AppError(LedgerErrors.LEDGER_BUSY));
    return new Promise((resolve, reject) => {
      this.#queue.push({ req, resolve, reject });
      if (!this.#draining) {
        // Start on the next turn of the event loop, so that every caller resumed by the previous
        // batch's answers has queued its next request by then and they all share one batch.
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, LEDGER_DEFAULTS.directBatchMax);
        let outcomes: ({ ok: true; value: RequestResult } | { ok: false; error: unknown })[];
        try {
          outcomes = await this.store.unitOfWork((tx) => this.#runDirect(tx, batch), { label: 'ledger.direct' });
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false as const, error }));
        }
        batch.forEach((d, i) => {
          const o = outcomes[i]!;
          if (o.ok) d.resolve(o.value);
          else d.reject(o.error);
        });
      }
    } finally {
      this.#draining = false;
    }
  }

  async #runDirect(
    tx: Tx,
    batch: readonly DirectRequest[],
  ): Promise<({ ok: true; value: RequestResult } | { ok: false; error: unknown })[]> {
    const s = tx.participant(this.#participant);
    await this.#lockChain(tx, s);
    // Prefetch: every idempotency record and every account these requests name, in two queries.
    const keys: string[] = [];
    const accountIds = new Set<AccountId>();
    for (const { req } of batch) {
      const input = req.input as { scope?: unknown; key?: unknown };
      if (typeof input.scope === 'string' && typeof input.key === 'string') keys.push(input.scope, input.key);
      const ts =
        req.kind === 'batch' ? (Array.isArray(req.input.transfers) ? req.input.transfers : []) : req.kind === 'transfer' ? [req.input] : [];
      for (const t of ts) {
        if (typeof t?.debit === 'string') accountIds.add(t.debit);
        if (typeof t?.credit === 'string') accountIds.add(t.credit);
      }
    }
    for (let i = 0; i < keys.length; i += 2 * LEDGER_DEFAULTS.insertRowsMax) {
      const chunk = keys.slice(i, i + 2 * LEDGER_DEFAULTS.insertRowsMax);
      const rows = await tx.query<{ scope: string; idem_key: string; content_hash: string; result: string }>(
        `SELECT scope, idem_key, content_hash, result FROM ledger_requests WHERE ${new Array<string>(chunk.length / 2).fill('(scope = ? AND idem_key = ?)').join(' OR ')}`,
        chunk,
      );
      for (const r of rows) s.known.set(`${r.scope}\u0000${r.idem_key}`, { contentHash: r.content_hash, result: r.result });
      for (let j = 0; j < chunk.length; j += 2) {
        const k = `${chunk[j]}\u0000${chunk[j + 1]}`;
        if (!s.known.has(k)) s.known.set(k, null);
      }
    }
    await this.#loadAccounts(
      tx,
      s,
      [...accountIds].filter((id) => !s.accounts.has(id)),
    );
    const out: ({ ok: true; value: RequestResult } | { ok: false; error: unknown })[] = [];
    for (const { req } of batch) {
      try {
        const value =
          req.kind === 'transfer'
            ? await this.transfer(tx, req.input)
            : req.kind === 'batch'
              ? await this.batch(tx, req.input)
              : req.kind === 'post'
                ? await this.post(tx, req.input)
                : await this.void(tx, req.input);
        out.push({ ok: true, value });
      } catch (error) {
        // Expected failures are answers; anything else (a database error) fails the whole unit.
        if (!(error instanceof AppError)) throw error;
        out.push({ ok: false, error });
      }
    }
    return out;
  }

  /** Loads and locks accounts in id order (the lock order), skipping unknown ids (they fail later, per request). */
  async #loadAccounts(tx: Tx, s: TxState, ids: readonly AccountId[]): Promise<void> {
    const valid = ids.filter((id) => ACCOUNT_ID_SHAPE.test(id)).sort();
    for (let i = 0; i < valid.length; i += LEDGER_DEFAULTS.insertRowsMax) {
      const chunk = valid.slice(i, i + LEDGER_DEFAULTS.insertRowsMax);
      const rows = await tx.query<AccountRow>(
        `SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id IN (${placeholders(chunk.length)}) ORDER BY id${
          tx.dialect === 'postgres' ? ' FOR UPDATE' : ''
        }`,
        chunk,
      );
      for (const row of rows) s.accounts.set(row.id, accountFromRow(row));
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
        await this.store.unitOfWork((tx) =>
          this.#idempotent(tx, 'ledger.expiry', row.id, contentHash({ op: 'expire', pendingId: row.id }), async (st) => [
            await this.#close(tx, st, 'ledger.expiry', row.id, row.id, 'expire', undefined),
          ]),
        );
        expired += 1;
      } catch (e) {
        // Posted or voided by its domain between the read and the unit: nothing to expire.
        if (!(e instanceof AppError && e.code === LedgerErrors.LEDGER_PENDING_CLOSED.code)) throw e;
      }
    }
    return expired;
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
    const debit = parseAccountId(t.debit);
    const credit = parseAccountId(t.credit);
    if (t.debit === t.credit) throw new AppError(LedgerErrors.LEDGER_ACCOUNTS_SAME, { account: t.debit });
    if (!isAsset(t.asset)) throw new AppError(LedgerErrors.LEDGER_ASSET_UNKNOWN, { asset: String(t.asset).slice(0, 20) });
    if (debit.asset !== t.asset || credit.asset !== t.asset) throw new AppError(LedgerErrors.LEDGER_ASSET_MISMATCH, { asset: t.asset });
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
    scope: string,
    key: string,
    content: string,
    apply: (s: TxState) => Promise<StagedTransfer[]>,
  ): Promise<RequestResult> {
    const s = tx.participant(this.#participant);
    await this.#lockChain(tx, s);
    const reqKey = `${scope}\u0000${key}`;
    const staged = s.requests.get(reqKey);
    if (staged) {
      if (staged.contentHash !== content) throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { scope, key });
      if (staged.unitMark !== s.unitMark) throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { scope, key });
      return { transfers: JSON.parse(staged.result) as TransferResult[], replayed: true };
    }
    let existing: { content_hash: string; result: string } | undefined;
    const known = s.known.get(reqKey);
    if (known !== undefined) {
      existing = known === null ? undefined : { content_hash: known.contentHash, result: known.result };
    } else {
      const rows = await tx.query<{ content_hash: string; result: string }>(
        'SELECT content_hash, result FROM ledger_requests WHERE scope = ? AND idem_key = ?',
        [scope, key],
      );
      existing = rows[0];
    }
    if (existing) {
      if (existing.content_hash !== content) throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, { scope, key });
      return { transfers: JSON.parse(existing.result) as TransferResult[], replayed: true };
    }
    // A linked batch must leave nothing behind when one of its transfers fails.
    const before = takeSnapshot(s);
    let applied: StagedTransfer[];
    try {
      applied = await apply(s);
    } catch (e) {
      restoreSnapshot(s, before);
      throw e;
    }
    const results: TransferResult[] = applied.map(publicResult);
    s.requests.set(reqKey, { contentHash: content, result: JSON.stringify(results), unitMark: s.unitMark, createdAtMs: tx.nowMs });
    s.journal.push(() => s.requests.delete(reqKey));
    return { transfers: results, replayed: false };
  }

  async #lockChain(tx: Tx, s: TxState): Promise<void> {
    if (s.chain) return;
    const rows = await tx.query<{ seq: unknown; hash: string }>(
      `SELECT seq, hash FROM ledger_chain WHERE id = 1${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    );
    const row = rows[0];
    if (!row) throw new Error('ledger_chain head row missing: migrations not applied');
    s.chain = { seq: intFromDb(row.seq), hash: row.hash };
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
    how: 'post' | 'void' | 'expire',
    amount: number | undefined,
  ): Promise<StagedTransfer> {
    let pending: TransferResult | undefined = s.transfers.find((t) => t.id === pendingId);
    if (!pending) {
      const rows = await tx.query<TransferRow>('SELECT * FROM ledger_transfers WHERE id = ?', [pendingId]);
      pending = rows[0] ? rowToResult(rows[0]) : undefined;
    }
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
    const chain = s.chain;
    if (!chain) throw new Error('chain head not locked');
    const seq = chain.seq + 1;
    const id = nextTransferId();
    const body = { ...t, id, seq, createdAtMs: tx.nowMs };
    const hash = chainHash(chain.hash, body);
    const staged: StagedTransfer = { ...body, prevHash: chain.hash, hash };
    s.transfers.push(staged);
    s.chain = { seq, hash };
    return staged;
  }

  async #flush(tx: Tx, s: TxState): Promise<void> {
    if (s.transfers.length === 0 && s.requests.size === 0) return;
    const rowsMax = LEDGER_DEFAULTS.insertRowsMax;
    for (let i = 0; i < s.transfers.length; i += rowsMax) {
      const chunk = s.transfers.slice(i, i + rowsMax);
      const params: (string | number | null)[] = [];
      for (const t of chunk) {
        params.push(
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
        );
      }
      await tx.run(
        `INSERT INTO ledger_transfers (seq, id, scope, idem_key, batch_index, debit_account, credit_account, asset, amount, code, flags, pending_id, timeout_at_ms, metadata, created_at_ms, prev_hash, hash) VALUES ${chunk
          .map(() => `(${placeholders(17)})`)
          .join(', ')}`,
        params,
      );
    }
    const requests = [...s.requests];
    for (let i = 0; i < requests.length; i += rowsMax) {
      const chunk = requests.slice(i, i + rowsMax);
      const params: (string | number)[] = [];
      for (const [k, r] of chunk) {
        const [scope, key] = k.split('\u0000') as [string, string];
        params.push(scope, key, r.contentHash, r.result, r.createdAtMs);
      }
      await tx.run(
        `INSERT INTO ledger_requests (scope, idem_key, content_hash, result, created_at_ms) VALUES ${chunk.map(() => `(${placeholders(5)})`).join(', ')}`,
        params,
      );
    }
    const dirty = [...s.dirty].map((id) => s.accounts.get(id)!);
    if (tx.dialect === 'postgres') {
      for (let i = 0; i < dirty.length; i += rowsMax) {
        const chunk = dirty.slice(i, i + rowsMax);
        const params: (string | number)[] = [];
        for (const a of chunk) params.push(a.id, a.dp, a.dpo, a.cp, a.cpo);
        await tx.run(
          `UPDATE ledger_accounts AS a SET debits_pending = v.dp, debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo
             FROM (VALUES ${chunk.map(() => '(?::text, ?::bigint, ?::bigint, ?::bigint, ?::bigint)').join(', ')}) AS v(id, dp, dpo, cp, cpo)
            WHERE a.id = v.id`,
          params,
        );
      }
    } else {
      for (const a of dirty) {
        await tx.run(
          'UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?, credits_pending = ?, credits_posted = ? WHERE id = ?',
          [a.dp, a.dpo, a.cp, a.cpo, a.id],
        );
      }
    }
    if (s.chain && s.transfers.length > 0)
      await tx.run('UPDATE ledger_chain SET seq = ?, hash = ? WHERE id = 1', [s.chain.seq, s.chain.hash]);
  }
}

interface DirectRequest {
  readonly req:
    | { kind: 'transfer'; input: TransferInput }
    | { kind: 'batch'; input: BatchInput }
    | { kind: 'post'; input: CloseInput }
    | { kind: 'void'; input: CloseInput };
  readonly resolve: (r: RequestResult) => void;
  readonly reject: (e: unknown) => void;
}

function takeSnapshot(s: TxState): Snapshot {
  return { chain: s.chain, journalLength: s.journal.length, transfersLength: s.transfers.length };
}

function restoreSnapshot(s: TxState, snap: Snapshot): void {
  if (snap.chain === null && s.chain !== null) {
    // The chain head was locked after the snapshot (inside a savepoint that is now rolled back,
    // which released that lock): forget everything read under it.
    s.accounts.clear();
    s.dirty.clear();
    s.requests.clear();
    s.closedPending.clear();
    s.known.clear();
    s.journal.length = 0;
  } else {
    while (s.journal.length > snap.journalLength) s.journal.pop()!();
  }
  s.chain = snap.chain;
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
