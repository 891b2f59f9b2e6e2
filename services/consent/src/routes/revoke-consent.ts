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
import { consentVisibleTo } from '../access';
import { signConsentReceipt } from '../receipt';
import { withdrawConsent } from '../revoke';
import { consentIdParam, RecordedConsentSchema, RevocationInputSchema } from '../schemas';
import { consentView } from '../view';

export const revokeConsentRoute = createRoute({
  method: 'post',
  path: '/v1/consents/{id}/revocation',
  operationId: 'revokeConsent',
  tags: ['Consent'],
  summary: 'Record that the person has withdrawn a consent',
  description:
    'Any party the consent names may record a withdrawal, with the reason. It takes effect at once: ' +
    'the next query relying on the consent is withheld. In the same transaction every SIP resting on ' +
    'the consent is closed ("consent withdrawn") with its pending invitations and reminders, and every ' +
    'party that received data under it is sent a `consent.withdrawn` webhook to acknowledge. Returns ' +
    'the consent and a signed receipt of the withdrawal. A consent is revoked once (409 ' +
    '`consent-revoked` after that).',
  ...secured('consent:write'),
  request: {
    params: consentIdParam,
    body: { required: true, content: { 'application/json': { schema: RevocationInputSchema } } },
  },
  responses: {
    200: { description: 'Revoked', content: { 'application/json': { schema: RecordedConsentSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('consent-revoked'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerRevokeConsent(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(revokeConsentRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const row = await deps.db.transaction(async (tx) => {
      const consent = await consentVisibleTo(tx, caller, id, true);
      return withdrawConsent(
        tx,
        consent,
        reason,
        { kind: 'agency', partyId: caller.partyId, officerId: caller.officerId },
        c.get('requestId'),
      );
    });
    const consent = consentView(row.revoked, row.notices);
    const receipt = await signConsentReceipt(deps.receipts, row.revoked.personKey, consent);
    return c.json({ consent, receipt }, 200);
  });
}
