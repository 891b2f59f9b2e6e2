import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  emptyRoot,
  fromBase64Url,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  rootFromLeafHashes,
  toBase64Url,
  verifyConsistency,
  verifyInclusion,
} from '../src/merkle';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item at ${i}`);
  return item;
}

function flipBit(proof: readonly Uint8Array[], i: number): Uint8Array[] {
  return proof.map((p, j) => {
    if (j !== i) return p;
    const copy = new Uint8Array(p);
    copy[0] = (copy[0] ?? 0) ^ 0x08;
    return copy;
  });
}

// --- Independent reference: RFC 9162 2.1.1 / 2.1.3.1 / 2.1.4.1 transcribed literally, over leaf *data*. ---
// Deliberately naive (slices, recursion, its own hashing) so it shares no code with the module.

const HASH = (...parts: Uint8Array[]): Uint8Array =>
  new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());

/** "k be the largest power of two smaller than n (i.e., k < n <= 2k)". */
function refK(n: number): number {
  let k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

function refMTH(D: readonly Uint8Array[]): Uint8Array {
  const n = D.length;
  if (n === 0) return HASH();
  if (n === 1) return HASH(Uint8Array.of(0x00), at(D, 0));
  const k = refK(n);
  return HASH(Uint8Array.of(0x01), refMTH(D.slice(0, k)), refMTH(D.slice(k, n)));
}

function refPATH(m: number, D: readonly Uint8Array[]): Uint8Array[] {
  const n = D.length;
  if (n === 1 && m === 0) return [];
  const k = refK(n);
  if (m < k) return [...refPATH(m, D.slice(0, k)), refMTH(D.slice(k, n))];
  return [...refPATH(m - k, D.slice(k, n)), refMTH(D.slice(0, k))];
}

function refSUBPROOF(m: number, D: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = D.length;
  if (m === n) return b ? [] : [refMTH(D)];
  const k = refK(n);
  if (m <= k) return [...refSUBPROOF(m, D.slice(0, k), b), refMTH(D.slice(k, n))];
  return [...refSUBPROOF(m - k, D.slice(k, n), false), refMTH(D.slice(0, k))];
}

const refPROOF = (m: number, D: readonly Uint8Array[]): Uint8Array[] => refSUBPROOF(m, D, true);

// --- Standard vectors (transparency-dev/merkle proof/verify_test.go, CT C++ merkle_tree_test). ---

const VECTOR_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);

const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

// Same source; the Go table numbers leaves from 1, these indices are 0-based.
const VECTOR_INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const VECTOR_CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const vectorHashes = VECTOR_LEAVES.map(leafHash);

describe('RFC 9162 Merkle tree: standard vectors', () => {
  it('hashes the empty tree to SHA-256 of the empty string', () => {
    expect(toHex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootFromLeafHashes([])).toEqual(emptyRoot());
  });

  it('matches the reference roots for sizes 1..8', () => {
    for (let n = 1; n <= 8; n++) {
      expect(toHex(rootFromLeafHashes(vectorHashes.slice(0, n))), `size ${n}`).toBe(at(VECTOR_ROOTS, n - 1));
    }
  });

  it('matches the reference inclusion proofs and verifies them', () => {
    for (const v of VECTOR_INCLUSION) {
      const proof = inclusionProof(vectorHashes, v.index, v.size);
      expect(proof.map(toHex), `PATH(${v.index}, D[${v.size}])`).toEqual(v.proof);
      const root = hex(at(VECTOR_ROOTS, v.size - 1));
      expect(verifyInclusion(at(vectorHashes, v.index), v.index, v.size, proof, root)).toBe(true);
    }
  });

  it('matches the reference consistency proofs and verifies them', () => {
    for (const v of VECTOR_CONSISTENCY) {
      const proof = consistencyProof(vectorHashes, v.oldSize, v.newSize);
      expect(proof.map(toHex), `PROOF(${v.oldSize}, D[${v.newSize}])`).toEqual(v.proof);
      const oldRoot = hex(at(VECTOR_ROOTS, v.oldSize - 1));
      const newRoot = hex(at(VECTOR_ROOTS, v.newSize - 1));
      expect(verifyConsistency(v.oldSize, v.newSize, oldRoot, newRoot, proof)).toBe(true);
    }
  });

  it('leaf and node hashes use the 0x00 / 0x01 domain-separation prefixes', () => {
    const a = hex('aa');
    expect(leafHash(a)).toEqual(HASH(Uint8Array.of(0), a));
    expect(nodeHash(a, a)).toEqual(HASH(Uint8Array.of(1), a, a));
    // A one-leaf tree's root is the leaf hash, never the raw data.
    expect(rootFromLeafHashes([leafHash(a)])).toEqual(leafHash(a));
  });
});

const MAX = 40;
// The 8 standard leaves, then distinct filler, so every tree 1..MAX has pairwise distinct leaves.
const DATA: Uint8Array[] = [...VECTOR_LEAVES];
for (let i = DATA.length; i < MAX; i++) DATA.push(new TextEncoder().encode(`samsyn access ${i}`));
const HASHES = DATA.map(leafHash);
const ROOTS = Array.from({ length: MAX + 1 }, (_, n) => refMTH(DATA.slice(0, n)));
const rootOf = (n: number): Uint8Array => at(ROOTS, n);
const RANDOM = HASH(new TextEncoder().encode('not a node of this tree'));

describe('RFC 9162 Merkle tree: exhaustive comparison with a literal RFC transcription (sizes 1..40)', () => {
  it('MTH agrees for every size 0..40', () => {
    for (let n = 0; n <= MAX; n++)
      expect(rootFromLeafHashes(HASHES.slice(0, n)), `size ${n}`).toEqual(rootOf(n));
    // Extra leaves beyond treeSize must not matter to proofs; covered below by passing all of HASHES.
  });

  it('PATH agrees and verifies for every size and index', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(HASHES, m, n);
        expect(proof, `PATH(${m}, D[${n}])`).toEqual(refPATH(m, DATA.slice(0, n)));
        expect(verifyInclusion(at(HASHES, m), m, n, proof, rootOf(n)), `verify ${m}/${n}`).toBe(true);
      }
    }
  });

  it('PROOF agrees and verifies for every new size and every old size', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(HASHES, m, n);
        expect(proof, `PROOF(${m}, D[${n}])`).toEqual(refPROOF(m, DATA.slice(0, n)));
        expect(verifyConsistency(m, n, rootOf(m), rootOf(n), proof), `verify ${m}->${n}`).toBe(true);
      }
    }
  });
});

describe('RFC 9162 Merkle tree: inclusion proofs that must fail', () => {
  it('rejects the wrong index, leaf, tree size, root, tampering and wrong length, for every size 1..40', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const leaf = at(HASHES, m);
        const proof = inclusionProof(HASHES, m, n);
        const root = rootOf(n);
        const where = `${m}/${n}`;
        for (let j = 0; j < n + 2; j++) {
          if (j !== m)
            expect(verifyInclusion(leaf, j, n, proof, root), `index ${j} for ${where}`).toBe(false);
        }
        for (let j = 0; j < MAX; j++) {
          if (j !== m)
            expect(verifyInclusion(at(HASHES, j), m, n, proof, root), `leaf ${j} ${where}`).toBe(false);
        }
        for (let n2 = 1; n2 <= MAX; n2++) {
          // The size is signed together with its root (2.1.3.2 input), so pair each size with its own root.
          if (n2 !== n)
            expect(verifyInclusion(leaf, m, n2, proof, rootOf(n2)), `size ${n2} ${where}`).toBe(false);
        }
        // transparency-dev's probes keep the original root while lying about the index or size.
        for (const [j, n2] of [
          [m - 1, n],
          [m + 1, n],
          [m ^ 2, n],
          [m, n * 2],
          [m, Math.floor(n / 2)],
        ] as const) {
          if (j !== m || n2 !== n) {
            expect(verifyInclusion(leaf, j, n2, proof, root), `probe ${j}/${n2} for ${where}`).toBe(false);
          }
        }
        expect(verifyInclusion(leaf, m, n, proof, rootOf(n - 1)), `older root ${where}`).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, RANDOM)).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, emptyRoot())).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          expect(verifyInclusion(leaf, m, n, flipBit(proof, i), root), `flip ${i} ${where}`).toBe(false);
        }
        expect(verifyInclusion(leaf, m, n, [...proof, root], root), `trailing ${where}`).toBe(false);
        expect(verifyInclusion(leaf, m, n, [...proof, RANDOM], root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, [root, ...proof], root), `preceding ${where}`).toBe(false);
        expect(verifyInclusion(leaf, m, n, [...proof, new Uint8Array(0)], root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(leaf, m, n, proof.slice(0, -1), root), `truncated ${where}`).toBe(false);
          expect(verifyInclusion(leaf, m, n, proof.slice(1), root), `dropped first ${where}`).toBe(false);
        }
      }
    }
  });

  it('rejects out-of-range and malformed inputs without throwing', () => {
    const leaf = at(HASHES, 0);
    expect(verifyInclusion(leaf, 0, 0, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 1, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, -1, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0.5, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, Number.NaN, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2 ** 53, [], leaf)).toBe(false);
    expect(verifyInclusion(new Uint8Array(0), 0, 1, [], new Uint8Array(0))).toBe(false);
    // Single-entry tree: empty proof, root is the leaf hash.
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
  });

  it('throws RangeError for impossible generation requests', () => {
    expect(() => inclusionProof(HASHES, 0, 0)).toThrow(RangeError);
    expect(() => inclusionProof(HASHES, 3, 3)).toThrow(RangeError);
    expect(() => inclusionProof(HASHES, -1, 3)).toThrow(RangeError);
    expect(() => inclusionProof(HASHES, 1.5, 3)).toThrow(RangeError);
    expect(() => inclusionProof(HASHES, 0, MAX + 1)).toThrow(RangeError);
    expect(() => inclusionProof(HASHES, 0, Number.NaN)).toThrow(RangeError);
  });
});

describe('RFC 9162 Merkle tree: consistency proofs that must fail', () => {
  it('rejects wrong sizes, roots, tampering and wrong length, for every 0 < m < n <= 40', () => {
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const proof = consistencyProof(HASHES, m, n);
        const r1 = rootOf(m);
        const r2 = rootOf(n);
        const where = `${m}->${n}`;
        for (let m2 = 1; m2 <= n; m2++) {
          if (m2 !== m)
            expect(verifyConsistency(m2, n, rootOf(m2), r2, proof), `old ${m2} ${where}`).toBe(false);
        }
        for (let n2 = m; n2 <= MAX; n2++) {
          if (n2 !== n)
            expect(verifyConsistency(m, n2, r1, rootOf(n2), proof), `new ${n2} ${where}`).toBe(false);
        }
        // transparency-dev's probes keep the original roots while lying about the sizes.
        for (const [m2, n2] of [
          [m - 1, n],
          [m + 1, n],
          [m ^ 2, n],
          [m, n * 2],
          [m, Math.floor(n / 2)],
        ] as const) {
          if (m2 !== m || n2 !== n) {
            expect(verifyConsistency(m2, n2, r1, r2, proof), `probe ${m2}->${n2} for ${where}`).toBe(false);
          }
        }
        expect(verifyConsistency(m, n, r2, r1, proof), `swapped ${where}`).toBe(false);
        expect(verifyConsistency(m, n, RANDOM, r2, proof)).toBe(false);
        expect(verifyConsistency(m, n, r1, RANDOM, proof)).toBe(false);
        expect(verifyConsistency(m, n, r1, r2, []), `empty ${where}`).toBe(false);
        expect(verifyConsistency(n, m, r2, r1, proof), `backwards ${where}`).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          expect(verifyConsistency(m, n, r1, r2, flipBit(proof, i)), `flip ${i} ${where}`).toBe(false);
        }
        expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1)), `truncated ${where}`).toBe(false);
        expect(verifyConsistency(m, n, r1, r2, proof.slice(1)), `dropped first ${where}`).toBe(false);
        for (const extra of [r1, r2, RANDOM]) {
          expect(verifyConsistency(m, n, r1, r2, [...proof, extra]), `trailing ${where}`).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, [extra, ...proof]), `preceding ${where}`).toBe(false);
        }
        expect(verifyConsistency(m, n, r1, r2, [at(proof, 0), ...proof])).toBe(false);
      }
    }
  });

  it('rejects a history in which any old leaf was rewritten', () => {
    // The log rewrites leaf j < m and appends; the auditor's old root must not be provably consistent.
    // Every (j, m, n) is O(n^3) proofs, so stop at 24 to keep the file fast.
    for (let n = 2; n <= 24; n++) {
      for (let m = 1; m < n; m++) {
        const honestProof = consistencyProof(HASHES, m, n);
        for (let j = 0; j < m; j++) {
          const forged = HASHES.slice(0, n);
          forged[j] = leafHash(new TextEncoder().encode(`rewritten ${j}`));
          const where = `leaf ${j} in ${m}->${n}`;
          const forgedProof = consistencyProof(forged, m, n);
          const forgedNew = rootFromLeafHashes(forged);
          expect(verifyConsistency(m, n, rootOf(m), forgedNew, forgedProof), where).toBe(false);
          const forgedOld = rootFromLeafHashes(forged.slice(0, m));
          expect(verifyConsistency(m, n, forgedOld, rootOf(n), honestProof), where).toBe(false);
        }
      }
    }
  });

  it('handles equal sizes and out-of-range input without throwing', () => {
    const r = rootOf(5);
    expect(consistencyProof(HASHES, 5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, r, r, [])).toBe(true);
    expect(verifyConsistency(5, 5, r, rootOf(6), [])).toBe(false);
    expect(verifyConsistency(5, 5, r, r, [r])).toBe(false);
    expect(verifyConsistency(0, 5, emptyRoot(), r, [])).toBe(false);
    expect(verifyConsistency(-1, 5, r, r, [r])).toBe(false);
    expect(verifyConsistency(1.5, 5, r, r, [r])).toBe(false);
    expect(verifyConsistency(1, Number.NaN, r, r, [r])).toBe(false);
  });

  it('throws RangeError for impossible generation requests', () => {
    expect(() => consistencyProof(HASHES, 0, 5)).toThrow(RangeError);
    expect(() => consistencyProof(HASHES, 6, 5)).toThrow(RangeError);
    expect(() => consistencyProof(HASHES, -1, 5)).toThrow(RangeError);
    expect(() => consistencyProof(HASHES, 2.5, 5)).toThrow(RangeError);
    expect(() => consistencyProof(HASHES, 1, MAX + 1)).toThrow(RangeError);
    expect(() => consistencyProof(HASHES, 1, Number.NaN)).toThrow(RangeError);
  });
});

describe('RFC 9162 Merkle tree: sizes beyond 32 bits', () => {
  // Guards against `>>` / `&` (32-bit in JS) creeping into the index arithmetic.
  const big = 2 ** 33;
  const left = HASH(new TextEncoder().encode('perfect subtree of 2^33 leaves'));
  const last = leafHash(new TextEncoder().encode('leaf 2^33'));
  const root = nodeHash(left, last);

  it('verifies the last leaf of a 2^33 + 1 tree', () => {
    expect(verifyInclusion(last, big, big + 1, [left], root)).toBe(true);
    expect(verifyInclusion(last, big - 1, big + 1, [left], root)).toBe(false);
    expect(verifyInclusion(last, 0, big + 1, [left], root)).toBe(false);
  });

  it('verifies 2^33 -> 2^33 + 1 consistency', () => {
    expect(verifyConsistency(big, big + 1, left, root, [last])).toBe(true);
    expect(verifyConsistency(big - 1, big + 1, left, root, [last])).toBe(false);
  });

  it('grows a frontier past 2^33', () => {
    const frontier = new MerkleFrontier(big, [left]);
    expect(frontier.root()).toEqual(left);
    frontier.append(last);
    expect(frontier.size).toBe(big + 1);
    expect(frontier.root()).toEqual(root);
  });
});

describe('MerkleFrontier', () => {
  const leaves = Array.from({ length: 100 }, (_, i) =>
    leafHash(new TextEncoder().encode(`access-log ${i + 1}`)),
  );

  it('starts as the empty tree', () => {
    const frontier = new MerkleFrontier();
    expect(frontier.size).toBe(0);
    expect(frontier.root()).toEqual(emptyRoot());
    expect(frontier.toJSON()).toEqual({ size: 0, nodes: [] });
  });

  it('gives the MTH of the prefix after every append, 1..100', () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(at(leaves, n - 1));
      expect(frontier.size).toBe(n);
      expect(frontier.root(), `size ${n}`).toEqual(rootFromLeafHashes(leaves.slice(0, n)));
      // One stored node per set bit of the size.
      expect(frontier.toJSON().nodes).toHaveLength(n.toString(2).replaceAll('0', '').length);
    }
  });

  it('round-trips through JSON mid-way and continues identically', () => {
    for (const cut of [1, 37, 50, 64]) {
      const frontier = new MerkleFrontier();
      for (const leaf of leaves.slice(0, cut)) frontier.append(leaf);
      const restored = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(frontier)));
      expect(restored.size).toBe(cut);
      expect(restored.root()).toEqual(frontier.root());
      for (let n = cut + 1; n <= leaves.length; n++) {
        restored.append(at(leaves, n - 1));
        frontier.append(at(leaves, n - 1));
        expect(restored.root(), `cut ${cut}, size ${n}`).toEqual(rootFromLeafHashes(leaves.slice(0, n)));
      }
      expect(restored.toJSON()).toEqual(frontier.toJSON());
    }
  });

  it('roots agree with the standard vectors', () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= 8; n++) {
      frontier.append(at(vectorHashes, n - 1));
      expect(toHex(frontier.root())).toBe(at(VECTOR_ROOTS, n - 1));
    }
  });

  it('does not alias caller buffers', () => {
    const leaf = new Uint8Array(at(leaves, 0));
    const frontier = new MerkleFrontier();
    frontier.append(leaf);
    leaf.fill(0);
    expect(frontier.root()).toEqual(at(leaves, 0));
    frontier.root().fill(0);
    expect(frontier.root()).toEqual(at(leaves, 0));
  });

  it('rejects inconsistent state', () => {
    const node = at(leaves, 0);
    expect(() => new MerkleFrontier(3, [node])).toThrow(RangeError);
    expect(() => new MerkleFrontier(0, [node])).toThrow(RangeError);
    expect(() => new MerkleFrontier(-1, [])).toThrow(RangeError);
    expect(() => new MerkleFrontier(1.5, [node])).toThrow(RangeError);
    expect(() => new MerkleFrontier(1, [new Uint8Array(31)])).toThrow(RangeError);
    expect(() => MerkleFrontier.fromJSON({ size: 1, nodes: ['not base64url!'] })).toThrow(RangeError);
    expect(() => new MerkleFrontier().append(new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('base64url', () => {
  it('round-trips and is unpadded', () => {
    for (let len = 0; len < 40; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(text)).toEqual(bytes);
    }
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it('rejects non-canonical text', () => {
    for (const bad of ['a', 'ab=', 'ab+c', 'ab/c', 'a b', '-_9', 'AB==']) {
      expect(() => fromBase64Url(bad), bad).toThrow(RangeError);
    }
  });
});
