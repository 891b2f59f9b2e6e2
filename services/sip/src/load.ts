import { type DbOrTx, deliveries, invitations, meetings, type Sip, type SqlClient } from '@samsyn/db';
import { asc, eq } from 'drizzle-orm';
import { type DeliveryRow, type InvitationRow, type MeetingRow, sipView } from './views';

/** The whole SIP as its participants see it: plan, meetings, invitations and their delivery state. */
export async function loadSipView(db: DbOrTx, sip: Sip) {
  const [meetingRows, invitationRows, deliveryRows] = await Promise.all([
    db.select().from(meetings).where(eq(meetings.sipId, sip.id)).orderBy(asc(meetings.startsAt)),
    db.select().from(invitations).where(eq(invitations.sipId, sip.id)).orderBy(asc(invitations.createdAt)),
    db.select().from(deliveries).where(eq(deliveries.sipId, sip.id)),
  ]);
  return sipView(sip, meetingRows, invitationRows, deliveryRows);
}

/** JSON carries instants as text: these are the rows as `json_build_object` hands them over. */
type AsJson<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

interface SipViewRow {
  sip: AsJson<Sip> | null;
  meetings: Array<AsJson<MeetingRow>>;
  invitations: Array<AsJson<InvitationRow>>;
  deliveries: Array<AsJson<DeliveryRow>>;
}

const instant = (value: string | null) => (value === null ? null : new Date(value));

/**
 * `loadSipView` in one prepared statement on postgres.js (see `sqlClientOf`): the plan, its meetings,
 * invitations and deliveries as JSON aggregates, in the order `loadSipView` reads them. Issued right
 * after a write in the same transaction it sees that write, and may travel in the same socket write.
 */
export async function readSipView(sql: SqlClient, sipId: string) {
  const [row] = await sql<SipViewRow[]>`
    select
      (select json_build_object(
         'id', s.id, 'personKey', s.person_key, 'consentId', s.consent_id, 'phase', s.phase,
         'participants', s.participants, 'principalParty', s.principal_party, 'coordinator', s.coordinator,
         'needs', s.needs, 'goals', s.goals, 'actions', s.actions, 'nextFollowUpOn', s.next_follow_up_on,
         'closureReason', s.closure_reason, 'closedAt', s.closed_at, 'openedByParty', s.opened_by_party,
         'openedByOfficer', s.opened_by_officer, 'openedAt', s.opened_at, 'updatedAt', s.updated_at)
       from sips s where s.id = ${sipId}) as sip,
      coalesce((
        select json_agg(json_build_object(
          'id', m.id, 'startsAt', m.starts_at, 'durationMinutes', m.duration_minutes, 'place', m.place,
          'videoLink', m.video_link, 'interpreterLanguage', m.interpreter_language, 'agenda', m.agenda,
          'status', m.status, 'version', m.version) order by m.starts_at)
        from meetings m where m.sip_id = ${sipId}
      ), '[]') as meetings,
      coalesce((
        select json_agg(json_build_object(
          'id', i.id, 'meetingId', i.meeting_id, 'participantKind', i.participant_kind, 'partyId', i.party_id,
          'role', i.role, 'displayName', i.display_name, 'status', i.status, 'rsvp', i.rsvp,
          'proposedStartsAt', i.proposed_starts_at, 'rsvpComment', i.rsvp_comment,
          'respondedAt', i.responded_at) order by i.created_at)
        from invitations i where i.sip_id = ${sipId}
      ), '[]') as invitations,
      coalesce((
        select json_agg(json_build_object(
          'id', d.id, 'partyId', d.party_id, 'eventType', d.event_type, 'state', d.state,
          'attempts', d.attempts, 'lastError', d.last_error, 'lastAttemptAt', d.last_attempt_at,
          'deliveredAt', d.delivered_at, 'createdAt', d.created_at, 'invitationId', d.invitation_id))
        from deliveries d where d.sip_id = ${sipId} and d.invitation_id is not null
          and d.event_type <> 'meeting.reminder'
      ), '[]') as deliveries`;
  if (!row?.sip) throw new Error('the SIP to show is gone');
  const { sip } = row;
  return sipView(
    {
      ...sip,
      closedAt: instant(sip.closedAt),
      openedAt: new Date(sip.openedAt),
      updatedAt: new Date(sip.updatedAt),
    },
    row.meetings.map((meeting) => ({ ...meeting, startsAt: new Date(meeting.startsAt) })),
    row.invitations.map((invitation) => ({
      ...invitation,
      proposedStartsAt: instant(invitation.proposedStartsAt),
      respondedAt: instant(invitation.respondedAt),
    })),
    row.deliveries.map((delivery) => ({
      ...delivery,
      lastAttemptAt: instant(delivery.lastAttemptAt),
      deliveredAt: instant(delivery.deliveredAt),
      createdAt: new Date(delivery.createdAt),
    })),
  );
}
