import { appendAudit, consents } from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { and, arrayContains, desc, eq } from 'drizzle-orm';
import { noticesOf } from '../notices';
import { ConsentListSchema, ConsentQuerySchema } from '../schemas';
import { consentView } from '../view';

export const queryConsentsRoute = createRoute({
  method: 'post',
  path: '/v1/consent-queries',
  operationId: 'queryConsents',
  tags: ['Consent'],
  summary: 'List a person’s consents that name your party',
  description:
    'Every consent of the person that names your party — valid, not yet valid, expired or revoked — ' +
    'newest first. Consents that do not name you are not listed. A non-empty answer is audited.',
  ...secured('consent:read'),
  request: { body: { required: true, content: { 'application/json': { schema: ConsentQuerySchema } } } },
  responses: {
    200: {
      description: 'The consents naming you',
      content: { 'application/json': { schema: ConsentListSchema } },
    },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerQueryConsents(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(queryConsentsRoute, async (c) => {
    const caller = agencyCaller(c);
    const parsed = parsePersonNumber(c.req.valid('json').personnummer);
    if (!parsed.ok) throw new ProblemError('invalid-personnummer');
    const personKey = deps.persons.keyOf(parsed.value.normalised);
    const rows = await deps.db.transaction(async (tx) => {
      const found = await tx
        .select()
        .from(consents)
        .where(and(eq(consents.personKey, personKey), arrayContains(consents.parties, [caller.partyId])))
        .orderBy(desc(consents.recordedAt))
        .limit(1000);
      if (found.length > 0) {
        await appendAudit(tx, {
          action: 'consent.read',
          partyId: caller.partyId,
          officerId: caller.officerId,
          personKey,
          consentIds: found.map((row) => row.id),
          requestId: c.get('requestId'),
        });
      }
      return {
        found,
        notices: await noticesOf(
          tx,
          found.map((row) => row.id),
        ),
      };
    });
    const at = new Date();
    return c.json({ consents: rows.found.map((row) => consentView(row, rows.notices, at)) }, 200);
  });
}
