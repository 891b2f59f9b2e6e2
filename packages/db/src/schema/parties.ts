import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A public JSON Web Key Set as registered by a party (RFC 7517); private members are refused on entry. */
export interface PublicJwks {
  keys: Array<Record<string, unknown>>;
}

/**
 * The party registry: every organisation that may call the gateway. A party authenticates with keys
 * it holds itself (inline JWKS or a `jwks_uri`), so Samsyn never sees an agency's private key.
 */
export const parties = pgTable(
  'parties',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['kommun', 'region', 'fk', 'af', 'forbund'] }).notNull(),
    displayName: text('display_name').notNull(),
    jwks: jsonb('jwks').$type<PublicJwks>(),
    jwksUri: text('jwks_uri'),
    webhookUrl: text('webhook_url'),
    webhookSecret: text('webhook_secret'),
    /** For a förbund: its member kommuner and region. Empty for everyone else. */
    memberIds: text('member_ids').array().notNull().default(sql`'{}'::text[]`),
    /** RFC 9449: tokens of this party are bound to a key the caller proves on every request. */
    dpopRequired: boolean('dpop_required').notNull().default(false),
    /** This party's requests a minute, when it differs from the deployment's default. */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('parties_has_keys', sql`${t.jwks} is not null or ${t.jwksUri} is not null`),
    index('parties_inactive_idx').on(t.id).where(sql`${t.active} = false`),
  ],
);

export type Party = typeof parties.$inferSelect;
export type NewParty = typeof parties.$inferInsert;
