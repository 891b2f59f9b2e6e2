import { boolean, date, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { persons } from './persons';

/**
 * Per person, the facts the Finsam follow-up definitions read, extracted from the person's latest
 * status in each category (the status periods still open) — one narrow row instead of about nine
 * statuses with their JSON, so a target-group snapshot reads one row a person. Maintained in the
 * publishing transaction from the `follow_up_facts_source` view (migration 0008), which is the only
 * definition of how a row is derived.
 *
 * The row describes the person at every date from `factsFrom` on. A snapshot at an earlier date, or of a
 * person with statuses from two parties in one category (`singleParty` false: which one counts depends
 * on the consent), takes the exact path over the status periods instead. Each category keeps its
 * publisher so that the snapshot can leave out what the follow-up consent does not cover. Keyed by the
 * person key; no personnummer.
 */
export const followUpFacts = pgTable('follow_up_facts', {
  personKey: text('person_key')
    .primaryKey()
    .references(() => persons.personKey),
  birthYear: smallint('birth_year').notNull(),
  birthMonth: smallint('birth_month').notNull(),
  legalSex: text('legal_sex', { enum: ['male', 'female'] }).notNull(),
  /** The latest effective date among the person's current statuses. */
  factsFrom: date('facts_from').notNull(),
  /** At most one party's status in every category. */
  singleParty: boolean('single_party').notNull(),
  assistanceParty: text('assistance_party'),
  assistanceActive: boolean('assistance_active'),
  assistanceSince: date('assistance_since'),
  planningParty: text('planning_party'),
  /** `needGroup` when it is a string. */
  planningNeedGroup: text('planning_need_group'),
  incapacityParty: text('incapacity_party'),
  incapacityReported: boolean('incapacity_reported'),
  incapacitySuspected: boolean('incapacity_suspected'),
  careParty: text('care_party'),
  careInContact: boolean('care_in_contact'),
  certificateParty: text('certificate_party'),
  certificateIssued: boolean('certificate_issued'),
  certificateValidFrom: text('certificate_valid_from'),
  certificateValidUntil: text('certificate_valid_until'),
  certificateIssuer: text('certificate_issuer'),
  diagnosisParty: text('diagnosis_party'),
  /** ICD-10 categories of a recorded diagnosis (`icd10CategoriesOf`); null without one. */
  diagnosisCategories: text('diagnosis_categories').array(),
  insuranceParty: text('insurance_party'),
  insuranceStatus: boolean('insurance_status'),
  /** `compensation` is truthy, as the domain tests it. */
  compensationSet: boolean('compensation_set'),
  compensationExtent: text('compensation_extent'),
  sgi: text('sgi'),
  coordinationParty: text('coordination_party'),
  coordinationStatus: boolean('coordination_status'),
  reinforcedCooperation: boolean('reinforced_cooperation'),
  samordning: text('samordning'),
  employmentParty: text('employment_party'),
  employmentRegistered: boolean('employment_registered'),
  activelySeeking: boolean('actively_seeking'),
});

export type FollowUpFacts = typeof followUpFacts.$inferSelect;
