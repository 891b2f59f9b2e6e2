import type { AgencyCaller } from '@samsyn/auth';
import { type DbOrTx, invitations, meetings, persons } from '@samsyn/db';
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
import { asc, eq, sql } from 'drizzle-orm';
import { auditSip, refuse, sipVisibleTo } from '../access';
import { InvitationResponseSchema, InvitationSchema, idParam } from '../schemas';
import { meetingFields } from '../views';

export const getInvitationRoute = createRoute({
  method: 'get',
  path: '/v1/invitations/{id}',
  operationId: 'getInvitation',
  tags: ['SIP'],
  summary: 'Read an invitation addressed to your party, with the person’s personnummer',
  description:
    'Webhooks carry ids only; this is how the invited system gets the meeting and the person. For the ' +
    'invited party only, while the consent holds (404 otherwise); consent-checked and audited like ' +
    'every read of personal data. The only route that hands a personnummer back.',
  ...secured('sip:read'),
  request: { params: idParam },
  responses: {
    200: { description: 'The invitation', content: { 'application/json': { schema: InvitationSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export const answerInvitationRoute = createRoute({
  method: 'post',
  path: '/v1/invitations/{id}/response',
  operationId: 'answerInvitation',
  tags: ['SIP'],
  summary: 'Answer an invitation: accept, decline or propose another time',
  description: 'For the invited party; the latest answer counts and is shown in the SIP.',
  ...secured('sip:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: InvitationResponseSchema } } },
  },
  responses: {
    200: {
      description: 'The invitation with the answer',
      content: { 'application/json': { schema: InvitationSchema } },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('illegal-transition'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

/** The invitation, if it is addressed to the caller's party and its SIP's consent holds. */
async function invitationFor(db: DbOrTx, caller: AgencyCaller, id: string, forUpdate = false) {
  const query = db.select().from(invitations).where(eq(invitations.id, id));
  const [invitation] = forUpdate ? await query.for('update') : await query;
  if (!invitation || invitation.partyId !== caller.partyId)
    throw new ProblemError('not-found', 'no such invitation');
  const { sip, consent } = await sipVisibleTo(db, caller, invitation.sipId).catch(() => {
    throw new ProblemError('not-found', 'no such invitation');
  });
  return { invitation, sip, consent };
}

async function invitationView(db: DbOrTx, deps: ServiceDeps, invitationId: string, personKey: string) {
  const [invitation] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
  if (!invitation) throw new ProblemError('not-found', 'no such invitation');
  const [meeting] = await db.select().from(meetings).where(eq(meetings.id, invitation.meetingId));
  const others = await db
    .select()
    .from(invitations)
    .where(eq(invitations.meetingId, invitation.meetingId))
    .orderBy(asc(invitations.createdAt));
  const [person] = await db.select().from(persons).where(eq(persons.personKey, personKey));
  if (!meeting || !person) throw new Error('invitation without meeting or person');
  const personInvitation = others.find((other) => other.participantKind === 'person');
  return {
    id: invitation.id,
    sipId: invitation.sipId,
    party: invitation.partyId ?? '',
    role: invitation.role,
    displayName: invitation.displayName,
    status: invitation.status,
    rsvp: invitation.rsvp,
    proposedStartsAt: invitation.proposedStartsAt?.toISOString() ?? null,
    rsvpComment: invitation.rsvpComment,
    person: {
      personnummer: deps.persons.open(person.sealedNumber),
      displayName: personInvitation?.displayName ?? 'Den enskilde',
    },
    meeting: {
      ...meetingFields(meeting),
      participants: others
        .filter((other) => other.status === 'active')
        .map((other) => ({ party: other.partyId, role: other.role, displayName: other.displayName })),
    },
  };
}

export function registerInvitations(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(getInvitationRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent } = await invitationFor(tx, caller, id);
      await auditSip(tx, 'invitation.read', { caller, requestId: c.get('requestId') }, sip, consent, {
        invitationId: id,
      });
      return invitationView(tx, deps, id, sip.personKey);
    });
    return c.json(view, 200);
  });

  app.openapi(answerInvitationRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const answer = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const { invitation, sip, consent } = await invitationFor(tx, caller, id, true);
      if (invitation.status !== 'active')
        throw new ProblemError('illegal-transition', 'the invitation is cancelled');
      if (answer.proposedStartsAt && Date.parse(answer.proposedStartsAt) <= Date.now()) {
        refuse('/proposedStartsAt', 'propose a time in the future');
      }
      await tx
        .update(invitations)
        .set({
          rsvp: answer.answer,
          proposedStartsAt: answer.proposedStartsAt ? new Date(answer.proposedStartsAt) : null,
          rsvpComment: answer.comment ?? null,
          respondedAt: sql`now()`,
          respondedByOfficer: caller.officerId,
        })
        .where(eq(invitations.id, id));
      await auditSip(tx, 'invitation.answered', { caller, requestId: c.get('requestId') }, sip, consent, {
        invitationId: id,
        answer: answer.answer,
      });
      return invitationView(tx, deps, id, sip.personKey);
    });
    return c.json(view, 200);
  });
}
