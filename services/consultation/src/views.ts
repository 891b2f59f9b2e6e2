import {
  type ConsultationAdvice,
  type ConsultationCase,
  type ConsultationForum,
  type ConsultationMeeting,
  consultationAdvice,
  consultationCases,
  consultationMeetings,
  type DbOrTx,
  type Delivery,
  deliveries,
  parties,
} from '@samsyn/db';
import { anonymisationWarning, type ConsultationNextStep } from '@samsyn/domain';
import type { z } from '@samsyn/http';
import { and, asc, count, eq, gt, inArray, isNull } from 'drizzle-orm';
import { forumMeetingEvents } from './messages';
import type { CaseSchema, CaseSummarySchema, ForumMeetingSchema, ForumSchema } from './schemas';

type CaseState = z.infer<typeof CaseSummarySchema>['state'];

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Where a case stands: waiting for a meeting, on an agenda, discussed, answered, followed up. */
export function caseState(
  kase: Pick<ConsultationCase, 'meetingId' | 'followedUpAt'>,
  meetingStartsAt: Date | null,
  answers: number,
  now = new Date(),
): CaseState {
  if (kase.followedUpAt) return 'followed_up';
  if (answers > 0) return 'advised';
  if (!kase.meetingId || !meetingStartsAt) return 'awaiting_meeting';
  return meetingStartsAt > now ? 'on_agenda' : 'discussed';
}

function background(kase: ConsultationCase) {
  return kase.ageBand && kase.sex && kase.household && kase.assistanceDuration
    ? {
        ageBand: kase.ageBand,
        sex: kase.sex,
        household: kase.household,
        assistanceDuration: kase.assistanceDuration,
      }
    : null;
}

/** The case as lists and agendas show it: a named case's question is personal data, and left out. */
export function caseSummary(
  kase: ConsultationCase,
  meetingStartsAt: Date | null,
  answeredBy: string[],
): z.infer<typeof CaseSummarySchema> {
  const anonymised = kase.kind === 'anonymised';
  return {
    id: kase.id,
    kind: kase.kind,
    category: kase.category,
    state: caseState(kase, meetingStartsAt, answeredBy.length),
    meetingId: kase.meetingId,
    raisedBy: kase.raisedByParty,
    addressedTo: kase.addressedTo,
    question: anonymised ? kase.question : null,
    background: anonymised ? background(kase) : null,
    answeredBy,
    followUpRecorded: kase.followedUpAt !== null,
  };
}

/** Summaries of these cases with their meetings' times and who answered them, in two reads. */
export async function caseSummaries(db: DbOrTx, cases: ConsultationCase[]) {
  if (cases.length === 0) return [];
  const ids = cases.map((kase) => kase.id);
  const meetingIds = [...new Set(cases.flatMap((kase) => (kase.meetingId ? [kase.meetingId] : [])))];
  const [answers, meetings] = await Promise.all([
    db
      .select({ caseId: consultationAdvice.caseId, party: consultationAdvice.partyId })
      .from(consultationAdvice)
      .where(inArray(consultationAdvice.caseId, ids))
      .orderBy(asc(consultationAdvice.recordedAt)),
    meetingIds.length === 0
      ? Promise.resolve([])
      : db
          .select({ id: consultationMeetings.id, startsAt: consultationMeetings.startsAt })
          .from(consultationMeetings)
          .where(inArray(consultationMeetings.id, meetingIds)),
  ]);
  const startsAt = new Map(meetings.map((meeting) => [meeting.id, meeting.startsAt]));
  return cases.map((kase) =>
    caseSummary(
      kase,
      kase.meetingId ? (startsAt.get(kase.meetingId) ?? null) : null,
      answers.filter((answer) => answer.caseId === kase.id).map((answer) => answer.party),
    ),
  );
}

/** The whole case for a member allowed to see it; the personnummer only when `personnummer` is given. */
export async function caseView(
  db: DbOrTx,
  kase: ConsultationCase,
  personnummer: string | null,
): Promise<z.infer<typeof CaseSchema>> {
  const [advice, meeting] = await Promise.all([
    db
      .select()
      .from(consultationAdvice)
      .where(eq(consultationAdvice.caseId, kase.id))
      .orderBy(asc(consultationAdvice.recordedAt)),
    kase.meetingId
      ? db
          .select({ startsAt: consultationMeetings.startsAt })
          .from(consultationMeetings)
          .where(eq(consultationMeetings.id, kase.meetingId))
      : Promise.resolve([]),
  ]);
  return caseFullView(kase, meeting[0]?.startsAt ?? null, advice, personnummer);
}

