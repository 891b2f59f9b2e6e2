import { appendAuditEntry, sqlClientOf } from '@samsyn/db';
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
import { sipAuditEntry, visibleOrMissing } from '../access';
import { readSipView } from '../load';
import { idParam, SipSchema } from '../schemas';
import { sipWithConsent } from '../store';

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
    // The SIP with its consent in one statement, then the audit entry and the plan in one socket
    // write; the entry commits with the read or neither happens.
    const view = await sqlClientOf(deps.db).begin(async (sql) => {
      const found = await sipWithConsent(sql, id, { forUpdate: false });
      const { sip, consent } = visibleOrMissing(caller, found.sip, found.consent);
      const audited = appendAuditEntry(
        sql,
        sipAuditEntry('sip.read', { caller, requestId: c.get('requestId') }, sip, consent),
      );
      const plan = readSipView(sql, id);
      const [, shown] = await Promise.all([audited, plan]);
      return shown;
    });
    return c.json(view, 200);
  });
}
