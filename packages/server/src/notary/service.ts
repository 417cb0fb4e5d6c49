// The notary: hands queue in the database with their chain heads; a job pass builds a Merkle tree
// (RFC 9162) over what queued since the last root, asks the time-stamping authority (RFC 3161) to
// sign the root, and stores the token beside it. Every hand keeps its inclusion proof, so one hand
// can later be shown — to a player, a court — to have existed no later than the TSA's time,
// without trusting the operator. See migrations.ts for the state machine.
import { createHash } from 'node:crypto';
import { AppError, assert, type Clock } from '@fairground/core';
import { bytesToHex, hexToBytes } from '@fairground/rules';
import { BUNDLE_FORMAT, MerkleTree, type TimestampBundle, type TimestampResult, verifyBundle } from '@fairground/timestamp';
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { Notary as RoomsNotary, NotaryEntry } from '../rooms/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { NotaryErrors } from './errors.ts';
import { ERROR_TEXT_MAX, INSERT_ROWS_MAX, LEAVES_PER_ROOT_MAX, ROOTS_LISTED_MAX, ROOTS_PER_PASS_MAX } from './limits.ts';
import type { TimestampAuthority } from './ports.ts';

export interface NotaryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NotaryOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly authority: TimestampAuthority;
  readonly log: NotaryLogger;
  /** Lag past which the console shows an alert. */
  readonly lagAlertMs: number;
}

/** What the TSA said about a root. */
export interface RootToken {
  readonly genTimeMs: number;
  readonly tsaName: string | null;
  readonly serialHex: string;
  readonly policyOid: string;
  readonly tsaUrl: string;
}

export interface RootView {
  readonly id: number;
  readonly rootHash: string;
  readonly treeSize: number;
  readonly state: 'waiting' | 'attested';
  readonly firstQueuedAtMs: number;
  readonly builtAtMs: number;
  readonly attempts: number;
  readonly lastAttemptAtMs: number | null;
  readonly lastError: string | null;
  readonly attestedAtMs: number | null;
  readonly token: RootToken | null;
}

/** Where one hand stands: queued, in a root waiting for its token, or attested. */
export type HandAttestation =
  | { readonly state: 'queued'; readonly queuedAtMs: number; readonly headHash: string; readonly leafHash: string }
  | {
      readonly state: 'waiting' | 'attested';
      readonly queuedAtMs: number;
      readonly headHash: string;
      readonly leafHash: string;
      readonly leafIndex: number;
      readonly treeSize: number;
      readonly proof: readonly string[];
      readonly root: RootView;
    };

export interface NotaryStatus {
  readonly tsaUrl: string;
  readonly lagMs: number;
  readonly lagAlertMs: number;
  readonly queued: number;
  readonly oldestQueuedAtMs: number | null;
  readonly rootsWaiting: number;
  readonly lastAttestedAtMs: number | null;
  readonly roots: readonly RootView[];
}

interface RootRow {
  id: unknown;
  root_hash: string;
  tree_size: unknown;
  first_queued_at_ms: unknown;
  built_at_ms: unknown;
  state: string;
  attempts: unknown;
  last_attempt_at_ms: unknown;
  last_error: string | null;
  gen_time_ms: unknown;
  tsa_name: string | null;
  serial_hex: string | null;
  policy_oid: string | null;
  tsa_url: string | null;
  attested_at_ms: unknown;
}

const ROOT_COLUMNS =
  'id, root_hash, tree_size, first_queued_at_ms, built_at_ms, state, attempts, last_attempt_at_ms, last_error, gen_time_ms, tsa_name, serial_hex, policy_oid, tsa_url, attested_at_ms';

function rootView(r: RootRow): RootView {
  const attested = r.state === 'attested';
  return {
    id: intFromDb(r.id),
    rootHash: r.root_hash,
    treeSize: intFromDb(r.tree_size),
    state: attested ? 'attested' : 'waiting',
    firstQueuedAtMs: intFromDb(r.first_queued_at_ms),
    builtAtMs: intFromDb(r.built_at_ms),
    attempts: intFromDb(r.attempts),
    lastAttemptAtMs: intOrNullFromDb(r.last_attempt_at_ms),
    lastError: r.last_error,
    attestedAtMs: intOrNullFromDb(r.attested_at_ms),
    token: attested
      ? {
          genTimeMs: intFromDb(r.gen_time_ms),
          tsaName: r.tsa_name,
          serialHex: r.serial_hex ?? '',
          policyOid: r.policy_oid ?? '',
          tsaUrl: r.tsa_url ?? '',
        }
      : null,
  };
}

const HASH_HEX = /^[0-9a-f]{64}$/;

function splitProof(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 64) out.push(text.slice(i, i + 64));
  return out;
}

