import {
  ageBands,
  assistanceDurationBands,
  consultationCaseKinds,
  forumRhythms,
  householdTypes,
  questionCategories,
  statedSexes,
} from '@samsyn/domain';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { consents } from './consents';
import { persons } from './persons';

/** A member party's contact person: an official, shown to the other members. */
export interface ForumContact {
  party: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
}

/**
 * A consultation forum (Utsikt's konsultationsteam, Jönköping's konsultationsforum, the Arena group):
 * member parties with their contact persons, meeting on a rhythm, reporting to a samordningsförbund.
 * No personal data of any individual; the convener calls the meetings.
 */
export const consultationForums = pgTable(
  'consultation_forums',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** The samordningsförbund whose follow-up counts the forum's cases. */
    forbundId: text('forbund_id').notNull(),
    convenerParty: text('convener_party').notNull(),
    memberParties: text('member_parties').array().notNull(),
    contacts: jsonb('contacts').$type<ForumContact[]>().notNull(),
    rhythm: text('rhythm', { enum: forumRhythms }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    place: text('place'),
    videoLink: text('video_link'),
    createdByParty: text('created_by_party').notNull(),
    createdByOfficer: text('created_by_officer').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('consultation_forums_forbund_idx').on(t.forbundId),
    index('consultation_forums_members_idx').using('gin', t.memberParties),
  ],
);

export type ConsultationForum = typeof consultationForums.$inferSelect;

/**
 * A forum meeting. Invitations go to every member party through the outbox (`deliveries.meeting_id`
 * names this row); `version` grows with every change so receivers can tell an update from a repeat.
 */
export const consultationMeetings = pgTable(
  'consultation_meetings',
  {
    id: uuid('id').primaryKey(),
    forumId: uuid('forum_id')
      .notNull()
      .references(() => consultationForums.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    place: text('place'),
    videoLink: text('video_link'),
    /** A theme for the meeting, such as Utsikt's meetings on sickness compensation only. */
    theme: text('theme'),
    status: text('status', { enum: ['scheduled', 'cancelled'] })
      .notNull()
      .default('scheduled'),
    cancellationReason: text('cancellation_reason'),
    version: integer('version').notNull().default(1),
    calledByParty: text('called_by_party').notNull(),
    calledByOfficer: text('called_by_officer').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consultation_meetings_forum_idx').on(t.forumId, t.startsAt)],
);

export type ConsultationMeeting = typeof consultationMeetings.$inferSelect;

/**
 * A case raised in a forum. Anonymised: background bands and the question, no person. Named: the
 * person (by key) and the consultation consent that lets the members share it; its question is
 * personal data, shown only while the consent holds. `meetingId` is null while no meeting is called.
 */
export const consultationCases = pgTable(
  'consultation_cases',
  {
    id: uuid('id').primaryKey(),
    forumId: uuid('forum_id')
      .notNull()
      .references(() => consultationForums.id),
    meetingId: uuid('meeting_id').references(() => consultationMeetings.id),
    kind: text('kind', { enum: consultationCaseKinds }).notNull(),
    category: text('category', { enum: questionCategories }).notNull(),
    question: text('question').notNull(),
    /** The member party whose advice is sought, when the raising officer names one. */
    addressedTo: text('addressed_to'),
    ageBand: text('age_band', { enum: ageBands }),
    sex: text('sex', { enum: statedSexes }),
    household: text('household', { enum: householdTypes }),
    assistanceDuration: text('assistance_duration', { enum: assistanceDurationBands }),
    personKey: text('person_key').references(() => persons.personKey),
    consentId: uuid('consent_id').references(() => consents.id),
    raisedByParty: text('raised_by_party').notNull(),
    raisedByOfficer: text('raised_by_officer').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    adviceFollowed: boolean('advice_followed'),
    nextSteps: text('next_steps').array(),
    followUpNote: text('follow_up_note'),
    followedUpAt: timestamp('followed_up_at', { withTimezone: true }),
    followedUpByOfficer: text('followed_up_by_officer'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('consultation_cases_forum_idx').on(t.forumId, t.meetingId),
    index('consultation_cases_meeting_idx').on(t.meetingId),
    index('consultation_cases_consent_idx').on(t.consentId).where(sql`${t.consentId} is not null`),
    index('consultation_cases_person_idx').on(t.personKey).where(sql`${t.personKey} is not null`),
    check(
      'consultation_cases_kind',
      sql`case ${t.kind}
        when 'named' then ${t.personKey} is not null and ${t.consentId} is not null
          and ${t.ageBand} is null and ${t.sex} is null and ${t.household} is null and ${t.assistanceDuration} is null
        else ${t.personKey} is null and ${t.consentId} is null
          and ${t.ageBand} is not null and ${t.sex} is not null and ${t.household} is not null
          and ${t.assistanceDuration} is not null
      end`,
    ),
    check(
      'consultation_cases_follow_up',
      sql`(${t.adviceFollowed} is null) = (${t.followedUpAt} is null) and (${t.adviceFollowed} is null) = (${t.nextSteps} is null)`,
    ),
  ],
);

export type ConsultationCase = typeof consultationCases.$inferSelect;

/** Advice on a case, one per answering party; a party that answers again replaces its advice. */
export const consultationAdvice = pgTable(
  'consultation_advice',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => consultationCases.id, { onDelete: 'cascade' }),
    partyId: text('party_id').notNull(),
    advice: text('advice').notNull(),
    recordedByOfficer: text('recorded_by_officer').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.partyId] })],
);

export type ConsultationAdvice = typeof consultationAdvice.$inferSelect;
