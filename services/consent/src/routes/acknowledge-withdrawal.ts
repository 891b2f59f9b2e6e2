import { appendAudit, consents, withdrawalNotices } from '@samsyn/db';
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
import { and, eq, isNull, sql } from 'drizzle-orm';
import { noticesOf } from '../notices';
import { ConsentSchema, consentIdParam } from '../schemas';
import { consentView } from '../view';

export const acknowledgeWithdrawalRoute = createRoute({
  method: 'post',
  path: '/v1/consents/{id}/revocation/acknowledgements',
  operationId: 'acknowledgeWithdrawal',
  tags: ['Consent'],
  summary: 'Acknowledge that your party has acted on a consent withdrawal',
  description:
    'For a party sent a `consent.withdrawn` notice: records that the withdrawal reached it, so the ' +
    'person can see that it reached everyone. Acknowledging again changes nothing.',
  ...secured('consent:write'),
  request: { params: consentIdParam },
  responses: {
    200: {
      description: 'The consent with its notices',
      content: { 'application/json': { schema: ConsentSchema } },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerAcknowledgeWithdrawal(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(acknowledgeWithdrawalRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const result = await deps.db.transaction(async (tx) => {
      const [notice] = await tx
        .select()
        .from(withdrawalNotices)
        .where(and(eq(withdrawalNotices.consentId, id), eq(withdrawalNotices.partyId, caller.partyId)));
      const [consent] = await tx.select().from(consents).where(eq(consents.id, id));
      if (!notice || !consent) throw new ProblemError('not-found', 'no withdrawal notice for your party');
      const acknowledged = await tx
        .update(withdrawalNotices)
        .set({ acknowledgedAt: sql`now()`, acknowledgedByOfficer: caller.officerId })
        .where(
          and(
            eq(withdrawalNotices.consentId, id),
            eq(withdrawalNotices.partyId, caller.partyId),
            isNull(withdrawalNotices.acknowledgedAt),
          ),
        )
        .returning();
      if (acknowledged.length > 0) {
        await appendAudit(tx, {
          action: 'withdrawal.acknowledged',
          partyId: caller.partyId,
          officerId: caller.officerId,
          personKey: consent.personKey,
          consentIds: [id],
          requestId: c.get('requestId'),
        });
      }
      return { consent, notices: await noticesOf(tx, [id]) };
    });
    return c.json(consentView(result.consent, result.notices), 200);
  });
}
