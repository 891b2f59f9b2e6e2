import {
  type ConsultationMeeting,
  cancelOpenDeliveries,
  type DbOrTx,
  enqueueDeliveries,
  type OutboxMessage,
} from '@samsyn/db';

/** How long before a forum meeting its reminder goes out, as for SIP meetings. */
export const forumMeetingReminderLeadMs = 24 * 3_600_000;

export const forumMeetingEvents = [
  'forum_meeting.called',
  'forum_meeting.updated',
  'forum_meeting.cancelled',
  'forum_meeting.reminder',
] as const;
export type ForumMeetingEvent = (typeof forumMeetingEvents)[number];

/**
 * One outbox message per member party, ids only (the receiver reads the meeting and its agenda under
 * its own token), plus a reminder a day before while the meeting is still far enough away. The
 * reminder is when members look at the final agenda, since cases are raised until the meeting.
 */
export function forumMeetingMessages(
  meeting: Pick<ConsultationMeeting, 'id' | 'forumId' | 'startsAt'>,
  members: readonly string[],
  event: Exclude<ForumMeetingEvent, 'forum_meeting.reminder'>,
  now = new Date(),
): OutboxMessage[] {
  const payload = { forumId: meeting.forumId, meetingId: meeting.id };
  const messages: OutboxMessage[] = members.map((partyId) => ({
    partyId,
    eventType: event,
    payload,
    meetingId: meeting.id,
  }));
  const remindAt = new Date(meeting.startsAt.getTime() - forumMeetingReminderLeadMs);
  if (event !== 'forum_meeting.cancelled' && remindAt > now) {
    for (const partyId of members) {
      messages.push({
        partyId,
        eventType: 'forum_meeting.reminder',
        payload,
        meetingId: meeting.id,
        notBefore: remindAt,
      });
    }
  }
  return messages;
}

/**
 * Writes the messages in the caller's transaction; on a change or cancellation, what was still
 * waiting to go out about the meeting (the old reminder, an undelivered call) is cancelled first.
 */
export async function enqueueForumMeetingMessages(
  tx: DbOrTx,
  meeting: Pick<ConsultationMeeting, 'id' | 'forumId' | 'startsAt'>,
  members: readonly string[],
  event: Exclude<ForumMeetingEvent, 'forum_meeting.reminder'>,
) {
  if (event !== 'forum_meeting.called') await cancelOpenDeliveries(tx, { meetingId: meeting.id });
  await enqueueDeliveries(tx, forumMeetingMessages(meeting, members, event));
}
