import { consultationAdvice, consultationCases, consultationMeetings, type Tx } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
} from '@samsyn/http';
import { count, eq, sql } from 'drizzle-orm';
import { auditNamedCase, caseVisibleTo, contactNames, refusePersonalData, type VisibleCase } from '../access';
import { baseResponses, problemsSpec } from '../responses';
import { AnswerSchema, CaseSchema, caseParams, RecordFollowUpSchema } from '../schemas';
import { visibleCaseView } from './cases';

export const answerCaseRoute = createRoute({
  method: 'post',
  path: '/v1/forums/{id}/cases/{caseId}/answers',
  operationId: 'answerCase',
  tags: ['Consultation'],
  summary: 'Record your party’s advice on a case',
  description:
    'For a member other than the raising party (403 `role-required` for the raising party), once the ' +
    'case’s meeting has started (409 `state-conflict` before). One piece of advice per party: ' +
    'answering again replaces it. Advice on an anonymised case must not identify anyone either ' +
    '(422 `personal-data-in-text`).',
  ...secured('consultation:write'),
  request: {
    params: caseParams,
    body: { required: true, content: { 'application/json': { schema: AnswerSchema } } },
  },
  responses: {
    201: { description: 'The case with the advice', content: { 'application/json': { schema: CaseSchema } } },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
    422: problemsSpec('validation-failed', 'personal-data-in-text'),
  },
});

export const followUpCaseRoute = createRoute({
  method: 'post',
  path: '/v1/forums/{id}/cases/{caseId}/follow-ups',
  operationId: 'followUpCase',
  tags: ['Consultation'],
  summary: 'Record whether the advice was followed, and the next steps taken',
  description:
    'For the raising party (any of its officers: cases change hands), once the case has been ' +
    'answered (409 `state-conflict` before). Next steps: SIP called, FK coordination applied for, ' +
    'sickness or activity compensation applied for, other — any number, or none. The latest ' +
    'follow-up counts.',
  ...secured('consultation:write'),
  request: {
    params: caseParams,
    body: { required: true, content: { 'application/json': { schema: RecordFollowUpSchema } } },
  },
  responses: {
    200: {
      description: 'The case with the follow-up',
      content: { 'application/json': { schema: CaseSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
    422: problemsSpec('validation-failed', 'personal-data-in-text'),
  },
});

/** Free text on a case: no names or numbers on an anonymised one, no personnummer on a named one. */
function checkText(visible: VisibleCase, pointer: string, text: string | null) {
  if (visible.kase.kind === 'anonymised') {
    refusePersonalData([{ pointer, text }], { knownNames: contactNames(visible.forum) });
  } else {
    refusePersonalData([{ pointer, text }], { numbersOnly: true });
  }
}

async function meetingStarted(tx: Tx, meetingId: string | null): Promise<boolean> {
  if (!meetingId) return false;
  const [meeting] = await tx
    .select({ startsAt: consultationMeetings.startsAt })
    .from(consultationMeetings)
    .where(eq(consultationMeetings.id, meetingId));
  return meeting !== undefined && meeting.startsAt <= new Date();
}

export function registerAnswers(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(answerCaseRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, caseId } = c.req.valid('param');
    const { advice } = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const visible = await caseVisibleTo(tx, caller, id, caseId, { forUpdate: true });
      const { kase, consent } = visible;
      if (kase.raisedByParty === caller.partyId)
        throw new ProblemError('role-required', 'the raising party asks: the other members answer');
      if (!(await meetingStarted(tx, kase.meetingId)))
        throw new ProblemError('state-conflict', 'advice is recorded once the case’s meeting has started');
      checkText(visible, '/advice', advice);
      await tx
        .insert(consultationAdvice)
        .values({ caseId, partyId: caller.partyId, advice, recordedByOfficer: caller.officerId })
        .onConflictDoUpdate({
          target: [consultationAdvice.caseId, consultationAdvice.partyId],
          set: { advice, recordedByOfficer: caller.officerId, updatedAt: sql`now()` },
        });
      await tx
        .update(consultationCases)
        .set({ updatedAt: sql`now()` })
        .where(eq(consultationCases.id, caseId));
      if (consent) {
        await auditNamedCase(
          tx,
          'consultation_case.answered',
          { caller, requestId: c.get('requestId') },
          kase,
          consent,
        );
      }
      return visibleCaseView(deps, tx, visible);
    });
    return c.json(view, 201);
  });

  app.openapi(followUpCaseRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, caseId } = c.req.valid('param');
    const input = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const visible = await caseVisibleTo(tx, caller, id, caseId, { forUpdate: true });
      const { kase, consent } = visible;
      if (kase.raisedByParty !== caller.partyId) {
        throw new ProblemError(
          'role-required',
          `only the raising party, ${kase.raisedByParty}, records what came of the advice`,
        );
      }
      const [answers] = await tx
        .select({ n: count() })
        .from(consultationAdvice)
        .where(eq(consultationAdvice.caseId, caseId));
      if ((answers?.n ?? 0) === 0)
        throw new ProblemError('state-conflict', 'the case has not been answered yet');
      checkText(visible, '/note', input.note);
      const [updated] = await tx
        .update(consultationCases)
        .set({
          adviceFollowed: input.adviceFollowed,
          nextSteps: input.nextSteps,
          followUpNote: input.note,
          followedUpAt: sql`now()`,
          followedUpByOfficer: caller.officerId,
          updatedAt: sql`now()`,
        })
        .where(eq(consultationCases.id, caseId))
        .returning();
      if (!updated) throw new Error('case update returned no row');
      if (consent) {
        await auditNamedCase(
          tx,
          'consultation_case.followed_up',
          { caller, requestId: c.get('requestId') },
          kase,
          consent,
        );
      }
      return visibleCaseView(deps, tx, { kase: updated });
    });
    return c.json(view, 200);
  });
}
