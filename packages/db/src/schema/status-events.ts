import { bigint, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { persons } from './persons';

/**
 * Append-only history of what each party has published about a person. An event states the party's
 * whole current view of one category as of `effectiveDate`.
 */
export const statusEvents = pgTable(
  'status_events',
  {
    id: uuid('id').primaryKey(),
    /** Insertion order, for a stable timeline when effective dates tie. */
    position: bigint('position', { mode: 'number' }).generatedAlwaysAsIdentity(),
    personKey: text('person_key')
      .notNull()
      .references(() => persons.personKey),
    partyId: text('party_id').notNull(),
    category: text('category').notNull(),
    kind: text('kind').notNull(),
    effectiveDate: date('effective_date').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    officerId: text('officer_id').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('status_events_person_idx').on(t.personKey, t.category, t.effectiveDate, t.position)],
);

/**
 * The latest event per person, party and category, updated in the publishing transaction. An event
 * with an earlier effective date than the current one is history, not news, and leaves it alone.
 */
export const currentStatuses = pgTable(
  'current_statuses',
  {
    personKey: text('person_key')
      .notNull()
      .references(() => persons.personKey),
    partyId: text('party_id').notNull(),
    category: text('category').notNull(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => statusEvents.id),
    kind: text('kind').notNull(),
    effectiveDate: date('effective_date').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personKey, t.category, t.partyId] }),
    index('current_statuses_category_idx').on(t.category, t.kind),
  ],
);

export type StatusEvent = typeof statusEvents.$inferSelect;
export type CurrentStatus = typeof currentStatuses.$inferSelect;

/**
 * For every event, the period it was the publisher's status: from its effective date until the next
 * event's (open-ended for the latest). Maintained incrementally in the publishing transaction for the
 * (person, party, category) keys the publication touches, so a snapshot at any date reads only the
 * periods covering it instead of replaying every event.
 */
export const statusPeriods = pgTable(
  'status_periods',
  {
    eventId: uuid('event_id')
      .primaryKey()
      .references(() => statusEvents.id),
    personKey: text('person_key').notNull(),
    partyId: text('party_id').notNull(),
    category: text('category').notNull(),
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    validFrom: date('valid_from').notNull(),
    /** Exclusive; null while the status is still the latest. */
    validUntil: date('valid_until'),
  },
  (t) => [
    index('status_periods_key_idx').on(t.personKey, t.partyId, t.category),
    index('status_periods_from_idx').on(t.validFrom),
  ],
);

export type StatusPeriod = typeof statusPeriods.$inferSelect;
