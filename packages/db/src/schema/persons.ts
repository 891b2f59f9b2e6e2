import { pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per person the exchange has heard of, named by a keyed hash of the normalised personnummer
 * (HMAC-SHA256). The number itself is kept only encrypted (AES-256-GCM), for handing back to a party
 * that must address the person (an invitation). Birth year, month and legal sex feed statistics.
 */
export const persons = pgTable('persons', {
  personKey: text('person_key').primaryKey(),
  sealedNumber: text('sealed_number').notNull(),
  numberKind: text('number_kind', { enum: ['personnummer', 'samordningsnummer'] }).notNull(),
  birthYear: smallint('birth_year').notNull(),
  birthMonth: smallint('birth_month').notNull(),
  legalSex: text('legal_sex', { enum: ['male', 'female'] }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Person = typeof persons.$inferSelect;
