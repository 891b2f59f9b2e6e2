import { randomUUID } from 'node:crypto';
import { sqlClientOf } from '@samsyn/db';
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
  z,
} from '@samsyn/http';
import { refuse, sipAuditEntry, visibleOrMissing } from '../access';
import { readSipView } from '../load';
import { meetingMessages } from '../messages';
import { prefersMinimalReturn } from '../prefer';
import { CallMeetingSchema, idParam, MeetingCalledSchema, SipSchema } from '../schemas';
import { insertCalledMeeting, type NewInvitation, sipWithConsent } from '../store';
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
    'before the consent does. Moves the SIP to "invitation and preparation". Answers with the whole ' +
    'SIP (`Sip`), or, with `Prefer: return=minimal` (RFC 7240), with only the new meeting’s id ' +
    '(`MeetingCalled`) and `Preference-Applied: return=minimal`: cheaper for systems that call many ' +
    'meetings and read the plan when they need it. Either way `Location` names the new meeting.',
  ...secured('sip:write'),
  request: {
    params: idParam,
    headers: z.object({
      prefer: z
        .string()
        .max(1000)
        // Visible ASCII, as HTTP field values are; documented as a pattern, not free text.
        .regex(/^[\t\x20-\x7e]*$/)
        .optional()
        .openapi({
          description: '`return=minimal` for a small answer naming the new meeting instead of the whole SIP',
          example: 'return=minimal',
        }),
    }),
    body: { required: true, content: { 'application/json': { schema: CallMeetingSchema } } },
  },
  responses: {
    201: {
      description:
        'Called; the SIP with the new meeting, or with `Prefer: return=minimal` the new meeting’s id',
      headers: {
        Location: {
          description: 'The new meeting, `/v1/sips/{id}/meetings/{meetingId}`',
          schema: {
            type: 'string',
            maxLength: 200,
            pattern: '^/v1/sips/[0-9a-f-]{36}/meetings/[0-9a-f-]{36}$',
          },
        },
        'Preference-Applied': {
          description: '`return=minimal` when the answer is the minimal one (RFC 7240)',
          schema: { type: 'string', enum: ['return=minimal'] },
        },
      },
      content: { 'application/json': { schema: z.union([SipSchema, MeetingCalledSchema]) } },
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
    const minimal = prefersMinimalReturn(c.req.valid('header').prefer);
    // The SIP locked with its consent in one statement, then every write and the plan to answer with
    // in one socket write. A refusal in between rolls back.
    const called = await sqlClientOf(deps.db).begin(async (sql) => {
      const locked = await sipWithConsent(sql, id, { forUpdate: true });
      const { sip, consent } = visibleOrMissing(caller, locked.sip, locked.consent);
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
      const meeting = {
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
      };
      const byParty = new Map(input.participants.map((p) => [p.party, p]));
      const invited: NewInvitation[] = [
        ...[...byParty.values()].map((p) => ({
          id: randomUUID(),
          participantKind: 'party' as const,
          partyId: p.party,
          role: p.role,
          displayName: p.displayName,
        })),
        {
          id: randomUUID(),
          participantKind: 'person' as const,
          partyId: null,
          role: 'den enskilde',
          displayName: input.personDisplayName,
        },
      ];
      const written = insertCalledMeeting(sql, {
        meeting,
        invitations: invited,
        deliveries: meetingMessages(meeting, invited, 'invitation.created').map((message) => ({
          ...message,
          id: randomUUID(),
        })),
        phase,
        audit: sipAuditEntry('meeting.called', { caller, requestId: c.get('requestId') }, sip, consent, {
          meetingId: meeting.id,
          invited: [...byParty.keys()],
        }),
      });
      if (minimal) {
        await written;
        return { meeting: { id: meeting.id, sipId: id, phase }, plan: undefined };
      }
      const plan = readSipView(sql, id);
      const [, view] = await Promise.all([written, plan]);
      return { meeting: { id: meeting.id, sipId: id, phase }, plan: view };
    });
    const location = `/v1/sips/${id}/meetings/${called.meeting.id}`;
    if (!called.plan) {
      return c.json(called.meeting, 201, { location, 'preference-applied': 'return=minimal' });
    }
    return c.json(called.plan, 201, { location });
  });
}
