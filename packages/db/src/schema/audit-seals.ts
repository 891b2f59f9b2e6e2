import { bigint, customType, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * The leaf hash of each sealed access-log entry (RFC 9162: SHA-256 of 0x00 and the entry's canonical
 * bytes), kept so proofs need not re-serialise the log. Verification recomputes them from the entries.
 */
export const auditLeafHashes = pgTable('audit_leaf_hashes', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  leafHash: bytea('leaf_hash').notNull(),
});

/**
 * Signed tree heads: the Merkle root over the first `treeSize` entries in sequence order, signed as a
 * JWS with the gateway's key. Anyone holding one can later demand a consistency proof to any newer head.
 */
export const auditTreeHeads = pgTable('audit_tree_heads', {
  treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
  rootHash: text('root_hash').notNull(),
  signedHead: text('signed_head').notNull(),
  /** The frontier (roots of the perfect subtrees) so the next seal appends without re-reading the log. */
  frontier: jsonb('frontier').$type<{ size: number; nodes: string[] }>().notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull().defaultNow(),
});

export type AuditTreeHead = typeof auditTreeHeads.$inferSelect;
