import { sips } from '@samsyn/db';
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
import { auditSip, sipVisibleTo } from '../access';
import { loadSipView } from '../load';
import { scheduleFollowUpReminders } from '../messages';
import { checkPlan, withActionIds } from '../plan';
import { idParam, SipSchema, UpdateSipSchema } from '../schemas';

export const updateSipRoute = createRoute({
  method: 'patch',
  path: '/v1/sips/{id}',
  operationId: 'updateSip',
  tags: ['SIP'],
  summary: 'Revise the plan: needs, goals, actions, principal, coordinator, next follow-up',
  description:
    'Fields given replace the stored ones (lists as a whole). Changing the follow-up date replaces ' +
    'its reminders. A closed SIP cannot be revised (409 `illegal-transition`).',
  ...secured('sip:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: UpdateSipSchema } } },
  },
  responses: {
    200: { description: 'The revised SIP', content: { 'application/json': { schema: SipSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('illegal-transition'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerUpdateSip(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(updateSipRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const change = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent } = await sipVisibleTo(tx, caller, id, { forUpdate: true });
      if (sip.closedAt) throw new ProblemError('illegal-transition', 'a closed SIP cannot be revised');
      checkPlan(change, sip.participants);
      const [updated] = await tx
        .update(sips)
        .set({
          ...(change.principal !== undefined ? { principalParty: change.principal } : {}),
          ...(change.coordinator !== undefined ? { coordinator: change.coordinator } : {}),
          ...(change.needs !== undefined ? { needs: change.needs } : {}),
          ...(change.goals !== undefined ? { goals: change.goals } : {}),
          ...(change.actions !== undefined ? { actions: withActionIds(change.actions) } : {}),
          ...(change.nextFollowUpOn !== undefined ? { nextFollowUpOn: change.nextFollowUpOn } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(sips.id, id))
        .returning();
      if (!updated) throw new Error('SIP update returned no row');
      if (change.nextFollowUpOn !== undefined) await scheduleFollowUpReminders(tx, updated);
      await auditSip(tx, 'sip.updated', { caller, requestId: c.get('requestId') }, sip, consent, {
        fields: Object.keys(change),
      });
      return loadSipView(tx, updated);
    });
    return c.json(view, 200);
  });
}
