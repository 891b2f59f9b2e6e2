import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The first result of each `Idempotency-Key` per party and operation, written in the same transaction
 * as the effect it describes: a retry gets the stored result, never a second effect.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    partyId: text('party_id').notNull(),
    operation: text('operation').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.partyId, t.operation, t.key] })],
);