export class NotaryService {
  readonly #o: NotaryOptions;
  /** The rooms' port: hands queue in the caller's unit of work; lookups read what was attested. */
  readonly port: RoomsNotary;

  constructor(o: NotaryOptions) {
    this.#o = o;
    this.port = {
      enqueue: (tx, entries) => this.#enqueue(tx, entries),
      lookup: (chainId) => this.#lookup(chainId),
    };
  }

  get authority(): TimestampAuthority {
    return this.#o.authority;
  }

  async #enqueue(tx: Tx, entries: readonly NotaryEntry[]): Promise<void> {
    for (const e of entries) {
      assert(HASH_HEX.test(e.headHash) && HASH_HEX.test(e.leafHash), 'notary entries carry SHA-256 hex hashes');
      // A unit that is run again (a retried transaction) finds its row already there. Queued: the
      // outcome is not read, so the row crosses with the unit's next statement.
      tx.write(
        'INSERT INTO notary_queue (chain_id, seq, head_hash, leaf_hash, queued_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (chain_id, seq) DO NOTHING',
        [e.chainId, e.seq, e.headHash, e.leafHash, e.atMs],
      );
    }
  }

  async #lookup(chainId: string): Promise<NotaryEntry[]> {
    const rows = await this.#o.store.reader.query<{ seq: unknown; head_hash: string; leaf_hash: string; gen_time_ms: unknown }>(
      `SELECT l.seq, l.head_hash, l.leaf_hash, r.gen_time_ms FROM notary_leaves l JOIN notary_roots r ON r.id = l.root_id
        WHERE l.chain_id = ? AND r.state = 'attested' ORDER BY l.seq`,
      [chainId],
    );
    return rows.map((r) => ({
      chainId,
      seq: intFromDb(r.seq),
      headHash: r.head_hash,
      leafHash: r.leaf_hash,
      atMs: intFromDb(r.gen_time_ms),
    }));
  }

  /**
   * One pass of the `notary.attest` job: the root still waiting for its token first (a pass that
   * died after asking asks again), then new roots over the queue, each time-stamped before the
   * next is built. A TSA failure leaves the root waiting and ends the pass with that error (the
   * job retries at its next interval); play never waits for any of this. Returns the hands attested.
   */
  async attestDue(): Promise<number> {
    let attested = 0;
    for (let i = 0; i < ROOTS_PER_PASS_MAX; i++) {
      const root = (await this.#waitingRoot()) ?? (await this.#buildRoot());
      if (root === null) break;
      await this.#attest(root);
      attested += root.treeSize;
    }
    return attested;
  }

  async #waitingRoot(): Promise<RootView | null> {
    const rows = await this.#o.store.reader.query<RootRow>(
      `SELECT ${ROOT_COLUMNS} FROM notary_roots WHERE state = 'waiting' ORDER BY id LIMIT 1`,
    );
    return rows[0] ? rootView(rows[0]) : null;
  }

  /** Moves the oldest queued hands into a new tree: root, leaves and proofs in one unit, before anyone is asked. */
  async #buildRoot(): Promise<RootView | null> {
    return this.#o.store.unitOfWork(
      async (tx) => {
        const queued = await tx.query<{ chain_id: string; seq: unknown; head_hash: string; leaf_hash: string; queued_at_ms: unknown }>(
          'SELECT chain_id, seq, head_hash, leaf_hash, queued_at_ms FROM notary_queue ORDER BY queued_at_ms, chain_id, seq LIMIT ?',
          [LEAVES_PER_ROOT_MAX],
        );
        if (queued.length === 0) return null;
        const tree = MerkleTree.fromLeafHashes(queued.map((q) => hexToBytes(q.leaf_hash) ?? new Uint8Array(0)));
        const rootHash = bytesToHex(tree.root);
        const last = await tx.query<{ id: unknown }>('SELECT MAX(id) AS id FROM notary_roots');
        const id = (intOrNullFromDb(last[0]?.id ?? null) ?? 0) + 1;
        const firstQueuedAtMs = Math.min(...queued.map((q) => intFromDb(q.queued_at_ms)));
        await tx.run(
          `INSERT INTO notary_roots (id, root_hash, tree_size, first_queued_at_ms, built_at_ms, state, attempts)
           VALUES (?, ?, ?, ?, ?, 'waiting', 0)`,
          [id, rootHash, tree.size, firstQueuedAtMs, tx.nowMs],
        );
        for (let start = 0; start < queued.length; start += INSERT_ROWS_MAX) {
          const chunk = queued.slice(start, start + INSERT_ROWS_MAX);
          const params = chunk.flatMap((q, k) => {
            const index = start + k;
            return [
              q.chain_id,
              intFromDb(q.seq),
              q.head_hash,
              q.leaf_hash,
              intFromDb(q.queued_at_ms),
              id,
              index,
              tree.proof(index).map(bytesToHex).join(''),
            ];
          });
          await tx.run(
            `INSERT INTO notary_leaves (chain_id, seq, head_hash, leaf_hash, queued_at_ms, root_id, leaf_index, proof) VALUES ${chunk
              .map(() => '(?, ?, ?, ?, ?, ?, ?, ?)')
              .join(', ')}`,
            params,
          );
        }
        // What was just copied leaves the queue; rows queued meanwhile stay (they are not in notary_leaves).
        await tx.run(
          'DELETE FROM notary_queue WHERE EXISTS (SELECT 1 FROM notary_leaves l WHERE l.chain_id = notary_queue.chain_id AND l.seq = notary_queue.seq)',
        );
        const row = await tx.query<RootRow>(`SELECT ${ROOT_COLUMNS} FROM notary_roots WHERE id = ?`, [id]);
        return rootView(row[0] as RootRow);
      },
      { label: 'notary.buildRoot' },
    );
  }

  async #attest(root: RootView): Promise<void> {
    const digest = hexToBytes(root.rootHash);
    assert(digest !== null && digest.length === 32, 'a stored root is 32 bytes of hex');
    let token: TimestampResult;
    try {
      token = await this.#o.authority.timestamp(digest);
    } catch (e) {
      const message = e instanceof AppError ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
      await this.#o.store.unitOfWork(
        (tx) =>
          tx.run(
            "UPDATE notary_roots SET attempts = attempts + 1, last_attempt_at_ms = ?, last_error = ? WHERE id = ? AND state = 'waiting'",
            [tx.nowMs, message.slice(0, ERROR_TEXT_MAX), root.id],
          ),
        { label: 'notary.attemptFailed' },
      );
      this.#o.log.warn({ rootId: root.id, hands: root.treeSize, err: e }, 'time-stamp request failed; the root waits and is asked again');
      throw e;
    }
    const chainPem = this.#o.authority.chainPem;
    const chainId = createHash('sha256').update(chainPem).digest('hex');
    const stored = await this.#o.store.unitOfWork(
      async (tx) => {
        await tx.run('INSERT INTO notary_chains (id, pem) VALUES (?, ?) ON CONFLICT (id) DO NOTHING', [chainId, chainPem]);
        return tx.run(
          `UPDATE notary_roots SET state = 'attested', attempts = attempts + 1, last_attempt_at_ms = ?, last_error = NULL, token = ?,
             gen_time_ms = ?, tsa_name = ?, serial_hex = ?, policy_oid = ?, tsa_url = ?, chain_id = ?, attested_at_ms = ?
           WHERE id = ? AND state = 'waiting'`,
          [
            tx.nowMs,
            Buffer.from(token.tokenDer).toString('base64'),
            token.genTimeMs,
            token.tsaName,
            token.serialHex,
            token.policyOid,
            this.#o.authority.url,
            chainId,
            tx.nowMs,
            root.id,
          ],
        );
      },
      { label: 'notary.attested' },
    );
    assert(stored === 1, 'only the job attests a waiting root');
    this.#o.log.info({ rootId: root.id, hands: root.treeSize, genTimeMs: token.genTimeMs }, 'hands time-stamped');
  }

  /** Where a hand stands; null when the notary never heard of it. */
  async attestation(chainId: string, seq: number): Promise<HandAttestation | null> {
    const reader = this.#o.store.reader;
    const leaves = await reader.query<{
      head_hash: string;
      leaf_hash: string;
      queued_at_ms: unknown;
      root_id: unknown;
      leaf_index: unknown;
      proof: string;
    }>('SELECT head_hash, leaf_hash, queued_at_ms, root_id, leaf_index, proof FROM notary_leaves WHERE chain_id = ? AND seq = ?', [
      chainId,
      seq,
    ]);
    const leaf = leaves[0];
    if (leaf === undefined) {
      const q = await reader.query<{ head_hash: string; leaf_hash: string; queued_at_ms: unknown }>(
        'SELECT head_hash, leaf_hash, queued_at_ms FROM notary_queue WHERE chain_id = ? AND seq = ?',
        [chainId, seq],
      );
      const r = q[0];
      return r === undefined
        ? null
        : { state: 'queued', queuedAtMs: intFromDb(r.queued_at_ms), headHash: r.head_hash, leafHash: r.leaf_hash };
    }
    const roots = await reader.query<RootRow>(`SELECT ${ROOT_COLUMNS} FROM notary_roots WHERE id = ?`, [leaf.root_id as number]);
    const root = rootView(roots[0] as RootRow);
    return {
      state: root.state,
      queuedAtMs: intFromDb(leaf.queued_at_ms),
      headHash: leaf.head_hash,
      leafHash: leaf.leaf_hash,
      leafIndex: intFromDb(leaf.leaf_index),
      treeSize: root.treeSize,
      proof: splitProof(leaf.proof),
      root,
    };
  }

  /**
   * The export bundle of one attested hand: its record (the leaf's exact bytes), proof, root, token
   * and the TSA's chain. Checked with our own verifier before it leaves: a bundle that does not
   * verify would be evidence against us, so it is an integrity failure, never a download.
   */
  async bundle(chainId: string, seq: number, recordJson: string): Promise<TimestampBundle> {
    const a = await this.attestation(chainId, seq);
    if (a === null || a.state !== 'attested') throw new AppError(NotaryErrors.NOTARY_NOT_ATTESTED);
    const rows = await this.#o.store.reader.query<{ token: string; pem: string }>(
      'SELECT r.token, c.pem FROM notary_roots r JOIN notary_chains c ON c.id = r.chain_id WHERE r.id = ?',
      [a.root.id],
    );
    const row = rows[0];
    assert(row !== undefined, 'an attested root has its token and chain');
    const bundle: TimestampBundle = {
      format: BUNDLE_FORMAT,
      record: recordJson,
      recordEncoding: 'utf8',
      leafIndex: a.leafIndex,
      treeSize: a.treeSize,
      proof: [...a.proof],
      root: a.root.rootHash,
      token: row.token,
      tsaChain: row.pem,
    };
    const anchors = lastCertificate(row.pem);
    verifyBundle(bundle, anchors, { atMs: a.root.token?.genTimeMs ?? this.#o.clock.nowMs() });
    return bundle;
  }

  /** How long the oldest hand not yet attested has waited (0 when none waits). */
  async lagMs(): Promise<number> {
    const oldest = await this.#oldestUnattestedMs();
    return oldest === null ? 0 : Math.max(0, this.#o.clock.nowMs() - oldest);
  }

  async #oldestUnattestedMs(): Promise<number | null> {
    const reader = this.#o.store.reader;
    const [q] = await reader.query<{ t: unknown }>('SELECT MIN(queued_at_ms) AS t FROM notary_queue');
    const [r] = await reader.query<{ t: unknown }>("SELECT MIN(first_queued_at_ms) AS t FROM notary_roots WHERE state = 'waiting'");
    const times = [intOrNullFromDb(q?.t ?? null), intOrNullFromDb(r?.t ?? null)].filter((t): t is number => t !== null);
    return times.length === 0 ? null : Math.min(...times);
  }

  async status(limit = 20): Promise<NotaryStatus> {
    const reader = this.#o.store.reader;
    const [queue] = await reader.query<{ n: unknown; t: unknown }>('SELECT COUNT(*) AS n, MIN(queued_at_ms) AS t FROM notary_queue');
    const [waiting] = await reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM notary_roots WHERE state = 'waiting'");
    const [last] = await reader.query<{ t: unknown }>("SELECT MAX(attested_at_ms) AS t FROM notary_roots WHERE state = 'attested'");
    const roots = await reader.query<RootRow>(`SELECT ${ROOT_COLUMNS} FROM notary_roots ORDER BY id DESC LIMIT ?`, [
      Math.min(Math.max(1, limit), ROOTS_LISTED_MAX),
    ]);
    return {
      tsaUrl: this.#o.authority.url,
      lagMs: await this.lagMs(),
      lagAlertMs: this.#o.lagAlertMs,
      queued: intFromDb(queue?.n ?? 0),
      oldestQueuedAtMs: intOrNullFromDb(queue?.t ?? null),
      rootsWaiting: intFromDb(waiting?.n ?? 0),
      lastAttestedAtMs: intOrNullFromDb(last?.t ?? null),
      roots: roots.map(rootView),
    };
  }

  registerMetrics(registry: MetricsRegistry): void {
    const lag = registry.gauge('fg_notary_lag_seconds', 'how long the oldest finished hand not yet time-stamped has waited');
    const queued = registry.gauge('fg_notary_queued', 'finished hands waiting for a Merkle root');
    const waiting = registry.gauge('fg_notary_roots_waiting', 'Merkle roots waiting for their time-stamp token');
    const lastAttested = registry.gauge('fg_notary_last_attested_seconds', 'when the latest root was time-stamped, Unix seconds');
    registry.onCollect(async () => {
      const s = await this.status(1);
      lag.set(s.lagMs / 1000);
      queued.set(s.queued);
      waiting.set(s.rootsWaiting);
      if (s.lastAttestedAtMs !== null) lastAttested.set(Math.floor(s.lastAttestedAtMs / 1000));
    });
  }
}

/** The last certificate of a PEM chain: the root CA a bundle's token must chain to. */
export function lastCertificate(chainPem: string): string {
  const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const last = blocks[blocks.length - 1];
  assert(last !== undefined, 'a TSA chain holds at least one certificate');
  return `${last}\n`;
}
