import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { PublicJwks } from './parties';

/**
 * Trusted citizen e-ID issuers (BankID brokers, Freja, the dev issuer `eid:dev`). Their ID tokens name
 * an individual by personnummer; the gateway exchanges them for access tokens that carry only a hash.
 */
export const citizenIssuers = pgTable(
  'citizen_issuers',
  {
    id: text('id').primaryKey(),
    displayName: text('display_name').notNull(),
    jwks: jsonb('jwks').$type<PublicJwks>(),
    jwksUri: text('jwks_uri'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('citizen_issuers_has_keys', sql`${t.jwks} is not null or ${t.jwksUri} is not null`)],
);

export type CitizenIssuer = typeof citizenIssuers.$inferSelect;
