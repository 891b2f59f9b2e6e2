import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { persons } from './persons';

/**
 * Consents that lift secrecy between named parties for named categories and purposes, for a period.
 * Never updated except to record a revocation; a change of terms is a new consent.
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey(),
    personKey: text('person_key')
      .notNull()
      .references(() => persons.personKey),
    givenBy: text('given_by', { enum: ['person', 'representative'] }).notNull(),
    representativeKind: text('representative_kind', {
      enum: ['ombud', 'god_man', 'forvaltare', 'narstaende'],
    }),
    representativeKey: text('representative_key'),
    parties: text('parties').array().notNull(),
    categories: text('categories').array().notNull(),
    purposes: text('purposes').array().notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
    form: text('form', { enum: ['written', 'oral_documented'] }).notNull(),
    evidenceReference: text('evidence_reference').notNull(),
    plainLanguageText: text('plain_language_text').notNull(),
    legalBasis: text('legal_basis').notNull(),
    recordedByParty: text('recorded_by_party').notNull(),
    recordedByOfficer: text('recorded_by_officer').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedByParty: text('revoked_by_party'),
    revokedByOfficer: text('revoked_by_officer'),
    revocationReason: text('revocation_reason'),
  },
  (t) => [
    index('consents_person_idx').on(t.personKey),
    check('consents_period', sql`${t.validUntil} > ${t.validFrom}`),
    check(
      'consents_representative',
      sql`(${t.givenBy} = 'person') = (${t.representativeKind} is null and ${t.representativeKey} is null)`,
    ),
  ],
);

export type Consent = typeof consents.$inferSelect;

/**
 * Statutes that open a flow without consent (e.g. SoL 11 kap. 11 §), registered by the operator.
 * Empty by default: nothing flows on a statute until someone has decided that it should.
 */
export const statutoryBases = pgTable('statutory_bases', {
  id: text('id').primaryKey(),
  reference: text('reference').notNull(),
  description: text('description').notNull(),
  requesterKinds: text('requester_kinds').array().notNull(),
  publisherKinds: text('publisher_kinds').array().notNull(),
  categories: text('categories').array().notNull(),
  purposes: text('purposes').array().notNull(),
  conditions: text('conditions').array().notNull().default(sql`'{}'::text[]`),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type StatutoryBasisRow = typeof statutoryBases.$inferSelect;
