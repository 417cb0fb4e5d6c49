// Merkle trees against the RFC 6962 / RFC 9162 test vectors of the transparency-dev/merkle
// project (the reference implementation of RFC 9162), against a direct transcription of the RFC's
// recursive definitions for every size from 1 to 65, and against tampered proofs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bytesToHex, hexToBytes } from '@fairground/rules';
import { inclusionProof, leafHash, MerkleTree, merkleRoot, rootFromInclusionProof, verifyInclusion } from '../src/merkle.ts';

const h = (hex: string) => hexToBytes(hex)!;

// transparency-dev/merkle proof/verify_test.go: leaves, the roots of the trees of their first n
// leaves, and inclusion proofs (leaf index, tree size, path).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const PROOFS: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

// The RFC's definitions, transcribed literally (recursive, node:crypto): the reference the
// level-by-level implementation must agree with.
function sha(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
}
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Uint8Array.of(0), d[0]!);
  const k = split(d.length);
  return sha(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

function leavesOf(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new TextEncoder().encode(`hand ${i}`));
}

describe('Merkle tree (RFC 9162 2.1)', () => {
  it('gives the reference roots for the first 1..8 test-vector leaves', () => {
    for (let n = 1; n <= 8; n++) assert.equal(bytesToHex(merkleRoot(LEAVES.slice(0, n))), ROOTS[n - 1], `size ${n}`);
  });

  it('hashes the empty tree to SHA-256 of nothing', () => {
    assert.equal(bytesToHex(merkleRoot([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('produces and accepts the reference inclusion proofs', () => {
    for (const v of PROOFS) {
      const leaves = LEAVES.slice(0, v.size);
      assert.deepEqual(inclusionProof(leaves, v.index).map(bytesToHex), v.path, `leaf ${v.index} of ${v.size}`);
      assert.ok(verifyInclusion({ data: LEAVES[v.index]! }, v.index, v.size, v.path.map(h), h(ROOTS[v.size - 1]!)));
      assert.ok(verifyInclusion({ hash: leafHash(LEAVES[v.index]!) }, v.index, v.size, v.path.map(h), h(ROOTS[v.size - 1]!)));
    }
  });

  it('agrees with the recursive definition for every leaf of every size from 1 to 65', () => {
    for (let n = 1; n <= 65; n++) {
      const leaves = leavesOf(n);
      const tree = MerkleTree.fromLeaves(leaves);
      const root = mth(leaves);
      assert.deepEqual(tree.root, root, `root of ${n}`);
      assert.deepEqual(MerkleTree.fromLeafHashes(leaves.map(leafHash)).root, root);
      for (let m = 0; m < n; m++) {
        const proof = tree.proof(m);
        assert.deepEqual(proof, path(m, leaves), `path of ${m} in ${n}`);
        assert.ok(verifyInclusion({ data: leaves[m]! }, m, n, proof, root), `verify ${m} in ${n}`);
        // The same proof must not pass for any other position or size.
        assert.ok(!verifyInclusion({ data: leaves[m]! }, m ^ 1, n, proof, root) || (m ^ 1) === m, `${m} as ${m ^ 1} in ${n}`);
        if (n > 1) assert.ok(!verifyInclusion({ data: leaves[(m + 1) % n]! }, m, n, proof, root), `another leaf at ${m} in ${n}`);
      }
    }
  });

  it('refuses tampered proofs: flipped bits, missing, extra or reordered hashes, wrong index, size, leaf or root', () => {
    for (const v of PROOFS.filter((p) => p.path.length > 0)) {
      const leaf = { data: LEAVES[v.index]! };
      const root = h(ROOTS[v.size - 1]!);
      const proof = v.path.map(h);
      const bad: [string, boolean][] = [
        ['index - 1', verifyInclusion(leaf, v.index - 1, v.size, proof, root)],
        ['index + 1', verifyInclusion(leaf, v.index + 1, v.size, proof, root)],
        ['index ^ 2', verifyInclusion(leaf, v.index ^ 2, v.size, proof, root)],
        ['size * 2', verifyInclusion(leaf, v.index, v.size * 2, proof, root)],
        ['size / 2', verifyInclusion(leaf, v.index, Math.floor(v.size / 2), proof, root)],
        ['wrong leaf', verifyInclusion({ data: new TextEncoder().encode('WrongLeaf') }, v.index, v.size, proof, root)],
        ['empty root', verifyInclusion(leaf, v.index, v.size, proof, merkleRoot([]))],
        ['trailing root', verifyInclusion(leaf, v.index, v.size, [...proof, root], root)],
        ['preceding root', verifyInclusion(leaf, v.index, v.size, [root, ...proof], root)],
        ['short hash', verifyInclusion(leaf, v.index, v.size, [...proof.slice(0, -1), proof.at(-1)!.subarray(1)], root)],
        ['removed hash', verifyInclusion(leaf, v.index, v.size, proof.slice(0, -1), root)],
        ['reversed', proof.length > 1 && verifyInclusion(leaf, v.index, v.size, [...proof].reverse(), root)],
      ];
      for (let i = 0; i < proof.length; i++) {
        const flipped = proof.map((p) => p.slice());
        flipped[i]![0]! ^= 8;
        bad.push([`flipped bit in proof[${i}]`, verifyInclusion(leaf, v.index, v.size, flipped, root)]);
      }
      for (const [what, accepted] of bad) assert.equal(accepted, false, `${what} (leaf ${v.index} of ${v.size})`);
    }
  });

  it('refuses impossible positions instead of throwing', () => {
    const leaf = { data: LEAVES[0]! };
    for (const [index, size] of [
      [0, 0],
      [1, 1],
      [-1, 4],
      [0.5, 4],
      [0, Number.NaN],
    ] as const) {
      assert.equal(rootFromInclusionProof(leaf, index, size, []), null, `${index} of ${size}`);
    }
    assert.throws(() => MerkleTree.fromLeaves(LEAVES).proof(8), RangeError);
  });

  it('stays browser-safe: the module and what it imports use no node: API', () => {
    for (const file of ['../src/merkle.ts', '../src/limits.ts']) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      assert.doesNotMatch(source, /from 'node:|require\(|\bBuffer\b|\bprocess\./, file);
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      assert.ok(
        imports.every((i) => i === '@fairground/rules' || i === './limits.ts'),
        `${file} imports ${imports.join(', ')}`,
      );
    }
  });
});
