import {
  consistencyProof,
  fromBase64Url,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  type SigningKey,
  toBase64Url,
} from '@samsyn/auth';
import {
  type AuditTreeHead,
  auditLeafHashes,
  auditLog,
  auditTreeHeads,
  type Db,
  type DbOrTx,
} from '@samsyn/db';
import { and, asc, desc, gt, isNotNull, lte, sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { leafBytes } from './leaf';

export const treeHeadType = 'samsyn-tree-head+jwt';

/** Same lock space as the sequencer's, another key: one sealer at a time, cluster-wide. */
const sealerLock = 0x5a_4d_53_4c; // "SMSL"

/**
 * Seals numbered access-log entries after the latest tree head into a new signed tree head (RFC 9162
 * Merkle tree, in sequence order). Appends to the stored frontier, so each seal costs the new entries
 * only. Returns the new head, or undefined when there was nothing new.
 */
export async function sealAuditLog(
  db: Db,
  signer: { signingKey: SigningKey; issuer: string },
  batchSize = 50_000,
): Promise<AuditTreeHead | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${sealerLock})`);
    const [latest] = await tx.select().from(auditTreeHeads).orderBy(desc(auditTreeHeads.treeSize)).limit(1);
    const frontier = latest ? MerkleFrontier.fromJSON(latest.frontier) : new MerkleFrontier();
    const rows = await tx
      .select()
      .from(auditLog)
      .where(and(isNotNull(auditLog.seq), gt(auditLog.seq, frontier.size)))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);
    // Entries are numbered gap-free; stop at a gap rather than seal past it.
    const next: typeof rows = [];
    for (const row of rows) {
      if (row.seq !== frontier.size + next.length + 1) break;
      next.push(row);
    }
    if (next.length === 0) return undefined;
    const hashes = next.map((row) => leafHash(leafBytes(row)));
    for (const hash of hashes) frontier.append(hash);
    // One JSON parameter rather than a VALUES list: a busy second seals thousands of entries, and the
    // query builder's cost grows with every row where JSON.stringify's barely does.
    const leaves = next.map((row, i) => ({
      seq: row.seq ?? 0,
      hash: Buffer.from(hashes[i] ?? new Uint8Array()).toString('hex'),
    }));
    await tx.execute(sql`
      insert into audit_leaf_hashes (seq, leaf_hash)
      select seq, decode(hash, 'hex') from jsonb_to_recordset(${JSON.stringify(leaves)}::jsonb) as l(seq bigint, hash text)`);
    const rootHash = toBase64Url(frontier.root());
    const sealedAt = new Date();
    const signedHead = await new SignJWT({
      tree_size: frontier.size,
      root_hash: rootHash,
      hash_alg: 'sha-256',
      rfc: 9162,
    })
      .setProtectedHeader({ alg: signer.signingKey.alg, kid: signer.signingKey.kid, typ: treeHeadType })
      .setIssuer(signer.issuer)
      .setIssuedAt(Math.floor(sealedAt.getTime() / 1000))
      .sign(signer.signingKey.privateKey);
    const [head] = await tx
      .insert(auditTreeHeads)
      .values({ treeSize: frontier.size, rootHash, signedHead, frontier: frontier.toJSON(), sealedAt })
      .returning();
    return head;
  });
}

export async function latestTreeHead(db: DbOrTx): Promise<AuditTreeHead | undefined> {
  const [head] = await db.select().from(auditTreeHeads).orderBy(desc(auditTreeHeads.treeSize)).limit(1);
  return head;
}

export async function treeHeadOfSize(db: DbOrTx, size: number): Promise<AuditTreeHead | undefined> {
  const [head] = await db.select().from(auditTreeHeads).where(sql`${auditTreeHeads.treeSize} = ${size}`);
  return head;
}

/**
 * The leaf hashes of the sealed log, kept in memory and extended as the log grows: the log is
 * append-only, so what was read once never changes, and a proof costs the new leaves only.
 */
export class LeafHashCache {
  #hashes: Uint8Array[] = [];

  async upTo(db: DbOrTx, treeSize: number): Promise<readonly Uint8Array[]> {
    if (this.#hashes.length < treeSize) {
      const rows = await db
        .select()
        .from(auditLeafHashes)
        .where(and(gt(auditLeafHashes.seq, this.#hashes.length), lte(auditLeafHashes.seq, treeSize)))
        .orderBy(asc(auditLeafHashes.seq));
      for (const row of rows) {
        if (row.seq !== this.#hashes.length + 1) break;
        this.#hashes.push(new Uint8Array(row.leafHash));
      }
    }
    return this.#hashes.slice(0, treeSize);
  }
}

export interface InclusionProofView {
  treeSize: number;
  leafIndex: number;
  hashes: string[];
}

/** Inclusion proofs of these entries (by seq) in the latest tree head; entries not yet sealed get none. */
export async function inclusionProofs(
  db: DbOrTx,
  cache: LeafHashCache,
  seqs: readonly number[],
): Promise<Map<number, InclusionProofView>> {
  const proofs = new Map<number, InclusionProofView>();
  const head = await latestTreeHead(db);
  if (!head) return proofs;
  const leaves = await cache.upTo(db, head.treeSize);
  for (const seq of seqs) {
    if (seq < 1 || seq > leaves.length) continue;
    proofs.set(seq, {
      treeSize: head.treeSize,
      leafIndex: seq - 1,
      hashes: inclusionProof(leaves, seq - 1, head.treeSize).map(toBase64Url),
    });
  }
  return proofs;
}

export async function consistencyProofBetween(
  db: DbOrTx,
  cache: LeafHashCache,
  first: number,
  second: number,
) {
  const leaves = await cache.upTo(db, second);
  if (leaves.length < second) return undefined;
  return consistencyProof(leaves, first, second).map(toBase64Url);
}

export { fromBase64Url };
