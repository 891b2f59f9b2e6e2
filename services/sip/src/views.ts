import type { Delivery, Invitation, Meeting, Sip } from '@samsyn/db';
import type { ClosureReason, SipPhase } from '@samsyn/domain';
import type { z } from '@samsyn/http';
import type { DeliverySchema, MeetingSchema, SipSchema } from './schemas';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** What the views show of each row: loaders may read just these columns. */
export type DeliveryRow = Pick<
  Delivery,
  | 'id'
  | 'partyId'
  | 'eventType'
  | 'state'
  | 'attempts'
  | 'lastError'
  | 'lastAttemptAt'
  | 'deliveredAt'
  | 'createdAt'
  | 'invitationId'
>;
export type MeetingRow = Pick<
  Meeting,
  | 'id'
  | 'startsAt'
  | 'durationMinutes'
  | 'place'
  | 'videoLink'
  | 'interpreterLanguage'
  | 'agenda'
  | 'status'
  | 'version'
>;
export type InvitationRow = Pick<
  Invitation,
  | 'id'
  | 'meetingId'
  | 'participantKind'
  | 'partyId'
  | 'role'
  | 'displayName'
  | 'status'
  | 'rsvp'
  | 'proposedStartsAt'
  | 'rsvpComment'
  | 'respondedAt'
>;

export function deliveryView(row: DeliveryRow): z.infer<typeof DeliverySchema> {
  return {
    id: row.id,
    party: row.partyId,
    eventType: row.eventType,
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    lastAttemptAt: iso(row.lastAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export function meetingFields(meeting: MeetingRow) {
  return {
    id: meeting.id,
    startsAt: meeting.startsAt.toISOString(),
    durationMinutes: meeting.durationMinutes,
    place: meeting.place,
    videoLink: meeting.videoLink,
    interpreterLanguage: meeting.interpreterLanguage,
    agenda: meeting.agenda,
    status: meeting.status,
    version: meeting.version,
  };
}

/** The latest message about each invitation: what the SIP's participants see as its delivery state. */
function latestDeliveryByInvitation(rows: readonly DeliveryRow[]): Map<string, DeliveryRow> {
  const latest = new Map<string, DeliveryRow>();
  for (const row of rows) {
    if (!row.invitationId || row.eventType === 'meeting.reminder') continue;
    const held = latest.get(row.invitationId);
    if (!held || held.createdAt <= row.createdAt) latest.set(row.invitationId, row);
  }
  return latest;
}

export function sipView(
  sip: Sip,
  meetings: readonly MeetingRow[],
  invitations: readonly InvitationRow[],
  deliveries: readonly DeliveryRow[],
): z.infer<typeof SipSchema> {
  const latest = latestDeliveryByInvitation(deliveries);
  const meetingViews: Array<z.infer<typeof MeetingSchema>> = meetings.map((meeting) => ({
    ...meetingFields(meeting),
    invitations: invitations
      .filter((invitation) => invitation.meetingId === meeting.id)
      .map((invitation) => {
        const delivery = latest.get(invitation.id);
        return {
          id: invitation.id,
          participantKind: invitation.participantKind,
          party: invitation.partyId,
          role: invitation.role,
          displayName: invitation.displayName,
          status: invitation.status,
          rsvp: invitation.rsvp,
          proposedStartsAt: iso(invitation.proposedStartsAt),
          rsvpComment: invitation.rsvpComment,
          respondedAt: iso(invitation.respondedAt),
          delivery: delivery ? deliveryView(delivery) : null,
        };
      }),
  }));
  return {
    id: sip.id,
    consentId: sip.consentId,
    phase: sip.phase as SipPhase,
    participants: sip.participants,
    principal: sip.principalParty,
    coordinator: sip.coordinator,
    needs: sip.needs,
    goals: sip.goals,
    actions: sip.actions,
    nextFollowUpOn: sip.nextFollowUpOn,
    closureReason: sip.closureReason as ClosureReason | null,
    closedAt: iso(sip.closedAt),
    openedBy: { party: sip.openedByParty, officer: sip.openedByOfficer },
    openedAt: sip.openedAt.toISOString(),
    meetings: meetingViews,
  };
}
