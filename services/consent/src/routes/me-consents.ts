import type { CitizenCaller } from '@samsyn/auth';
import { appendAudit, type Consent, consents, type Tx } from '@samsyn/db';
import {
  type AppEnv,
  citizenCaller,
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
import { and, desc, eq } from 'drizzle-orm';
import { noticesOf } from '../notices';
import { signConsentReceipt } from '../receipt';
import { withdrawConsent } from '../revoke';
import {
  ConsentListSchema,
  ConsentSchema,
  consentIdParam,
  RecordedConsentSchema,
  RevocationInputSchema,
} from '../schemas';
import { type Subject, subjectFor } from '../self';
import { ReceiptSchema, representationQuery } from '../self-schemas';
import { consentView } from '../view';

const notFound = { 404: problemResponseSpec('not-found') };

export const myConsentsRoute = createRoute({
  method: 'get',
  path: '/v1/me/consents',
  operationId: 'listMyConsents',
  tags: ['Self-service'],
  summary: 'The consents given in my name (or my principal’s)',
  description:
    'Every consent of the person, newest first: the plain-language text agreed to, parties, categories, ' +
    'purposes, validity, who recorded it, and any withdrawal with the parties’ acknowledgements.',
  ...secured('self:read'),
  request: { query: representationQuery },
  responses: {
    200: { description: 'The consents', content: { 'application/json': { schema: ConsentListSchema } } },
    ...securedProblemResponses,
    ...notFound,
    ...commonProblemResponses,
  },
});

export const myConsentRoute = createRoute({
  method: 'get',
  path: '/v1/me/consents/{id}',
  operationId: 'getMyConsent',
  tags: ['Self-service'],
  summary: 'One of my consents, with who has acknowledged its withdrawal',
  ...secured('self:read'),
  request: { params: consentIdParam, query: representationQuery },
  responses: {
    200: { description: 'The consent', content: { 'application/json': { schema: ConsentSchema } } },
    ...securedProblemResponses,
    ...notFound,
    ...commonProblemResponses,
  },
});

export const myConsentReceiptRoute = createRoute({
  method: 'get',
  path: '/v1/me/consents/{id}/receipt',
  operationId: 'getMyConsentReceipt',
  tags: ['Self-service'],
  summary: 'A signed receipt of the consent as it stands now (a withdrawal receipt once withdrawn)',
  ...secured('self:read'),
  request: { params: consentIdParam, query: representationQuery },
  responses: {
    200: { description: 'The receipt', content: { 'application/json': { schema: ReceiptSchema } } },
    ...securedProblemResponses,
    ...notFound,
    ...commonProblemResponses,
  },
});

export const withdrawMyConsentRoute = createRoute({
  method: 'post',
  path: '/v1/me/consents/{id}/revocation',
  operationId: 'withdrawMyConsent',
  tags: ['Self-service'],
  summary: 'Withdraw a consent',
  description:
    'The same as an agency recording the withdrawal: it takes effect on the next request, closes every ' +
    'SIP resting on the consent, cancels pending invitations and reminders, and notifies every party ' +
    'that received data under it. Follow their acknowledgements at `GET /v1/me/consents/{id}`.',
  ...secured('self:write'),
  request: {
    params: consentIdParam,
    query: representationQuery,
    body: { required: true, content: { 'application/json': { schema: RevocationInputSchema } } },
  },
  responses: {
    200: {
      description: 'Withdrawn, with a signed receipt',
      content: { 'application/json': { schema: RecordedConsentSchema } },
    },
    ...securedProblemResponses,
    ...notFound,
    409: problemResponseSpec('consent-revoked'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

/** The consent, if the subject may see it: the person's own, and for a consent-scoped representative only that one. */
async function consentOf(tx: Tx, subject: Subject, id: string, forUpdate = false): Promise<Consent> {
  const query = tx
    .select()
    .from(consents)
    .where(and(eq(consents.id, id), eq(consents.personKey, subject.personKey)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row || (subject.onlyConsentId !== null && subject.onlyConsentId !== row.id)) {
    throw new ProblemError('not-found', 'no such consent');
  }
  return row;
}

/** A representative reading the principal's consents is itself an access the principal may see. */
async function auditRepresentativeRead(
  tx: Tx,
  caller: CitizenCaller,
  subject: Subject,
  ids: string[],
  requestId: string,
) {
  if (!subject.representation || ids.length === 0) return;
  await appendAudit(tx, {
    action: 'consent.read',
    actorPersonKey: caller.personKey,
    personKey: subject.personKey,
    consentIds: ids,
    requestId,
    details: { representation: subject.representation.id, kind: subject.representation.kind },
  });
}

export function registerMyConsents(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(myConsentsRoute, async (c) => {
    const caller = citizenCaller(c);
    const { representation } = c.req.valid('query');
    const result = await deps.db.transaction(async (tx) => {
      const subject = await subjectFor(tx, caller, representation);
      const rows = await tx
        .select()
        .from(consents)
        .where(
          and(
            eq(consents.personKey, subject.personKey),
            subject.onlyConsentId ? eq(consents.id, subject.onlyConsentId) : undefined,
          ),
        )
        .orderBy(desc(consents.recordedAt))
        .limit(1000);
      await auditRepresentativeRead(
        tx,
        caller,
        subject,
        rows.map((row) => row.id),
        c.get('requestId'),
      );
      return {
        rows,
        notices: await noticesOf(
          tx,
          rows.map((row) => row.id),
        ),
      };
    });
    const at = new Date();
    return c.json({ consents: result.rows.map((row) => consentView(row, result.notices, at)) }, 200);
  });

  app.openapi(myConsentRoute, async (c) => {
    const caller = citizenCaller(c);
    const { id } = c.req.valid('param');
    const { representation } = c.req.valid('query');
    const result = await deps.db.transaction(async (tx) => {
      const subject = await subjectFor(tx, caller, representation);
      const consent = await consentOf(tx, subject, id);
      await auditRepresentativeRead(tx, caller, subject, [consent.id], c.get('requestId'));
      return { consent, notices: await noticesOf(tx, [consent.id]) };
    });
    return c.json(consentView(result.consent, result.notices), 200);
  });

  app.openapi(myConsentReceiptRoute, async (c) => {
    const caller = citizenCaller(c);
    const { id } = c.req.valid('param');
    const { representation } = c.req.valid('query');
    const result = await deps.db.transaction(async (tx) => {
      const subject = await subjectFor(tx, caller, representation);
      const consent = await consentOf(tx, subject, id);
      return { consent, notices: await noticesOf(tx, [consent.id]) };
    });
    const receipt = await signConsentReceipt(
      deps.receipts,
      result.consent.personKey,
      consentView(result.consent, result.notices),
    );
    return c.json({ receipt }, 200);
  });

  app.openapi(withdrawMyConsentRoute, async (c) => {
    const caller = citizenCaller(c);
    const { id } = c.req.valid('param');
    const { representation } = c.req.valid('query');
    const { reason } = c.req.valid('json');
    const result = await deps.db.transaction(async (tx) => {
      const subject = await subjectFor(tx, caller, representation);
      const consent = await consentOf(tx, subject, id, true);
      return withdrawConsent(
        tx,
        consent,
        reason,
        {
          kind: 'citizen',
          personKey: caller.personKey,
          role: subject.representation ? 'representative' : 'person',
        },
        c.get('requestId'),
      );
    });
    const consent = consentView(result.revoked, result.notices);
    const receipt = await signConsentReceipt(deps.receipts, result.revoked.personKey, consent);
    return c.json({ consent, receipt }, 200);
  });
}
