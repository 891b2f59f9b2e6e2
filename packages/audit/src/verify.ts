import { fromBase64Url, leafHash, rootFromLeafHashes, toBase64Url } from '@samsyn/auth';
import { auditLeafHashes, auditLog, auditTreeHeads, type DbOrTx } from '@samsyn/db';
import { asc, isNotNull } from 'drizzle-orm';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { leafBytes } from './leaf';
import { treeHeadType } from './seal';

export type VerifyResult =
  | { ok: true; treeSize: number; rootHash: string }
  | { ok: false; reason: string; firstBadSeq?: number };

/**
 * Checks the whole access log against the latest signed tree head: the head's signature (gateway key),
 * then every sealed entry recomputed from the table in sequence order, then every earlier head as a
 * prefix of the same log. Names the first entry that does not match: changed, missing, moved or added.
 */
export async function verifyAuditLog(db: DbOrTx, jwks: JSONWebKeySet, issuer: string): Promise<VerifyResult> {
  const heads = await db.select().from(auditTreeHeads).orderBy(asc(auditTreeHeads.treeSize));
  const latest = heads.at(-1);
  if (!latest) return { ok: true, treeSize: 0, rootHash: '' };
  const keys = createLocalJWKSet(jwks);
  for (const head of heads) {
    try {
      const { payload } = await jwtVerify(head.signedHead, keys, {
        issuer,
        typ: treeHeadType,
        algorithms: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      });
      if (payload.tree_size !== head.treeSize || payload.root_hash !== head.rootHash) {
        return { ok: false, reason: `tree head ${head.treeSize} does not say what its signature covers` };
      }
    } catch {
      return { ok: false, reason: `tree head ${head.treeSize} is not signed by the gateway` };
    }
  }
  const rows = await db.select().from(auditLog).where(isNotNull(auditLog.seq)).orderBy(asc(auditLog.seq));
  const stored = await db.select().from(auditLeafHashes).orderBy(asc(auditLeafHashes.seq));
  const recomputed: Uint8Array[] = [];
  for (const row of rows) {
    if (recomputed.length >= latest.treeSize) break;
    if (row.seq !== recomputed.length + 1) {
      return {
        ok: false,
        reason: `entry ${recomputed.length + 1} is missing or out of order`,
        firstBadSeq: recomputed.length + 1,
      };
    }
    recomputed.push(leafHash(leafBytes(row)));
  }
  if (recomputed.length < latest.treeSize) {
    const missing = recomputed.length + 1;
    return {
      ok: false,
      reason: `the log ends at ${recomputed.length} but was sealed up to ${latest.treeSize}`,
      firstBadSeq: missing,
    };
  }
  // Every signed head must be the root of a prefix of the log as it is now.
  for (const head of heads) {
    const root = toBase64Url(rootFromLeafHashes(recomputed.slice(0, head.treeSize)));
    if (root === head.rootHash) continue;
    // Point at the entry: the first whose hash differs from the one stored when it was sealed, if
    // the stored hashes still match the signature; otherwise the range between two signed heads.
    const storedHashes = stored.slice(0, head.treeSize).map((row) => new Uint8Array(row.leafHash));
    const storedRoot =
      storedHashes.length === head.treeSize ? toBase64Url(rootFromLeafHashes(storedHashes)) : '';
    if (storedRoot === head.rootHash) {
      const index = recomputed.findIndex(
        (hash, i) => toBase64Url(hash) !== toBase64Url(storedHashes[i] ?? new Uint8Array()),
      );
      return { ok: false, reason: `entry ${index + 1} differs from what was sealed`, firstBadSeq: index + 1 };
    }
    const previous = heads.filter((h) => h.treeSize < head.treeSize).at(-1)?.treeSize ?? 0;
    return {
      ok: false,
      reason: `an entry between ${previous + 1} and ${head.treeSize} differs from what was sealed`,
      firstBadSeq: previous + 1,
    };
  }
  return { ok: true, treeSize: latest.treeSize, rootHash: latest.rootHash };
}

export { fromBase64Url };
