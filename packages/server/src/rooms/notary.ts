// Verifies a room's stored hands against their own chain and against what the notary had
// time-stamped: a hand altered, removed or re-chained after it was attested shows up here.
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { chainNext, genesisHash, recordHash, recordLeafHash } from './history.ts';
import type { Notary } from './ports.ts';
import type { RoomSealer } from './sealing.ts';

export interface ChainReport {
  readonly ok: boolean;
  readonly hands: number;
  readonly notarised: number;
  readonly problems: readonly string[];
}

/**
 * Re-reads every stored hand of a room, opens it, recomputes the record hash and the chain, and
 * compares the chain with the stored heads, and each hand with the head and record the notary had
 * time-stamped.
 */
export async function verifyRoomChain(store: Store, sealer: RoomSealer, notary: Notary, roomId: string): Promise<ChainReport> {
  const rows = await store.reader.query<{ hand_number: unknown; sealed: string; record_hash: string; chain_hash: string }>(
    'SELECT hand_number, sealed, record_hash, chain_hash FROM room_hands WHERE room_id = ? ORDER BY hand_number',
    [roomId],
  );
  const problems: string[] = [];
  const recomputed = new Map<number, { head: string; leaf: string | null }>();
  let head = genesisHash(roomId);
  for (const r of rows) {
    const n = intFromDb(r.hand_number);
    let rh: string;
    let leaf: string | null = null;
    try {
      const json = sealer.openRecord(r.sealed, roomId, n);
      rh = recordHash(json);
      leaf = recordLeafHash(json);
    } catch {
      problems.push(`hand ${n}: the sealed record does not open (altered or moved)`);
      rh = r.record_hash;
    }
    if (rh !== r.record_hash) problems.push(`hand ${n}: record hash differs from the stored one`);
    head = chainNext(head, rh);
    if (head !== r.chain_hash) problems.push(`hand ${n}: chain head differs from the stored one`);
    recomputed.set(n, { head, leaf });
  }
  const notarised = await notary.lookup(roomId);
  for (const e of notarised) {
    const mine = recomputed.get(e.seq);
    if (mine === undefined) problems.push(`hand ${e.seq}: notarised but missing from storage`);
    else {
      if (mine.head !== e.headHash) problems.push(`hand ${e.seq}: chain head differs from the notarised head`);
      if (mine.leaf !== null && mine.leaf !== e.leafHash) problems.push(`hand ${e.seq}: record differs from the time-stamped one`);
    }
  }
  return { ok: problems.length === 0, hands: rows.length, notarised: notarised.length, problems };
}
