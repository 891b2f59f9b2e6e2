import { randomUUID } from 'node:crypto';
import { appendAudit, ensurePerson, representations } from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
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
import { consentIdParam } from '../schemas';
import {
  EndRepresentationSchema,
  RecordedRepresentationSchema,
  RecordRepresentationSchema,
} from '../self-schemas';

export const recordRepresentationRoute = createRoute({
  method: 'post',
  path: '/v1/representations',
  operationId: 'recordRepresentation',
  tags: ['Consent'],
  summary: 'Record that someone represents a person (ombud, god man, förvaltare, närstående)',
  description:
    'An officer records the representation with its period and evidence (a power of attorney, the ' +
    'court’s decision). The representative may then act for the principal through `/v1/me` until it ' +
    'ends or is ended.',
  ...secured('consent:write'),
  request: {
    body: { required: true, content: { 'application/json': { schema: RecordRepresentationSchema } } },
  },
  responses: {
    201: {
      description: 'Recorded',
      content: { 'application/json': { schema: RecordedRepresentationSchema } },
    },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export const endRepresentationRoute = createRoute({
  method: 'post',
  path: '/v1/representations/{id}/endings',
  operationId: 'endRepresentation',
  tags: ['Consent'],
  summary: 'End a representation; the representative loses access on the next request',
  ...secured('consent:write'),
  request: {
    params: consentIdParam,
    body: { required: true, content: { 'application/json': { schema: EndRepresentationSchema } } },
  },
  responses: {
    200: { description: 'Ended', content: { 'application/json': { schema: RecordedRepresentationSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

const view = (row: typeof representations.$inferSelect) => ({
  id: row.id,
  kind: row.kind,
  validFrom: row.validFrom.toISOString(),
  validUntil: row.validUntil.toISOString(),
  endedAt: row.endedAt?.toISOString() ?? null,
});

export function registerRepresentations(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(recordRepresentationRoute, async (c) => {
    const caller = agencyCaller(c);
    const input = c.req.valid('json');
    const principal = parsePersonNumber(input.principalPersonnummer);
    const representative = parsePersonNumber(input.representativePersonnummer);
    if (!principal.ok || !representative.ok) throw new ProblemError('invalid-personnummer');
    if (principal.value.normalised === representative.value.normalised) {
      throw new ProblemError('validation-failed', 'a person does not represent themselves', {
        errors: [
          { location: 'body', pointer: '/representativePersonnummer', detail: 'must be another person' },
        ],
      });
    }
    const principalRecord = deps.persons.record(principal.value);
    const row = await deps.db.transaction(async (tx) => {
      await ensurePerson(tx, principalRecord);
      const [inserted] = await tx
        .insert(representations)
        .values({
          id: randomUUID(),
          kind: input.kind,
          principalKey: principalRecord.personKey,
          representativeKey: deps.persons.keyOf(representative.value.normalised),
          validFrom: new Date(input.validFrom),
          validUntil: new Date(input.validUntil),
          evidenceReference: input.evidenceReference,
          recordedByParty: caller.partyId,
          recordedByOfficer: caller.officerId,
        })
        .returning();
      if (!inserted) throw new Error('representation insert returned no row');
      await appendAudit(tx, {
        action: 'representation.recorded',
        partyId: caller.partyId,
        officerId: caller.officerId,
        personKey: principalRecord.personKey,
        requestId: c.get('requestId'),
        details: { representation: inserted.id, kind: inserted.kind },
      });
      return inserted;
    });
    return c.json(view(row), 201);
  });

  app.openapi(endRepresentationRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const row = await deps.db.transaction(async (tx) => {
      const [ended] = await tx
        .update(representations)
        .set({
          endedAt: sql`now()`,
          endedByParty: caller.partyId,
          endedByOfficer: caller.officerId,
          endReason: reason,
        })
        .where(and(eq(representations.id, id), isNull(representations.endedAt)))
        .returning();
      if (!ended) throw new ProblemError('not-found', 'no such current representation');
      await appendAudit(tx, {
        action: 'representation.ended',
        partyId: caller.partyId,
        officerId: caller.officerId,
        personKey: ended.principalKey,
        requestId: c.get('requestId'),
        details: { representation: ended.id },
      });
      return ended;
    });
    return c.json(view(row), 200);
  });
}
