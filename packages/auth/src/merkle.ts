import { createHash } from 'node:crypto';

/**
 * RFC 9162 (Certificate Transparency v2.0) section 2.1 Merkle Hash Tree with SHA-256: tree heads,
 * inclusion proofs (2.1.3) and consistency proofs (2.1.4), both generation and verification.
 *
 * Sizes and indices are plain numbers; they must be non-negative safe integers. Bit arithmetic is
 * done with `% 2` / `Math.floor(x / 2)` rather than `&` / `>>`, which would truncate to 32 bits.
 */

const HASH_LENGTH = 32;
// RFC 9162 2.1.1: domain separation between leaves and interior nodes (second-preimage resistance).
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  // Copy out of the Buffer so callers get a plain Uint8Array (and toEqual compares like with like).
  return new Uint8Array(hash.digest());
}

/** RFC 9162 2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)). */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

/** RFC 9162 2.1.1: interior node HASH(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/** RFC 9162 2.1.1: MTH({}) = HASH(), the SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256();
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Largest power of two strictly smaller than n (n > 1), RFC 9162 2.1.1 "k". */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function at(hashes: readonly Uint8Array[], i: number): Uint8Array {
  const hash = hashes[i];
  if (hash === undefined) throw new RangeError(`missing hash at index ${i}`);
  return hash;
}

/** MTH(D[lo:hi]) over leaf hashes, hi > lo. Index ranges instead of slices keep it O(hi - lo). */
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 1) return at(leaves, lo);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

function checkTreeSize(leaves: readonly Uint8Array[], treeSize: number, name: string): void {
  if (!isSize(treeSize)) throw new RangeError(`${name} must be a non-negative safe integer, got ${treeSize}`);
  if (treeSize > leaves.length) {
    throw new RangeError(`${name} ${treeSize} exceeds the ${leaves.length} leaf hashes given`);
  }
}

/** MTH over already-hashed leaves (leaf hashes), RFC 9162 2.1.1. O(n) hashing, O(log n) recursion depth. */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyRoot();
  // Copy so a one-leaf root does not alias the caller's leaf hash.
  return new Uint8Array(subtreeRoot(leaves, 0, leaves.length));
}

/**
 * PATH(m, D[n]) of RFC 9162 2.1.3.1 for leaf index m (0-based) in the tree of the first n leaf hashes.
 * Ordered from the leaf's sibling up to the child of the root. Throws RangeError if m >= n.
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, treeSize: number): Uint8Array[] {
  checkTreeSize(leaves, treeSize, 'treeSize');
  if (!isSize(index) || index >= treeSize) {
    throw new RangeError(`index ${index} is outside a tree of size ${treeSize}`);
  }
  // Walk down from the root; each level's sibling goes *after* the deeper part (2.1.3.1 "PATH : MTH").
  const levels: Uint8Array[] = [];
  let lo = 0;
  let hi = treeSize;
  let m = index;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < k) {
      levels.push(subtreeRoot(leaves, lo + k, hi));
      hi = lo + k;
    } else {
      levels.push(subtreeRoot(leaves, lo, lo + k));
      lo += k;
      m -= k;
    }
  }
  return levels.reverse();
}

/**
 * RFC 9162 2.1.3.2: verify an inclusion proof. Returns false (never throws) on any malformed input.
 * The proof does not bind treeSize by itself (e.g. PATH(0, D[4]) also checks out as size 3 against the
 * size-4 root), so treeSize and root must come from the same signed tree head (RFC 9162 4.10).
 */
export function verifyInclusion(
  leafHashValue: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(treeSize)) return false;
  // Step 1.
  if (index >= treeSize) return false;
  if (leafHashValue.length !== HASH_LENGTH || root.length !== HASH_LENGTH) return false;
  // Steps 2-3.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHashValue;
  // Step 4.
  for (const p of proof) {
    if (p.length !== HASH_LENGTH) return false;
    // 4a: proof longer than the path.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Skip levels where this node is the rightmost one and so has no right sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5: sn === 0 rejects a proof shorter than the path.
  return sn === 0 && bytesEqual(r, root);
}

/**
 * PROOF(m, D[n]) of RFC 9162 2.1.4.1 (via SUBPROOF), for 0 < m <= n; m == n gives the empty proof.
 */
