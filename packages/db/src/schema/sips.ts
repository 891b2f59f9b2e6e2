import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { consents } from './consents';
import { persons } from './persons';

export interface SipGoal {
  description: string;
  measure: string;
  targetDate: string;
  responsibleParty: string;
  acceptedByPerson: boolean;
}

export interface SipAction {
  id: string;
  responsibleParty: string;
  description: string;
  dueOn: string;
  status: 'planned' | 'in_progress' | 'done' | 'cancelled';
}

/**
 * A samordnad individuell plan: the process phase, the plan itself and the consent it rests on. The
 * plan's text is personal data shown only to the participating parties while the consent holds.
 */
export const sips = pgTable(
  'sips',
  {
    id: uuid('id').primaryKey(),
    personKey: text('person_key')
      .notNull()
      .references(() => persons.personKey),
    consentId: uuid('consent_id')
      .notNull()
      .references(() => consents.id),
    phase: text('phase').notNull(),
    participants: text('participants').array().notNull(),
    principalParty: text('principal_party').notNull(),
    coordinator: jsonb('coordinator').$type<{ party: string; name: string }>().notNull(),
    needs: jsonb('needs').$type<string[]>().notNull(),
    goals: jsonb('goals').$type<SipGoal[]>().notNull(),
    actions: jsonb('actions').$type<SipAction[]>().notNull(),
    nextFollowUpOn: date('next_follow_up_on'),
    closureReason: text('closure_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    openedByParty: text('opened_by_party').notNull(),
    openedByOfficer: text('opened_by_officer').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sips_consent_idx').on(t.consentId), index('sips_person_idx').on(t.personKey)],
);

export type Sip = typeof sips.$inferSelect;

/** A SIP meeting; `version` grows with every reschedule so stale reminders can tell they are stale. */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey(),
    sipId: uuid('sip_id')
      .notNull()
      .references(() => sips.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    place: text('place'),
    videoLink: text('video_link'),
    interpreterLanguage: text('interpreter_language'),
    agenda: jsonb('agenda').$type<string[]>().notNull(),
    status: text('status', { enum: ['scheduled', 'cancelled'] })
      .notNull()
      .default('scheduled'),
    version: integer('version').notNull().default(1),
    calledByParty: text('called_by_party').notNull(),
    calledByOfficer: text('called_by_officer').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meetings_sip_idx').on(t.sipId)],
);

export type Meeting = typeof meetings.$inferSelect;

/**
 * One per participant of a meeting: a party (delivered by webhook) or the person (shown through
 * self-service). The RSVP is the participant's answer.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    sipId: uuid('sip_id')
      .notNull()
      .references(() => sips.id),
    participantKind: text('participant_kind', { enum: ['party', 'person'] }).notNull(),
    partyId: text('party_id'),
    role: text('role').notNull(),
    displayName: text('display_name').notNull(),
    status: text('status', { enum: ['active', 'cancelled'] })
      .notNull()
      .default('active'),
    rsvp: text('rsvp', { enum: ['accepted', 'declined', 'proposes_new_time'] }),
    proposedStartsAt: timestamp('proposed_starts_at', { withTimezone: true }),
    rsvpComment: text('rsvp_comment'),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    respondedByOfficer: text('responded_by_officer'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('invitations_meeting_idx').on(t.meetingId),
    index('invitations_party_idx').on(t.partyId).where(sql`${t.partyId} is not null`),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
