import { sqlClientOf } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { appendSignalAudit } from '@samsyn/signals';
import { AcknowledgementSchema, idParam, SignalSchema } from '../schemas';
import { ownSignal } from '../store';
import { signalView } from '../views';

export const acknowledgeSignalRoute = createRoute({
  method: 'post',
  path: '/v1/signals/{id}/acknowledgements',
  operationId: 'acknowledgeSignal',
  tags: ['Signals'],
  summary: 'Say what you did about a signal: acted, or not relevant and why',
  description:
    'Records the outcome with your officer and the time; an open signal becomes `acknowledged`. A later ' +
    'acknowledgement replaces an earlier one (the latest counts in the förbund’s figures). A cleared signal can ' +
    'still be acknowledged: it may have cleared because you acted. Written to the person’s access log.',
  ...secured('signals:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: AcknowledgementSchema } } },
  },
  responses: {
    200: {
      description: 'The signal with your answer',
      content: { 'application/json': { schema: SignalSchema } },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerAcknowledgeSignal(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(acknowledgeSignalRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const signal = await sqlClientOf(deps.db).begin(async (sql) => {
      const before = await ownSignal(sql, id, caller.partyId, { forUpdate: true });
      const at = new Date().toISOString();
      await sql`
        update signals set
          acknowledged_at = ${at}, acknowledgement_outcome = ${body.outcome},
          acknowledgement_reason = ${body.reason ?? null}, acknowledged_by_officer = ${caller.officerId},
          state = case when state = 'open' then 'acknowledged' else state end, updated_at = ${at}
        where id = ${id}`;
      await appendSignalAudit(sql, [
        {
          action: 'signal.acknowledged',
          partyId: caller.partyId,
          officerId: caller.officerId,
          personKey: before.personKey,
          purpose: before.purpose,
          legalBasis: null,
          consentIds: before.consentIds,
          categories: [],
          requestId: c.get('requestId'),
          details: { signalId: id, outcome: body.outcome },
        },
      ]);
      return ownSignal(sql, id, caller.partyId);
    });
    return c.json(signalView(signal), 200);
  });
}
