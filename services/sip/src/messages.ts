import {
  cancelOpenDeliveries,
  enqueueDeliveries,
  type Invitation,
  type Meeting,
  type OutboxMessage,
  type Tx,
} from '@samsyn/db';

/** How long before a meeting its reminder goes out, and before a follow-up date. */
export const meetingReminderLeadMs = 24 * 3_600_000;
export const followUpReminderLeadMs = 7 * 24 * 3_600_000;

export type InvitationEvent = 'invitation.created' | 'invitation.updated' | 'invitation.cancelled';

/**
 * One outbox message per invited party (ids only: the receiver fetches the invitation under its own
 * token), plus the meeting reminders when the meeting is still far enough away.
 */
export function meetingMessages(
  meeting: Pick<Meeting, 'id' | 'sipId' | 'startsAt'>,
  invitations: ReadonlyArray<Pick<Invitation, 'id' | 'partyId'>>,
  event: InvitationEvent,
  now = new Date(),
): OutboxMessage[] {
  const invited = invitations.filter((invitation) => invitation.partyId !== null);
  const payload = (invitation: Pick<Invitation, 'id'>) => ({
    invitationId: invitation.id,
    meetingId: meeting.id,
    sipId: meeting.sipId,
  });
  const messages: OutboxMessage[] = invited.map((invitation) => ({
    partyId: invitation.partyId ?? '',
    eventType: event,
    payload: payload(invitation),
    sipId: meeting.sipId,
    meetingId: meeting.id,
    invitationId: invitation.id,
  }));
  const remindAt = new Date(meeting.startsAt.getTime() - meetingReminderLeadMs);
  if (event !== 'invitation.cancelled' && remindAt > now) {
    for (const invitation of invited) {
      messages.push({
        partyId: invitation.partyId ?? '',
        eventType: 'meeting.reminder',
        payload: payload(invitation),
        sipId: meeting.sipId,
        meetingId: meeting.id,
        invitationId: invitation.id,
        notBefore: remindAt,
      });
    }
  }
  return messages;
}

/** `meetingMessages`, written to the outbox in the caller's transaction. */
export async function enqueueMeetingMessages(
  tx: Tx,
  meeting: Meeting,
  invitations: Invitation[],
  event: InvitationEvent,
  now = new Date(),
) {
  await enqueueDeliveries(tx, meetingMessages(meeting, invitations, event, now));
}

/** Reminders of the next follow-up: replaced whenever the date changes, dropped when it is cleared. */
export async function scheduleFollowUpReminders(
  tx: Tx,
  sip: { id: string; participants: string[]; nextFollowUpOn: string | null },
  now = new Date(),
) {
  await cancelOpenDeliveries(tx, { sipId: sip.id, eventTypes: ['sip.follow_up_reminder'] });
  if (!sip.nextFollowUpOn) return;
  const remindAt = new Date(Date.parse(`${sip.nextFollowUpOn}T08:00:00Z`) - followUpReminderLeadMs);
  if (remindAt <= now) return;
  await enqueueDeliveries(
    tx,
    sip.participants.map((partyId) => ({
      partyId,
      eventType: 'sip.follow_up_reminder',
      payload: { sipId: sip.id, followUpOn: sip.nextFollowUpOn ?? '' },
      sipId: sip.id,
      notBefore: remindAt,
    })),
  );
}

export async function enqueueSipClosed(tx: Tx, sip: { id: string; participants: string[] }) {
  await enqueueDeliveries(
    tx,
    sip.participants.map((partyId) => ({
      partyId,
      eventType: 'sip.closed',
      payload: { sipId: sip.id },
      sipId: sip.id,
    })),
  );
}
