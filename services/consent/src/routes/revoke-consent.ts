import { appendAudit, applyConsentWithdrawal, consents } from '@samsyn/db';
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
import { consentVisibleTo } from '../access';
import { noticesOf } from '../notices';
import { signConsentReceipt } from '../receipt';
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
      if (consent.revokedAt) throw new ProblemError('consent-revoked');
      const [revoked] = await tx
        .update(consents)
        .set({
          revokedAt: sql`now()`,
          revokedByParty: caller.partyId,
          revokedByOfficer: caller.officerId,
          revocationReason: reason,
        })
        .where(eq(consents.id, id))
        .returning();
      if (!revoked) throw new Error('consent revocation returned no row');
      const effects = await applyConsentWithdrawal(tx, revoked.id);
      await appendAudit(tx, {
        action: 'consent.revoked',
        partyId: caller.partyId,
        officerId: caller.officerId,
        personKey: revoked.personKey,
        consentIds: [revoked.id],
        categories: revoked.categories,
        requestId: c.get('requestId'),
        details: { closedSips: effects.closedSipIds, notified: effects.notifiedParties },
      });
      return { revoked, notices: await noticesOf(tx, [revoked.id]) };
    });
    const consent = consentView(row.revoked, row.notices);
    const receipt = await signConsentReceipt(deps.receipts, row.revoked.personKey, consent);
    return c.json({ consent, receipt }, 200);
  });
}
