import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Someone acting for a person: an ombud with power of attorney, a god man or förvaltare appointed by
 * the court, or a närstående. Recorded by an agency officer with evidence, or established by a consent
 * the representative gave (then it covers that consent only). Both persons are named by keyed hash.
 */
export const representations = pgTable(
  'representations',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind', { enum: ['ombud', 'god_man', 'forvaltare', 'narstaende'] }).notNull(),
    principalKey: text('principal_key').notNull(),
    representativeKey: text('representative_key').notNull(),
    /** Set when the representation was established by a consent the representative gave: it covers that consent only. */
    consentId: uuid('consent_id'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
    evidenceReference: text('evidence_reference').notNull(),
    recordedByParty: text('recorded_by_party').notNull(),
    recordedByOfficer: text('recorded_by_officer').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedByParty: text('ended_by_party'),
    endedByOfficer: text('ended_by_officer'),
    endReason: text('end_reason'),
  },
  (t) => [
    index('representations_representative_idx').on(t.representativeKey),
    index('representations_principal_idx').on(t.principalKey),
    check('representations_period', sql`${t.validUntil} > ${t.validFrom}`),
  ],
);

export type Representation = typeof representations.$inferSelect;
