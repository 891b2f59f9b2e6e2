import { appendAudit } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { consentVisibleTo } from '../access';
import { noticesOf } from '../notices';
import { ConsentSchema, consentIdParam } from '../schemas';
import { consentView } from '../view';

export const getConsentRoute = createRoute({
  method: 'get',
  path: '/v1/consents/{id}',
  operationId: 'getConsent',
  tags: ['Consent'],
  summary: 'Read one consent',
  description: 'Visible to the parties the consent names; for anyone else it does not exist (404). Audited.',
  ...secured('consent:read'),
  request: { params: consentIdParam },
  responses: {
    200: { description: 'The consent', content: { 'application/json': { schema: ConsentSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export function registerGetConsent(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(getConsentRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const row = await deps.db.transaction(async (tx) => {
      const consent = await consentVisibleTo(tx, caller, id);
      await appendAudit(tx, {
        action: 'consent.read',
        partyId: caller.partyId,
        officerId: caller.officerId,
        personKey: consent.personKey,
        consentIds: [consent.id],
        requestId: c.get('requestId'),
      });
      return { consent, notices: await noticesOf(tx, [consent.id]) };
    });
    return c.json(consentView(row.consent, row.notices), 200);
  });
}
