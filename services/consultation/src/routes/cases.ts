import { randomUUID } from 'node:crypto';
import {
  type ConsultationCase,
  consents,
  consultationAdvice,
  consultationCases,
  consultationMeetings,
  ensurePerson,
  persons,
  type Tx,
} from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  paginationQuery,
  problemResponseSpec,
  type ServiceDeps,
  secured,
} from '@samsyn/http';
import { and, desc, eq, exists, isNull, type SQL } from 'drizzle-orm';
import {
  auditNamedCase,
  caseVisibleTo,
  consentCoversForum,
  contactNames,
  forumOfMember,
  meetingOfForum,
  refuse,
  refusePersonalData,
  type VisibleCase,
} from '../access';
import { baseResponses, problemsSpec } from '../responses';
import { CaseListSchema, CaseSchema, caseListQuery, caseParams, idParam, RaiseCaseSchema } from '../schemas';
import { caseSummaries, caseView } from '../views';
import { nextMeeting } from './meetings';

export const raiseCaseRoute = createRoute({
  method: 'post',
  path: '/v1/forums/{id}/cases',
  operationId: 'raiseCase',
  tags: ['Consultation'],
  summary: 'Raise a case for the next meeting: anonymised, or named under a consultation consent',
  description:
    'Any member raises a case, for the next scheduled meeting unless `meetingId` names another (a ' +
    'held one too, when recording history); with no meeting scheduled it waits for the next one ' +
    'called. **Anonymised**: age band, sex, household, years on assistance, the question category ' +
    'and the question. The question must not identify anyone: a personnummer or samordningsnummer ' +
    '(in any written form, valid or not), a common first name followed by a surname, a “…sson” ' +
    'surname, or a contact person’s name is refused with 422 `personal-data-in-text` pointing at the ' +
    'field, and nothing is stored; every answer carries a `warning` of what the check cannot see. ' +
    '**Named**: the personnummer and a consent valid now, with the purpose `consultation`, naming ' +
    'every member party (403 `consent-required` otherwise — the same answer whether the consent is ' +
    'missing, of another person, or insufficient); the consent must also last until the meeting ' +
    'ends. The members may then read the person’s statuses with `POST /v1/status-queries`, purpose ' +
    '`consultation`, while preparing.',
  ...secured('consultation:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: RaiseCaseSchema } } },
  },
  responses: {
    201: {
      description: 'Raised',
      headers: {
        Location: {
          description: 'The new case, `/v1/forums/{id}/cases/{caseId}`',
          schema: {
            type: 'string',
            maxLength: 200,
            pattern: '^/v1/forums/[0-9a-f-]{36}/cases/[0-9a-f-]{36}$',
          },
        },
      },
      content: { 'application/json': { schema: CaseSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'consent-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
    422: problemsSpec('validation-failed', 'personal-data-in-text', 'invalid-personnummer'),
  },
});

export const listCasesRoute = createRoute({
  method: 'get',
  path: '/v1/forums/{id}/cases',
  operationId: 'listCases',
  tags: ['Consultation'],
  summary: 'A forum’s cases, newest first: summaries without personal data',
  description:
    'For the forum’s members: an agenda (`meetingId`), your own cases (`raisedByMe=true`), or those ' +
    'answered but not yet followed up (`awaitingFollowUp=true`). A named case’s question is left out; ' +
    'read it with `GET /v1/forums/{id}/cases/{caseId}`.',
  ...secured('consultation:read'),
  request: { params: idParam, query: paginationQuery.extend(caseListQuery.shape) },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: CaseListSchema } } },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export const getCaseRoute = createRoute({
  method: 'get',
  path: '/v1/forums/{id}/cases/{caseId}',
  operationId: 'getCase',
  tags: ['Consultation'],
  summary: 'A case with its advice and follow-up; a named case with the person’s personnummer',
  description:
    'For the forum’s members. A named case only while its consent is valid, for consultation, naming ' +
    'every member (404 otherwise, for everyone, as after a withdrawal); each read of a named case is ' +
    'written to the person’s access log in the same transaction.',
  ...secured('consultation:read'),
  request: { params: caseParams },
  responses: {
    200: { description: 'The case', content: { 'application/json': { schema: CaseSchema } } },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export const withdrawCaseRoute = createRoute({
  method: 'delete',
  path: '/v1/forums/{id}/cases/{caseId}',
  operationId: 'withdrawCase',
  tags: ['Consultation'],
  summary: 'Withdraw a case before its meeting: it is erased',
  description:
    'For the raising party, until the case’s meeting starts (409 `state-conflict` after). The case ' +
    'and its text are deleted, so a case raised by mistake — or with something identifying in it — ' +
    'leaves nothing behind; a named case’s withdrawal is logged for the person.',
  ...secured('consultation:write'),
  request: { params: caseParams },
  responses: {
    204: { description: 'Withdrawn and erased' },
    ...baseResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
  },
});

/** The case as a member sees it, with the person's personnummer opened for a named case. */
export async function visibleCaseView(deps: ServiceDeps, tx: Tx, visible: Pick<VisibleCase, 'kase'>) {
  const { kase } = visible;
  if (!kase.personKey) return caseView(tx, kase, null);
  const [person] = await tx.select().from(persons).where(eq(persons.personKey, kase.personKey));
  if (!person) throw new Error('a named case without its person');
  return caseView(tx, kase, deps.persons.open(person.sealedNumber));
}

export function registerCases(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(raiseCaseRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const actor = { caller, requestId: c.get('requestId') };
    const raised = await deps.db.transaction(async (tx) => {
      // Shared with other raises, exclusive against a meeting being called or cancelled: the
      // meeting chosen below is still the next one when this commits.
      const forum = await forumOfMember(tx, caller, id, { lock: 'share' });
      if (input.kind === 'anonymised') {
        refusePersonalData([{ pointer: '/question', text: input.question }], {
          knownNames: contactNames(forum),
        });
      } else {
        refusePersonalData([{ pointer: '/question', text: input.question }], { numbersOnly: true });
      }
      if (input.addressedTo !== null) {
        if (!forum.memberParties.includes(input.addressedTo))
          refuse('/addressedTo', `${input.addressedTo} is not a member of the forum`);
        if (input.addressedTo === caller.partyId) refuse('/addressedTo', 'ask another member than yourself');
      }
      const meeting = input.meetingId
        ? await meetingOfForum(tx, id, input.meetingId)
        : await nextMeeting(tx, id);
      if (meeting?.status === 'cancelled')
        throw new ProblemError('state-conflict', 'the meeting is cancelled');

      const common = {
        id: randomUUID(),
        forumId: id,
        meetingId: meeting?.id ?? null,
        category: input.category,
        question: input.question,
        addressedTo: input.addressedTo,
        raisedByParty: caller.partyId,
        raisedByOfficer: caller.officerId,
      };
      if (input.kind === 'anonymised') {
        const [row] = await tx
          .insert(consultationCases)
          .values({
            ...common,
            kind: 'anonymised',
            ageBand: input.ageBand,
            sex: input.sex,
            household: input.household,
            assistanceDuration: input.assistanceDuration,
          })
          .returning();
        if (!row) throw new Error('case insert returned no row');
        return { row, personnummer: null };
      }

      const parsed = parsePersonNumber(input.personnummer);
      if (!parsed.ok) throw new ProblemError('invalid-personnummer');
      const person = deps.persons.record(parsed.value);
      const [consent] = await tx.select().from(consents).where(eq(consents.id, input.consentId));
      if (
        !consent ||
        consent.personKey !== person.personKey ||
        !consentCoversForum(consent, forum.memberParties)
      ) {
        throw new ProblemError(
          'consent-required',
          'the consent must be valid now, for consultation, naming every member party of the forum',
        );
      }
      if (
        meeting &&
        meeting.startsAt.getTime() + meeting.durationMinutes * 60_000 > consent.validUntil.getTime()
      ) {
        throw new ProblemError(
          'consent-required',
          `the consent ends ${consent.validUntil.toISOString()}, before the meeting does`,
        );
      }
      await ensurePerson(tx, person);
      const [row] = await tx
        .insert(consultationCases)
        .values({ ...common, kind: 'named', personKey: person.personKey, consentId: consent.id })
        .returning();
      if (!row) throw new Error('case insert returned no row');
      await auditNamedCase(tx, 'consultation_case.raised', actor, row, consent);
      return { row, personnummer: parsed.value.normalised };
    });
    const view = await caseView(deps.db, raised.row, raised.personnummer);
    return c.json(view, 201, { location: `/v1/forums/${id}/cases/${raised.row.id}` });
  });

  app.openapi(listCasesRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const { limit, page, meetingId, raisedByMe, awaitingFollowUp } = c.req.valid('query');
    await forumOfMember(deps.db, caller, id);
    const conditions: Array<SQL | undefined> = [eq(consultationCases.forumId, id)];
    if (meetingId) conditions.push(eq(consultationCases.meetingId, meetingId));
    if (raisedByMe) conditions.push(eq(consultationCases.raisedByParty, caller.partyId));
    if (awaitingFollowUp) {
      conditions.push(
        isNull(consultationCases.followedUpAt),
        exists(
          deps.db
            .select({ one: consultationAdvice.caseId })
            .from(consultationAdvice)
            .where(eq(consultationAdvice.caseId, consultationCases.id)),
        ),
      );
    }
    const rows = await deps.db
      .select()
      .from(consultationCases)
      .where(and(...conditions))
      .orderBy(desc(consultationCases.raisedAt), desc(consultationCases.id))
      .limit(limit + 1)
      .offset((page - 1) * limit);
    const cases = await caseSummaries(deps.db, rows.slice(0, limit));
    return c.json({ cases, page: { limit, page, hasMore: rows.length > limit } }, 200);
  });

  app.openapi(getCaseRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, caseId } = c.req.valid('param');
    const view = await deps.db.transaction(async (tx) => {
      const visible = await caseVisibleTo(tx, caller, id, caseId);
      if (visible.consent) {
        await auditNamedCase(
          tx,
          'consultation_case.read',
          { caller, requestId: c.get('requestId') },
          visible.kase,
          visible.consent,
        );
      }
      return visibleCaseView(deps, tx, visible);
    });
    return c.json(view, 200);
  });

  app.openapi(withdrawCaseRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, caseId } = c.req.valid('param');
    await deps.db.transaction(async (tx) => {
      await forumOfMember(tx, caller, id);
      const [kase] = await tx
        .select()
        .from(consultationCases)
        .where(and(eq(consultationCases.id, caseId), eq(consultationCases.forumId, id)))
        .for('update');
      if (!kase) throw new ProblemError('not-found', 'no such case');
      if (kase.raisedByParty !== caller.partyId)
        throw new ProblemError(
          'role-required',
          `only the raising party, ${kase.raisedByParty}, withdraws it`,
        );
      await refuseIfStarted(tx, kase);
      await tx.delete(consultationCases).where(eq(consultationCases.id, caseId));
      // A withdrawal is logged even when the consent has ended since: the person sees the case go.
      if (kase.consentId && kase.personKey) {
        const [consent] = await tx.select().from(consents).where(eq(consents.id, kase.consentId));
        if (consent) {
          await auditNamedCase(
            tx,
            'consultation_case.withdrawn',
            { caller, requestId: c.get('requestId') },
            kase,
            consent,
          );
        }
      }
    });
    return c.body(null, 204);
  });
}

async function refuseIfStarted(tx: Tx, kase: ConsultationCase) {
  if (!kase.meetingId) return;
  const [meeting] = await tx
    .select({ startsAt: consultationMeetings.startsAt })
    .from(consultationMeetings)
    .where(eq(consultationMeetings.id, kase.meetingId));
  if (meeting && meeting.startsAt <= new Date()) {
    throw new ProblemError(
      'state-conflict',
      'the case’s meeting has started: the case is part of its record',
    );
  }
}