export function caseFullView(
  kase: ConsultationCase,
  meetingStartsAt: Date | null,
  advice: ConsultationAdvice[],
  personnummer: string | null,
): z.infer<typeof CaseSchema> {
  const anonymised = kase.kind === 'anonymised';
  return {
    id: kase.id,
    forumId: kase.forumId,
    meetingId: kase.meetingId,
    kind: kase.kind,
    state: caseState(kase, meetingStartsAt, advice.length),
    category: kase.category,
    question: kase.question,
    addressedTo: kase.addressedTo,
    background: anonymised ? background(kase) : null,
    person: personnummer ? { personnummer } : null,
    consentId: kase.consentId,
    raisedBy: { party: kase.raisedByParty, officer: kase.raisedByOfficer },
    raisedAt: kase.raisedAt.toISOString(),
    advice: advice.map((entry) => ({
      party: entry.partyId,
      advice: entry.advice,
      recordedBy: entry.recordedByOfficer,
      recordedAt: entry.recordedAt.toISOString(),
      updatedAt: entry.updatedAt.toISOString(),
    })),
    followUp:
      kase.adviceFollowed !== null && kase.followedUpAt
        ? {
            adviceFollowed: kase.adviceFollowed,
            nextSteps: (kase.nextSteps ?? []) as ConsultationNextStep[],
            note: kase.followUpNote,
            recordedBy: kase.followedUpByOfficer ?? '',
            recordedAt: kase.followedUpAt.toISOString(),
          }
        : null,
    warning: anonymised ? anonymisationWarning : null,
  };
}

/** The forum with its members' registered names, its next meeting and the cases waiting for one. */
export async function forumView(db: DbOrTx, forum: ConsultationForum): Promise<z.infer<typeof ForumSchema>> {
  const [names, [next], [waiting]] = await Promise.all([
    db
      .select({ id: parties.id, displayName: parties.displayName })
      .from(parties)
      .where(inArray(parties.id, forum.memberParties)),
    db
      .select({ id: consultationMeetings.id, startsAt: consultationMeetings.startsAt })
      .from(consultationMeetings)
      .where(
        and(
          eq(consultationMeetings.forumId, forum.id),
          eq(consultationMeetings.status, 'scheduled'),
          gt(consultationMeetings.startsAt, new Date()),
        ),
      )
      .orderBy(asc(consultationMeetings.startsAt))
      .limit(1),
    db
      .select({ n: count() })
      .from(consultationCases)
      .where(and(eq(consultationCases.forumId, forum.id), isNull(consultationCases.meetingId))),
  ]);
  const displayNames = new Map(names.map((row) => [row.id, row.displayName]));
  return {
    id: forum.id,
    name: forum.name,
    description: forum.description,
    forbund: forum.forbundId,
    convener: forum.convenerParty,
    members: forum.memberParties.map((party) => ({
      party,
      displayName: displayNames.get(party) ?? null,
      contacts: forum.contacts
        .filter((contact) => contact.party === party)
        .map(({ name, role, email, phone }) => ({ name, role, email, phone })),
    })),
    rhythm: forum.rhythm,
    durationMinutes: forum.durationMinutes,
    place: forum.place,
    videoLink: forum.videoLink,
    nextMeeting: next ? { id: next.id, startsAt: next.startsAt.toISOString() } : null,
    waitingCases: waiting?.n ?? 0,
    createdBy: { party: forum.createdByParty, officer: forum.createdByOfficer },
    createdAt: forum.createdAt.toISOString(),
    updatedAt: forum.updatedAt.toISOString(),
  };
}

const invitationEvents: string[] = forumMeetingEvents.filter((event) => event !== 'forum_meeting.reminder');

/** The latest message about the meeting to each member: what the forum sees as its delivery state. */
function latestByParty(rows: readonly Delivery[]): Delivery[] {
  const latest = new Map<string, Delivery>();
  for (const row of rows) {
    const held = latest.get(row.partyId);
    if (!held || held.createdAt <= row.createdAt) latest.set(row.partyId, row);
  }
  return [...latest.values()].sort((a, b) => a.partyId.localeCompare(b.partyId));
}

/** A meeting with its agenda (summaries only) and each member's invitation delivery. */
export async function meetingView(
  db: DbOrTx,
  meeting: ConsultationMeeting,
  now = new Date(),
): Promise<z.infer<typeof ForumMeetingSchema>> {
  const [agenda, messages] = await Promise.all([
    db
      .select()
      .from(consultationCases)
      .where(eq(consultationCases.meetingId, meeting.id))
      .orderBy(asc(consultationCases.raisedAt), asc(consultationCases.id)),
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.meetingId, meeting.id), inArray(deliveries.eventType, invitationEvents))),
  ]);
  return {
    id: meeting.id,
    forumId: meeting.forumId,
    startsAt: meeting.startsAt.toISOString(),
    durationMinutes: meeting.durationMinutes,
    place: meeting.place,
    videoLink: meeting.videoLink,
    theme: meeting.theme,
    status: meeting.status,
    held: meeting.status === 'scheduled' && meeting.startsAt <= now,
    cancellationReason: meeting.cancellationReason,
    version: meeting.version,
    calledBy: { party: meeting.calledByParty, officer: meeting.calledByOfficer },
    agenda: await caseSummaries(db, agenda),
    invitations: latestByParty(messages).map((row) => ({
      party: row.partyId,
      eventType: row.eventType,
      state: row.state,
      attempts: row.attempts,
      lastError: row.lastError,
      deliveredAt: iso(row.deliveredAt),
      deliveryId: row.id,
    })),
  };
}
