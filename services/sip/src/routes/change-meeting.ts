import type { AgencyCaller } from '@samsyn/auth';
import { cancelOpenDeliveries, invitations, meetings, type Tx } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { and, eq, sql } from 'drizzle-orm';
import { auditSip, sipVisibleTo } from '../access';
import { loadSipView } from '../load';
import { enqueueMeetingMessages } from '../messages';
import { CancelMeetingSchema, meetingParams, RescheduleMeetingSchema, SipSchema } from '../schemas';
import { checkMeetingTime } from './call-meeting';

const meetingResponses = {
  200: {
    description: 'The SIP with the changed meeting',
    content: { 'application/json': { schema: SipSchema } },
  },
  ...securedProblemResponses,
  403: problemResponseSpec('consent-required'),
  404: problemResponseSpec('not-found'),
  409: problemResponseSpec('illegal-transition'),
  ...jsonBodyProblemResponses,
  ...commonProblemResponses,
};

export const rescheduleMeetingRoute = createRoute({
  method: 'patch',
  path: '/v1/sips/{id}/meetings/{meetingId}',
  operationId: 'rescheduleMeeting',
  tags: ['SIP'],
  summary: 'Reschedule or change a meeting; every invited party is told',
  description:
    'A change of time or place sends an update to every invited party through the outbox, drops the ' +
    'old reminders and schedules new ones, and clears earlier RSVPs (the answer was to another time).',
  ...secured('sip:write'),
  request: {
    params: meetingParams,
    body: { required: true, content: { 'application/json': { schema: RescheduleMeetingSchema } } },
  },
  responses: meetingResponses,
});

export const cancelMeetingRoute = createRoute({
  method: 'post',
  path: '/v1/sips/{id}/meetings/{meetingId}/cancellations',
  operationId: 'cancelMeeting',
  tags: ['SIP'],
  summary: 'Cancel a meeting; every invited party is told and reminders are dropped',
  ...secured('sip:write'),
  request: {
    params: meetingParams,
    body: { required: true, content: { 'application/json': { schema: CancelMeetingSchema } } },
  },
  responses: meetingResponses,
});

async function scheduledMeeting(tx: Tx, caller: AgencyCaller, sipId: string, meetingId: string) {
  const { sip, consent } = await sipVisibleTo(tx, caller, sipId, { forUpdate: true });
  const [meeting] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, meetingId), eq(meetings.sipId, sipId)))
    .for('update');
  if (!meeting) throw new ProblemError('not-found', 'no such meeting');
  if (meeting.status !== 'scheduled')
    throw new ProblemError('illegal-transition', 'the meeting is cancelled');
  return { sip, consent, meeting };
}

export function registerChangeMeeting(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(rescheduleMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, meetingId } = c.req.valid('param');
    const change = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent, meeting } = await scheduledMeeting(tx, caller, id, meetingId);
      const startsAt = change.startsAt ? new Date(change.startsAt) : meeting.startsAt;
      const durationMinutes = change.durationMinutes ?? meeting.durationMinutes;
      checkMeetingTime(startsAt, durationMinutes, consent.validUntil);
      const place = change.place !== undefined ? change.place : meeting.place;
      const videoLink = change.videoLink !== undefined ? change.videoLink : meeting.videoLink;
      if (place === null && videoLink === null) {
        throw new ProblemError('validation-failed', 'a meeting needs a place or a video link', {
          errors: [{ location: 'body', pointer: '/place', detail: 'give a place or a video link' }],
        });
      }
      const [updated] = await tx
        .update(meetings)
        .set({
          startsAt,
          durationMinutes,
          place,
          videoLink,
          ...(change.interpreterLanguage !== undefined
            ? { interpreterLanguage: change.interpreterLanguage }
            : {}),
          ...(change.agenda !== undefined ? { agenda: change.agenda } : {}),
          version: sql`${meetings.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(meetings.id, meetingId))
        .returning();
      if (!updated) throw new Error('meeting update returned no row');
      await cancelOpenDeliveries(tx, { meetingId });
      const invited = await tx
        .update(invitations)
        .set({
          rsvp: null,
          proposedStartsAt: null,
          rsvpComment: null,
          respondedAt: null,
          respondedByOfficer: null,
        })
        .where(and(eq(invitations.meetingId, meetingId), eq(invitations.status, 'active')))
        .returning();
      await enqueueMeetingMessages(tx, updated, invited, 'invitation.updated');
      await auditSip(tx, 'meeting.rescheduled', { caller, requestId: c.get('requestId') }, sip, consent, {
        meetingId: updated.id,
        version: updated.version,
      });
      return loadSipView(tx, sip);
    });
    return c.json(view, 200);
  });

  app.openapi(cancelMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, meetingId } = c.req.valid('param');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent, meeting } = await scheduledMeeting(tx, caller, id, meetingId);
      const [cancelled] = await tx
        .update(meetings)
        .set({ status: 'cancelled', updatedAt: sql`now()` })
        .where(eq(meetings.id, meetingId))
        .returning();
      await cancelOpenDeliveries(tx, { meetingId });
      const invited = await tx
        .update(invitations)
        .set({ status: 'cancelled' })
        .where(and(eq(invitations.meetingId, meetingId), eq(invitations.status, 'active')))
        .returning();
      await enqueueMeetingMessages(tx, cancelled ?? meeting, invited, 'invitation.cancelled');
      await auditSip(tx, 'meeting.cancelled', { caller, requestId: c.get('requestId') }, sip, consent, {
        meetingId: meeting.id,
        version: meeting.version,
      });
      return loadSipView(tx, sip);
    });
    return c.json(view, 200);
  });
}
