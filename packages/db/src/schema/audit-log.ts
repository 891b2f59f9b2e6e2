import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id, compared against the oldest running transaction when sequencing. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/**
 * The access log: one row per read of personal data and per change, appended in the transaction
 * that did the work, so nothing is returned that is not logged and nothing is logged that was not
 * done. Writers never contend: each insert takes its own id and records its transaction id; the
 * sequencer later gives committed rows a gap-free `seq` in commit-safe order (Certificate Transparency
 * style: entries are accepted at once and sealed in batches afterwards).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Gap-free position, assigned by the sequencer once every earlier transaction has finished. */
    seq: bigint('seq', { mode: 'number' }),
    txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    action: text('action').notNull(),
    partyId: text('party_id'),
    officerId: text('officer_id'),
    /** Set when the actor is an individual or representative (citizen e-ID), as a person key. */
    actorPersonKey: text('actor_person_key'),
    personKey: text('person_key').notNull(),
    purpose: text('purpose'),
    legalBasis: text('legal_basis'),
    consentIds: uuid('consent_ids').array().notNull().default(sql`'{}'::uuid[]`),
    statutoryBasisIds: text('statutory_basis_ids').array().notNull().default(sql`'{}'::text[]`),
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    requestId: text('request_id'),
    /** Ids and counts only, never personal data or free text. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('audit_log_seq_idx').on(t.seq),
    index('audit_log_unsequenced_idx').on(t.id).where(sql`${t.seq} is null`),
    index('audit_log_person_idx').on(t.personKey, t.at),
  ],
);

export type AuditRecord = typeof auditLog.$inferSelect;
export type NewAuditRecord = typeof auditLog.$inferInsert;