export function consistencyProof(
  leaves: readonly Uint8Array[],
  oldSize: number,
  newSize: number,
): Uint8Array[] {
  checkTreeSize(leaves, newSize, 'newSize');
  if (!isSize(oldSize) || oldSize === 0 || oldSize > newSize) {
    throw new RangeError(`oldSize ${oldSize} must satisfy 0 < oldSize <= newSize (${newSize})`);
  }
  // SUBPROOF(m, D[lo:hi], b), unrolled; siblings collected top-down, emitted bottom-up.
  const levels: Uint8Array[] = [];
  let lo = 0;
  let hi = newSize;
  let m = oldSize;
  // b: true while the old tree's root is still the left edge of the current subtree (2.1.4.1).
  let b = true;
  while (m !== hi - lo) {
    const n = hi - lo;
    const k = splitPoint(n);
    if (m <= k) {
      levels.push(subtreeRoot(leaves, lo + k, hi));
      hi = lo + k;
    } else {
      levels.push(subtreeRoot(leaves, lo, lo + k));
      lo += k;
      m -= k;
      b = false;
    }
  }
  const proof: Uint8Array[] = [];
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the verifier cannot know this subtree's hash otherwise.
  if (!b) proof.push(subtreeRoot(leaves, lo, hi));
  proof.push(...levels.reverse());
  return proof;
}

/**
 * RFC 9162 2.1.4.2: verify a consistency proof between tree heads of sizes oldSize and newSize.
 * The RFC algorithm covers 0 < oldSize < newSize; for oldSize == newSize the proof must be empty and
 * the roots equal (as in transparency-dev/merkle). Returns false (never throws) on malformed input.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize === 0 || oldSize > newSize) return false;
  if (oldRoot.length !== HASH_LENGTH || newRoot.length !== HASH_LENGTH) return false;
  if (proof.some((p) => p.length !== HASH_LENGTH)) return false;
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  // Step 1.
  if (proof.length === 0) return false;
  // Step 2: a power-of-two old tree is a complete subtree, so its root is omitted from the proof.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // Step 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // Step 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr = first;
  let sr = first;
  // Step 6.
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

/** RFC 4648 section 5 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict inverse of toBase64Url: Node's decoder silently skips junk, so reject non-canonical input. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new RangeError('invalid base64url');
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (toBase64Url(bytes) !== text) throw new RangeError('non-canonical base64url');
  return bytes;
}

function popCount(n: number): number {
  let count = 0;
  let x = n;
  while (x > 0) {
    count += x % 2;
    x = Math.floor(x / 2);
  }
  return count;
}

/**
 * Compact state of a growing tree: the roots of the perfect subtrees covering the first n leaves (the
 * "frontier"), so a sealer can append leaves and get the new root without the old leaves.
 *
 * nodes[i] is the root of the i-th perfect subtree from the left; their sizes are the set bits of
 * `size`, largest first, so there are popcount(size) of them.
 */
export class MerkleFrontier {
  #size: number;
  readonly #nodes: Uint8Array[];

  constructor(size = 0, nodes: Uint8Array[] = []) {
    if (!isSize(size)) throw new RangeError(`size must be a non-negative safe integer, got ${size}`);
    if (nodes.length !== popCount(size)) {
      throw new RangeError(`a frontier of size ${size} has ${popCount(size)} nodes, got ${nodes.length}`);
    }
    if (nodes.some((n) => n.length !== HASH_LENGTH)) throw new RangeError('frontier nodes must be 32 bytes');
    this.#size = size;
    this.#nodes = nodes.map((n) => new Uint8Array(n));
  }

  get size(): number {
    return this.#size;
  }

  append(leafHashValue: Uint8Array): void {
    if (leafHashValue.length !== HASH_LENGTH) throw new RangeError('leaf hash must be 32 bytes');
    if (this.#size === Number.MAX_SAFE_INTEGER) throw new RangeError('frontier is full');
    let node: Uint8Array = new Uint8Array(leafHashValue);
    // Like a binary increment: each trailing 1 bit of size is a same-sized perfect subtree to merge with.
    let s = this.#size;
    while (s % 2 === 1) {
      const left = this.#nodes.pop();
      if (left === undefined) throw new Error('frontier invariant broken');
      node = nodeHash(left, node);
      s = Math.floor(s / 2);
    }
    this.#nodes.push(node);
    this.#size += 1;
  }

  /** MTH of the first `size` leaves: RFC 9162 2.1.1 splits at the largest power of two, i.e. a right fold. */
  root(): Uint8Array {
    let r: Uint8Array | undefined;
    for (let i = this.#nodes.length - 1; i >= 0; i--) {
      const node = at(this.#nodes, i);
      r = r === undefined ? node : nodeHash(node, r);
    }
    return r === undefined ? emptyRoot() : new Uint8Array(r);
  }

  toJSON(): { size: number; nodes: string[] } {
    return { size: this.#size, nodes: this.#nodes.map(toBase64Url) };
  }

  static fromJSON(v: { size: number; nodes: string[] }): MerkleFrontier {
    return new MerkleFrontier(v.size, v.nodes.map(fromBase64Url));
  }
}
