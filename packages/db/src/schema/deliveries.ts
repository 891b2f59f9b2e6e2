import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const deliveryStates = ['pending', 'queued', 'retrying', 'delivered', 'dead', 'cancelled'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The outbox: one row per webhook message to one party, written in the transaction that caused it.
 * The dispatcher relays rows to BullMQ and records every attempt here, so the queue can be lost and
 * rebuilt from this table. `id` is the Standard Webhooks `webhook-id`: the same for every retry and
 * re-drive, so receivers can de-duplicate. Payloads hold ids only.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey(),
    partyId: text('party_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, string>>().notNull(),
    state: text('state', { enum: deliveryStates }).notNull().default('pending'),
    /** Not to be sent before this time (reminders). */
    notBefore: timestamp('not_before', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    relayedAt: timestamp('relayed_at', { withTimezone: true }),
    /** Grows with each re-drive, so the new queue job does not collide with the dead one. */
    generation: integer('generation').notNull().default(0),
    sipId: uuid('sip_id'),
    meetingId: uuid('meeting_id'),
    invitationId: uuid('invitation_id'),
    consentId: uuid('consent_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('deliveries_unrelayed_idx').on(t.createdAt).where(sql`${t.state} = 'pending'`),
    index('deliveries_party_idx').on(t.partyId, t.state),
    index('deliveries_meeting_idx').on(t.meetingId),
    index('deliveries_sip_idx').on(t.sipId),
  ],
);

export type Delivery = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;

/**
 * A consent withdrawal must reach every party that received data under it; each party's
 * acknowledgement is recorded so the person can see that it did.
 */
export const withdrawalNotices = pgTable(
  'withdrawal_notices',
  {
    consentId: uuid('consent_id').notNull(),
    partyId: text('party_id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedByOfficer: text('acknowledged_by_officer'),
  },
  (t) => [primaryKey({ columns: [t.consentId, t.partyId] })],
);

export type WithdrawalNotice = typeof withdrawalNotices.$inferSelect;
