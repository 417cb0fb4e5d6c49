// Merkle trees as RFC 9162 section 2.1 (and RFC 6962 before it) defines them, so that one
// time-stamp over the root attests every leaf:
//   leaf hash  = SHA-256(0x00 || data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two below n.
// Building level by level, pairing neighbours and lifting an odd last node unchanged, gives the
// same tree as that recursive split, without recursion.
//
// Browser-safe: no node: imports. SHA-256 is the pure TypeScript one of @fairground/rules, so the
// server and a player's browser run the same code.
import { bytesEqual, sha256 } from '@fairground/rules';
import { MERKLE_LEAVES_MAX, MERKLE_PROOF_HASHES_MAX } from './limits.ts';

export const HASH_BYTES = 32;

/** SHA-256(0x00 || data): the hash of one leaf. */
export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(data.length + 1);
  input.set(data, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + HASH_BYTES);
  return sha256(input);
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > MERKLE_LEAVES_MAX) {
    throw new RangeError(`a Merkle tree has 0..${MERKLE_LEAVES_MAX} leaves, got ${size}`);
  }
}

/** A tree built once; `root` and `proof(i)` then cost nothing more than reading. */
export class MerkleTree {
  /** levels[0] are the leaf hashes; the last level holds the root alone (empty for no leaves). */
  readonly #levels: Uint8Array[][];

  private constructor(leafHashes: Uint8Array[]) {
    const levels: Uint8Array[][] = [leafHashes];
    for (let level = leafHashes; level.length > 1; ) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      levels.push(next);
      level = next;
    }
    this.#levels = levels;
  }

  /** A tree over leaf data (each leaf hashed as SHA-256(0x00 || data)). */
  static fromLeaves(leaves: readonly Uint8Array[]): MerkleTree {
    checkSize(leaves.length);
    return new MerkleTree(leaves.map(leafHash));
  }

  /** A tree over leaf hashes already computed with `leafHash`. */
  static fromLeafHashes(hashes: readonly Uint8Array[]): MerkleTree {
    checkSize(hashes.length);
    for (const h of hashes) if (h.length !== HASH_BYTES) throw new RangeError('a leaf hash has 32 bytes');
    return new MerkleTree(hashes.map((h) => h.slice()));
  }

  get size(): number {
    return this.#levels[0]!.length;
  }

  /** The tree head MTH: SHA-256 of nothing for the empty tree (RFC 9162 2.1.1). */
  get root(): Uint8Array {
    if (this.size === 0) return sha256(new Uint8Array(0));
    return this.#levels[this.#levels.length - 1]![0]!.slice();
  }

  /** The audit path of leaf `index` (RFC 9162 2.1.3.1), nearest the leaf first. */
  proof(index: number): Uint8Array[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`leaf index ${index} outside 0..${this.size - 1}`);
    const path: Uint8Array[] = [];
    let i = index;
    for (let level = 0; level < this.#levels.length - 1; level++) {
      const nodes = this.#levels[level]!;
      const sibling = i ^ 1;
      // The last node of an odd level has no sibling: it is lifted, and the path gets nothing.
      if (sibling < nodes.length) path.push(nodes[sibling]!.slice());
      i >>= 1;
    }
    return path;
  }
}

/** MTH of the leaves (each the leaf data, not its hash). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return MerkleTree.fromLeaves(leaves).root;
}

/** The inclusion proof of leaf `index` among `leaves`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return MerkleTree.fromLeaves(leaves).proof(index);
}

/** Which leaf an inclusion proof is about: its data, or its hash from `leafHash`. */
export type LeafInput = { readonly data: Uint8Array } | { readonly hash: Uint8Array };

/**
 * The root an inclusion proof leads to (RFC 9162 2.1.3.2), or null when the proof cannot belong to
 * a tree of `size` leaves (wrong length, index out of range, malformed hash).
 */
export function rootFromInclusionProof(leaf: LeafInput, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array | null {
  if (!Number.isSafeInteger(size) || size < 1 || size > MERKLE_LEAVES_MAX) return null;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) return null;
  if (proof.length > MERKLE_PROOF_HASHES_MAX) return null;
  const start = 'data' in leaf ? leafHash(leaf.data) : leaf.hash;
  if (start.length !== HASH_BYTES) return null;
  // fn and sn walk up from the leaf and from the last leaf; they meet at the root.
  let fn = index;
  let sn = size - 1;
  let r = start;
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        // A right-most node without a sibling is lifted: skip the levels it is lifted through.
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

/** True when `proof` shows that the leaf is at `index` of the tree of `size` leaves whose head is `root`. */
export function verifyInclusion(leaf: LeafInput, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(leaf, index, size, proof);
  return computed !== null && root.length === HASH_BYTES && bytesEqual(computed, root);
}
