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
import { auditSip, sipVisibleTo } from '../access';
import { loadSipView } from '../load';
import { idParam, SipSchema } from '../schemas';

export const getSipRoute = createRoute({
  method: 'get',
  path: '/v1/sips/{id}',
  operationId: 'getSip',
  tags: ['SIP'],
  summary: 'Read a SIP: plan, meetings, and each invitation’s delivery state and RSVP',
  description:
    'For the participating parties while the consent holds; 404 for anyone else and after the ' +
    'consent is withdrawn. Audited as a read of personal data.',
  ...secured('sip:read'),
  request: { params: idParam },
  responses: {
    200: { description: 'The SIP', content: { 'application/json': { schema: SipSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export function registerGetSip(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(getSipRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent } = await sipVisibleTo(tx, caller, id);
      await auditSip(tx, 'sip.read', { caller, requestId: c.get('requestId') }, sip, consent);
      return loadSipView(tx, sip);
    });
    return c.json(view, 200);
  });
}
