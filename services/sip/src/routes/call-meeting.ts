import { randomUUID } from 'node:crypto';
import { invitations, meetings, sips } from '@samsyn/db';
import { phaseAfterMeetingCalled, type SipPhase } from '@samsyn/domain';
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
import { eq, sql } from 'drizzle-orm';
import { auditSip, refuse, sipVisibleTo } from '../access';
import { loadSipView } from '../load';
import { enqueueMeetingMessages } from '../messages';
import { CallMeetingSchema, idParam, SipSchema } from '../schemas';
import { illegalTransition } from './transition-sip';

export const callMeetingRoute = createRoute({
  method: 'post',
  path: '/v1/sips/{id}/meetings',
  operationId: 'callMeeting',
  tags: ['SIP'],
  summary: 'Call a SIP meeting: a written invitation to every participant',
  description:
    'Writes the meeting, one invitation per participant (and one for the person), and one outbox ' +
    'message per invited party in the same transaction; the dispatcher delivers them as signed ' +
    'webhooks, with reminders 24 hours before. Only parties the consent names can be invited (403 ' +
    '`consent-required` otherwise), only the SIP’s participants (422), and the meeting must end ' +
    'before the consent does. Moves the SIP to "invitation and preparation".',
  ...secured('sip:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: CallMeetingSchema } } },
  },
  responses: {
    201: {
      description: 'Called; the SIP with the new meeting',
      content: { 'application/json': { schema: SipSchema } },
    },
    ...securedProblemResponses,
    403: problemResponseSpec('consent-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('illegal-transition'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

/** A meeting must lie in the future and end while the consent still holds. */
export function checkMeetingTime(startsAt: Date, durationMinutes: number, consentValidUntil: Date) {
  if (startsAt.getTime() <= Date.now()) refuse('/startsAt', 'a meeting is called for a future time');
  if (startsAt.getTime() + durationMinutes * 60_000 > consentValidUntil.getTime()) {
    throw new ProblemError(
      'consent-required',
      `the consent ends ${consentValidUntil.toISOString()}, before the meeting does`,
    );
  }
}

export function registerCallMeeting(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(callMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent } = await sipVisibleTo(tx, caller, id, { forUpdate: true });
      const phase = phaseAfterMeetingCalled(sip.phase as SipPhase);
      if (!phase) illegalTransition(sip.phase as SipPhase, 'invitation_and_preparation');
      const notCovered = input.participants.flatMap((p, i) => (consent.parties.includes(p.party) ? [] : [i]));
      if (notCovered.length > 0) {
        throw new ProblemError('consent-required', 'the consent does not name every invited party', {
          errors: notCovered.map((i) => ({
            location: 'body',
            pointer: `/participants/${i}/party`,
            detail: `${input.participants[i]?.party} is not named in the consent`,
          })),
        });
      }
      // An invited party reads its invitation as a participant of the SIP (access.ts): anyone else
      // would be sent messages about an invitation it cannot open.
      const outsiders = input.participants.flatMap((p, i) =>
        sip.participants.includes(p.party)
          ? []
          : [
              {
                location: 'body',
                pointer: `/participants/${i}/party`,
                detail: `${p.party} does not take part in the SIP`,
              },
            ],
      );
      if (outsiders.length > 0) {
        throw new ProblemError('validation-failed', 'only the SIP’s participants can be invited', {
          errors: outsiders,
        });
      }
      const startsAt = new Date(input.startsAt);
      checkMeetingTime(startsAt, input.durationMinutes, consent.validUntil);
      const [meeting] = await tx
        .insert(meetings)
        .values({
          id: randomUUID(),
          sipId: id,
          startsAt,
          durationMinutes: input.durationMinutes,
          place: input.place,
          videoLink: input.videoLink,
          interpreterLanguage: input.interpreterLanguage,
          agenda: input.agenda,
          calledByParty: caller.partyId,
          calledByOfficer: caller.officerId,
        })
        .returning();
      if (!meeting) throw new Error('meeting insert returned no row');
      const byParty = new Map(input.participants.map((p) => [p.party, p]));
      const invited = await tx
        .insert(invitations)
        .values([
          ...[...byParty.values()].map((p) => ({
            id: randomUUID(),
            meetingId: meeting.id,
            sipId: id,
            participantKind: 'party' as const,
            partyId: p.party,
            role: p.role,
            displayName: p.displayName,
          })),
          {
            id: randomUUID(),
            meetingId: meeting.id,
            sipId: id,
            participantKind: 'person' as const,
            partyId: null,
            role: 'den enskilde',
            displayName: input.personDisplayName,
          },
        ])
        .returning();
      await enqueueMeetingMessages(tx, meeting, invited, 'invitation.created');
      const [updated] = await tx
        .update(sips)
        .set({ phase, updatedAt: sql`now()` })
        .where(eq(sips.id, id))
        .returning();
      await auditSip(tx, 'meeting.called', { caller, requestId: c.get('requestId') }, sip, consent, {
        meetingId: meeting.id,
        invited: [...byParty.keys()],
      });
      return loadSipView(tx, updated ?? sip);
    });
    return c.json(view, 201);
  });
}
