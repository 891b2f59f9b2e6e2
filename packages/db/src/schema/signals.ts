import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { persons } from './persons';

export const signalStates = ['open', 'acknowledged', 'cleared'] as const;
export type SignalState = (typeof signalStates)[number];

/** Why a signal closed: its condition no longer holds, or no consent lets the party be told any more. */
export const signalClearReasons = ['condition_cleared', 'consent_ended'] as const;
export const acknowledgementOutcomes = ['acted', 'not_relevant'] as const;

/**
 * A signal raised to one party about one person under one rule (packages/domain/src/signals): at most
 * one not yet cleared per person, rule and party. It records what the raise rested on — the purpose,
 * the categories read, the consents, the thresholds and whose they were — so that the party and the
 * person can see why. No personnummer and no free text from the statuses: the party fetches the
 * person through the consent-checked read of the signal.
 */
export const signals = pgTable(
  'signals',
  {
    id: uuid('id').primaryKey(),
    personKey: text('person_key')
      .notNull()
      .references(() => persons.personKey),
    ruleId: text('rule_id').notNull(),
    partyId: text('party_id').notNull(),
    purpose: text('purpose').notNull(),
    categories: text('categories').array().notNull(),
    consentIds: uuid('consent_ids').array().notNull(),
    /** The förbund whose thresholds applied; null when the catalogue's defaults did. */
    forbundId: text('forbund_id'),
    thresholds: jsonb('thresholds').$type<Record<string, number>>().notNull(),
    /** The day the situation began (the sick-listing's first day, the rejection, …). */
    conditionSince: date('condition_since').notNull(),
    /** Ids the party can look up besides the person (a SIP). */
    references: jsonb('references').$type<{ sipId?: string }>().notNull().default({}),
    state: text('state', { enum: signalStates }).notNull().default('open'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
    clearedBecause: text('cleared_because', { enum: signalClearReasons }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgementOutcome: text('acknowledgement_outcome', { enum: acknowledgementOutcomes }),
    acknowledgementReason: text('acknowledgement_reason'),
    acknowledgedByOfficer: text('acknowledged_by_officer'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('signals_one_open_idx')
      .on(t.personKey, t.ruleId, t.partyId)
      .where(sql`${t.clearedAt} is null`),
    index('signals_party_idx').on(t.partyId, t.raisedAt),
    index('signals_person_idx').on(t.personKey),
    index('signals_raised_idx').on(t.raisedAt),
    check(
      'signals_cleared',
      sql`(${t.state} = 'cleared') = (${t.clearedAt} is not null) and (${t.clearedAt} is null) = (${t.clearedBecause} is null)`,
    ),
    check(
      'signals_acknowledged',
      sql`(${t.acknowledgedAt} is null) = (${t.acknowledgementOutcome} is null) and (${t.acknowledgedAt} is null) = (${t.acknowledgedByOfficer} is null)`,
    ),
  ],
);

export type Signal = typeof signals.$inferSelect;

/** A förbund's own thresholds for one rule; the catalogue's defaults fill in every key left out. */
export const signalThresholds = pgTable(
  'signal_thresholds',
  {
    forbundId: text('forbund_id').notNull(),
    ruleId: text('rule_id').notNull(),
    thresholds: jsonb('thresholds').$type<Record<string, number>>().notNull(),
    updatedByOfficer: text('updated_by_officer').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.forbundId, t.ruleId] })],
);

/**
 * Persons whose case changed since their signals were last evaluated: a status published, a SIP or
 * meeting changed, a consent recorded or revoked. Rows are written by triggers in the changing
 * transaction (migration 0010), so no change can commit without one; the evaluator deletes the row in
 * the transaction that evaluates the person. `due_at` moves on when an evaluation fails.
 */
export const signalChanges = pgTable(
  'signal_changes',
  {
    personKey: text('person_key').primaryKey(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('signal_changes_due_idx').on(t.dueAt)],
);

/**
 * When each person's signals can next change by the passing of time alone (a threshold of days
 * reached, a certificate running out, a consent ending): the scheduled sweep evaluates the persons
 * that are due, and no one else.
 */
export const signalSchedule = pgTable(
  'signal_schedule',
  {
    personKey: text('person_key').primaryKey(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('signal_schedule_due_idx').on(t.dueAt)],
);
